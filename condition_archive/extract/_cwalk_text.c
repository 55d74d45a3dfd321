/* text.py's text reads in C (issue 16, session 14): text_join and, at the
 * end, inline_text (own_lines).
 *
 * text_join: " ".join(el.itertext()), text.py's visible text
 * of an element whose text nodes are all visible (the region map's `plain`
 * elements with children: ~14 a page, mostly links holding a <span> or an
 * image, 2.9 us each through lxml's itertext against ~0.3 us here).
 *
 * itertext() yields el.text and every tail below el (of elements, comments and
 * PIs alike; comments' and PIs' own text is not in it): each piece is a run of
 * adjacent text or CDATA nodes (lxml's _collectText), i.e. one run per
 * maximal sequence of text siblings in the subtree, in document order.  The
 * runs are joined here by `sep` as UTF-8 bytes, then decoded once (libxml2's
 * text is UTF-8, and each run is whole characters: the same str as decoding
 * each run and joining).  An entity reference or an XInclude node (lxml reads
 * those its own way), or bytes that are not UTF-8 (lxml raises), make it
 * return None: text.py then asks itertext().
 *
 * With `hidden` (a set of elements), text.py's _collect_text instead: the
 * subtrees of the elements in it or of an invisible tag (measure's
 * INVISIBLE_TAGS), el's own included, are left out but their tails kept,
 * empty runs are not pieces, and an entity reference is left out like a
 * comment (lxml's .text and .tail stop at it; its own "&name;" is no text of
 * an element's). */
#include "_cwalk.h"

#define IS_TEXT(n) ((n)->type == XML_TEXT_NODE || (n)->type == XML_CDATA_SECTION_NODE)

typedef struct { char *s; size_t len, cap; char local[1024]; } Buf;

static int
put(Buf *b, const char *s, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap * 2 > b->len + n ? b->cap * 2 : b->len + n;
        char *grown = b->s == b->local ? PyMem_Malloc(cap) : PyMem_Realloc(b->s, cap);
        if (grown == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        if (b->s == b->local)
            memcpy(grown, b->local, b->len);
        b->s = grown;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    return 0;
}

/* The text a walk left in `b` as a str (its buffer freed): None when the walk
 * declined (FALLBACK) or the bytes are not UTF-8 (lxml raises there: let it);
 * NULL with the exception set when the walk failed (-1). */
static PyObject *
buf_result(Buf *b, int rc)
{
    PyObject *out = NULL;
    if (rc == 0) {
        out = PyUnicode_DecodeUTF8(b->s, (Py_ssize_t)b->len, NULL);
        if (out == NULL && PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) {
            PyErr_Clear();
            out = Py_NewRef(Py_None);
        }
    } else if (rc == FALLBACK) {
        out = Py_NewRef(Py_None);
    }
    if (b->s != b->local)
        PyMem_Free(b->s);
    return out;
}


/* Whether _collect_text leaves element `node` out: 1, 0, FALLBACK or -1. */
static int
left_out(xmlNode *node, PyObject *hidden)
{
    if (node->ns == NULL) { /* ("{ns}name" is no invisible tag, but hidden as any element is) */
        PyObject *tag = PyUnicode_DecodeUTF8((const char *)node->name, (Py_ssize_t)strlen((const char *)node->name), NULL);
        if (tag == NULL) {
            PyErr_Clear();
            return FALLBACK;
        }
        int out = PySet_Contains(g_invisible, tag);
        Py_DECREF(tag);
        if (out != 0)
            return out;
    }
    PyObject *proxy;
    if (cw_proxy_of(node, &proxy))
        return FALLBACK;
    return proxy == NULL ? 0 : PySet_Contains(hidden, proxy); /* (no proxy: in no set) */
}

/* The runs of `top`'s subtree into `b`, `sep` between them (`hidden`: NULL for
 * itertext's, else _collect_text's, see the top): 0, FALLBACK or -1. */
static int
join_runs(xmlNode *top, Buf *b, const char *sep, size_t nsep, PyObject *hidden)
{
    int pieces = 0, in_piece = 0, rc;
    if (hidden != NULL && (rc = left_out(top, hidden)) != 0)
        return rc == 1 ? 0 : rc;
    xmlNode *node = top->children;
    while (node != NULL) {
        xmlNode *next = NULL;
        if (IS_TEXT(node)) {
            const char *s = (const char *)node->content;
            size_t n = s != NULL ? strlen(s) : 0;
            if (node->prev == NULL || !IS_TEXT(node->prev))
                in_piece = 0; /* a new run */
            /* itertext() yields every run, an empty one too; _collect_text only
             * the runs with text. */
            if (!in_piece && (hidden == NULL || n > 0)) {
                if (pieces++ > 0 && put(b, sep, nsep) < 0)
                    return -1;
                in_piece = 1;
            }
            if (n > 0 && put(b, s, n) < 0)
                return -1;
        } else if (node->type == XML_ELEMENT_NODE) {
            if (hidden == NULL || (rc = left_out(node, hidden)) == 0)
                next = node->children;
            else if (rc != 1)
                return rc;
        } else if (node->type == XML_ENTITY_REF_NODE && hidden != NULL) {
            ; /* left out, as a comment is */
        } else if (node->type != XML_COMMENT_NODE && node->type != XML_PI_NODE) {
            return FALLBACK; /* entity references (for itertext), XInclude markers, anything else */
        }
        while (next == NULL && node != top) {
            next = node->next;
            if (next == NULL)
                node = node->parent;
        }
        node = next;
    }
    return 0;
}

/* text_join(el, sep[, hidden]): see the top. */
PyObject *
cw_text_join(PyObject *self, PyObject *args)
{
    PyObject *el, *sep_str, *hidden = NULL;
    Py_ssize_t nsep;
    if (!PyArg_ParseTuple(args, "OU|O", &el, &sep_str, &hidden))
        return NULL; /* (a str only: "s#" took bytes too, which sep.join refuses) */
    const char *sep = PyUnicode_AsUTF8AndSize(sep_str, &nsep);
    if (sep == NULL) { /* a lone surrogate: sep.join takes it, UTF-8 does not */
        if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError))
            return NULL;
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    if (hidden != NULL && !PySet_CheckExact(hidden) && !PyFrozenSet_CheckExact(hidden))
        Py_RETURN_NONE; /* (markers.is_hidden asked per element: Python's) */
    if (g_element_type == NULL)
        return PyErr_Format(PyExc_RuntimeError, "_cwalk.text_join called before configure()");
    if (!PyObject_TypeCheck(el, (PyTypeObject *)g_element_type))
        Py_RETURN_NONE;
    xmlNode *top = ((struct LxmlElement *)el)->_c_node;
    if (top == NULL || top->type != XML_ELEMENT_NODE || top->_private != (void *)el)
        Py_RETURN_NONE;
    Buf b = {.len = 0, .cap = sizeof b.local};
    b.s = b.local;
    int rc = join_runs(top, &b, sep, (size_t)nsep, hidden);
    return buf_result(&b, rc);
}


