/* Reading libxml2's nodes as lxml reads them: el.text and .tail
 * (_collectText), str.strip()'s length, el.tag, items()'s values
 * (xmlGetNsProp), the proxies lxml keeps in node->_private. */
#include "_cwalk.h"

/* A text node or CDATA section at or after `node`, skipping XInclude markers
 * (lxml's _textNodeOrSkip); NULL at any other node. */
static xmlNode *
text_node(xmlNode *node)
{
    while (node != NULL) {
        if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE)
            return node;
        if (node->type != XML_XINCLUDE_START && node->type != XML_XINCLUDE_END)
            return NULL;
        node = node->next;
    }
    return NULL;
}

/* Code points of the UTF-8 `s` (`*len`) and of s.strip() (`*kept`): str.strip
 * strips what Py_UNICODE_ISSPACE is true of.  FALLBACK on bytes that are not
 * UTF-8 (lxml's decoding would raise; the Python walk then does). */
static int
measure_utf8(const unsigned char *s, Py_ssize_t n, Py_ssize_t *len, Py_ssize_t *kept)
{
    Py_ssize_t count = 0, first = -1, last = -1, i = 0;
    while (i < n) {
        Py_UCS4 ch = s[i];
        int k = 1;
        if (ch >= 0x80) {
            if (ch >= 0xC2 && ch <= 0xDF) { k = 2; ch &= 0x1F; }
            else if (ch >= 0xE0 && ch <= 0xEF) { k = 3; ch &= 0x0F; }
            else if (ch >= 0xF0 && ch <= 0xF4) { k = 4; ch &= 0x07; }
            else return FALLBACK;
            if (i + k > n)
                return FALLBACK;
            for (int j = 1; j < k; j++) {
                if ((s[i + j] & 0xC0) != 0x80)
                    return FALLBACK;
                ch = (ch << 6) | (s[i + j] & 0x3F);
            }
            if ((k == 3 && (ch < 0x800 || (ch >= 0xD800 && ch <= 0xDFFF)))
                    || (k == 4 && (ch < 0x10000 || ch > 0x10FFFF)))
                return FALLBACK;
        }
        if (!Py_UNICODE_ISSPACE(ch)) {
            if (first < 0)
                first = count;
            last = count;
        }
        count++;
        i += k;
    }
    *len = count;
    *kept = first < 0 ? 0 : last - first + 1;
    return 0;
}

/* lxml's _collectText from `node` (el.text from the first child, .tail from
 * the next sibling): the adjacent text nodes joined, measured. */
int
cw_collect_text(Walk *w, xmlNode *node, Text *t, Py_ssize_t *len, Py_ssize_t *kept)
{
    xmlNode *first = text_node(node), *n;
    size_t total = 0, pieces = 0;
    for (n = first; n != NULL; n = text_node(n->next), pieces++) {
        if (n->content == NULL)
            return FALLBACK;
        total += strlen((const char *)n->content);
    }
    t->s = "";
    t->n = 0;
    *len = *kept = 0;
    if (total == 0)
        return 0;
    if (pieces == 1) {
        t->s = (const char *)first->content;
    } else {
        if (total > w->bufcap) {
            char *grown = PyMem_Realloc(w->buf, total);
            if (grown == NULL) {
                PyErr_NoMemory();
                return -1;
            }
            w->buf = grown;
            w->bufcap = total;
        }
        size_t at = 0;
        for (n = first; n != NULL; n = text_node(n->next)) {
            size_t k = strlen((const char *)n->content);
            memcpy(w->buf + at, n->content, k);
            at += k;
        }
        t->s = w->buf;
    }
    t->n = (Py_ssize_t)total;
    return measure_utf8((const unsigned char *)t->s, t->n, len, kept);
}
static size_t
tag_slot(const TagInfo *tags, size_t mask, const xmlChar *name, const xmlChar *href)
{
    size_t h = (((size_t)name >> 4) ^ ((size_t)href >> 6)) * (size_t)0x9E3779B97F4A7C15ULL;
    h = (h >> 17) & mask;
    while (tags[h].name != NULL && (tags[h].name != name || tags[h].href != href))
        h = (h + 1) & mask;
    return h;
}

