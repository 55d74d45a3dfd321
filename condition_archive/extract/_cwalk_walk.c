/* measure._walk and _scan_unread per element, in measure.py's order of
 * reads and calls. */
#include "_cwalk.h"

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

/* `known(text)`, else `judge(text)`: is the text a scan hit? */
static int
judge(Walk *w, PyObject *text)
{
    PyObject *hit = PyDict_GetItemWithError(w->known, text);
    if (hit == NULL && PyErr_Occurred())
        return -1;
    if (hit != NULL && hit != Py_None)
        return PyObject_IsTrue(hit);
    return call_truth(w->judge, text, NULL);
}

/* Append (node, is_tail, owner, text) to the hits when the scan judges `t` one.
 * `node` may be borrowed from the tree (a comment's proxy nothing else holds):
 * held here across judge(), which is Python and may drop the last reference. */
static int
scan(Walk *w, const Text *t, PyObject *node, int is_tail, PyObject *owner)
{
    PyObject *text = PyUnicode_DecodeUTF8(t->s, t->n, NULL);
    if (text == NULL)
        return -1;
    Py_INCREF(node);
    int hit = judge(w, text), rc = hit;
    if (hit > 0) {
        PyObject *item = Py_BuildValue("(OiOO)", node, is_tail, owner, text);
        rc = item == NULL ? -1 : PyList_Append(w->hits, item);
        Py_XDECREF(item);
    }
    Py_DECREF(node);
    Py_DECREF(text);
    return rc < 0 ? -1 : 0;
}

/* _scan_unread: the scan's texts of an element whose text the walk skips. */
static int
scan_unread(Walk *w, PyObject *el, xmlNode *node, unsigned flags)
{
    Text t; Py_ssize_t len, kept, index = 0;
    PyObject *kids = NULL, *proxy;
    int rc = 0;
    if (!(flags & T_INVISIBLE)) {
        if ((rc = cw_collect_text(w, node->children, &t, &len, &kept)) != 0)
            return rc;
        if (t.n && len < w->max_chars && kept && (rc = scan(w, &t, el, 0, el)) != 0)
            return rc;
    }
    for (xmlNode *c = node->children; c != NULL && rc == 0; c = c->next) {
        if (!IS_CHILD(c))
            continue;
        if ((rc = cw_collect_text(w, c->next, &t, &len, &kept)) == 0 && t.n
                && len < w->max_chars && kept
                && (rc = cw_child_proxy(el, c, index, &kids, &proxy)) == 0)
            rc = scan(w, &t, proxy, 1, el);
        index++;
    }
    Py_XDECREF(kids);
    return rc;
}


