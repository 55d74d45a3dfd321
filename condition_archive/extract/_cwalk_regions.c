/* boilerplate._clean_len and RegionMap.region (boilerplate._region) in C
 * (issue 16): the bottom-up loop over every element of the page, reading
 * children from libxml2's nodes instead of getchildren()'s proxies, and the
 * memoised walk up the parents, reading them from node->parent.
 *
 * boilerplate.py stays the reference and mirrors this line by line.  The
 * dict lookups are the Python function's, on the same objects: a child with
 * no live proxy (node->_private empty) cannot be a key of text_len or clean,
 * since a key keeps its proxy alive and lxml keeps one proxy per node, so it
 * is skipped where text_len.get would give None.  A value that is not an
 * exact int of 64 bits, an element missing from text_len (the Python
 * function's KeyError), or a proxy not where lxml keeps it make clean_len()
 * return None: boilerplate.py then runs the Python loop.  region() calls
 * _region itself when it meets what it does not read (before it writes to
 * the memo). */
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

/* RegionMap.region's walk up (boilerplate._region): the parent of `node` as
 * getparent() gives it (a new reference, NULL for None): the live proxy, or
 * one getparent() itself makes. */
static int
parent_of(PyObject *node, PyObject **parent)
{
    *parent = NULL;
    if (!PyObject_TypeCheck(node, (PyTypeObject *)g_element_type))
        return FALLBACK;
    xmlNode *c = ((struct LxmlElement *)node)->_c_node;
    if (c == NULL || c->_private != (void *)node)
        return FALLBACK;
    c = IS_CHILD(c) ? c->parent : NULL; /* lxml's _parentElement */
    if (c == NULL || !IS_CHILD(c))
        return 0;
    if (cw_proxy_of(c, parent))
        return FALLBACK;
    if (*parent != NULL) {
        Py_INCREF(*parent);
        return 0;
    }
    if ((*parent = PyObject_CallMethodNoArgs(node, g_names[N_GETPARENT])) == NULL)
        return -1;
    if (((struct LxmlElement *)*parent)->_c_node == c && *parent == (PyObject *)c->_private)
        return 0; /* getparent() returns an _Element: the cast reads its node */
    Py_CLEAR(*parent);
    return FALLBACK;
}

/* Does `mark` (a claim under `current`) win?  _region's condition. */
static int
mark_wins(PyObject *mark, PyObject *current)
{
    int r = PyObject_IsTrue(mark);
    if (r > 0)
        r = PyObject_RichCompareBool(mark, g_main, Py_NE);
    if (r <= 0)
        return r;
    if ((r = PyObject_RichCompareBool(current, g_main, Py_EQ)) != 0)
        return r;
    if ((r = PySequence_Contains(g_specific, mark)) != 0)
        return r;
    if ((r = PyObject_RichCompareBool(current, g_header, Py_EQ)) <= 0)
        return r;
    return PyObject_RichCompareBool(mark, g_nav, Py_EQ);
}

/* The chain from `el` up to the first element in memo (or the top): each
 * element's region from the outermost down, written to memo.  A new
 * reference to el's region, or NULL with an exception set. */
static PyObject *
regions_down(PyObject *memo, PyObject *exempt, PyObject *marks, PyObject *chain, PyObject *top)
{
    PyObject *current = Py_NewRef(top != NULL ? top : g_main);
    for (Py_ssize_t i = PyList_GET_SIZE(chain) - 1; i >= 0; i--) {
        PyObject *node = PyList_GET_ITEM(chain, i), *mark = NULL;
        int r = PySet_Contains(exempt, node);
        if (r == 0 && (mark = PyDict_GetItemWithError(marks, node)) == NULL && PyErr_Occurred())
            r = -1;
        Py_XINCREF(mark);
        if (r == 0 && mark != NULL && (r = mark_wins(mark, current)) > 0)
            Py_SETREF(current, Py_NewRef(mark));
        Py_XDECREF(mark);
        if (r < 0 || PyDict_SetItem(memo, node, current) < 0) {
            Py_DECREF(current);
            return NULL;
        }
    }
    return current;
}

/* region(memo, exempt, marks, el): boilerplate._region's answer; the Python
 * function itself for what this does not read (see _cwalk_regions.c's top). */
PyObject *
cw_region(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4)
        return PyErr_Format(PyExc_TypeError, "_cwalk.region takes memo, exempt, marks, el");
    if (g_region_py == NULL || g_element_type == NULL)
        return PyErr_Format(PyExc_RuntimeError,
                            "_cwalk.region called before configure() and configure_region()");
    PyObject *memo = args[0], *exempt = args[1], *marks = args[2], *node = args[3];
    if (!PyDict_CheckExact(memo) || !PyDict_CheckExact(marks) || !PyAnySet_CheckExact(exempt))
        return PyObject_Vectorcall(g_region_py, args, 4, NULL);
    PyObject *top = PyDict_GetItemWithError(memo, node);
    if (top != NULL || PyErr_Occurred())
        return Py_XNewRef(top);
    PyObject *chain = PyList_New(0);
    int rc = chain == NULL ? -1 : 0;
    Py_INCREF(node);
    while (rc == 0 && node != NULL) {
        PyObject *parent;
        if ((rc = PyList_Append(chain, node)) == 0 && (rc = parent_of(node, &parent)) == 0)
            Py_SETREF(node, parent);
        if (rc == 0 && node != NULL && (top = PyDict_GetItemWithError(memo, node)) != NULL)
            break;
        if (rc == 0 && PyErr_Occurred())
            rc = -1;
    }
    PyObject *region = NULL;
    if (rc == 0)
        region = regions_down(memo, exempt, marks, chain, top); /* takes top before any call */
    Py_XDECREF(node);
    Py_XDECREF(chain);
    if (rc == FALLBACK) /* nothing written to memo yet */
        return PyObject_Vectorcall(g_region_py, args, 4, NULL);
    return region;
}

/* configure_region(SPECIFIC, _region): markers.SPECIFIC and the Python
 * function region() falls back to. */
PyObject *
cw_configure_region(PyObject *self, PyObject *args)
{
    PyObject *specific, *fallback;
    if (!PyArg_ParseTuple(args, "O!O", &PyFrozenSet_Type, &specific, &fallback))
        return NULL;
    if (!PyCallable_Check(fallback))
        return PyErr_Format(PyExc_TypeError, "_cwalk.configure_region: the fallback must be callable");
    Py_XSETREF(g_specific, Py_NewRef(specific));
    Py_XSETREF(g_region_py, Py_NewRef(fallback));
    Py_RETURN_NONE;
}