static int
grow_tags(Walk *w)
{
    size_t cap = w->ncap ? w->ncap * 2 : 64;
    TagInfo *tags = PyMem_Calloc(cap, sizeof(TagInfo));
    if (tags == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (size_t i = 0; i < w->ncap; i++)
        if (w->tags[i].name != NULL)
            tags[tag_slot(tags, cap - 1, w->tags[i].name, w->tags[i].href)] = w->tags[i];
    PyMem_Free(w->tags);
    w->tags = tags;
    w->ncap = cap;
    return 0;
}

/* el.tag as lxml spells it: "{href}name", or the name alone. */
static int
tag_string(const xmlChar *name, const xmlChar *href, PyObject **tag)
{
    if (href == NULL) {
        *tag = PyUnicode_DecodeUTF8((const char *)name, (Py_ssize_t)strlen((const char *)name), NULL);
    } else {
        PyObject *b = PyBytes_FromFormat("{%s}%s", (const char *)href, (const char *)name);
        *tag = b == NULL ? NULL : PyUnicode_DecodeUTF8(PyBytes_AS_STRING(b), PyBytes_GET_SIZE(b), NULL);
        Py_XDECREF(b);
    }
    if (*tag != NULL)
        return 0;
    if (!PyErr_ExceptionMatches(PyExc_UnicodeDecodeError))
        return -1;
    PyErr_Clear(); /* lxml would raise: the Python walk does */
    return FALLBACK;
}

static int
tag_facts(TagInfo *t)
{
    static const struct { PyObject **set; unsigned flag; } sets[] = {
        {&g_drop, T_DROP}, {&g_invisible, T_INVISIBLE}, {&g_scored, T_SCORED},
        {&g_container, T_CONTAINER}};
    for (size_t i = 0; i < sizeof sets / sizeof sets[0]; i++) {
        int in = PySet_Contains(*sets[i].set, t->tag);
        if (in < 0)
            return -1;
        t->flags |= in ? sets[i].flag : 0;
    }
    t->flags |= PyUnicode_CompareWithASCIIString(t->tag, "main") == 0 ? T_MAIN : 0;
    t->flags |= PyUnicode_CompareWithASCIIString(t->tag, "a") == 0 ? T_A : 0;
    t->flags |= PyUnicode_CompareWithASCIIString(t->tag, "form") == 0 ? T_FORM : 0;
    t->region = PyDict_GetItemWithError(g_tag_region, t->tag);
    if (t->region == NULL && PyErr_Occurred())
        return -1;
    t->region = t->region == NULL ? Py_None : t->region;
    Py_INCREF(t->region);
    return 0;
}

/* The facts of `node`'s tag, read once per tag name and walk. */
int
cw_tag_info(Walk *w, xmlNode *node, TagInfo **info)
{
    const xmlChar *href = node->ns != NULL ? node->ns->href : NULL;
    if (node->name == NULL)
        return FALLBACK;
    if ((w->nused + 1) * 2 > w->ncap && grow_tags(w) < 0)
        return -1;
    TagInfo *t = &w->tags[tag_slot(w->tags, w->ncap - 1, node->name, href)];
    if (t->name == NULL) {
        TagInfo made = {node->name, href, NULL, NULL, 0, NULL};
        int rc = tag_string(node->name, href, &made.tag);
        if (rc == 0 && (rc = tag_facts(&made)) != 0)
            Py_CLEAR(made.tag);
        if (rc != 0)
            return rc;
        *t = made;
        w->nused++;
    }
    *info = t;
    return 0;
}

static int
is_proxy_of(PyObject *obj, xmlNode *node)
{
    return PyObject_TypeCheck(obj, (PyTypeObject *)g_element_type)
        && ((struct LxmlElement *)obj)->_c_node == node;
}

/* The live proxy of `node` (a borrowed reference), or NULL when it has none. */
int
cw_proxy_of(xmlNode *node, PyObject **proxy)
{
    *proxy = (PyObject *)node->_private;
    if (*proxy != NULL && !is_proxy_of(*proxy, node))
        return FALLBACK;
    return 0;
}

/* The proxy getchildren() gives for child number `index` of `el`: the live
 * one, or one lxml makes (a comment's, say) through getchildren() itself. */
int
cw_child_proxy(PyObject *el, xmlNode *child, Py_ssize_t index, PyObject **kids, PyObject **proxy)
{
    if (cw_proxy_of(child, proxy))
        return FALLBACK;
    if (*proxy != NULL)
        return 0;
    if (*kids == NULL && (*kids = PyObject_CallMethodNoArgs(el, g_names[N_GETCHILDREN])) == NULL)
        return -1;
    if (!PyList_Check(*kids) || index >= PyList_GET_SIZE(*kids))
        return FALLBACK;
    *proxy = PyList_GET_ITEM(*kids, index);
    return is_proxy_of(*proxy, child) ? 0 : FALLBACK;
}

/* Attribute `p` is named as `a` and in its namespace (or in none as it). */
static int
same_attr(const xmlAttr *p, const xmlAttr *a)
{
    if (p->name == NULL || strcmp((const char *)p->name, (const char *)a->name) != 0)
        return 0;
    if (a->ns == NULL || p->ns == NULL)
        return a->ns == p->ns;
    return p->ns->href != NULL && strcmp((const char *)p->ns->href, (const char *)a->ns->href) == 0;
}

/* The value lxml's items() gives attribute `a` of `node` (xmlGetNsProp: the
 * first attribute of that name in its namespace, or in none), as a new str. */
static int
attr_value(xmlNode *node, xmlAttr *a, PyObject **value)
{
    xmlAttr *p = node->properties;
    while (p != NULL && !same_attr(p, a))
        p = p->next;
    if (p == NULL)
        return FALLBACK;
    xmlNode *v = p->children;
    const char *s = "";
    if (v != NULL) {
        if (v->next != NULL || v->content == NULL
                || (v->type != XML_TEXT_NODE && v->type != XML_CDATA_SECTION_NODE))
            return FALLBACK;
        s = (const char *)v->content;
    }
    *value = PyUnicode_DecodeUTF8(s, (Py_ssize_t)strlen(s), NULL);
    if (*value == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_UnicodeDecodeError))
            return -1; /* a MemoryError stays an error */
        PyErr_Clear(); /* lxml would raise: the Python walk does */
        return FALLBACK;
    }
    return 0;
}

