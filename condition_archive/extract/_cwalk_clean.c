/* boilerplate._clean_len in C (issue 16, session 13): the bottom-up loop over
 * every element of the page, each element's text length less what its
 * claimed boxes hold.  boilerplate.py stays the reference (and the fallback)
 * and mirrors this: the same dict lookups (marks.get(el), text_len[el]) on
 * the same objects, but children read from libxml2's nodes and their clean
 * lengths kept by node here instead of getchildren() and a dict of every
 * element; and only the answer _widen reads is built: best and its ancestors.
 *
 * A child this pass has not seen (not in `elements`) is looked up in text_len
 * by its live proxy as the Python loop would (no proxy: no key).  A value
 * that is not an exact int of 64 bits, a mark that is not a str, an element
 * missing from text_len (the Python KeyError) or a proxy not where lxml keeps
 * it make clean_len() return None: boilerplate.py then runs the Python loop. */
#include "_cwalk.h"

typedef struct { xmlNode *node; long long text, clean; } Seen;
typedef struct { Seen *slots; size_t cap; } Table;

static size_t
slot_of(const Table *t, xmlNode *node)
{
    size_t h = ((size_t)node >> 4) * (size_t)0x9E3779B97F4A7C15ULL;
    h = (h >> 17) & (t->cap - 1);
    while (t->slots[h].node != NULL && t->slots[h].node != node)
        h = (h + 1) & (t->cap - 1);
    return h;
}

/* An exact int of 64 bits; FALLBACK for anything else. */
static int
int_value(PyObject *obj, long long *value)
{
    int overflow;
    if (!PyLong_CheckExact(obj))
        return FALLBACK;
    *value = PyLong_AsLongLongAndOverflow(obj, &overflow);
    if (overflow || (*value == -1 && PyErr_Occurred())) {
        PyErr_Clear();
        return FALLBACK;
    }
    return 0;
}

/* `mark and mark != "main"` for marks.get(el) (NULL: no claim); FALLBACK for a
 * mark that is not a str (its truth and comparison would be Python's). */
static int
claims_other(PyObject *mark, int *claimed)
{
    *claimed = 0;
    if (mark == NULL)
        return 0;
    if (!PyUnicode_CheckExact(mark))
        return FALLBACK;
    *claimed = PyUnicode_GET_LENGTH(mark) > 0 && PyUnicode_CompareWithASCIIString(mark, "main") != 0;
    return 0;
}

/* What child `c` takes off its parent: text_len[child] - clean.get(child, 0)
 * when text_len has the child and its length is not 0, else nothing. */
static int
child_share(const Table *t, PyObject *text_len, xmlNode *c, long long *share)
{
    const Seen *seen = &t->slots[slot_of(t, c)];
    *share = 0;
    if (seen->node == c) {
        if (seen->text != 0 && __builtin_sub_overflow(seen->text, seen->clean, share))
            return FALLBACK;
        return 0;
    }
    PyObject *child, *ct;
    if (cw_proxy_of(c, &child))
        return FALLBACK;
    if (child == NULL) /* no proxy: no key of text_len */
        return 0;
    if ((ct = PyDict_GetItemWithError(text_len, child)) == NULL)
        return PyErr_Occurred() ? -1 : 0;
    return int_value(ct, share); /* not in this pass: clean.get(child, 0) is 0 */
}

/* clean[el] for one element, kept in the table. */
static int
clean_one(Table *t, PyObject *el, PyObject *text_len, PyObject *marks)
{
    if (!PyObject_TypeCheck(el, (PyTypeObject *)g_element_type))
        return FALLBACK;
    xmlNode *node = ((struct LxmlElement *)el)->_c_node;
    if (node == NULL || node->_private != (void *)el)
        return FALLBACK;
    PyObject *mark = PyDict_GetItemWithError(marks, el), *total;
    if (mark == NULL && PyErr_Occurred())
        return -1;
    long long text = 0, n = 0, share;
    int claimed, rc = claims_other(mark, &claimed);
    if (rc != 0)
        return rc;
    if ((total = PyDict_GetItemWithError(text_len, el)) == NULL)
        return PyErr_Occurred() ? -1 : FALLBACK; /* Python's KeyError, or a claimed el's */
    if ((rc = int_value(total, &text)) != 0)
        return rc;
    n = claimed ? 0 : text;
    for (xmlNode *c = node->children; c != NULL && !claimed; c = c->next) {
        if (!IS_CHILD(c))
            continue;
        if ((rc = child_share(t, text_len, c, &share)) != 0)
            return rc;
        if (__builtin_sub_overflow(n, share, &n))
            return FALLBACK;
    }
    Seen *slot = &t->slots[slot_of(t, node)];
    if (slot->node == node) /* listed twice: the Python loop reads its own result */
        return FALLBACK;
    *slot = (Seen){node, text, n};
    return 0;
}

