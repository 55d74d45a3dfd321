/* measure._walk in C: one pass over libxml2's nodes instead of lxml proxy
 * calls per element (el.items(), el.tag, el.text, child.tail, getchildren()).
 *
 * measure.py stays the reference: these files (_cwalk.h lists them) mirror
 * _walk and _scan_unread line by line and call the same Python helpers and
 * memos (_SPECIAL and _new_special: is_hidden and own_marker; hidden_class,
 * names_a_field, _CLAIMS and _new_claim, the scan's known/judge) where they
 * do.  It reads what lxml would read: el.tag is "{href}name" or name, el.text
 * and .tail the adjacent text/CDATA nodes joined (lxml's _collectText),
 * getchildren() the element, comment, entity-reference and PI children, an
 * attribute's value libxml2's first of that name (xmlGetNsProp).  A node it
 * cannot read as lxml would (NULL contents, bytes that are not UTF-8, an
 * attribute value of several nodes, a proxy that is not where lxml keeps it)
 * makes walk() return None: measure.py then runs the Python walk.  No libxml2
 * or lxml function is called, so nothing is linked: only their struct
 * layouts (public API of both) are read.  Iterative: no recursion.
 *
 * Beside the walk (session 13): clean_len, text_count and add_up
 * (_cwalk_clean.c), boilerplate.py's loops over the tree; region_fill
 * (_cwalk_region.c, session 14), RegionMap.region's climb; text_join and
 * inline_text (_cwalk_text.c, session 14), text.py's text reads; and find_control,
 * parse.py's test of a page for control bytes; each has its Python
 * reference, which runs when the function declines (returns None).
 */
#include "_cwalk.h"

PyObject *g_drop, *g_invisible, *g_scored, *g_container, *g_tag_region;
PyObject *g_claims, *g_unseen, *g_hidden, *g_new_claim, *g_special_claims;
PyObject *g_new_special, *g_hidden_class, *g_names_a_field, *g_element_type;
Py_ssize_t g_form_chars;
char **g_special;
Py_ssize_t g_nspecial;
PyObject *g_names[N_COUNT];
static const char *g_name_text[N_COUNT] = {
    "text_len", "link_len", "marks", "blocks", "named", "hidden", "landmarks", "itemprops",
    "field_named", "scan_hits", "known", "judge", "max_chars", "getchildren", "by_tag", "hrefs",
    "leaf_texts", "rels"};

static PyObject *
walk(PyObject *self, PyObject *args)
{
    PyObject *elements, *out, *verdicts;
    if (!PyArg_ParseTuple(args, "O!OO", &PyList_Type, &elements, &out, &verdicts))
        return NULL;
    if (g_element_type == NULL)
        return PyErr_Format(PyExc_RuntimeError, "_cwalk.walk called before configure()");
    Walk w;
    memset(&w, 0, sizeof w);
    int rc = cw_open_walk(&w, out, verdicts);
    for (Py_ssize_t i = PyList_GET_SIZE(elements) - 1; i >= 0 && rc == 0; i--) {
        if (i >= PyList_GET_SIZE(elements)) {
            rc = FALLBACK;
            break;
        }
        PyObject *el = PyList_GET_ITEM(elements, i);
        Py_INCREF(el);
        rc = cw_walk_element(&w, el);
        Py_DECREF(el);
    }
    PyObject *unseen = w.unseen;
    w.unseen = NULL;
    cw_close_walk(&w);
    if (rc < 0) {
        Py_XDECREF(unseen);
        return NULL;
    }
    if (rc == FALLBACK) {
        Py_XDECREF(unseen);
        Py_RETURN_NONE;
    }
    return unseen;
}

/* parse.py's _BAD_BYTES test without translating the page: the position of
 * the first C0 control byte but \t, \n and \r, or -1.  Eight bytes at a time:
 * a word with no byte below 0x20 (most words) is passed with one test. */
static Py_ssize_t
first_control(const unsigned char *s, Py_ssize_t n)
{
    const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
    Py_ssize_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (((x - 0x20 * ones) & ~x & highs) == 0) /* no byte below 0x20 */
            continue;
        for (int k = 0; k < 8; k++) {
            unsigned char b = s[i + k];
            if (b < 0x20 && b != '\t' && b != '\n' && b != '\r')
                return i + k;
        }
    }
    for (; i < n; i++)
        if (s[i] < 0x20 && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
            return i;
    return -1;
}