/* inline_text(el, hidden, inline_tags, skip_tags): "".join of text.py's
 * _inline_text(el, parts, hidden.__contains__, top=True), what own_lines splits
 * into lines: el's text and the text of its inline descendants (each element's
 * text followed by a space, <br> a space), a nested block a line break, the
 * tails after each child; nothing of a comment, PI or entity reference but its
 * tail, nothing of a hidden element or one of skip_tags.  None for what only
 * the Python reads: a tree deeper than Python recurses, an XInclude node,
 * text that is not UTF-8. */
#define INLINE_DEPTH 200

typedef struct { PyObject *hidden, *inline_tags, *skip; Buf *b; } Inline;

/* 1 when `tag` (node's name, no namespace) is in `set`, 0, or -1. */
static int
name_in(xmlNode *node, PyObject *set)
{
    if (node->ns != NULL)
        return 0; /* "{ns}name" is in neither set */
    PyObject *tag = PyUnicode_DecodeUTF8((const char *)node->name, (Py_ssize_t)strlen((const char *)node->name), NULL);
    if (tag == NULL)
        return -1;
    int in = PySet_Contains(set, tag);
    Py_DECREF(tag);
    return in;
}

static int
inline_visit(Inline *v, xmlNode *el, int top, int depth)
{
    int rc;
    if (depth > INLINE_DEPTH)
        return FALLBACK;
    if ((rc = name_in(el, v->skip)) != 0)
        return rc < 0 ? -1 : 0;
    PyObject *proxy;
    if (cw_proxy_of(el, &proxy))
        return FALLBACK;
    if (proxy != NULL && (rc = PySet_Contains(v->hidden, proxy)) != 0)
        return rc < 0 ? -1 : 0;
    if (!top && (rc = name_in(el, v->inline_tags)) != 1)
        return rc < 0 ? -1 : put(v->b, "\n", 1);
    xmlNode *c = el->children;
    if (el->ns == NULL && strcmp((const char *)el->name, "br") == 0) {
        while (c != NULL && IS_TEXT(c)) /* a <br> says " ", not its text */
            c = c->next;
    } else {
        for (; c != NULL && IS_TEXT(c); c = c->next) /* el.text */
            if (c->content != NULL && put(v->b, (const char *)c->content, strlen((const char *)c->content)) < 0)
                return -1;
    }
    if (put(v->b, " ", 1) < 0)
        return -1;
    for (; c != NULL; c = c->next) { /* each child, then its tail */
        if (IS_TEXT(c)) {
            if (c->content != NULL && put(v->b, (const char *)c->content, strlen((const char *)c->content)) < 0)
                return -1;
        } else if (c->type == XML_ELEMENT_NODE) {
            if ((rc = inline_visit(v, c, 0, depth + 1)) != 0)
                return rc;
        } else if (c->type != XML_COMMENT_NODE && c->type != XML_PI_NODE
                   && c->type != XML_ENTITY_REF_NODE) {
            return FALLBACK; /* XInclude markers and the like: lxml's reading */
        }
    }
    return 0;
}

PyObject *
cw_inline_text(PyObject *self, PyObject *args)
{
    PyObject *el, *hidden, *inline_tags, *skip;
    if (!PyArg_ParseTuple(args, "OOOO", &el, &hidden, &inline_tags, &skip))
        return NULL;
    if (g_element_type == NULL)
        return PyErr_Format(PyExc_RuntimeError, "_cwalk.inline_text called before configure()");
    if (!PyObject_TypeCheck(el, (PyTypeObject *)g_element_type) || !PyAnySet_CheckExact(hidden)
            || !PyFrozenSet_CheckExact(inline_tags) || !PyFrozenSet_CheckExact(skip))
        Py_RETURN_NONE;
    xmlNode *top = ((struct LxmlElement *)el)->_c_node;
    if (top == NULL || top->type != XML_ELEMENT_NODE || top->_private != (void *)el)
        Py_RETURN_NONE;
    Buf b;
    b.s = b.local;
    b.cap = sizeof b.local;
    b.len = 0;
    Inline v = {hidden, inline_tags, skip, &b};
    int rc = inline_visit(&v, top, 1, 0);
    return buf_result(&b, rc);
}
