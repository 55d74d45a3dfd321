"""Pages that are not articles: home, hub/author stubs, error pages, robots.txt, sitemap, binaries."""

from __future__ import annotations

import struct
import zlib

from . import render_2025_shell as shell
from .model import Version
from .render_2012 import render_other_2012
from .render_common import BASE, esc


def render_other(version: Version, title: str, paragraphs: tuple[str, ...], path: str) -> str:
    """A plain page in the version's template; paragraphs may hold inline HTML."""
    if version.name == "2012":
        return render_other_2012(title, paragraphs, version.articles)
    text = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    main = (f'<main id="main-content" class="l-main" role="main"><div class="l-container">'
            f'<div class="region region--content"><h1 class="page-title">{esc(title)}</h1>'
            f'<div class="c-basic-page">{text}</div></div></div></main>\n')
    return shell.page(shell.head(title, title, path), main, 1, "page", {"pageType": "page"})


def home_paragraphs(version: Version) -> tuple[str, ...]:
    center = version.center
    return (
        "Trusted, peer-reviewed information about back and neck pain since 1999.",
        f'Featured condition center: <a href="{center.path}">{esc(center.title)}</a>.',
        'Not sure where to start? <a href="/conditions">Browse all conditions</a>.',
    )


def stub_paragraphs(title: str) -> tuple[str, ...]:
    return (f"{esc(title)}: an overview page of Spine-health.",
            'Return to the <a href="/conditions/upper-back-pain">Upper Back Pain</a> center.')


def error_paragraphs(status: int) -> tuple[str, ...]:
    if status == 410:
        return ("This article has been retired and is no longer available.",
                'Visit the <a href="/conditions/upper-back-pain">Upper Back Pain</a> center instead.')
    if status == 403:
        return ("You are not authorized to access this page.",)
    return ("Sorry, the page you requested could not be found.",
            'Try the <a href="/">home page</a> or <a href="/search/">search for a topic</a>.')


def robots_txt() -> str:
    return (
        "# robots.txt for Spine-health\n"
        "User-agent: *\n"
        "Disallow: /search/\n"
        "Disallow: /admin/\n"
        "Disallow: /newsletter/subscribe\n"
        "\n"
        "User-agent: BadBot\n"
        "Disallow: /\n"
        "\n"
        f"Sitemap: {BASE}/sitemap.xml\n"
    )


def sitemap_xml(entries: list[tuple[str, str]]) -> str:
    """entries: (path, lastmod ISO date)."""
    urls = "\n".join(f"  <url><loc>{BASE}{path}</loc><lastmod>{lastmod}</lastmod></url>"
                     for path, lastmod in entries)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            f"{urls}\n</urlset>\n")


def png_pixel() -> bytes:
    """A valid 1x1 grey PNG, for every image URL of the site."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00\x80")) + chunk(b"IEND", b""))


def pdf_handout() -> bytes:
    """A small one-page PDF (the exercise handout)."""
    text = b"BT /F1 14 Tf 72 720 Td (5 Exercises for Upper and Middle Back Pain - Handout) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(text)).encode() + b" >>\nstream\n" + text + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out
