/* " ".join(el.itertext()) in C (issue 16, session 14): text.py's visible text
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
 * return None: text.py then asks itertext(). */
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

/* The runs of `top`'s subtree into `b`, `sep` between them: 0, FALLBACK or -1. */
static int
join_runs(xmlNode *top, Buf *b, const char *sep, size_t nsep)
{
    int runs = 0;
    xmlNode *node = top->children;
    while (node != NULL) {
        xmlNode *next = NULL;
        if (IS_TEXT(node)) {
            if (node->prev == NULL || !IS_TEXT(node->prev)) { /* a new run */
                if (runs++ > 0 && put(b, sep, nsep) < 0)
                    return -1;
            }
            const char *s = (const char *)node->content;
            if (s != NULL && put(b, s, strlen(s)) < 0)
                return -1;
        } else if (node->type == XML_ELEMENT_NODE) {
            next = node->children;
        } else if (node->type != XML_COMMENT_NODE && node->type != XML_PI_NODE) {
            return FALLBACK; /* entity references, XInclude markers, anything else */
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

/* text_join(el, sep): see the top. */
PyObject *
cw_text_join(PyObject *self, PyObject *args)
{
    PyObject *el;
    const char *sep;
    Py_ssize_t nsep;
    if (!PyArg_ParseTuple(args, "Os#", &el, &sep, &nsep))
        return NULL;
    if (g_element_type == NULL)
        return PyErr_Format(PyExc_RuntimeError, "_cwalk.text_join called before configure()");
    if (!PyObject_TypeCheck(el, (PyTypeObject *)g_element_type))
        Py_RETURN_NONE;
    xmlNode *top = ((struct LxmlElement *)el)->_c_node;
    if (top == NULL || top->type != XML_ELEMENT_NODE || top->_private != (void *)el)
        Py_RETURN_NONE;
    Buf b = {.len = 0, .cap = sizeof b.local};
    b.s = b.local;
    int rc = join_runs(top, &b, sep, (size_t)nsep);
    PyObject *out = NULL;
    if (rc == 0) {
        out = PyUnicode_DecodeUTF8(b.s, (Py_ssize_t)b.len, NULL);
        if (out == NULL && PyErr_ExceptionMatches(PyExc_UnicodeDecodeError)) {
            PyErr_Clear(); /* lxml raises: let it */
            out = Py_NewRef(Py_None);
        }
    } else if (rc == FALLBACK) {
        out = Py_NewRef(Py_None);
    }
    if (b.s != b.local)
        PyMem_Free(b.s);
    return out;
}
