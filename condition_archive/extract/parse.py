"""Bytes or text in, an lxml tree out, never an exception.

Crawled bodies are whatever servers send: mislabelled charsets, PDFs served as
text/html, truncated transfers, empty 200s. `parse_html` decodes and parses what
it can and says in `problem` why the result is missing or suspect, so callers
record the reason instead of crashing.
"""

from __future__ import annotations

import codecs
import os
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from condition_archive.extract.tagindex import body_of

# Magic numbers of formats that are sometimes served under an HTML URL.
_MAGIC = (
    (b"%PDF-", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"GIF8", "GIF"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"PK\x03\x04", "ZIP"),
    (b"\x1f\x8b", "gzip"),
    (b"RIFF", "RIFF"),
    (b"\x00\x00\x01\x00", "ICO"),
)
_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
# <meta charset=x> and <meta http-equiv=Content-Type content="...; charset=x">;
# both put "charset=" before the name, so one pattern on the head bytes does.
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.I)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>")
# Characters libxml2 refuses in a Python string (NUL and C0 controls but \t\n\r).
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
# The same characters as bytes, mapped to NUL (`bytes.translate` then `find`:
# five times faster than the regex over the text). In the decodings below a C0
# control character comes from that one byte and nothing else does, so bytes
# without them give text without them; other codecs (UTF-7, ISO-2022's ESC,
# escape codecs) are read by the regex.
_BAD_BYTE_VALUES = bytes((*range(0x09), 0x0b, 0x0c, *range(0x0e, 0x20)))
_BAD_BYTES = bytes.maketrans(_BAD_BYTE_VALUES, bytes(len(_BAD_BYTE_VALUES)))
_CONTROL_MAPS_TO_BYTE = frozenset(("utf-8", "utf-8+cp1252", "cp1252"))
# Set to anything but "" or "0": the compiled helpers are not used (measure.py).
PURE_PYTHON_ENV = "CONDITION_ARCHIVE_PURE_PYTHON"
# os.environ's own dict (encoded keys and values): `os.environ.get` of an unset
# name raises and catches a KeyError inside (1.2 us; pure_python runs six times a
# page), a lookup here is 30 ns and sees every change made through os.environ
# (monkeypatch.setenv included), as os.environ.get does.
_ENVIRON = getattr(os.environ, "_data", None)
_PURE_PYTHON_KEY = os.environ.encodekey(PURE_PYTHON_ENV) if _ENVIRON is not None else None
_NON_HTML_TYPES = ("application/pdf", "image/", "audio/", "video/", "font/",
                   "application/zip", "application/octet-stream")


@dataclass(frozen=True)
class Parsed:
    """A parsed page: `root` is None when nothing usable was found; `problem` says why
    (or flags something suspect about a usable root, e.g. a decoding fallback)."""

    root: lxml.html.HtmlElement | None
    problem: str | None
    encoding: str | None


def _blank(data: str | bytes) -> bool:
    """`not data.strip()` without copying the page: strip() and isspace() know
    the same whitespace (ASCII for bytes, Unicode for str)."""
    return not data or data.isspace()


def _cp1252_fallback(err: UnicodeDecodeError) -> tuple[str, int]:
    # A page labelled utf-8 with a few Windows-1252 bytes (smart quotes pasted from
    # Word) is far more common than real garbage: decode the bad bytes as cp1252.
    bad = err.object[err.start:err.end]
    return bad.decode("cp1252", errors="replace"), err.end


codecs.register_error("condition_archive.cp1252", _cp1252_fallback)


def _sniff_binary(data: bytes) -> str | None:
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return f"not html: looks like {name}"
    # The first 4 KB counted in place: a slice of them is a malloc, which pays
    # glibc's consolidation of the last page's freed tree.
    if data.count(b"\x00", 0, 4096) > min(len(data), 4096) // 100:
        return "not html: binary data (NUL bytes)"
    return None


@lru_cache(maxsize=1)
def _compiled_find_control():
    try:
        from condition_archive.extract._cwalk import find_control
    except ImportError:
        return None
    return find_control


def pure_python() -> bool:
    """True when CONDITION_ARCHIVE_PURE_PYTHON asks for the Python code only."""
    if _ENVIRON is None:  # not CPython's os._Environ
        return os.environ.get(PURE_PYTHON_ENV, "") not in ("", "0")
    raw = _ENVIRON.get(_PURE_PYTHON_KEY)
    return raw is not None and os.environ.decodevalue(raw) not in ("", "0")


