/* The walk's texts of childless links (issue 16, session 15): for an <a>
 * without children that the walk reads (not hidden), its visible text
 * (meta.visible_text's answer for a plain leaf: " ".join(el.text.split()), or
 * "") into Measured.leaf_texts, which becomes the region map's visible_text
 * memo.  ~49 of a page's ~60 links are such leaves; each visible_text call
 * on them cost ~1 us in Python (the call, lxml's .text, the split and join),
 * here the text is already in hand.  measure._walk does the same (the reference). */
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

/* `t`: el.text as cw_collect_text read it. */
int
cw_leaf_text(Walk *w, PyObject *el, xmlNode *node, const Text *t)
{
    if (!childless(node))
        return 0;
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
