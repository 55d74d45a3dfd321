/* RegionMap.region in C (issue 16, session 14): the region of each element of
 * a list, filled into the map's memo as boilerplate.RegionMap.region fills it,
 * one element after the other.  The Python method stays the reference (and the
 * fallback) and mirrors this: climb to the first memoised ancestor, then down
 * again combining each element's claim (marks.get(node) unless node is in
 * exempt) with its parent's region.  Here the parents are read from libxml2's
 * nodes instead of a getparent() call per step; the page's links (~60, most of
 * them in menus and footers no earlier call memoised) climbed ~0.08 ms a page.
 *
 * A parent without a live proxy (getparent() would make one), a claim or a
 * memoised region that is not a str, or an element that is not a live lxml
 * element make region_fill() return None: the elements before that one are
 * memoised (as the Python loop would have), and boilerplate.py asks the
 * Python method for every element. */
#include "_cwalk.h"

static PyObject *s_main, *s_header, *s_nav; /* "main", "header", "nav" */

/* The region `node` takes under a parent of region `current` (both str):
 * RegionMap.region's step. */
static int
step(PyObject *node, PyObject *exempt, PyObject *marks, PyObject *specific,
     PyObject **current)
{
    int in = PySet_Contains(exempt, node);
    if (in < 0)
        return -1;
    if (in)
        return 0;
    PyObject *mark = PyDict_GetItemWithError(marks, node);
    if (mark == NULL)
        return PyErr_Occurred() ? -1 : 0;
    if (!PyUnicode_CheckExact(mark))
        return FALLBACK;
    if (PyUnicode_GET_LENGTH(mark) == 0 || PyUnicode_Compare(mark, s_main) == 0)
        return 0;
    int take = PyUnicode_Compare(*current, s_main) == 0;
    if (!take && (take = PySet_Contains(specific, mark)) < 0)
        return -1;
    if (!take)
        take = PyUnicode_Compare(*current, s_header) == 0 && PyUnicode_Compare(mark, s_nav) == 0;
    if (take)
        *current = mark;
    return 0;
}

/* Memoise the region of `el` (and of the ancestors climbed) in `memo`. */
static int
fill_one(PyObject *el, PyObject *memo, PyObject *exempt, PyObject *marks,
         PyObject *specific, PyObject *chain)
{
    if (!PyObject_TypeCheck(el, (PyTypeObject *)g_element_type))
        return FALLBACK;
    xmlNode *node = ((struct LxmlElement *)el)->_c_node;
    if (node == NULL || node->_private != (void *)el)
        return FALLBACK;
    PyObject *at = el, *current = s_main;
    while (at != NULL) {
        PyObject *known = PyDict_GetItemWithError(memo, at);
        if (known != NULL) {
            current = known;
            break;
        }
        if (PyErr_Occurred() || PyList_Append(chain, at) < 0)
            return -1;
        xmlNode *parent = node->parent;
        at = NULL;
        if (parent != NULL && IS_CHILD(parent)) {
            if (cw_proxy_of(parent, &at) || at == NULL)
                return FALLBACK;
        }
        node = parent;
    }
    if (!PyUnicode_CheckExact(current))
        return FALLBACK;
    Py_INCREF(current); /* held across the dict's calls */
    int rc = 0;
    for (Py_ssize_t i = PyList_GET_SIZE(chain) - 1; i >= 0 && rc == 0; i--) {
        PyObject *was = current, *item = PyList_GET_ITEM(chain, i);
        if ((rc = step(item, exempt, marks, specific, &current)) != 0)
            break;
        Py_INCREF(current);
        Py_DECREF(was);
        rc = PyDict_SetItem(memo, item, current);
    }
    Py_DECREF(current);
    return rc;
}

/* region_fill(memo, exempt, marks, specific, elements): see the top. */
PyObject *
cw_region_fill(PyObject *self, PyObject *args)
{
    PyObject *memo, *exempt, *marks, *specific, *elements;
    if (!PyArg_ParseTuple(args, "OOOOO", &memo, &exempt, &marks, &specific, &elements))
        return NULL;
    if (g_element_type == NULL)
        return PyErr_Format(PyExc_RuntimeError, "_cwalk.region_fill called before configure()");
    if (s_main == NULL && ((s_main = PyUnicode_InternFromString("main")) == NULL
                           || (s_header = PyUnicode_InternFromString("header")) == NULL
                           || (s_nav = PyUnicode_InternFromString("nav")) == NULL))
        return NULL;
    /* (A subclass's lookups could run Python: only the exact types.) */
    if (!PyDict_CheckExact(memo) || !PyDict_CheckExact(marks) || !PyList_CheckExact(elements)
            || !PyFrozenSet_CheckExact(exempt) || !PyFrozenSet_CheckExact(specific))
        Py_RETURN_NONE;
    PyObject *chain = PyList_New(0);
    if (chain == NULL)
        return NULL;
    int rc = 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(elements) && rc == 0; i++) {
        PyObject *el = PyList_GET_ITEM(elements, i);
        Py_INCREF(el);
        rc = fill_one(el, memo, exempt, marks, specific, chain);
        Py_DECREF(el);
        if (rc == 0)
            rc = PyList_SetSlice(chain, 0, PY_SSIZE_T_MAX, NULL);
    }
    Py_DECREF(chain);
    if (rc < 0)
        return NULL;
    if (rc == FALLBACK)
        Py_RETURN_NONE;
    Py_RETURN_TRUE;
}
