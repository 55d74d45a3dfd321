/* boilerplate._clean_len in C (issue 16): the bottom-up loop over every
 * element of the page, reading children from libxml2's nodes instead of
 * getchildren()'s proxies.
 *
 * boilerplate.py stays the reference and mirrors this line by line.  The
 * dict lookups are the Python function's, on the same objects: a child with
 * no live proxy (node->_private empty) cannot be a key of text_len or clean,
 * since a key keeps its proxy alive and lxml keeps one proxy per node, so it
 * is skipped where text_len.get would give None.  A value that is not an
 * exact int of 64 bits, an element missing from text_len (the Python
 * function's KeyError), or a proxy not where lxml keeps it make clean_len()
 * return None: boilerplate.py then runs the Python loop. */
#include "_cwalk.h"

/* The int value of an exact int; FALLBACK for anything else or one past 64 bits. */
static int
int_value(PyObject *obj, long long *value)
{
    if (!PyLong_CheckExact(obj))
        return FALLBACK;
    int overflow;
    *value = PyLong_AsLongLongAndOverflow(obj, &overflow);
    if (overflow || (*value == -1 && PyErr_Occurred())) {
        PyErr_Clear();
        return FALLBACK;
    }
    return 0;
}

/* `mark and mark != "main"` for marks.get(el) (NULL: no claim). */
static int
claims_other(PyObject *mark)
{
    if (mark == NULL)
        return 0;
    Py_INCREF(mark); /* truth and comparison may run code that drops it */
    int truth = PyObject_IsTrue(mark);
    if (truth > 0)
        truth = PyObject_RichCompareBool(mark, g_main, Py_NE);
    Py_DECREF(mark);
    return truth;
}

/* `n -= text_len[child] - clean.get(child, 0)` for each child with a length. */
static int
less_children(xmlNode *node, PyObject *text_len, PyObject *clean, long long *n)
{
    for (xmlNode *c = node->children; c != NULL; c = c->next) {
        PyObject *child, *ct, *cl;
        long long t, k = 0;
        if (!IS_CHILD(c))
            continue;
        if (cw_proxy_of(c, &child))
            return FALLBACK;
        if (child == NULL) /* no proxy: no key of either dict */
            continue;
        if ((ct = PyDict_GetItemWithError(text_len, child)) == NULL) {
            if (PyErr_Occurred())
                return -1;
            continue;
        }
        if (int_value(ct, &t))
            return FALLBACK;
        if (t == 0)
            continue;
        if ((cl = PyDict_GetItemWithError(clean, child)) == NULL && PyErr_Occurred())
            return -1;
        if (cl != NULL && int_value(cl, &k))
            return FALLBACK;
        if (__builtin_sub_overflow(t, k, &t) || __builtin_sub_overflow(*n, t, n))
            return FALLBACK;
    }
    return 0;
}

/* clean[el] for one element of the page. */
static int
clean_one(PyObject *el, PyObject *text_len, PyObject *marks, PyObject *clean)
{
    if (!PyObject_TypeCheck(el, (PyTypeObject *)g_element_type))
        return FALLBACK;
    xmlNode *node = ((struct LxmlElement *)el)->_c_node;
    if (node == NULL || node->_private != (void *)el)
        return FALLBACK;
    PyObject *mark = PyDict_GetItemWithError(marks, el);
    if (mark == NULL && PyErr_Occurred())
        return -1;
    int other = claims_other(mark);
    if (other < 0)
        return -1;
    long long n = 0;
    if (!other) {
        PyObject *total = PyDict_GetItemWithError(text_len, el);
        if (total == NULL)
            return PyErr_Occurred() ? -1 : FALLBACK; /* Python's KeyError */
        int rc = int_value(total, &n);
        if (rc == 0)
            rc = less_children(node, text_len, clean, &n);
        if (rc != 0)
            return rc;
    }
    PyObject *value = PyLong_FromLongLong(n);
    int rc = value == NULL ? -1 : PyDict_SetItem(clean, el, value);
    Py_XDECREF(value);
    return rc;
}

PyObject *
cw_clean_len(PyObject *self, PyObject *args)
{
    PyObject *elements, *text_len, *marks;
    if (!PyArg_ParseTuple(args, "O!O!O!", &PyList_Type, &elements, &PyDict_Type, &text_len,
                          &PyDict_Type, &marks))
        return NULL;
    if (g_element_type == NULL)
        return PyErr_Format(PyExc_RuntimeError, "_cwalk.clean_len called before configure()");
    if (!PyDict_CheckExact(text_len) || !PyDict_CheckExact(marks))
        Py_RETURN_NONE; /* a subclass's get may differ: the Python loop calls it */
    PyObject *clean = PyDict_New();
    int rc = clean == NULL ? -1 : 0;
    for (Py_ssize_t i = PyList_GET_SIZE(elements) - 1; i >= 0 && rc == 0; i--) {
        if (i >= PyList_GET_SIZE(elements)) { /* the list shrank under a call */
            rc = FALLBACK;
            break;
        }
        PyObject *el = PyList_GET_ITEM(elements, i);
        Py_INCREF(el);
        rc = clean_one(el, text_len, marks, clean);
        Py_DECREF(el);
    }
    if (rc == 0)
        return clean;
    Py_XDECREF(clean);
    if (rc < 0)
        return NULL;
    Py_RETURN_NONE;
}
