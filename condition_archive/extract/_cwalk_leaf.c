/* The walk's texts of childless links (issue 16, session 15): for an <a>
 * without children that the walk reads (not hidden), its visible text
 * (meta.visible_text's answer for a plain leaf: " ".join(el.text.split()), or
 * "") into Measured.leaf_texts, which becomes the region map's visible_text
 * memo.  ~49 of a page's ~60 links are such leaves; each visible_text call
 * on them cost ~1 us in Python (the call, lxml's .text, the split and join),
 * here the text is already in hand.  measure._walk does the same (the reference).
 *
 * Session 16: also an <a> whose one child is an element without children
 * (<a href><span>Title</span></a>, ~13 links a page on the generated site),
 * when the link's own text and the child's tail are blank, the child is
 * neither hidden nor of an invisible tag, and its text is ASCII already
 * normal with no space before punctuation nor after an opening bracket:
 * visible_text's answer is then that text as it is (measure._one_child_text). */
#include "_cwalk.h"

/* getchildren() of `node` is empty (lxml's len(el) == 0). */
static int
childless(const xmlNode *node)
{
    for (const xmlNode *c = node->children; c != NULL; c = c->next)
        if (IS_CHILD(c))
            return 0;
    return 1;
}

/* The UTF-8 `s` is its own " ".join(s.split()): ASCII, single spaces between
 * words, no other whitespace (the split's whitespace includes \x1c-\x1f). */
static int
normal(const char *s, Py_ssize_t n)
{
    if (s[0] == ' ' || s[n - 1] == ' ')
        return 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || (c < 0x20 && (c >= 0x1c || (c >= 0x09 && c <= 0x0d)))
                || (c == ' ' && s[i + 1] == ' '))
            return 0;
    }
    return 1;
}

/* visible_text leaves `s` (normal()) as it is: _SPACE_THEN_PUNCT and
 * _SPACE_AFTER_OPEN (text.py) find nothing in it. */
static int
unpunctuated(const char *s, Py_ssize_t n)
{
    for (Py_ssize_t i = 0; i + 1 < n; i++) {
        char c = s[i], d = s[i + 1];
        if ((c == ' ' && d != '\0' && strchr(",.;:!?)]", d) != NULL)
                || ((c == '(' || c == '[') && d == ' '))
            return 0;
    }
    return 1;
}

/* The one-child link's text (see above) into leaf_texts, or nothing. */
static int
one_child_text(Walk *w, PyObject *el, xmlNode *node)
{
    xmlNode *only = NULL;
    for (xmlNode *c = node->children; c != NULL; c = c->next) {
        if (!IS_CHILD(c))
            continue;
        if (only != NULL || c->type != XML_ELEMENT_NODE)
            return 0;
        only = c;
    }
    if (only == NULL || !childless(only))
        return 0;
    TagInfo *tag;
    PyObject *proxy;
    int rc = cw_tag_info(w, only, &tag);
    if (rc != 0 || (tag->flags & T_INVISIBLE) || !PyUnicode_Check(tag->tag))
        return rc;
    if ((rc = cw_proxy_of(only, &proxy)) != 0)
        return rc;
    int hidden = proxy != NULL ? PySet_Contains(w->hidden, proxy) : 0;
    if (hidden != 0)
        return hidden < 0 ? -1 : 0;
    Text t; Py_ssize_t len, kept;
    if ((rc = cw_collect_text(w, only->next, &t, &len, &kept)) != 0 || kept)
        return rc; /* the tail: blank or none */
    if ((rc = cw_collect_text(w, only->children, &t, &len, &kept)) != 0)
        return rc;
    if (t.n && !(normal(t.s, t.n) && unpunctuated(t.s, t.n)))
        return 0;
    PyObject *text = PyUnicode_DecodeASCII(t.s, t.n, NULL);
    if (text == NULL)
        return -1;
    rc = PyDict_SetItem(w->leaf_texts, el, text);
    Py_DECREF(text);
    return rc;
}

/* `t`: el.text as cw_collect_text read it, `kept` its length stripped. */
int
cw_leaf_text(Walk *w, PyObject *el, xmlNode *node, const Text *t, Py_ssize_t kept)
{
    if (!childless(node))
        return kept ? 0 : one_child_text(w, el, node);
    PyObject *text;
    if (t->n == 0) {
        text = PyUnicode_FromStringAndSize(NULL, 0);
    } else if (normal(t->s, t->n)) {
        text = PyUnicode_DecodeASCII(t->s, t->n, NULL);
    } else {
        PyObject *raw = PyUnicode_DecodeUTF8(t->s, t->n, NULL); /* checked UTF-8 */
        PyObject *words = raw == NULL ? NULL : PyUnicode_Split(raw, NULL, -1);
        PyObject *space = words == NULL ? NULL : PyUnicode_FromStringAndSize(" ", 1);
        text = space == NULL ? NULL : PyUnicode_Join(space, words);
        Py_XDECREF(space);
        Py_XDECREF(words);
        Py_XDECREF(raw);
    }
    if (text == NULL)
        return -1;
    int rc = PyDict_SetItem(w->leaf_texts, el, text);
    Py_DECREF(text);
    return rc;
}
