"""A timeline picture: one lane per page, its captures as ticks and its versions as
dots coloured by the kind of change (change_kind.py), on a shared time axis.

`to_svg` is pure and returns inline SVG with no script (the archive's pages allow
none); each dot links to the diff that made the version. Every archived string is
escaped.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime, timezone

from condition_archive.archive.change_kind import BODY, CARDS, DATES, METADATA

COLORS = {"new": "#1565c0", BODY: "#c62828", CARDS: "#ef6c00", METADATA: "#7a3fc4", DATES: "#c9a400",
          "reprocessed": "#607d8b", "changed": "#8d6e63", "removed": "#212121", "moved": "#00838f"}
CAPTURE_COLOR = "#9e9e9e"
WIDTH, LABEL_W, LANE_H, TOP, MARGIN = 1150, 270, 30, 64, 16


@dataclass(frozen=True)
class Point:
    at: str  # UTC ISO 8601
    kind: str  # a key of COLORS
    label: str  # tooltip
    href: str | None = None


@dataclass
class Lane:
    label: str
    href: str | None = None
    versions: list[Point] = field(default_factory=list)
    captures: list[str] = field(default_factory=list)  # fetch times


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _time(at: str) -> float:
    dt = datetime.fromisoformat(at.replace("Z", "+00:00")[:25])
    return (dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)).timestamp()


def _scale(lanes: list[Lane]):
    times = [_time(p.at) for lane in lanes for p in lane.versions] + [_time(t) for lane in lanes for t in lane.captures]
    lo, hi = (min(times), max(times)) if times else (0.0, 1.0)
    pad = max((hi - lo) * 0.04, 30.0)  # no dot on the frame; one moment sits in the middle
    lo, hi = lo - pad, hi + pad
    span, left, right = hi - lo, LABEL_W + MARGIN, WIDTH - 2 * MARGIN

    def x(at: str) -> float:
        return left + (_time(at) - lo) / span * (right - left)

    return x, lo, hi


def to_svg(lanes: list[Lane], title: str) -> str:
    x, lo, hi = _scale(lanes)
    height = TOP + LANE_H * max(1, len(lanes)) + 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" width="{WIDTH}" height="{height}" '
           f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12" role="img" '
           f'aria-label="{esc(title)}"><title>{esc(title)}</title><rect width="100%" height="100%" fill="#fff"/>']
    out += _legend(lanes)
    out += _axis(x, lo, hi, height)
    for i, lane in enumerate(lanes):
        out += _lane(lane, TOP + i * LANE_H + LANE_H / 2, x)
    out.append("</svg>")
    return "\n".join(out)


def _legend(lanes: list[Lane]) -> list[str]:
    used = {p.kind for lane in lanes for p in lane.versions}
    out, x = [], MARGIN
    out.append(f'<g class="legend-capture"><line x1="{x}" y1="14" x2="{x}" y2="30" stroke="{CAPTURE_COLOR}" '
               f'stroke-width="2"/><text x="{x + 8}" y="26">capture</text></g>')
    x += 78
    for kind, color in COLORS.items():
        if kind not in used:
            continue
        out.append(f'<g class="legend-kind" data-kind="{esc(kind)}"><circle cx="{x + 6}" cy="22" r="6" '
                   f'fill="{color}"/><text x="{x + 16}" y="26">{esc(kind)}</text></g>')
        x += 30 + 7 * len(kind)
    return out


def _axis(x, lo: float, hi: float, height: float) -> list[str]:
    out, bottom = [], height - 30
    fmt = "%Y-%m-%d" if hi - lo > 5 * 86400 else "%m-%d %H:%M:%S"  # a test archive spans seconds
    for i in range(5):
        moment = datetime.fromtimestamp(lo + (hi - lo) * i / 4, timezone.utc)
        px = x(moment.isoformat())
        anchor = ("start", "middle", "middle", "middle", "end")[i]
        out.append(f'<line x1="{px:.1f}" y1="{TOP - 12}" x2="{px:.1f}" y2="{bottom}" stroke="#eee"/>'
                   f'<text x="{px:.1f}" y="{bottom + 16}" text-anchor="{anchor}" fill="#555">'
                   f'{moment.strftime(fmt)}</text>')
    return out


def _lane(lane: Lane, y: float, x) -> list[str]:
    name = lane.label if len(lane.label) <= 40 else lane.label[:39] + "\u2026"
    text = f'<text x="{MARGIN}" y="{y + 4:.0f}">{esc(name)}<title>{esc(lane.label)}</title></text>'
    out = [f'<g class="lane"><line x1="{LABEL_W + MARGIN}" y1="{y:.0f}" x2="{WIDTH - 2 * MARGIN}" y2="{y:.0f}" '
           f'stroke="#ddd"/>' + (f'<a href="{esc(lane.href)}">{text}</a>' if lane.href else text)]
    for at in lane.captures:
        out.append(f'<line class="capture" x1="{x(at):.1f}" y1="{y - 8:.0f}" x2="{x(at):.1f}" y2="{y + 8:.0f}" '
                   f'stroke="{CAPTURE_COLOR}" stroke-width="1.5"><title>captured {esc(at)}</title></line>')
    for p in lane.versions:
        dot = (f'<circle class="version kind-{esc(p.kind.replace(" ", "-"))}" cx="{x(p.at):.1f}" cy="{y:.0f}" r="6" '
               f'fill="{COLORS.get(p.kind, "#000")}" stroke="#fff" stroke-width="1.5">'
               f'<title>{esc(p.label)}</title></circle>')
        out.append(f'<a href="{esc(p.href)}">{dot}</a>' if p.href else dot)
    out.append("</g>")
    return out