static PyObject *
find_control(PyObject *self, PyObject *arg)
{
    Py_buffer view;
    if (PyObject_GetBuffer(arg, &view, PyBUF_SIMPLE) < 0)
        return NULL;
    Py_ssize_t at = first_control(view.buf, view.len);
    PyBuffer_Release(&view);
    return PyLong_FromSsize_t(at);
}

static int
take(PyObject *config, const char *key, PyObject **slot)
{
    PyObject *value = PyDict_GetItemString(config, key);
    if (value == NULL) {
        PyErr_Format(PyExc_KeyError, "_cwalk.configure: no %s in the configuration", key);
        return -1;
    }
    Py_XSETREF(*slot, Py_NewRef(value));
    return 0;
}

/* SPECIAL_ATTRS as C strings, for attr_kind's comparisons. */
static int
take_special(PyObject *config)
{
    PyObject *names = NULL, *seq = NULL;
    if (take(config, "special", &names) < 0)
        return -1;
    seq = PySequence_Fast(names, "SPECIAL_ATTRS must be iterable");
    Py_DECREF(names);
    if (seq == NULL)
        return -1;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    char **copy = PyMem_Calloc(n ? n : 1, sizeof(char *));
    int rc = copy == NULL ? (PyErr_NoMemory(), -1) : 0;
    for (Py_ssize_t i = 0; i < n && rc == 0; i++) {
        const char *s = PyUnicode_AsUTF8(PySequence_Fast_GET_ITEM(seq, i));
        if (s == NULL || (copy[i] = PyMem_Malloc(strlen(s) + 1)) == NULL)
            rc = s == NULL ? -1 : (PyErr_NoMemory(), -1);
        else
            strcpy(copy[i], s);
    }
    Py_DECREF(seq);
    if (rc < 0) {
        for (Py_ssize_t i = 0; copy != NULL && i < n; i++)
            PyMem_Free(copy[i]);
        PyMem_Free(copy);
        return -1;
    }
    for (Py_ssize_t i = 0; i < g_nspecial; i++)
        PyMem_Free(g_special[i]);
    PyMem_Free(g_special);
    g_special = copy;
    g_nspecial = n;
    return 0;
}

/* The element layout compiled against must be this lxml's: the sample's
 * node points back at its proxy and has the sample's tag. */
static int
check_layout(PyObject *type, PyObject *sample)
{
    if (type == NULL || !PyType_Check(type) || ((PyTypeObject *)type)->tp_basicsize < (Py_ssize_t)sizeof(struct LxmlElement)
            || !PyObject_TypeCheck(sample, (PyTypeObject *)type)) {
        PyErr_SetString(PyExc_RuntimeError, "lxml's _Element is not the struct _cwalk was compiled against");
        return -1;
    }
    xmlNode *node = ((struct LxmlElement *)sample)->_c_node;
    PyObject *tag = PyObject_GetAttrString(sample, "tag");
    const char *name = tag != NULL && PyUnicode_Check(tag) ? PyUnicode_AsUTF8(tag) : NULL;
    int ok = node != NULL && node->_private == (void *)sample && node->type == XML_ELEMENT_NODE
        && node->ns == NULL && name != NULL && strcmp((const char *)node->name, name) == 0;
    Py_XDECREF(tag);
    if (!ok) {
        PyErr_SetString(PyExc_RuntimeError,
                        "lxml's element node is not where _cwalk reads it (lxml changed its layout)");
        return -1;
    }
    return 0;
}

