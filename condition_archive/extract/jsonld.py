"""JSON-LD blocks of a page, read leniently: every top-level object with @graph
members flattened in, and each node's @type names. Pure; no tree is modified."""

from __future__ import annotations

import json
import re

from lxml.html import HtmlElement

from condition_archive.extract.tagindex import tagged


def jsonld_nodes(root: HtmlElement, regions=None) -> list[dict]:
    """Every top-level JSON-LD object of the page, @graph members flattened in;
    blocks that do not parse are skipped (one broken block must not hide the rest).
    `regions`: the page's region map, whose tag index lists the <script>s."""
    nodes: list[dict] = []
    for script in tagged(root, regions, "script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        text = (script.text or "").strip()
        text = text.removeprefix("<!--").removesuffix("-->").strip()
        text = text.removeprefix("//<![CDATA[").removesuffix("//]]>").strip()
        _flatten(parse_jsonld(text), nodes)
    return nodes


def parse_jsonld(text: str):
    """One JSON-LD block, read as leniently as browsers and search engines read
    it: strict JSON first (raw newlines and tabs inside strings allowed), then
    chompjs, a well-kept parser of JavaScript object literals (trailing commas,
    comments, several objects in one block), which extruct-style readers use for
    the same reason. A block nothing can read gives None."""
    try:
        return json.loads(text, strict=False)
    except ValueError:
        pass
    try:
        import chompjs
    except ImportError:  # an install without it reads strict JSON-LD only
        return None
    best: list = []
    # With line breaks kept (// comments end at them) and flattened (a raw
    # break inside a string stops chompjs at that object): the fuller reading.
    for variant in (text, _RAW_BREAKS.sub(" ", text)):
        try:
            found = list(chompjs.parse_js_objects(variant))
        except (ValueError, TypeError):
            continue
        if len(found) > len(best):
            best = found
    return best or None


# Raw line breaks inside strings stop chompjs; outside strings they are spaces.
_RAW_BREAKS = re.compile(r"[\r\n\t]+")


def _flatten(data, nodes: list[dict]) -> None:
    if isinstance(data, list):
        for item in data:
            _flatten(item, nodes)
    elif isinstance(data, dict):
        if "@graph" in data:
            _flatten(data["@graph"], nodes)
        if set(data) - {"@context", "@graph"}:
            nodes.append(data)


def jsonld_types(node: dict) -> set[str]:
    """Lowercase @type names of a JSON-LD node ("schema:Article" -> "article")."""
    value = node.get("@type") or ()
    names = [value] if isinstance(value, str) else value
    return {str(n).rsplit(":", 1)[-1].rsplit("/", 1)[-1].lower() for n in names}