/* out[a] = clean[a] for best and its ancestors (what _widen reads); the
 * parents from libxml2's nodes, as getparent() finds them (the document node
 * above the root is none); FALLBACK for one this pass has not seen. */
static int
chain(const Table *t, PyObject *best, PyObject *out)
{
    if (!PyObject_TypeCheck(best, (PyTypeObject *)g_element_type))
        return FALLBACK;
    xmlNode *node = ((struct LxmlElement *)best)->_c_node;
    while (node != NULL && IS_CHILD(node)) {
        const Seen *seen = &t->slots[slot_of(t, node)];
        PyObject *el, *value;
        if (seen->node != node || cw_proxy_of(node, &el) || el == NULL)
            return FALLBACK; /* Python's KeyError */
        if ((value = PyLong_FromLongLong(seen->clean)) == NULL)
            return -1;
        int rc = PyDict_SetItem(out, el, value);
        Py_DECREF(value);
        if (rc < 0)
            return -1;
        node = node->parent;
    }
    return 0;
}

PyObject *
cw_clean_len(PyObject *self, PyObject *args)
{
    PyObject *elements, *text_len, *marks, *best, *out = NULL;
    if (!PyArg_ParseTuple(args, "O!O!O!O", &PyList_Type, &elements, &PyDict_Type, &text_len,
                          &PyDict_Type, &marks, &best))
        return NULL;
    if (g_element_type == NULL)
        return PyErr_Format(PyExc_RuntimeError, "_cwalk.clean_len called before configure()");
    if (!PyDict_CheckExact(text_len) || !PyDict_CheckExact(marks))
        Py_RETURN_NONE; /* a subclass's lookups may differ: the Python loop runs them */
    Py_ssize_t count = PyList_GET_SIZE(elements);
    Table t = {NULL, 64};
    while (t.cap < (size_t)count * 2)
        t.cap *= 2;
    if ((t.slots = PyMem_Calloc(t.cap, sizeof(Seen))) == NULL)
        return PyErr_NoMemory();
    int rc = 0;
    for (Py_ssize_t i = count - 1; i >= 0 && rc == 0; i--) {
        if (i >= PyList_GET_SIZE(elements) || PyList_GET_SIZE(elements) != count) {
            rc = FALLBACK; /* the list changed under a lookup's __eq__ */
            break;
        }
        PyObject *el = PyList_GET_ITEM(elements, i);
        Py_INCREF(el);
        rc = clean_one(&t, el, text_len, marks);
        Py_DECREF(el);
    }
    if (rc == 0)
        rc = (out = PyDict_New()) == NULL ? -1 : chain(&t, best, out);
    PyMem_Free(t.slots);
    if (rc == 0)
        return out;
    Py_XDECREF(out);
    if (rc < 0)
        return NULL;
    Py_RETURN_NONE;
}


/* "".join(el.itertext()).count(ch) for an ASCII `ch` (boilerplate._block_score's
 * commas): itertext() is el.text and every tail below el (of elements,
 * comments and PIs alike; comments' and PIs' own text is not in it), i.e.
 * every text or CDATA child of el and of the elements under it.  An ASCII
 * byte never occurs inside a multi-byte UTF-8 character, so bytes are counted. */
PyObject *
cw_text_count(PyObject *self, PyObject *args)
{
    PyObject *el;
    unsigned char ch;
    if (!PyArg_ParseTuple(args, "Ob", &el, &ch))
        return NULL;
    if (g_element_type == NULL)
        return PyErr_Format(PyExc_RuntimeError, "_cwalk.text_count called before configure()");
    if (!PyObject_TypeCheck(el, (PyTypeObject *)g_element_type) || ch == 0 || ch >= 0x80)
        Py_RETURN_NONE;
    xmlNode *top = ((struct LxmlElement *)el)->_c_node, *node = top;
    if (top == NULL || top->type != XML_ELEMENT_NODE)
        Py_RETURN_NONE;
    Py_ssize_t count = 0;
    while (node != NULL) {
        /* Text children of an element; an element's own children walked into. */
        xmlNode *next = NULL;
        if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
            for (const xmlChar *c = node->content; c != NULL && *c; c++)
                count += *c == ch;
        } else if (node->type == XML_ELEMENT_NODE) {
            next = node->children;
        } else if (node->type == XML_ENTITY_REF_NODE) {
            /* itertext() gives an entity reference's own "&name;" (a tree parsed
             * without resolving entities, or built by hand): the caller counts
             * with itertext() instead. */
            Py_RETURN_NONE;
        }
        while (next == NULL && node != top) {
            next = node->next;
            if (next == NULL)
                node = node->parent;
        }
        node = next;
    }
    return PyLong_FromSsize_t(count);
}