def has_control_bytes(data: bytes) -> bool:
    """True when `data` holds one of _BAD_BYTE_VALUES (C0 controls but \\t\\n\\r):
    the compiled walk's extension scans for them in place (a tenth of the
    page's translation's cost), else the translation finds them."""
    find = None if pure_python() else _compiled_find_control()
    if find is not None:
        return find(data) >= 0
    return data.translate(_BAD_BYTES).find(0) >= 0


def _known_codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    # Browsers read latin-1/ascii labels as windows-1252 (WHATWG Encoding spec).
    return "cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec


def _declared_encoding(data: bytes, content_type: str | None) -> str | None:
    header = _HEADER_CHARSET.search(content_type or "")
    codec = _known_codec(header.group(1) if header else None)
    if codec:
        return codec
    meta = _META_CHARSET.search(data[:4096])
    return _known_codec(meta.group(1).decode("ascii", "replace") if meta else None)


def wide_codec(data: bytes) -> str | None:
    """UTF-16 or UTF-32, by byte-order mark or, without one, by the NUL bytes
    around the ASCII markup the page opens with ("<" then NUL bytes)."""
    for bom, codec in _BOMS[1:]:
        if data.startswith(bom):
            return codec
    head = data[:64]
    if b"\x00" not in head:
        return None
    for codec, unit in (("utf-32-le", 4), ("utf-32-be", 4), ("utf-16-le", 2), ("utf-16-be", 2)):
        sample = head[:len(head) - len(head) % unit]
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        if text.lstrip().startswith("<") and "\x00" not in text and text.isascii():
            return codec
    return None


def decode_html(data: bytes, content_type: str | None = None,
                wide: str | None = None) -> tuple[str, str]:
    """Decode page bytes: BOM first (it beats labels, as in browsers), then the
    header charset, then <meta>, then utf-8 with cp1252 for undecodable bytes.
    `wide` is a UTF-16/32 codec that wide_codec found without a BOM."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace"), codec
    if wide:
        return data.decode(wide, errors="replace"), wide
    codec = _declared_encoding(data, content_type)
    # A utf-16 label on bytes without a BOM is nearly always a wrong label.
    if codec and codec not in ("utf-8",) and not codec.startswith("utf-16"):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="condition_archive.cp1252"), "utf-8+cp1252"


_LOCAL = threading.local()


def _parser(utf8: bool = False) -> etree.HTMLParser:
    """lxml.html's parser with the element classes looked up in C: lxml.html's
    own lookup is a Python call per element proxy (3% of extraction), to give
    <form>, <input> and <label> helper classes extraction never uses. One per
    thread, as lxml asks of parsers; `utf8`: the one for UTF-8 bytes."""
    name = "utf8_parser" if utf8 else "parser"
    parser = getattr(_LOCAL, name, None)
    if parser is None:
        # collect_ids=False: libxml2 keeps no hash of the id attributes (nothing
        # here asks for an element by id: XPath's id() and getelementbyid unused).
        parser = etree.HTMLParser(collect_ids=False, encoding="utf-8" if utf8 else None)
        parser.set_element_class_lookup(etree.ElementDefaultClassLookup(
            element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
            pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity))
        setattr(_LOCAL, name, parser)
    return parser


def parse_html(data: str | bytes, url: str = "", content_type: str | None = None) -> Parsed:
    """Parse a page into an lxml.html tree; never raises (see `Parsed`)."""
    ctype = (content_type or "").split(";")[0].strip().lower()
    if ctype.startswith(_NON_HTML_TYPES):
        return Parsed(None, f"not html: content type {ctype}", None)
    encoding: str | None = None
    if isinstance(data, (bytes, bytearray, memoryview)):
        data = bytes(data)
        if _blank(data):
            return Parsed(None, "empty document", None)
        wide = wide_codec(data)
        if wide:  # UTF-16/32 text is full of NUL bytes: decode it before the binary sniff
            text, encoding = decode_html(data, content_type, wide)
        else:
            binary = _sniff_binary(data)
            if binary:
                return Parsed(None, binary, None)
            text, encoding = decode_html(data, content_type)
            if encoding in _CONTROL_MAPS_TO_BYTE and not has_control_bytes(data):
                # Valid UTF-8 without a BOM is the text itself: libxml2 reads it
                # as it is instead of converting the decoded str back.
                utf8 = data if encoding == "utf-8" and not data.startswith(codecs.BOM_UTF8) else None
                return _parse_text(text, url, encoding, clean=True, utf8=utf8)
    elif isinstance(data, str):
        text = data
    else:
        return Parsed(None, f"not html: unsupported input type {type(data).__name__}", None)
    return _parse_text(text, url, encoding)


def _parse_text(text: str, url: str, encoding: str | None, clean: bool = False,
                utf8: bytes | None = None) -> Parsed:
    """`clean`: the caller knows `text` has no _BAD_CHARS; `utf8`: `text` as the
    bytes it was decoded from, strictly (no BOM), for libxml2 to parse instead."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if _blank(text):
        return Parsed(None, "empty document", encoding)
    # (`clean` text holds no NUL: counting them costs a pass over the page.)
    if not clean and text.count("\x00") > len(text) // 100 + 1:
        return Parsed(None, "not html: binary data (NUL bytes)", encoding)
    # lxml refuses str input with an XML encoding declaration, and control chars.
    declared = _XML_DECL.match(text)
    if declared:
        text, utf8 = text[declared.end():], None
    if not clean:
        text = _BAD_CHARS.sub("", text)
    if _blank(text):
        return Parsed(None, "empty document", encoding)
    try:
        # lxml hands libxml2 a str's own buffer under an explicit encoding (ASCII
        # as UTF-8, Latin-1, UCS-2, UCS-4) and bytes under the parser's: UTF-8
        # bytes give the same characters, so the same tree, with no conversion.
        if utf8 is not None:
            root = etree.fromstring(utf8, _parser(utf8=True), base_url=url or None)
        else:
            root = etree.fromstring(text, _parser(), base_url=url or None)
        if root is None:
            raise etree.ParserError("Document is empty")
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        return Parsed(None, f"unparseable html: {exc}", encoding)
    problem = None
    if encoding == "utf-8+cp1252":
        problem = "bytes not valid utf-8: decoded the bad bytes as cp1252"
    if body_of(root) is None and root.find(".//body") is None:
        problem = problem or "html has no body"
    return Parsed(root, problem, encoding)


