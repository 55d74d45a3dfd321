"""Render a CenterGraph (graph.py) as a self-contained HTML page with an inline
SVG picture (no JavaScript), as SVG alone, as GraphML (Gephi, yEd) or as DOT
(Graphviz). Every archived string is escaped: titles come from crawled pages."""

from __future__ import annotations

import html
import xml.etree.ElementTree as ET
from collections.abc import Callable

from condition_archive.archive.graph import STATUSES, Box, CardNode, CenterGraph, Layout, layout, wrap

FORMATS = ("html", "svg", "graphml", "dot")
COLORS = {  # fill, stroke
    "unchanged": ("#f4f5f7", "#8a93a3"),
    "added": ("#e3f6e8", "#1f8a3b"),
    "moved": ("#fff1dc", "#d97b00"),
    "retitled": ("#efe6fb", "#7a3fc4"),
    "removed": ("#fde7e7", "#c62828"),
}
LABELS = {"unchanged": "unchanged", "added": "added", "moved": "moved to another section",
          "retitled": "retitled", "removed": "removed"}
CardLink = Callable[[CardNode], str]


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def version_label(graph: CenterGraph) -> str:
    new = f"version {graph.new.number} ({graph.new.created_at[:10]}, crawl {graph.new.crawl_id})"
    if graph.old is None:
        return f"{new}; the only version, nothing to compare"
    return f"version {graph.old.number} ({graph.old.created_at[:10]}, crawl {graph.old.crawl_id}) \u2192 {new}"


LINK_COLORS = ("#1565c0", "#00897b", "#6a1b9a", "#ef6c00", "#ad1457", "#2e7d32", "#4e342e", "#37474f")


def to_svg(graph: CenterGraph, card_link: CardLink | None = None, links: bool = True) -> str:
    """The picture; `links` draws the links between the cards' articles (one
    colour per linking column, with arrowheads), which a web page offers as an option."""
    box = layout(graph)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{box.width:.0f}" height="{box.height:.0f}" '
             f'viewBox="0 0 {box.width:.0f} {box.height:.0f}" font-family="sans-serif" font-size="12" '
             f'role="img" aria-label="{esc("Link structure of " + graph.title)}">',
             f"<title>{esc(graph.title)}: {esc(version_label(graph))}</title>",
             '<rect width="100%" height="100%" fill="#ffffff"/>']
    parts += _legend(graph, links)
    parts += _center_and_headers(graph, box)
    parts += _links(graph, box) if links else []
    parts += [_card(card, box.cards[card.id], card_link) for card in graph.cards]
    parts.append("</svg>")
    return "\n".join(parts)


def _legend(graph: CenterGraph, links: bool = True) -> list[str]:
    counts, x, out = graph.counts(), 24, []
    for status in STATUSES:
        fill, stroke = COLORS[status]
        dash = ' stroke-dasharray="4 3"' if status == "removed" else ""
        label = f"{LABELS[status]} ({counts[status]})"
        out.append(f'<g class="legend-{status}"><rect x="{x}" y="24" width="18" height="14" rx="3" fill="{fill}" '
                   f'stroke="{stroke}" stroke-width="2"{dash}/><text x="{x + 24}" y="35">{esc(label)}</text></g>')
        x += 34 + 7 * len(label)
    shown = "" if links else ", not drawn"
    out.append(f'<g class="legend-link"><path d="M{x} 31 C{x + 10} 21 {x + 20} 41 {x + 30} 31" fill="none" '
               f'stroke="{LINK_COLORS[0]}" stroke-width="1.5"/><text x="{x + 36}" y="35">'
               f'{esc(f"links between the articles ({len(graph.links)}{shown})")}</text></g>')
    out.append(f'<text x="24" y="62" fill="#555">{esc(version_label(graph))}</text>')
    return out


