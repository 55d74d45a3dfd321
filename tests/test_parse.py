"""parse_html never raises and says why it found nothing."""

from __future__ import annotations

import pytest

from condition_archive.extract.parse import Parsed, decode_html, parse_html


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty document"),
        ("", "empty document"),
        (b"   \n\t ", "empty document"),
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "not html: looks like PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not html: looks like PNG"),
        (b"\x00" * 100, "not html: binary data (NUL bytes)"),
        (b"\x1f\x8b\x08\x00\x00\x00", "not html: looks like gzip"),
    ],
)
def test_unusable_input_gives_no_root_and_a_reason(data, problem):
    parsed = parse_html(data)
    assert isinstance(parsed, Parsed)
    assert parsed.root is None
    assert parsed.problem == problem


def test_non_html_content_type_is_refused():
    parsed = parse_html(b"<html><body>x</body></html>", content_type="application/pdf")
    assert parsed.root is None
    assert parsed.problem == "not html: content type application/pdf"


@pytest.mark.parametrize(
    "data",
    [
        b"<html><head><title>T</title></head><body><p>cut off mid-sent",
        b"<div><p>unclosed <b>bold <i>italic",
        b"<html",
        b"</p></div></body>",
        "<p>nul\x00 and control\x07 characters</p>",
        b'<?xml version="1.0" encoding="utf-8"?><html><body><p>x</p></body></html>',
        '<?xml version="1.0" encoding="utf-8"?><html><body><p>x</p></body></html>',
        b"\xff\xfe<\x00p\x00>\x00h\x00i\x00",
        bytes(range(32, 256)) * 20,
    ],
)
def test_broken_input_never_raises(data):
    parsed = parse_html(data)
    assert parsed.root is not None or parsed.problem


def test_truncated_html_keeps_the_text_it_has():
    parsed = parse_html(b"<html><body><article><p>First paragraph.</p><p>Second, cut")
    assert parsed.root is not None
    assert "Second, cut" in parsed.root.text_content()


def test_cp1252_bytes_labelled_utf8_decode_sensibly():
    data = '<meta charset="utf-8"><p>“Smart quotes” – café</p>'.encode("cp1252")
    parsed = parse_html(data, content_type="text/html; charset=utf-8")
    assert parsed.root is not None
    assert "“Smart quotes” – café" in parsed.root.text_content()
    assert parsed.problem and "cp1252" in parsed.problem


def test_mixed_utf8_with_stray_cp1252_byte_keeps_both():
    data = "<p>naïve ".encode("utf-8") + "“q”</p>".encode("cp1252")
    text, encoding = decode_html(data)
    assert "naïve “q”" in text
    assert encoding == "utf-8+cp1252"


@pytest.mark.parametrize(
    ("data", "content_type", "encoding"),
    [
        ("<p>é</p>".encode("iso-8859-1"), "text/html; charset=ISO-8859-1", "cp1252"),
        ('<meta charset="windows-1251"><p>Привет</p>'.encode("cp1251"), None, "cp1251"),
        ('<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">'
         "<p>日本</p>".encode("shift_jis"), None, "shift_jis"),
        ("\ufeff<p>bom</p>".encode("utf-8"), "text/html; charset=latin-1", "utf-8"),
        ("<p>plain</p>".encode("utf-8"), None, "utf-8"),
    ],
)
def test_charset_sources(data, content_type, encoding):
    parsed = parse_html(data, content_type=content_type)
    assert parsed.encoding == encoding
    assert parsed.root is not None


def test_header_charset_beats_meta():
    data = '<meta charset="utf-8"><p>Привет</p>'.encode("cp1251")
    parsed = parse_html(data, content_type="text/html; charset=windows-1251")
    assert "Привет" in parsed.root.text_content()


def test_str_input_is_parsed_as_is():
    parsed = parse_html("<html><body><p>héllo</p></body></html>", url="https://example.org/a")
    assert parsed.problem is None
    assert parsed.encoding is None
    assert parsed.root.findtext(".//p") == "héllo"