static PyObject *
configure(PyObject *self, PyObject *config)
{
    static const char *keys[] = {"drop", "invisible", "scored", "container", "tag_region",
                                 "claims", "unseen", "hidden", "new_claim", "special_claims",
                                 "new_special", "hidden_class", "names_a_field", "element_type"};
    PyObject **slots[] = {&g_drop, &g_invisible, &g_scored, &g_container, &g_tag_region,
                          &g_claims, &g_unseen, &g_hidden, &g_new_claim, &g_special_claims,
                          &g_new_special, &g_hidden_class, &g_names_a_field, &g_element_type};
    PyObject *form_chars = NULL, *sample = NULL;
    if (!PyDict_Check(config))
        return PyErr_Format(PyExc_TypeError, "_cwalk.configure takes a dict");
    /* walk() runs only on a whole configuration: none until this one is complete. */
    Py_CLEAR(g_element_type);
    if (take(config, "sample", &sample) < 0)
        return NULL;
    int rc = check_layout(PyDict_GetItemString(config, "element_type"), sample);
    Py_DECREF(sample);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0] && rc == 0; i++)
        rc = take(config, keys[i], slots[i]);
    if (rc < 0 || take_special(config) < 0 || take(config, "form_chars", &form_chars) < 0)
        goto fail;
    g_form_chars = PyLong_AsSsize_t(form_chars);
    Py_DECREF(form_chars);
    if (g_form_chars == -1 && PyErr_Occurred())
        goto fail;
    if (!PyDict_Check(g_tag_region) || !PyDict_Check(g_claims) || !PyDict_Check(g_special_claims)
            || !PyAnySet_Check(g_drop) || !PyAnySet_Check(g_invisible)
            || !PyAnySet_Check(g_scored) || !PyAnySet_Check(g_container)) {
        PyErr_Format(PyExc_TypeError, "_cwalk.configure: tag_region, claims and special_claims "
                     "must be dicts, the tag sets sets");
        goto fail;
    }
    Py_RETURN_NONE;
fail:
    Py_CLEAR(g_element_type); /* walk() refuses to run on a half-made configuration */
    return NULL;
}

static PyMethodDef methods[] = {
    {"walk", walk, METH_VARARGS,
     "walk(elements, out, verdicts) -> unseen list, or None when the tree has a "
     "shape only the Python walk reads (measure.py then runs it)."},
    {"find_control", find_control, METH_O,
     "find_control(data) -> the index of the first byte below 0x20 that is not "
     "\\t, \\n or \\r, or -1 (parse.py's test of a page for control characters)."},
    {"clean_len", cw_clean_len, METH_VARARGS,
     "clean_len(elements, text_len, marks, best) -> boilerplate._clean_len's answer "
     "for best and its ancestors, or None when only the Python loop reads the tree."},
    {"text_count", cw_text_count, METH_VARARGS,
     "text_count(el, ch) -> \"\".join(el.itertext()).count(chr(ch)) for an ASCII ch, "
     "or None for what only lxml reads."},
    {"add_up", cw_add_up, METH_VARARGS,
     "add_up(mass, [(el, n), ...], self_too) -> True: n added to mass[a] for el's "
     "ancestors (and el), as boilerplate's loops add; None, mass untouched, for a "
     "tree only those loops read."},
    {"mixed_up", cw_mixed_up, METH_O,
     "mixed_up(unseen) -> measure._mixed(unseen), or None for a tree only its loop reads."},
    {"region_fill", cw_region_fill, METH_VARARGS,
     "region_fill(memo, exempt, marks, specific, elements) -> True: each element's "
     "region memoised as boilerplate.RegionMap.region memoises it; None for what "
     "only that method reads (the elements before memoised)."},
    {"text_join", cw_text_join, METH_VARARGS,
     "text_join(el, sep) -> sep.join(el.itertext()), or None for what only lxml reads."},
    {"inline_text", cw_inline_text, METH_VARARGS,
     "inline_text(el, hidden, inline_tags, skip_tags) -> what text.own_lines splits, "
     "or None for what only its Python reads."},
    {"configure", configure, METH_O,
     "configure(dict): measure.py's sets, helpers and a sample element; raises "
     "RuntimeError when this lxml's element layout is not the one compiled against."},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_cwalk",
    "measure._walk compiled: one pass over libxml2's nodes (see measure.py).", -1, methods
};

PyMODINIT_FUNC
PyInit__cwalk(void)
{
    for (int i = 0; i < N_COUNT; i++)
        if (g_names[i] == NULL && (g_names[i] = PyUnicode_InternFromString(g_name_text[i])) == NULL)
            return NULL;
    return PyModule_Create(&module);
}