def _center_and_headers(graph: CenterGraph, box: Layout) -> list[str]:
    c = box.center
    out = [f'<rect class="center" x="{c.x:.0f}" y="{c.y:.0f}" width="{c.w:.0f}" height="{c.h:.0f}" rx="8" '
           f'fill="#1f3a5f"/>',
           f'<text x="{c.cx:.0f}" y="{c.y + 22:.0f}" fill="#fff" text-anchor="middle" font-size="15" '
           f'font-weight="bold">{esc(wrap(graph.title, 48, 1)[0])}</text>',
           f'<text x="{c.cx:.0f}" y="{c.y + 40:.0f}" fill="#dfe7f2" text-anchor="middle" font-size="11">'
           f'{esc(wrap(graph.url, 62, 1)[0])}</text>']
    for section, h in box.headers.items():
        status = graph.section_status.get(section, "unchanged")
        fill, stroke = ("#dde6f3", "#1f3a5f") if status == "unchanged" else COLORS[status]
        dash = ' stroke-dasharray="5 3"' if status == "removed" else ""
        out.append(f'<path d="M{c.cx:.0f} {c.y + c.h:.0f} C{c.cx:.0f} {h.y - 20:.0f} {h.cx:.0f} {c.y + c.h + 20:.0f} '
                   f'{h.cx:.0f} {h.y:.0f}" fill="none" stroke="#9aa7bb" stroke-width="1.5"/>')
        out.append(f'<g class="section section-{status}"><rect x="{h.x:.0f}" y="{h.y:.0f}" width="{h.w:.0f}" '
                   f'height="{h.h:.0f}" rx="6" fill="{fill}" stroke="{stroke}" stroke-width="1.5"{dash}/>'
                   f'<text x="{h.x + 10:.0f}" y="{h.y + 17:.0f}" font-weight="bold">'
                   f'{esc(wrap(section or "(no heading)", 30, 1)[0])}</text>'
                   f'<text x="{h.x + 10:.0f}" y="{h.y + 32:.0f}" fill="#555" font-size="10">'
                   f'{esc(_section_note(graph, section, status))}</text></g>')
        cards = [b for cid, b in box.cards.items() if _card_by_id(graph, cid).section == section]
        if cards:
            out.append(f'<path d="M{h.x + 6:.0f} {h.y + h.h:.0f} V{cards[-1].y + cards[-1].h / 2:.0f}" '
                       f'stroke="#9aa7bb" stroke-width="1.5" fill="none"/>')
    return out


def _section_note(graph: CenterGraph, section: str, status: str) -> str:
    n = sum(1 for c in graph.cards if c.section == section and c.status != "removed")
    note = f"{n} card{'s' if n != 1 else ''}"
    return {"added": f"{note}, new section", "removed": "section removed"}.get(status, note)


def _card_by_id(graph: CenterGraph, card_id: str) -> CardNode:
    return next(c for c in graph.cards if c.id == card_id)


def _card(card: CardNode, b: Box, card_link: CardLink | None) -> str:
    fill, stroke = COLORS[card.status]
    dash = ' stroke-dasharray="5 3"' if card.status == "removed" else ""
    lines = wrap(card.title)
    y0 = b.y + (b.h - 15 * len(lines)) / 2 + 11
    text = "".join(f'<tspan x="{b.x + 10:.0f}" y="{y0 + 15 * i:.0f}">{esc(line)}</tspan>'
                   for i, line in enumerate(lines))
    deco = ' text-decoration="line-through"' if card.status == "removed" else ""
    tip = "\n".join(x for x in (card.title, card.href, LABELS[card.status], card.detail) if x)
    body = (f'<title>{esc(tip)}</title><path d="M{b.x - 6:.0f} {b.y + b.h / 2:.0f} H{b.x:.0f}" stroke="#9aa7bb" '
            f'stroke-width="1.5"/><rect x="{b.x:.0f}" y="{b.y:.0f}" width="{b.w:.0f}" height="{b.h:.0f}" rx="5" '
            f'fill="{fill}" stroke="{stroke}" stroke-width="2"{dash}/><text{deco}>{text}</text>')
    inner = f'<a href="{esc(card_link(card))}">{body}</a>' if card_link else body
    return f'<g class="card card-{card.status}" data-href="{esc(card.href)}">{inner}</g>'


