/* The compiled region walk (see measure.py and _cwalk.c): what its
 * files share.  _cwalk_nodes.c reads libxml2's nodes as lxml would,
 * _cwalk_walk.c is measure._walk per element, _cwalk_clean.c
 * boilerplate._clean_len, _cwalk_sums.c its _add_up and measure._mixed,
 * _cwalk.c the module. */
#ifndef CWALK_H
#define CWALK_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>
#include <libxml/tree.h>
#include "lxml.etree.h"

#define FALLBACK 1 /* a status: the tree has a shape this walk does not read */

/* Set once by configure() from measure.py's own objects. */
extern PyObject *g_drop, *g_invisible, *g_scored, *g_container, *g_tag_region;
extern PyObject *g_claims, *g_unseen, *g_hidden, *g_new_claim, *g_special_claims;
extern PyObject *g_new_special, *g_hidden_class, *g_names_a_field, *g_element_type;
extern Py_ssize_t g_form_chars;
extern char **g_special; /* SPECIAL_ATTRS as UTF-8 names */
extern Py_ssize_t g_nspecial;
/* Attribute names read per call, interned once: CPython's type cache keeps a
 * reference to each name it is asked, so a fresh string per call would fill
 * it with copies. */
enum { N_TEXT_LEN, N_LINK_LEN, N_MARKS, N_BLOCKS, N_NAMED, N_HIDDEN, N_LANDMARKS,
       N_ITEMPROPS, N_FIELD_NAMED, N_SCAN_HITS, N_KNOWN, N_JUDGE, N_MAX_CHARS,
       N_GETCHILDREN, N_BY_TAG, N_HREFS, N_LEAF_TEXTS, N_RELS, N_COUNT };
extern PyObject *g_names[N_COUNT];

enum { T_DROP = 1, T_INVISIBLE = 2, T_SCORED = 4, T_CONTAINER = 8, T_MAIN = 16,
       T_A = 32, T_FORM = 64 };
enum { A_OTHER, A_CLASS, A_ID, A_SPECIAL, A_ITEMPROP, A_ROLE, A_HREF, A_REL };

typedef struct { /* one tag name's facts, per (name, href) pointer pair */
    const xmlChar *name, *href;
    PyObject *tag, *region; /* el.tag; vocab.TAG_REGION.get(tag) */
    unsigned flags;
    PyObject *bucket; /* by_tag[tag], borrowed (by_tag holds it), once looked up */
} TagInfo;

typedef struct {
    PyObject *text_len, *link_len, *marks, *blocks, *named, *hidden, *landmarks;
    PyObject *itemprops, *field_named, *hits, *unseen, *known, *judge, *by_tag, *hrefs;
    PyObject *leaf_texts, *rels;
    Py_ssize_t max_chars;
    TagInfo *tags; size_t ncap, nused; /* open addressing; per call, as nodes are freed */
    char *buf; size_t bufcap;          /* several text nodes joined */
} Walk;

typedef struct { const char *s; Py_ssize_t n; } Text; /* n == 0: None or "" */

/* getchildren()'s nodes (lxml's _isElement). */
#define IS_CHILD(n) ((n)->type == XML_ELEMENT_NODE || (n)->type == XML_COMMENT_NODE \
                     || (n)->type == XML_ENTITY_REF_NODE || (n)->type == XML_PI_NODE)

/* Each returns 0, FALLBACK, or -1 with a Python exception set. */
int cw_collect_text(Walk *w, xmlNode *node, Text *t, Py_ssize_t *len, Py_ssize_t *kept);
int cw_tag_info(Walk *w, xmlNode *node, TagInfo **info);
int cw_read_attrs(Walk *w, PyObject *el, xmlNode *node, unsigned flags,
                  PyObject **cls, PyObject **ident, int *special);
int cw_special_key(xmlNode *node, PyObject *tag, PyObject **key);
int cw_proxy_of(xmlNode *node, PyObject **proxy);
int cw_child_proxy(PyObject *el, xmlNode *child, Py_ssize_t index, PyObject **kids,
                   PyObject **proxy);
int cw_open_walk(Walk *w, PyObject *out, PyObject *verdicts);
void cw_close_walk(Walk *w);
int cw_walk_element(Walk *w, PyObject *el);
PyObject *cw_clean_len(PyObject *self, PyObject *args); /* _cwalk_clean.c */
PyObject *cw_text_count(PyObject *self, PyObject *args);
PyObject *cw_add_up(PyObject *self, PyObject *args); /* _cwalk_sums.c */
PyObject *cw_mixed_up(PyObject *self, PyObject *unseen);
int cw_leaf_text(Walk *w, PyObject *el, xmlNode *node, const Text *t, Py_ssize_t kept); /* _cwalk_leaf.c */
PyObject *cw_region_fill(PyObject *self, PyObject *args); /* _cwalk_region.c */
PyObject *cw_text_join(PyObject *self, PyObject *args); /* _cwalk_text.c */
PyObject *cw_inline_text(PyObject *self, PyObject *args);

#endif
