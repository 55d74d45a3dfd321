/* measure._walk in C: one pass over libxml2's nodes instead of lxml proxy
 * calls per element (el.items(), el.tag, el.text, child.tail, getchildren()).
 *
 * measure.py stays the reference: this file mirrors _walk and _scan_unread
 * line by line and calls the same Python helpers (is_hidden, own_marker,
 * hidden_class, names_a_field, _new_claim, the scan's known/judge) where they
 * do.  It reads what lxml would read: el.tag is "{href}name" or name, el.text
 * and .tail the adjacent text/CDATA nodes joined (lxml's _collectText),
 * getchildren() the element, comment, entity-reference and PI children, an
 * attribute's value libxml2's first of that name (xmlGetNsProp).  A node it
 * cannot read as lxml would (NULL contents, bytes that are not UTF-8, an
 * attribute value of several nodes, a proxy that is not where lxml keeps it)
 * makes walk() return None: measure.py then runs the Python walk.  No libxml2
 * or lxml function is called, so nothing is linked: only their struct
 * layouts (public API of both) are read.  Iterative: no recursion.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>
#include <libxml/tree.h>
#include "lxml.etree.h"

#define FALLBACK 1 /* a status: the tree has a shape this walk does not read */

/* Set once by configure() from measure.py's own objects. */
static PyObject *g_drop, *g_invisible, *g_scored, *g_container, *g_tag_region;
static PyObject *g_claims, *g_unseen, *g_hidden, *g_new_claim, *g_is_hidden;
static PyObject *g_own_marker, *g_hidden_class, *g_names_a_field, *g_element_type;
static Py_ssize_t g_form_chars;
static char **g_special; /* SPECIAL_ATTRS as UTF-8 names */
static Py_ssize_t g_nspecial;
/* Attribute names read per call, interned once: CPython's type cache keeps a
 * reference to each name it is asked, so a fresh string per call would fill
 * it with copies. */
enum { N_TEXT_LEN, N_LINK_LEN, N_MARKS, N_BLOCKS, N_NAMED, N_HIDDEN, N_LANDMARKS,
       N_ITEMPROPS, N_FIELD_NAMED, N_SCAN_HITS, N_KNOWN, N_JUDGE, N_MAX_CHARS,
       N_GETCHILDREN, N_COUNT };
static const char *g_name_text[N_COUNT] = {
    "text_len", "link_len", "marks", "blocks", "named", "hidden", "landmarks", "itemprops",
    "field_named", "scan_hits", "known", "judge", "max_chars", "getchildren"};
static PyObject *g_names[N_COUNT];

enum { T_DROP = 1, T_INVISIBLE = 2, T_SCORED = 4, T_CONTAINER = 8, T_MAIN = 16,
       T_A = 32, T_FORM = 64 };
enum { A_OTHER, A_CLASS, A_ID, A_SPECIAL, A_ITEMPROP, A_ROLE };

typedef struct { /* one tag name's facts, per (name, href) pointer pair */
    const xmlChar *name, *href;
    PyObject *tag, *region; /* el.tag; vocab.TAG_REGION.get(tag) */
    unsigned flags;
} TagInfo;

typedef struct {
    PyObject *text_len, *link_len, *marks, *blocks, *named, *hidden, *landmarks;
    PyObject *itemprops, *field_named, *hits, *unseen, *known, *judge;
    Py_ssize_t max_chars;
    TagInfo *tags; size_t ncap, nused; /* open addressing; per call, as nodes are freed */
    char *buf; size_t bufcap;          /* several text nodes joined */
} Walk;

