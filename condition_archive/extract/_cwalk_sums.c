/* Sums and marks carried up the tree (issue 16, session 15): boilerplate's
 * _add_up (add_up: moved here from _cwalk_clean.c) and measure._mixed
 * (mixed_up).  The Python loops stay the reference and the fallback; both
 * read parents from libxml2's nodes instead of a getparent() call per step.
 *
 * add_up used to add each item's n into `mass` at every ancestor, one
 * PyNumber_Add and one dict store per step (~200 steps a page, twice: 12 us a
 * call).  Into an empty `mass` with ints of at most 2**40 it now sums per
 * ancestor in C, then stores each ancestor once, in the order the Python loop
 * first stores it, with the same int: the same dict.  Anything else (a
 * non-empty mass, big or non-int values) takes the step-by-step loop. */
#include "_cwalk.h"

#define SMALL_N (1LL << 40) /* |n| below: a page's sums cannot overflow 64 bits */

/* The proxy of `node`'s parent as getparent() gives it, or NULL at the top
 * (the document above the root); FALLBACK when it has no live proxy (lxml
 * would make one: the Python loop does). */
static int
parent_proxy(xmlNode *node, xmlNode **parent, PyObject **proxy)
{
    *parent = node->parent;
    *proxy = NULL;
    if (*parent == NULL || !IS_CHILD(*parent))
        return 0;
    if (cw_proxy_of(*parent, proxy) || *proxy == NULL)
        return FALLBACK;
    return 0;
}

/* The element of an (el, n) item with a live proxy and an exact int n, else NULL. */
static xmlNode *
item_node(PyObject *item)
{
    PyObject *el;
    xmlNode *node;
    if (!PyTuple_CheckExact(item) || PyTuple_GET_SIZE(item) != 2
            || !PyObject_TypeCheck(el = PyTuple_GET_ITEM(item, 0), (PyTypeObject *)g_element_type)
            || (node = ((struct LxmlElement *)el)->_c_node) == NULL || node->_private != (void *)el
            || !PyLong_CheckExact(PyTuple_GET_ITEM(item, 1))) /* 0 + n is n for an int */
        return NULL;
    return node;
}

/* The ancestors summed so far, in first-seen order, and an open-addressing
 * index of them by proxy. */
typedef struct { PyObject *at; long long sum; } Sum;
typedef struct { Sum *sums; size_t n, cap; Py_ssize_t *index; size_t icap; } Sums;

static size_t
index_slot(const Sums *s, PyObject *at)
{
    size_t h = ((size_t)at >> 4) * (size_t)0x9E3779B97F4A7C15ULL, mask = s->icap - 1;
    for (h = (h >> 17) & mask; s->index[h] >= 0 && s->sums[s->index[h]].at != at; h = (h + 1) & mask)
        ;
    return h;
}

static int
grow(Sums *s)
{
    size_t cap = s->cap ? s->cap * 2 : 64;
    Sum *sums = PyMem_Realloc(s->sums, cap * sizeof(Sum));
    Py_ssize_t *index = PyMem_Malloc(cap * 2 * sizeof(Py_ssize_t));
    if (sums != NULL)
        s->sums = sums;
    if (sums == NULL || index == NULL) {
        PyMem_Free(index);
        PyErr_NoMemory();
        return -1;
    }
    PyMem_Free(s->index);
    s->index = index;
    s->cap = cap;
    s->icap = cap * 2;
    for (size_t i = 0; i < s->icap; i++)
        index[i] = -1;
    for (size_t i = 0; i < s->n; i++)
        index[index_slot(s, sums[i].at)] = (Py_ssize_t)i;
    return 0;
}

static int
add(Sums *s, PyObject *at, long long n)
{
    if (s->n == s->cap && grow(s) < 0)
        return -1;
    size_t h = index_slot(s, at);
    if (s->index[h] < 0) {
        s->index[h] = (Py_ssize_t)s->n;
        s->sums[s->n++] = (Sum){at, 0};
    }
    s->sums[s->index[h]].sum += n;
    return 0;
}

/* The sums of every item's ancestors (and the item with self_too); FALLBACK
 * for a value this path does not take, a missing proxy included. */
static int
sum_items(PyObject *items, int self_too, Sums *s)
{
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(items); i++) {
        PyObject *item = PyList_GET_ITEM(items, i), *at;
        xmlNode *node = item_node(item);
        if (node == NULL)
            return FALLBACK;
        long long n = PyLong_AsLongLong(PyTuple_GET_ITEM(item, 1));
        if ((n == -1 && PyErr_Occurred()) || n >= SMALL_N || n <= -SMALL_N) {
            PyErr_Clear();
            return FALLBACK;
        }
        at = PyTuple_GET_ITEM(item, 0);
        if (!self_too && parent_proxy(node, &node, &at))
            return FALLBACK;
        while (at != NULL) {
            if (add(s, at, n) < 0)
                return -1;
            if (parent_proxy(node, &node, &at))
                return FALLBACK;
        }
    }
    return 0;
}

