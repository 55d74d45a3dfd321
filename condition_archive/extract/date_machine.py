"""The dates a page states for machines: JSON-LD (every block, @graph, nested
page nodes), microdata itemprops, <meta> tags and the HTTP Last-Modified
header, as DateCandidates (dates.py collects them with the visible ones and
re-exports these collectors)."""

from __future__ import annotations

from email.utils import parsedate_to_datetime
from functools import lru_cache

from lxml import etree
from lxml.html import HtmlElement

from condition_archive.extract.date_local import page_item_date
from condition_archive.extract.date_parse import parse_machine_date
from condition_archive.extract.date_vocab import JSONLD_FIELDS, JSONLD_SKIP_KEYS, JSONLD_SKIP_TYPES, META_FIELDS
from condition_archive.extract.foreign import is_foreign
from condition_archive.extract.jsonld import jsonld_nodes, jsonld_types
from condition_archive.extract.markers import is_hidden
from condition_archive.extract.meta import PageScan, visible_text
from condition_archive.extract.model import DateCandidate
from condition_archive.extract.tagindex import tagged

# = //*[@itemprop] in document order, faster (an attribute axis, compiled once).
_ITEMPROP = etree.XPath("//@itemprop/..")


def jsonld_candidates(root: HtmlElement, scan: PageScan | None = None) -> list[DateCandidate]:
    found: list[DateCandidate] = []
    for node in (scan.jsonld if scan else jsonld_nodes(root)):
        _walk_jsonld(node, found, depth=0)
    return found


def _walk_jsonld(node: dict, found: list[DateCandidate], depth: int) -> None:
    if depth > 4 or jsonld_types(node) & JSONLD_SKIP_TYPES:
        return
    for key, field in JSONLD_FIELDS.items():
        values = node.get(key)
        if values is None:
            continue
        for raw in values if isinstance(values, list) else (values,):
            if isinstance(raw, str) and (value := parse_machine_date(raw)):
                found.append(DateCandidate(field, value, f"json-ld:{key}", raw))
    for key, child in node.items():
        if key in JSONLD_SKIP_KEYS or key.startswith("@"):
            continue
        for item in child if isinstance(child, list) else [child]:
            if isinstance(item, dict):
                _walk_jsonld(item, found, depth + 1)


def meta_candidates(root: HtmlElement, regions=None) -> list[DateCandidate]:
    found: list[DateCandidate] = []
    for meta in tagged(root, regions, "meta"):
        key = (meta.get("property") or meta.get("name") or meta.get("http-equiv") or "").lower()
        field = META_FIELDS.get(key)
        if not field:
            continue  # (most <meta>s: their content is not read)
        raw = meta.get("content") or ""
        if meta.get("itemprop") is None and (value := parse_machine_date(raw)):
            found.append(DateCandidate(field, value, f"meta:{key}", raw))
    return found


def microdata_candidates(root: HtmlElement, regions, foreign=frozenset()) -> list[DateCandidate]:
    found: list[DateCandidate] = []
    known = getattr(regions, "itemprops", None)
    for el in _ITEMPROP(root) if known is None else known:
        prop = next((p for p in el.get("itemprop").split() if p in JSONLD_FIELDS), None)
        if prop is None or (el.tag != "meta" and is_foreign(el, regions, foreign)
                            and (_hidden_in(el) or not page_item_date(el, root))):
            continue
        raw = el.get("content") or el.get("datetime") or visible_text(el, regions)
        if value := parse_machine_date(raw):
            found.append(DateCandidate(JSONLD_FIELDS[prop], value, f"microdata:{prop}", raw))
    return found


def _hidden_in(el: HtmlElement) -> bool:
    return any(is_hidden(node) for node in (el, *el.iterancestors()))


def http_candidates(headers: dict[str, str] | None) -> list[DateCandidate]:
    raw = next((v for k, v in (headers or {}).items() if k.lower() == "last-modified"), "")
    value = _http_stamp(raw) if isinstance(raw, str) else _http_stamp.__wrapped__(raw)
    return [DateCandidate("updated", value, "http:last-modified", raw)] if value else []


@lru_cache(maxsize=1024)  # a server's Last-Modified values repeat
def _http_stamp(raw) -> str | None:
    """A Last-Modified header's time in ISO form, None when there is none or it does not parse."""
    try:
        stamp = parsedate_to_datetime(raw) if raw else None
    except (TypeError, ValueError):
        stamp = None
    return stamp.isoformat() if stamp else None