def _links(graph: CenterGraph, box: Layout) -> list[str]:
    columns = {h.x: i for i, h in enumerate(box.headers.values())}
    out = [f'<defs>{"".join(_arrow(i, c) for i, c in enumerate(LINK_COLORS))}</defs>']
    for source, target in graph.links:
        a, b = box.cards.get(source), box.cards.get(target)
        if a is None or b is None:
            continue
        x1, y1 = a.x + a.w, a.y + a.h / 2
        if abs(a.x - b.x) < 1:  # same column: bulge out to the right
            x2, y2, bend = b.x + b.w, b.y + b.h / 2, 40
            d = f"M{x1:.0f} {y1:.0f} C{x1 + bend:.0f} {y1:.0f} {x2 + bend:.0f} {y2:.0f} {x2:.0f} {y2:.0f}"
        else:
            x2, y2 = (b.x, b.y + b.h / 2) if b.x > a.x else (b.x + b.w, b.y + b.h / 2)
            x1 = x1 if b.x > a.x else a.x
            mid = (x1 + x2) / 2
            d = f"M{x1:.0f} {y1:.0f} C{mid:.0f} {y1:.0f} {mid:.0f} {y2:.0f} {x2:.0f} {y2:.0f}"
        color = columns.get(a.x - 12, 0) % len(LINK_COLORS)
        out.append(f'<path class="article-link" d="{d}" fill="none" stroke="{LINK_COLORS[color]}" '
                   f'stroke-opacity="0.75" stroke-width="1.3" marker-end="url(#arrow{color})"/>')
    return out


def _arrow(i: int, color: str) -> str:
    return (f'<marker id="arrow{i}" viewBox="0 0 8 8" refX="7" refY="4" markerWidth="6" markerHeight="6" '
            f'orient="auto-start-reverse"><path d="M0 0 L8 4 L0 8 z" fill="{color}"/></marker>')


PAGE_CSS = """body{font-family:sans-serif;margin:1.5em;color:#222}h1{font-size:1.4em;margin:0 0 .3em}
.picture{overflow-x:auto;border:1px solid #ddd;padding:4px;margin:1em 0}table{border-collapse:collapse}
td,th{border:1px solid #ddd;padding:3px 8px;text-align:left;font-size:.9em;vertical-align:top}
.status-added{color:#1f8a3b}.status-removed{color:#c62828}.status-moved{color:#b36500}
.status-retitled{color:#7a3fc4}nav a{margin-right:1em}"""


def to_html(graph: CenterGraph, card_link: CardLink | None = None,
            downloads: dict[str, str] | None = None, back: tuple[str, str] | None = None) -> str:
    """A whole page: heading, the picture, download links, and the changes as a table."""
    counts = graph.counts()
    summary = ", ".join(f"{counts[s]} {LABELS[s]}" for s in STATUSES if counts[s])
    nav = []
    if back:
        nav.append(f'<a href="{esc(back[0])}">{esc(back[1])}</a>')
    nav += [f'<a href="{esc(url)}">Download {esc(fmt.upper())}</a>' for fmt, url in (downloads or {}).items()]
    rows = "".join(
        f'<tr class="status-{c.status}"><td>{esc(LABELS[c.status])}</td><td>{esc(c.section or "(no heading)")}</td>'
        f'<td>{esc(c.title)}</td><td>{esc(c.href)}</td><td>{esc(c.detail)}</td></tr>'
        for c in sorted(graph.cards, key=lambda c: -STATUSES.index(c.status)))  # changes first, page order kept
    table = (f"<table><thead><tr><th>change</th><th>section</th><th>card</th><th>links to</th><th>detail</th>"
             f"</tr></thead><tbody>{rows}</tbody></table>")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>{esc(graph.title)} \u2014 link structure</title><style>{PAGE_CSS}</style></head><body>"
            f"<nav>{''.join(nav)}</nav><h1>{esc(graph.title)} \u2014 link structure</h1>"
            f"<p>{esc(graph.url)}<br>{esc(version_label(graph))}<br>{esc(summary)}</p>"
            f'<div class="picture">{to_svg(graph, card_link)}</div><h2>Cards, changed ones first</h2>{table}'
            f"</body></html>\n")