/* The sums stored into the empty `mass`; on an error it may hold some. */
static int
store(PyObject *mass, const Sums *s)
{
    for (size_t i = 0; i < s->n; i++) {
        PyObject *sum = PyLong_FromLongLong(s->sums[i].sum);
        int rc = sum == NULL ? -1 : PyDict_SetItem(mass, s->sums[i].at, sum);
        Py_XDECREF(sum);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* The Python loop's steps, one dict store each (any mass, any int). */
static PyObject *
add_step_by_step(PyObject *mass, PyObject *items, int self_too)
{
    Py_ssize_t count = PyList_GET_SIZE(items);
    for (Py_ssize_t i = 0; i < count; i++) { /* first every proxy, untouched */
        PyObject *proxy;
        xmlNode *node = item_node(PyList_GET_ITEM(items, i)), *parent;
        if (node == NULL)
            Py_RETURN_NONE;
        for (; node != NULL; node = parent)
            if (parent_proxy(node, &parent, &proxy))
                Py_RETURN_NONE;
    }
    for (Py_ssize_t i = 0; i < count && i < PyList_GET_SIZE(items); i++) {
        PyObject *item = PyList_GET_ITEM(items, i);
        Py_INCREF(item); /* held across the dict's calls (a key's __eq__ is Python) */
        PyObject *el = PyTuple_GET_ITEM(item, 0), *n = PyTuple_GET_ITEM(item, 1), *at = el;
        xmlNode *node = ((struct LxmlElement *)el)->_c_node, *parent;
        int rc = 0;
        if (!self_too)
            rc = parent_proxy(node, &node, &at);
        while (rc == 0 && at != NULL) {
            PyObject *old = PyDict_GetItemWithError(mass, at), *sum;
            if (old == NULL && PyErr_Occurred()) {
                rc = -1;
                break;
            }
            sum = old == NULL ? Py_NewRef(n) : PyNumber_Add(old, n); /* mass.get(a, 0) + n */
            rc = sum == NULL ? -1 : PyDict_SetItem(mass, at, sum);
            Py_XDECREF(sum);
            if (rc == 0)
                rc = parent_proxy(node, &parent, &at);
            node = parent;
        }
        Py_DECREF(item);
        if (rc < 0)
            return NULL;
        if (rc == FALLBACK)
            return PyErr_Format(PyExc_RuntimeError, "_cwalk.add_up: the tree changed under a sum");
    }
    Py_RETURN_TRUE;
}

/* add_up(mass, items, self_too): mass[a] = mass.get(a, 0) + n for every
 * ancestor a of each (el, n) of `items` (and el itself with self_too), in
 * the Python loop's order (boilerplate's _veto_wrapper_marks and
 * _score_candidates).  None, mass untouched, for what only that loop reads. */
PyObject *
cw_add_up(PyObject *self, PyObject *args)
{
    PyObject *mass, *items;
    int self_too;
    if (!PyArg_ParseTuple(args, "O!O!p", &PyDict_Type, &mass, &PyList_Type, &items, &self_too))
        return NULL;
    if (g_element_type == NULL)
        return PyErr_Format(PyExc_RuntimeError, "_cwalk.add_up called before configure()");
    if (!PyDict_CheckExact(mass))
        Py_RETURN_NONE;
    if (PyDict_GET_SIZE(mass) != 0)
        return add_step_by_step(mass, items, self_too);
    /* Nothing here runs Python (the keys are lxml proxies, hashed by
     * identity) until store(): the proxies stay alive in the tree. */
    Sums s = {NULL, 0, 0, NULL, 0};
    int rc = sum_items(items, self_too, &s);
    if (rc == 0)
        rc = store(mass, &s);
    PyMem_Free(s.sums);
    PyMem_Free(s.index);
    if (rc < 0)
        return NULL;
    return rc == FALLBACK ? add_step_by_step(mass, items, self_too) : Py_NewRef(Py_True);
}

/* mixed_up(unseen) -> measure._mixed(unseen): the elements at or above one of
 * `unseen`, added to a new set in the Python loop's order; None for an
 * element without a live proxy or a parent without one (getparent() would
 * make one: the Python loop does). */
PyObject *
cw_mixed_up(PyObject *self, PyObject *unseen)
{
    if (g_element_type == NULL)
        return PyErr_Format(PyExc_RuntimeError, "_cwalk.mixed_up called before configure()");
    if (!PyList_CheckExact(unseen))
        Py_RETURN_NONE;
    PyObject *mixed = PySet_New(NULL);
    if (mixed == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(unseen); i++) {
        PyObject *at = PyList_GET_ITEM(unseen, i);
        xmlNode *node;
        if (!PyObject_TypeCheck(at, (PyTypeObject *)g_element_type)
                || (node = ((struct LxmlElement *)at)->_c_node) == NULL
                || node->_private != (void *)at) {
            Py_DECREF(mixed);
            Py_RETURN_NONE;
        }
        while (at != NULL) {
            int in = PySet_Contains(mixed, at);
            if (in < 0 || (!in && PySet_Add(mixed, at) < 0)) {
                Py_DECREF(mixed);
                return NULL;
            }
            if (in)
                break;
            if (parent_proxy(node, &node, &at)) {
                Py_DECREF(mixed);
                Py_RETURN_NONE;
            }
        }
    }
    return mixed;
}