typedef struct { const char *s; Py_ssize_t n; } Text; /* n == 0: None or "" */

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
static int
collect_text(Walk *w, xmlNode *node, Text *t, Py_ssize_t *len, Py_ssize_t *kept)
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
static int
tag_info(Walk *w, xmlNode *node, TagInfo **info)
{
    const xmlChar *href = node->ns != NULL ? node->ns->href : NULL;
    if (node->name == NULL)
        return FALLBACK;
    if ((w->nused + 1) * 2 > w->ncap && grow_tags(w) < 0)
        return -1;
    TagInfo *t = &w->tags[tag_slot(w->tags, w->ncap - 1, node->name, href)];
    if (t->name == NULL) {
        TagInfo made = {node->name, href, NULL, NULL, 0};
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
static int
proxy_of(xmlNode *node, PyObject **proxy)
{
    *proxy = (PyObject *)node->_private;
    if (*proxy != NULL && !is_proxy_of(*proxy, node))
        return FALLBACK;
    return 0;
}

/* `known(text)`, else `judge(text)`: is the text a scan hit? */
static int
judge(Walk *w, PyObject *text)
{
    PyObject *hit = PyDict_GetItemWithError(w->known, text);
    if (hit == NULL && PyErr_Occurred())
        return -1;
    if (hit != NULL && hit != Py_None)
        return PyObject_IsTrue(hit);
    PyObject *r = PyObject_CallOneArg(w->judge, text);
    if (r == NULL)
        return -1;
    int truth = PyObject_IsTrue(r);
    Py_DECREF(r);
    return truth;
}

/* Append (node, is_tail, owner, text) to the hits when the scan judges `t` one. */
static int
scan(Walk *w, const Text *t, PyObject *node, int is_tail, PyObject *owner)
{
    PyObject *text = PyUnicode_DecodeUTF8(t->s, t->n, NULL);
    if (text == NULL)
        return -1;
    int hit = judge(w, text), rc = hit;
    if (hit > 0) {
        PyObject *item = Py_BuildValue("(OiOO)", node, is_tail, owner, text);
        rc = item == NULL ? -1 : PyList_Append(w->hits, item);
        Py_XDECREF(item);
    }
    Py_DECREF(text);
    return rc < 0 ? -1 : 0;
}

/* The proxy getchildren() gives for child number `index` of `el`: the live
 * one, or one lxml makes (a comment's, say) through getchildren() itself. */
static int
child_proxy(PyObject *el, xmlNode *child, Py_ssize_t index, PyObject **kids, PyObject **proxy)
{
    if (proxy_of(child, proxy))
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

#define IS_CHILD(n) ((n)->type == XML_ELEMENT_NODE || (n)->type == XML_COMMENT_NODE \
                     || (n)->type == XML_ENTITY_REF_NODE || (n)->type == XML_PI_NODE)

/* _scan_unread: the scan's texts of an element whose text the walk skips. */
static int
scan_unread(Walk *w, PyObject *el, xmlNode *node, unsigned flags)
{
    Text t; Py_ssize_t len, kept, index = 0;
    PyObject *kids = NULL, *proxy;
    int rc = 0;
    if (!(flags & T_INVISIBLE)) {
        if ((rc = collect_text(w, node->children, &t, &len, &kept)) != 0)
            return rc;
        if (t.n && len < w->max_chars && kept && (rc = scan(w, &t, el, 0, el)) != 0)
            return rc;
    }
    for (xmlNode *c = node->children; c != NULL && rc == 0; c = c->next) {
        if (!IS_CHILD(c))
            continue;
        if ((rc = collect_text(w, c->next, &t, &len, &kept)) == 0 && t.n
                && len < w->max_chars && kept
                && (rc = child_proxy(el, c, index, &kids, &proxy)) == 0)
            rc = scan(w, &t, proxy, 1, el);
        index++;
    }
    Py_XDECREF(kids);
    return rc;
}

/* The value lxml's items() gives attribute `a` of `node` (xmlGetNsProp: the
 * first attribute of that name in no namespace), as a new str. */
static int
attr_value(xmlNode *node, xmlAttr *a, PyObject **value)
{
    xmlAttr *p = node->properties;
    while (p != NULL && (p->ns != NULL || p->name == NULL
                         || strcmp((const char *)p->name, (const char *)a->name) != 0))
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
        PyErr_Clear(); /* lxml would raise: the Python walk does */
        return FALLBACK;
    }
    return 0;
}

static int
attr_kind(const char *name)
{
    if (strcmp(name, "class") == 0)
        return A_CLASS;
    if (strcmp(name, "id") == 0)
        return A_ID;
    for (Py_ssize_t i = 0; i < g_nspecial; i++)
        if (strcmp(name, g_special[i]) == 0)
            return strcmp(name, "itemprop") == 0 ? A_ITEMPROP
                : strcmp(name, "role") == 0 ? A_ROLE : A_SPECIAL;
    return A_OTHER;
}

/* The walk's one read of the attributes: class, id, special, and the
 * itemprop and role="main" lists. */
static int
read_attrs(Walk *w, PyObject *el, xmlNode *node, unsigned flags,
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
        if (kind == A_OTHER)
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
        } else if (kind != A_OTHER) {
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

static int
open_walk(Walk *w, PyObject *out, PyObject *verdicts)
{
    PyObject **slots[] = {&w->text_len, &w->link_len, &w->marks, &w->blocks, &w->named,
                          &w->hidden, &w->landmarks, &w->itemprops, &w->field_named,
                          &w->hits}; /* in the order of g_names from N_TEXT_LEN */
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
        if ((*slots[i] = PyObject_GetAttr(out, g_names[N_TEXT_LEN + i])) == NULL)
            return -1;
    if ((w->unseen = PyList_New(0)) == NULL)
        return -1;
    if (!PyDict_CheckExact(w->text_len) || !PyDict_CheckExact(w->link_len)
            || !PyDict_CheckExact(w->marks) || !PyDict_CheckExact(w->named)
            || !PyList_CheckExact(w->blocks) || !PyList_CheckExact(w->landmarks)
            || !PyList_CheckExact(w->itemprops) || !PyList_CheckExact(w->field_named)
            || !PySet_CheckExact(w->hidden))
        return FALLBACK;
    if (verdicts == Py_None)
        return 0;
    if ((w->known = PyObject_GetAttr(verdicts, g_names[N_KNOWN])) == NULL
            || (w->judge = PyObject_GetAttr(verdicts, g_names[N_JUDGE])) == NULL)
        return -1;
    PyObject *max_chars = PyObject_GetAttr(verdicts, g_names[N_MAX_CHARS]);
    if (max_chars == NULL)
        return -1;
    w->max_chars = PyLong_Check(max_chars) ? PyLong_AsSsize_t(max_chars) : -1;
    Py_DECREF(max_chars);
    if (w->max_chars == -1 && PyErr_Occurred())
        PyErr_Clear(); /* a bound past Py_ssize_t: the Python walk reads it */
    else if (w->max_chars >= 0 && PyDict_CheckExact(w->known) && PyList_CheckExact(w->hits))
        return 0;
    return FALLBACK;
}

static void
close_walk(Walk *w)
{
    for (size_t i = 0; i < w->ncap; i++) {
        Py_XDECREF(w->tags[i].tag);
        Py_XDECREF(w->tags[i].region);
    }
    PyMem_Free(w->tags);
    PyMem_Free(w->buf);
    Py_XDECREF(w->text_len); Py_XDECREF(w->link_len); Py_XDECREF(w->marks);
    Py_XDECREF(w->blocks); Py_XDECREF(w->named); Py_XDECREF(w->hidden);
    Py_XDECREF(w->landmarks); Py_XDECREF(w->itemprops); Py_XDECREF(w->field_named);
    Py_XDECREF(w->hits); Py_XDECREF(w->unseen); Py_XDECREF(w->known); Py_XDECREF(w->judge);
}

/* The truth of func(arg) (or of func(a, b) with `b`). */
static int
call_truth(PyObject *func, PyObject *a, PyObject *b)
{
    PyObject *r = b == NULL ? PyObject_CallOneArg(func, a)
                            : PyObject_CallFunctionObjArgs(func, a, b, NULL);
    if (r == NULL)
        return -1;
    int truth = PyObject_IsTrue(r);
    Py_DECREF(r);
    return truth;
}

static int
set_lengths(Walk *w, PyObject *el, Py_ssize_t total, Py_ssize_t links)
{
    PyObject *t = PyLong_FromSsize_t(total), *l = PyLong_FromSsize_t(links);
    int rc = t == NULL || l == NULL ? -1
        : PyDict_SetItem(w->text_len, el, t) < 0 ? -1 : PyDict_SetItem(w->link_len, el, l);
    Py_XDECREF(t);
    Py_XDECREF(l);
    return rc < 0 ? -1 : 0;
}

/* An element whose text the walk does not count: a dropped tag or hidden. */
static int
unread(Walk *w, PyObject *el, xmlNode *node, unsigned flags, int hidden)
{
    if (hidden && (PySet_Add(w->hidden, el) < 0 || PyList_Append(w->unseen, el) < 0))
        return -1;
    if (!hidden && (flags & T_INVISIBLE) && PyList_Append(w->unseen, el) < 0)
        return -1;
    if (set_lengths(w, el, 0, 0) < 0)
        return -1;
    return w->max_chars ? scan_unread(w, el, node, flags) : 0;
}

#define OR_NONE(o) ((o) != NULL ? (o) : Py_None)
#define TRUTHY(s) ((s) != NULL && PyUnicode_GET_LENGTH(s) > 0)

static int
field_named(Walk *w, PyObject *el, PyObject *cls, PyObject *ident)
{
    if (!TRUTHY(cls) && !TRUTHY(ident))
        return 0;
    int names = call_truth(g_names_a_field, OR_NONE(cls), OR_NONE(ident));
    return names <= 0 ? names : PyList_Append(w->field_named, el);
}

/* The claim of an element with a class or an id and no special attribute:
 * _CLAIMS's, else _new_claim's; a 1-tuple names a field. */
static int
plain_claim(Walk *w, PyObject *el, TagInfo *tag, PyObject *cls, PyObject *ident, PyObject **mark)
{
    PyObject *key = PyTuple_Pack(3, tag->tag, OR_NONE(cls), OR_NONE(ident));
    if (key == NULL)
        return -1;
    *mark = PyDict_GetItemWithError(g_claims, key);
    if (*mark != NULL && *mark != g_unseen)
        Py_INCREF(*mark);
    else
        *mark = PyErr_Occurred() ? NULL : PyObject_CallOneArg(g_new_claim, key);
    Py_DECREF(key);
    if (*mark == NULL || !PyTuple_CheckExact(*mark))
        return *mark == NULL ? -1 : 0;
    if (PyList_Append(w->field_named, el) < 0)
        return -1;
    PyObject *first = PyTuple_GetItem(*mark, 0);
    Py_XINCREF(first);
    Py_SETREF(*mark, first);
    return first == NULL ? -1 : 0;
}

/* The element's own claim (`*mark`, a new reference), or `*done` when it is
 * dropped or hidden and so finished here. */
static int
claim(Walk *w, PyObject *el, xmlNode *node, TagInfo *tag, PyObject *cls, PyObject *ident,
      int special, PyObject **mark, int *done)
{
    int rc;
    if ((tag->flags & T_MAIN) && PyList_Append(w->landmarks, el) < 0)
        return -1;
    if (cls != NULL || ident != NULL) {
        PyObject *pair = PyTuple_Pack(2, OR_NONE(cls), OR_NONE(ident));
        rc = pair == NULL ? -1 : PyDict_SetItem(w->named, el, pair);
        Py_XDECREF(pair);
        if (rc < 0)
            return -1;
    }
    if (tag->flags & T_DROP) {
        *done = 1;
        if (field_named(w, el, cls, ident) < 0)
            return -1;
        int hidden = special ? call_truth(g_is_hidden, el, NULL)
            : TRUTHY(cls) ? call_truth(g_hidden_class, cls, NULL) : 0;
        return hidden < 0 ? -1 : unread(w, el, node, tag->flags, hidden);
    }
    if (special) {
        int hidden = call_truth(g_is_hidden, el, NULL);
        if (hidden < 0)
            return -1;
        *mark = hidden ? Py_NewRef(g_hidden) : PyObject_CallOneArg(g_own_marker, el);
        if (*mark == NULL || field_named(w, el, cls, ident) < 0)
            return -1;
    } else if (TRUTHY(cls) || TRUTHY(ident)) {
        if (plain_claim(w, el, tag, cls, ident, mark) < 0)
            return -1;
    } else {
        *mark = Py_NewRef(tag->region);
    }
    if (*mark != g_hidden)
        return 0;
    *done = 1;
    return unread(w, el, node, tag->flags, 1);
}

static int
add_lengths(Walk *w, xmlNode *child, Py_ssize_t *total, Py_ssize_t *links)
{
    PyObject *proxy, *n;
    if (proxy_of(child, &proxy))
        return FALLBACK;
    if (proxy == NULL) /* no live proxy: no key of either dict */
        return 0;
    PyObject *dicts[2] = {w->text_len, w->link_len};
    Py_ssize_t *sums[2] = {total, links};
    for (int i = 0; i < 2; i++) {
        if ((n = PyDict_GetItemWithError(dicts[i], proxy)) == NULL) {
            if (PyErr_Occurred())
                return -1;
            continue;
        }
        Py_ssize_t v = PyLong_Check(n) ? PyLong_AsSsize_t(n) : -1;
        if (v < 0) {
            PyErr_Clear();
            return FALLBACK;
        }
        *sums[i] += v;
    }
    return 0;
}

static int
append_block(Walk *w, PyObject *el, Py_ssize_t length)
{
    PyObject *item = Py_BuildValue("(On)", el, length);
    int rc = item == NULL ? -1 : PyList_Append(w->blocks, item);
    Py_XDECREF(item);
    return rc;
}

/* The element's text, its children's tails and lengths: what _walk does past
 * the claim. */
static int
count_text(Walk *w, PyObject *el, xmlNode *node, unsigned flags, PyObject *mark)
{
    Text t; Py_ssize_t len, kept, total, links = 0, index = 0;
    PyObject *kids = NULL, *proxy;
    int rc = collect_text(w, node->children, &t, &len, &kept);
    Py_ssize_t own = kept;
    if (rc == 0 && (flags & T_INVISIBLE))
        rc = PyList_Append(w->unseen, el);
    else if (rc == 0 && own && len < w->max_chars)
        rc = scan(w, &t, el, 0, el);
    total = own;
    for (xmlNode *c = node->children; c != NULL && rc == 0; c = c->next) {
        if (!IS_CHILD(c))
            continue;
        if ((rc = collect_text(w, c->next, &t, &len, &kept)) == 0 && t.n) {
            own += kept;
            total += kept;
            if (kept && len < w->max_chars
                    && (rc = child_proxy(el, c, index, &kids, &proxy)) == 0)
                rc = scan(w, &t, proxy, 1, el);
        }
        if (rc == 0)
            rc = add_lengths(w, c, &total, &links);
        index++;
    }
    Py_XDECREF(kids);
    if (rc != 0)
        return rc;
    if (flags & T_A)
        links = total;
    else if ((flags & T_FORM) && total < g_form_chars)
        return set_lengths(w, el, 0, 0);
    if (set_lengths(w, el, total, links) < 0)
        return -1;
    int marked = PyObject_IsTrue(mark);
    if (marked < 0 || (marked && PyDict_SetItem(w->marks, el, mark) < 0))
        return -1;
    if (flags & T_SCORED)
        return append_block(w, el, total);
    return own >= 60 && (flags & T_CONTAINER) ? append_block(w, el, own) : 0;
}

static int
walk_element(Walk *w, PyObject *el)
{
    if (!PyObject_TypeCheck(el, (PyTypeObject *)g_element_type))
        return FALLBACK;
    xmlNode *node = ((struct LxmlElement *)el)->_c_node;
    if (node == NULL || node->type != XML_ELEMENT_NODE || node->_private != (void *)el)
        return FALLBACK;
    TagInfo *tag;
    int rc = tag_info(w, node, &tag), special = 0, done = 0;
    if (rc != 0)
        return rc;
    PyObject *cls = NULL, *ident = NULL, *mark = NULL;
    rc = read_attrs(w, el, node, tag->flags, &cls, &ident, &special);
    if (rc == 0)
        rc = claim(w, el, node, tag, cls, ident, special, &mark, &done);
    if (rc == 0 && !done)
        rc = count_text(w, el, node, tag->flags, mark);
    Py_XDECREF(cls);
    Py_XDECREF(ident);
    Py_XDECREF(mark);
    return rc;
}

/* The walk waits on memory: each element's node and attributes are a cache
 * miss (libxml2 allocates them apart).  Ask for the next elements' early. */
static inline void
prefetch(PyObject *elements, Py_ssize_t i)
{
#if defined(__GNUC__) || defined(__clang__)
    if (i >= 2) {
        PyObject *ahead = PyList_GET_ITEM(elements, i - 2);
        if (Py_IS_TYPE(ahead, Py_TYPE(PyList_GET_ITEM(elements, i))))
            __builtin_prefetch(((struct LxmlElement *)ahead)->_c_node);
    }
    if (i >= 1) {
        PyObject *next = PyList_GET_ITEM(elements, i - 1);
        xmlNode *node = Py_IS_TYPE(next, Py_TYPE(PyList_GET_ITEM(elements, i)))
            ? ((struct LxmlElement *)next)->_c_node : NULL;
        if (node != NULL && node->properties != NULL)
            __builtin_prefetch(node->properties);
    }
#endif
}

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
    int rc = open_walk(&w, out, verdicts);
    for (Py_ssize_t i = PyList_GET_SIZE(elements) - 1; i >= 0 && rc == 0; i--) {
        if (i >= PyList_GET_SIZE(elements)) {
            rc = FALLBACK;
            break;
        }
        PyObject *el = PyList_GET_ITEM(elements, i);
        Py_INCREF(el);
        prefetch(elements, i);
        rc = walk_element(&w, el);
        Py_DECREF(el);
    }
    PyObject *unseen = w.unseen;
    w.unseen = NULL;
    close_walk(&w);
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
                                 "claims", "unseen", "hidden", "new_claim", "is_hidden",
                                 "own_marker", "hidden_class", "names_a_field", "element_type"};
    PyObject **slots[] = {&g_drop, &g_invisible, &g_scored, &g_container, &g_tag_region,
                          &g_claims, &g_unseen, &g_hidden, &g_new_claim, &g_is_hidden,
                          &g_own_marker, &g_hidden_class, &g_names_a_field, &g_element_type};
    PyObject *form_chars = NULL, *sample = NULL;
    if (!PyDict_Check(config))
        return PyErr_Format(PyExc_TypeError, "_cwalk.configure takes a dict");
    if (take(config, "sample", &sample) < 0)
        return NULL;
    int rc = check_layout(PyDict_GetItemString(config, "element_type"), sample);
    Py_DECREF(sample);
    for (size_t i = 0; i < sizeof keys / sizeof keys[0] && rc == 0; i++)
        rc = take(config, keys[i], slots[i]);
    if (rc < 0 || take_special(config) < 0 || take(config, "form_chars", &form_chars) < 0)
        return NULL;
    g_form_chars = PyLong_AsSsize_t(form_chars);
    Py_DECREF(form_chars);
    if (g_form_chars == -1 && PyErr_Occurred())
        return NULL;
    if (!PyDict_Check(g_tag_region) || !PyDict_Check(g_claims)
            || !PyAnySet_Check(g_drop) || !PyAnySet_Check(g_invisible)
            || !PyAnySet_Check(g_scored) || !PyAnySet_Check(g_container)) {
        Py_CLEAR(g_element_type); /* walk() refuses to run */
        return PyErr_Format(PyExc_TypeError, "_cwalk.configure: tag_region and claims must be "
                            "dicts, the tag sets sets");
    }
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"walk", walk, METH_VARARGS,
     "walk(elements, out, verdicts) -> unseen list, or None when the tree has a "
     "shape only the Python walk reads (measure.py then runs it)."},
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