# A rule of the page's own <style> that hides a class: ".updated{display:none}",
# "time.updated:not(.published){display:none}" (WordPress themes hide the
# modified <time> that way). Only these simple selectors are read.
_CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_CSS_HIDES = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_CSS_CLASS_SELECTOR = re.compile(r"^[a-z0-9]*\.([\w-]+)(?::not\(\.([\w-]+)\))?$", re.I)


def stylesheet_hidden(root) -> tuple[tuple[str, str], ...]:
    """(class, unless-class) pairs the page's inline stylesheets hide."""
    found = []
    for style in root.iter("style"):
        for selectors, declarations in _CSS_RULE.findall(style.text or ""):
            if not _CSS_HIDES.search(declarations):
                continue
            for selector in selectors.split(","):
                match = _CSS_CLASS_SELECTOR.match(selector.strip())
                if match:
                    found.append((match.group(1), match.group(2) or ""))
    return tuple(dict.fromkeys(found))


def hidden_by_stylesheet(el, rules: tuple[tuple[str, str], ...]) -> bool:
    """True when one of `rules` (from stylesheet_hidden) hides `el` itself."""
    names = (el.get("class") or "").split()
    return any(cls in names and (not unless or unless not in names) for cls, unless in rules)


def stated_url(data: str | bytes) -> tuple[str, str] | None:
    """The URL a saved page states for itself, as (url, source): its canonical
    link, else og:url, else <base href>; absolute http(s) URLs only. `extract`
    uses it when no --url is given, so a saved page's links and cards resolve
    as they did on the site."""
    parsed = parse_html(data, "")
    root = parsed.root
    if root is None:
        return None
    found = {}
    for el in root.iter("link", "meta", "base"):
        if el.tag == "link" and "canonical" in (el.get("rel") or "").lower().split():
            found.setdefault("canonical", el.get("href"))
        elif el.tag == "meta" and (el.get("property") or el.get("name") or "").lower() == "og:url":
            found.setdefault("og:url", el.get("content"))
        elif el.tag == "base":
            found.setdefault("base", el.get("href"))
    for source in ("canonical", "og:url", "base"):
        url = (found.get(source) or "").strip()
        if urlsplit(url).scheme in ("http", "https") and urlsplit(url).netloc:
            return url, source
    return None