def to_graphml(graph: CenterGraph) -> str:
    ns = "http://graphml.graphdrawing.org/xmlns"
    root = ET.Element("graphml", xmlns=ns)
    keys = [("label", "node"), ("kind", "node"), ("href", "node"), ("section", "node"), ("status", "node"),
            ("detail", "node"), ("kind", "edge"), ("status", "edge")]
    for name, scope in keys:
        ET.SubElement(root, "key", {"id": f"{scope[0]}_{name}", "for": scope, "attr.name": name,
                                    "attr.type": "string"})
    g = ET.SubElement(root, "graph", id="center", edgedefault="directed")

    def node(node_id: str, **data: str) -> None:
        el = ET.SubElement(g, "node", id=node_id)
        for name, value in data.items():
            ET.SubElement(el, "data", key=f"n_{name}").text = value

    def edge(source: str, target: str, kind: str, status: str) -> None:
        el = ET.SubElement(g, "edge", source=source, target=target)
        ET.SubElement(el, "data", key="e_kind").text = kind
        ET.SubElement(el, "data", key="e_status").text = status

    node("center", label=graph.title, kind="center", href=graph.url, section="", status="unchanged", detail="")
    section_ids = {s: f"s{i}" for i, s in enumerate(graph.sections, 1)}
    for section, sid in section_ids.items():
        status = graph.section_status.get(section, "unchanged")
        node(sid, label=section or "(no heading)", kind="section", href="", section=section, status=status, detail="")
        edge("center", sid, "section", status)
    for card in graph.cards:
        node(card.id, label=card.title, kind="card", href=card.href, section=card.section, status=card.status,
             detail=card.detail)
        edge(section_ids.get(card.section, "center"), card.id, "card", card.status)
    for source, target in graph.links:
        edge(source, target, "link", "unchanged")
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _dot(value: str) -> str:
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def to_dot(graph: CenterGraph) -> str:
    lines = ["digraph center {", "  rankdir=TB;", '  node [shape=box, style="rounded,filled", fontname="sans-serif"];',
             f"  label={_dot(graph.title + ': ' + version_label(graph))};",
             f"  center [label={_dot(graph.title)}, fillcolor=\"#1f3a5f\", fontcolor=white, URL={_dot(graph.url)}];"]
    for i, section in enumerate(graph.sections, 1):
        status = graph.section_status.get(section, "unchanged")
        lines.append(f"  subgraph cluster_{i} {{")
        lines.append(f"    label={_dot((section or '(no heading)') + ('' if status == 'unchanged' else f' [{status}]'))};")
        for card in (c for c in graph.cards if c.section == section):
            fill, stroke = COLORS[card.status]
            style = ', style="rounded,filled,dashed"' if card.status == "removed" else ""
            lines.append(f"    {card.id} [label={_dot(card.title)}, fillcolor=\"{fill}\", color=\"{stroke}\", "
                         f"tooltip={_dot(card.status + (': ' + card.detail if card.detail else ''))}, "
                         f"URL={_dot(card.href)}{style}];")
        lines.append("  }")
    for card in graph.cards:
        style = ", style=dashed" if card.status == "removed" else ""
        lines.append(f"  center -> {card.id} [color=\"{COLORS[card.status][1]}\"{style}];")
    for source, target in graph.links:
        lines.append(f"  {source} -> {target} [color=\"#5b6b8c80\", constraint=false];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def render(graph: CenterGraph, fmt: str, card_link: CardLink | None = None) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown graph format {fmt!r}: use one of {', '.join(FORMATS)}")
    if fmt == "html":
        return to_html(graph, card_link)
    if fmt == "svg":
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + to_svg(graph, card_link) + "\n"
    return to_graphml(graph) if fmt == "graphml" else to_dot(graph)