int
cw_open_walk(Walk *w, PyObject *out, PyObject *verdicts)
{
    PyObject **slots[] = {&w->text_len, &w->link_len, &w->marks, &w->blocks, &w->named,
                          &w->hidden, &w->landmarks, &w->itemprops, &w->field_named,
                          &w->hits}; /* in the order of g_names from N_TEXT_LEN */
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
        if ((*slots[i] = PyObject_GetAttr(out, g_names[N_TEXT_LEN + i])) == NULL)
            return -1;
    if ((w->unseen = PyList_New(0)) == NULL
            || (w->by_tag = PyObject_GetAttr(out, g_names[N_BY_TAG])) == NULL
            || (w->hrefs = PyObject_GetAttr(out, g_names[N_HREFS])) == NULL
            || (w->leaf_texts = PyObject_GetAttr(out, g_names[N_LEAF_TEXTS])) == NULL
            || (w->rels = PyObject_GetAttr(out, g_names[N_RELS])) == NULL)
        return -1;
    if (!PyDict_CheckExact(w->by_tag) || !PyDict_CheckExact(w->hrefs) || !PyDict_CheckExact(w->rels)
            || !PyDict_CheckExact(w->leaf_texts) || !PyDict_CheckExact(w->text_len) || !PyDict_CheckExact(w->link_len)
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

void
cw_close_walk(Walk *w)
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
    Py_XDECREF(w->by_tag);
    Py_XDECREF(w->hrefs);
    Py_XDECREF(w->leaf_texts);
    Py_XDECREF(w->rels);
}

/* `el` listed under its tag in Measured.by_tag (the stages' tag index), as
 * measure._walk lists it.  The list is looked up once per tag and walk and
 * then held borrowed: by_tag keeps it, and nothing the walk calls sees `out`. */
static int
index_tag(Walk *w, TagInfo *tag, PyObject *el)
{
    if (tag->bucket == NULL) {
        PyObject *found = PyDict_GetItemWithError(w->by_tag, tag->tag);
        if (found == NULL) {
            if (PyErr_Occurred() || (found = PyList_New(0)) == NULL)
                return -1;
            int rc = PyDict_SetItem(w->by_tag, tag->tag, found);
            Py_DECREF(found);
            if (rc < 0)
                return -1;
        }
        if (!PyList_CheckExact(found))
            return FALLBACK;
        tag->bucket = found;
    }
    return PyList_Append(tag->bucket, el);
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

/* An element with a special attribute: is_hidden(el) (`*hidden`) and, when
 * not hidden, own_marker(el) (`*mark`, a new reference): measure._special's
 * memo by tag and attributes, else its _new_special. */
static int
special_claim(PyObject *el, xmlNode *node, TagInfo *tag, int *hidden, PyObject **mark)
{
    PyObject *key, *found;
    int rc = cw_special_key(node, tag->tag, &key);
    if (rc != 0)
        return rc;
    found = PyDict_GetItemWithError(g_special_claims, key);
    if (found != NULL)
        Py_INCREF(found);
    else
        found = PyErr_Occurred() ? NULL : PyObject_CallFunctionObjArgs(g_new_special, key, el, NULL);
    Py_DECREF(key);
    if (found == NULL)
        return -1;
    rc = FALLBACK; /* not the (bool, claim) pair _new_special makes: Python's walk reads it */
    if (PyTuple_CheckExact(found) && PyTuple_GET_SIZE(found) == 2 && PyBool_Check(PyTuple_GET_ITEM(found, 0))) {
        *hidden = PyTuple_GET_ITEM(found, 0) == Py_True;
        if (mark != NULL)
            *mark = *hidden ? Py_NewRef(g_hidden) : Py_NewRef(PyTuple_GET_ITEM(found, 1));
        rc = 0;
    }
    Py_DECREF(found);
    return rc;
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
        int hidden = 0;
        rc = special ? special_claim(el, node, tag, &hidden, NULL) : 0;
        if (rc == 0 && !special && TRUTHY(cls))
            rc = (hidden = call_truth(g_hidden_class, cls, NULL)) < 0 ? -1 : 0;
        return rc != 0 ? rc : unread(w, el, node, tag->flags, hidden);
    }
    if (special) {
        int hidden;
        if ((rc = special_claim(el, node, tag, &hidden, mark)) != 0)
            return rc;
        if (field_named(w, el, cls, ident) < 0)
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
    if (cw_proxy_of(child, &proxy))
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
    int rc = cw_collect_text(w, node->children, &t, &len, &kept);
    Py_ssize_t own = kept;
    if (rc == 0 && (flags & T_A))
        rc = cw_leaf_text(w, el, node, &t, kept);
    if (rc == 0 && (flags & T_INVISIBLE))
        rc = PyList_Append(w->unseen, el);
    else if (rc == 0 && own && len < w->max_chars)
        rc = scan(w, &t, el, 0, el);
    total = own;
    for (xmlNode *c = node->children; c != NULL && rc == 0; c = c->next) {
        if (!IS_CHILD(c))
            continue;
        if ((rc = cw_collect_text(w, c->next, &t, &len, &kept)) == 0 && t.n) {
            own += kept;
            total += kept;
            if (kept && len < w->max_chars
                    && (rc = cw_child_proxy(el, c, index, &kids, &proxy)) == 0)
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

int
cw_walk_element(Walk *w, PyObject *el)
{
    if (!PyObject_TypeCheck(el, (PyTypeObject *)g_element_type))
        return FALLBACK;
    xmlNode *node = ((struct LxmlElement *)el)->_c_node;
    if (node == NULL || node->type != XML_ELEMENT_NODE || node->_private != (void *)el)
        return FALLBACK;
    TagInfo *tag;
    int rc = cw_tag_info(w, node, &tag), special = 0, done = 0;
    if (rc == 0)
        rc = index_tag(w, tag, el);
    if (rc != 0)
        return rc;
    PyObject *cls = NULL, *ident = NULL, *mark = NULL;
    rc = cw_read_attrs(w, el, node, tag->flags, &cls, &ident, &special);
    if (rc == 0)
        rc = claim(w, el, node, tag, cls, ident, special, &mark, &done);
    if (rc == 0 && !done)
        rc = count_text(w, el, node, tag->flags, mark);
    Py_XDECREF(cls);
    Py_XDECREF(ident);
    Py_XDECREF(mark);
    return rc;
}