static int
attr_kind(const char *name)
{
    /* The first byte before a call: most names (href, src, alt...) differ there. */
    if (name[0] == 'c' && strcmp(name, "class") == 0)
        return A_CLASS;
    if (name[0] == 'i' && name[1] == 'd' && name[2] == '\0')
        return A_ID;
    if (name[0] == 'h' && strcmp(name, "href") == 0)
        return A_HREF;
    if (name[0] == 'r' && name[1] == 'e' && name[2] == 'l' && name[3] == '\0')
        return A_REL;
    for (Py_ssize_t i = 0; i < g_nspecial; i++)
        if (name[0] == g_special[i][0] && strcmp(name, g_special[i]) == 0)
            return strcmp(name, "itemprop") == 0 ? A_ITEMPROP
                : strcmp(name, "role") == 0 ? A_ROLE : A_SPECIAL;
    return A_OTHER;
}

/* The walk's one read of the attributes: class, id, special, the itemprop
 * and role="main" lists, and an <a>'s href and rel (Measured.hrefs, .rels). */
int
cw_read_attrs(Walk *w, PyObject *el, xmlNode *node, unsigned flags,
           PyObject **cls, PyObject **ident, int *special)
{
    for (xmlAttr *a = node->properties; a != NULL; a = a->next) {
        if (a->type != XML_ATTRIBUTE_NODE)
            continue;
        if (a->name == NULL)
            return FALLBACK;
        /* The name before the namespace: a->ns is on the node's second cache
         * line, and most attributes are none the walk reads. */
        int kind = attr_kind((const char *)a->name), rc = 0;
        if (kind == A_OTHER || ((kind == A_HREF || kind == A_REL) && !(flags & T_A)))
            continue;
        if (a->ns != NULL) { /* "{href}name": never one the walk reads */
            if (a->ns->href == NULL)
                return FALLBACK;
            continue;
        }
        PyObject *value = NULL;
        if (kind == A_CLASS || kind == A_ID) {
            if ((rc = attr_value(node, a, &value)) != 0)
                return rc;
            PyObject **slot = kind == A_CLASS ? cls : ident;
            Py_XSETREF(*slot, value);
        } else if (kind == A_HREF) {
            if ((rc = attr_value(node, a, &value)) != 0)
                return rc;
            rc = PyDict_SetItem(w->hrefs, el, value);
            Py_DECREF(value);
        } else if (kind == A_REL) {
            if ((rc = attr_value(node, a, &value)) != 0)
                return rc;
            rc = PyDict_SetItem(w->rels, el, value);
            Py_DECREF(value);
        } else {
            *special = 1;
            if (kind == A_ITEMPROP) {
                rc = PyList_Append(w->itemprops, el);
            } else if (kind == A_ROLE) {
                if ((rc = attr_value(node, a, &value)) != 0)
                    return rc;
                if (!(flags & T_MAIN) && PyUnicode_CompareWithASCIIString(value, "main") == 0)
                    rc = PyList_Append(w->landmarks, el);
                Py_DECREF(value);
            }
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* measure._special's key of an element with a special attribute: (el.tag,
 * name, value, name, value...) of el.items(), in order (a namespaced name as
 * lxml spells it, "{href}name"). */
int
cw_special_key(xmlNode *node, PyObject *tag, PyObject **key)
{
    Py_ssize_t n = 1;
    for (xmlAttr *a = node->properties; a != NULL; a = a->next)
        if (a->type == XML_ATTRIBUTE_NODE)
            n += 2;
    if ((*key = PyTuple_New(n)) == NULL)
        return -1;
    PyTuple_SET_ITEM(*key, 0, Py_NewRef(tag));
    Py_ssize_t i = 1;
    int rc = 0;
    for (xmlAttr *a = node->properties; a != NULL && rc == 0; a = a->next) {
        if (a->type != XML_ATTRIBUTE_NODE)
            continue;
        PyObject *name = NULL, *value = NULL;
        if (a->name == NULL || (a->ns != NULL && a->ns->href == NULL)) {
            rc = FALLBACK;
            break;
        }
        if ((rc = tag_string(a->name, a->ns != NULL ? a->ns->href : NULL, &name)) != 0)
            break;
        if ((rc = attr_value(node, a, &value)) != 0) {
            Py_DECREF(name);
            break;
        }
        PyTuple_SET_ITEM(*key, i++, name);
        PyTuple_SET_ITEM(*key, i++, value);
    }
    if (rc == 0 && i != n)
        rc = FALLBACK;
    if (rc != 0)
        Py_CLEAR(*key); /* the unset items are NULL: tupledealloc skips them */
    return rc;
}
