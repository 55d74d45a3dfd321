/* The walk's per-walk memos (issue 16, session 13): a page repeats its class
 * and id values (a few dozen values over a few hundred elements), so each
 * value is decoded once a walk and what measure._walk asks of it (the
 * (class, id) pair, _CLAIMS's claim, names_a_field, hidden_class) is asked
 * once per value or combination; and each element's text and link lengths
 * are kept by node for its parent, instead of a dict lookup by proxy per
 * child.  These are memos of what the Python walk computes (the helpers are
 * pure functions of these values): the outputs are measure._walk's. */
#include "_cwalk.h"

static size_t
mix(size_t h)
{
    h *= (size_t)0x9E3779B97F4A7C15ULL;
    return h ^ (h >> 29);
}

/* Open addressing over a power-of-two table: the caller's table doubled and
 * rehashed when half full.  `size` is one entry's, `hash_of` its hash. */
static int
grow(void **table, size_t *cap, size_t size, size_t (*hash_of)(const void *),
     int (*empty)(const void *))
{
    size_t ncap = *cap ? *cap * 2 : 512;
    char *fresh = PyMem_Calloc(ncap, size), *old = *table;
    if (fresh == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    for (size_t i = 0; i < *cap; i++) {
        const void *e = old + i * size;
        if (empty(e))
            continue;
        size_t h = hash_of(e) & (ncap - 1);
        while (!empty(fresh + h * size))
            h = (h + 1) & (ncap - 1);
        memcpy(fresh + h * size, e, size);
    }
    PyMem_Free(old);
    *table = fresh;
    *cap = ncap;
    return 0;
}

/* --- attribute values, by content --- */

static size_t value_hash(const void *e) { return ((const Value *)e)->h; }
static int value_empty(const void *e) { return ((const Value *)e)->str == NULL; }

/* The str of the UTF-8 `s` (a new reference), one object per content a walk:
 * FALLBACK when it is not UTF-8 (lxml would raise; the Python walk does). */
int
cw_value(Walk *w, const char *s, PyObject **str)
{
    size_t n = strlen(s), h = 14695981039346656037ULL;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
    h = mix(h);
    if ((w->nvalues + 1) * 2 > w->vcap
            && grow((void **)&w->values, &w->vcap, sizeof(Value), value_hash, value_empty) < 0)
        return -1;
    size_t i = h & (w->vcap - 1);
    Value *v;
    for (v = &w->values[i]; v->str != NULL; v = &w->values[i]) {
        if (v->h == h && v->n == n && memcmp(v->s, s, n) == 0) {
            *str = Py_NewRef(v->str);
            return 0;
        }
        i = (i + 1) & (w->vcap - 1);
    }
    PyObject *made = PyUnicode_DecodeUTF8(s, (Py_ssize_t)n, NULL);
    if (made == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_UnicodeDecodeError))
            return -1; /* a MemoryError stays an error */
        PyErr_Clear();
        return FALLBACK;
    }
    *v = (Value){s, n, h, made};
    w->nvalues++;
    *str = Py_NewRef(made);
    return 0;
}

/* hidden_class(cls), asked once a value and walk. */
int
cw_hidden_class(Walk *w, PyObject *cls)
{
    Combo *c;
    if (cw_combo(w, COMBO_HIDES, NULL, cls, NULL, &c) < 0)
        return -1;
    if (c->flag < 0) {
        PyObject *r = PyObject_CallOneArg(g_hidden_class, cls);
        int truth = r == NULL ? -1 : PyObject_IsTrue(r);
        Py_XDECREF(r);
        if (truth < 0)
            return -1;
        /* `c` still valid: hidden_class runs no walk, so the table did not grow. */
        c->flag = truth;
    }
    return c->flag;
}

/* --- (tag, class, id) combinations, by the objects' identity --- */

static size_t combo_hash(const void *e)
{
    const Combo *c = e;
    return mix((size_t)c->kind ^ (size_t)c->tag ^ ((size_t)c->cls << 1) ^ ((size_t)c->ident << 2));
}
static int combo_empty(const void *e) { return ((const Combo *)e)->used == 0; }

/* The entry of (kind, tag, cls, ident), new ones with no value and flag -1.
 * cls and ident are cw_value's objects (or NULL), so identity is equality
 * within a walk.  The entry is valid until the next call (the table grows). */
int
cw_combo(Walk *w, int kind, PyObject *tag, PyObject *cls, PyObject *ident, Combo **entry)
{
    if ((w->ncombos + 1) * 2 > w->ccap
            && grow((void **)&w->combos, &w->ccap, sizeof(Combo), combo_hash, combo_empty) < 0)
        return -1;
    Combo key = {kind, tag, cls, ident, NULL, -1, 1};
    size_t i = combo_hash(&key) & (w->ccap - 1);
    Combo *c;
    for (c = &w->combos[i]; c->used; c = &w->combos[i]) {
        if (c->kind == kind && c->tag == tag && c->cls == cls && c->ident == ident) {
            *entry = c;
            return 0;
        }
        i = (i + 1) & (w->ccap - 1);
    }
    /* Hold the keys: a combination's objects must outlive its entry. */
    Py_XINCREF(tag);
    Py_XINCREF(cls);
    Py_XINCREF(ident);
    *c = key;
    w->ncombos++;
    *entry = c;
    return 0;
}

/* --- lengths by node --- */

static size_t length_hash(const void *e) { return mix((size_t)((const Lengths *)e)->node >> 4); }
static int length_empty(const void *e) { return ((const Lengths *)e)->node == NULL; }

int
cw_keep_lengths(Walk *w, xmlNode *node, Py_ssize_t total, Py_ssize_t links)
{
    if ((w->nlengths + 1) * 2 > w->lcap
            && grow((void **)&w->lengths, &w->lcap, sizeof(Lengths), length_hash, length_empty) < 0)
        return -1;
    Lengths key = {node, total, links};
    size_t i = length_hash(&key) & (w->lcap - 1);
    while (w->lengths[i].node != NULL && w->lengths[i].node != node)
        i = (i + 1) & (w->lcap - 1);
    w->nlengths += w->lengths[i].node == NULL;
    w->lengths[i] = key;
    return 0;
}

/* The lengths kept for `node` (an element walked before), or none: 0 and 0,
 * as text_len.get(child, 0) gives for a node that is not a walked element. */
void
cw_lengths_of(Walk *w, xmlNode *node, Py_ssize_t *total, Py_ssize_t *links)
{
    if (w->lcap == 0)
        return;
    Lengths key = {node, 0, 0};
    size_t i = length_hash(&key) & (w->lcap - 1);
    for (; w->lengths[i].node != NULL; i = (i + 1) & (w->lcap - 1)) {
        if (w->lengths[i].node == node) {
            *total += w->lengths[i].total;
            *links += w->lengths[i].links;
            return;
        }
    }
}

void
cw_free_memos(Walk *w)
{
    for (size_t i = 0; i < w->vcap; i++)
        Py_XDECREF(w->values[i].str);
    for (size_t i = 0; i < w->ccap; i++) {
        if (!w->combos[i].used)
            continue;
        Py_XDECREF(w->combos[i].tag);
        Py_XDECREF(w->combos[i].cls);
        Py_XDECREF(w->combos[i].ident);
        Py_XDECREF(w->combos[i].value);
    }
    PyMem_Free(w->values);
    PyMem_Free(w->combos);
    PyMem_Free(w->lengths);
}
