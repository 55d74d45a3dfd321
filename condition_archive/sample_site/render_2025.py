"""The 2025 article template (articles, videos, infographics, anatomy pages)."""

from __future__ import annotations

from . import chrome
from . import render_2025_shell as shell
from .model import Article
from .render_common import BASE, block_html, date_label, esc, format_date, jsonld_script, people_html

SEGMENT_NAMES = {
    "conditions": ("Conditions", "/conditions"), "upper-back-pain": ("Upper Back Pain", None),
    "herniated-disc": ("Herniated Disc", None), "wellness": ("Wellness", "/wellness"),
    "exercise": ("Exercise", None), "video": ("Videos", "/videos"),
    "spine-anatomy": ("Spine Anatomy", None), "back-pain": ("Back Pain", None),
}


def trail_for(path: str) -> list[tuple[str, str]]:
    """Breadcrumb trail (name, href) from Home down to the page's parent."""
    trail = [("Home", "/")]
    parts = path.strip("/").split("/")[:-1]
    for i, part in enumerate(parts):
        name, href = SEGMENT_NAMES.get(part, (part.replace("-", " ").title(), None))
        trail.append((name, href or "/" + "/".join(parts[: i + 1])))
    return trail


def _dates_row(article: Article) -> str:
    spans = [f'<span class="c-byline__date c-byline__date--{line.field}">'
             f'{date_label(line, time_tag=line.label is not None and "{month}" not in line.label)}'
             f'</span>'
             for line in article.dates if line.label and line.field != "reviewed"]
    sep = '<span class="c-byline__sep" aria-hidden="true"> | </span>'
    return f'<div class="c-byline__row c-byline__row--dates">{sep.join(spans)}</div>' if spans else ""


def _byline(article: Article) -> str:
    rows = []
    if article.authors:
        label = "By" if article.node_id % 2 == 0 else "Written by"
        rows.append(f'<div class="c-byline__row c-byline__row--authors"><span class="c-byline__label">'
                    f'{label}</span> {people_html(article.authors, "c-byline__author")}</div>')
    if article.reviewers:
        rows.append(f'<div class="c-byline__row c-byline__row--reviewers"><span class="c-byline__label">'
                    f'Medically reviewed by</span> {people_html(article.reviewers, "c-byline__reviewer")}'
                    f'</div>')
    rows.append(_dates_row(article))
    reviewed = article.date("reviewed", visible_only=True)
    if reviewed:
        rows.append(f'<div class="c-byline__row c-byline__reviewed">'
                    f'{date_label(reviewed, time_tag=False)}</div>')
        if "next_review" in article.traps:
            due = f"{int(reviewed.iso[:4]) + 2}{reviewed.iso[4:7]}"
            rows.append(f'<div class="c-byline__next-review">Next review due: '
                        f'{format_date(due, "month")}</div>')
    return '<div class="c-byline" data-component="byline">' + "".join(rows) + "</div>"


def _share_bar(article: Article) -> str:
    count = ('<span class="c-share-bar__count">1.2K shares</span>'
             if "share_count" in article.traps else "")
    buttons = "".join(f'<button type="button" class="c-share-bar__btn c-share-bar__btn--{n.lower()}" '
                      f'data-network="{n.lower()}">{n}</button>' for n in ("Facebook", "X", "Pinterest"))
    return (f'<div class="c-share-bar js-share" data-share-url="{BASE}{article.path}">'
            f'<span class="c-share-bar__label">Share</span>{buttons}'
            f'<a class="c-share-bar__btn" href="mailto:?subject={esc(article.title)}&amp;body={BASE}'
            f'{article.path}">Email</a><a href="#" class="c-share-bar__btn js-print">Print</a>{count}</div>')


def _media(article: Article) -> str:
    if article.subtype == "video":
        return (f'<div class="c-video js-video" data-video-id="vh-{article.node_id}"><div class="c-video__player" '
                f'data-src="/media/video/{article.node_id}.mp4"><img src="/sites/default/files/video/'
                f'{article.node_id}.png" alt="{esc(article.image_alt)}" class="c-video__poster"></div>'
                f'<button class="c-video__play" aria-label="Play video">&#9654;</button></div>')
    if article.subtype == "infographic":
        return (f'<figure class="c-infographic"><a href="/sites/default/files/infographics/'
                f'{article.node_id}-full.png" class="c-infographic__zoom"><img src="/sites/default/'
                f'files/infographics/{article.node_id}.png" alt="{esc(article.image_alt)}"></a>'
                f'<figcaption class="c-infographic__caption">Click image to enlarge</figcaption></figure>')
    return ""


def _body(article: Article) -> str:
    parts, paragraphs = [], 0
    for block in article.body:
        parts.append(block_html(block))
        if isinstance(block, str) or block[0] == "link":
            paragraphs += 1
            if paragraphs in (2, 4) and block is not article.body[-1]:
                parts.append(shell.ad_slot(f"incontent-{paragraphs // 2}"))
    return ('<div class="c-article__body clearfix text-formatted field field--name-body '
            'field--type-text-with-summary field__item">\n' + "\n".join(parts) + "\n</div>")


def _related(article: Article, titles: dict[str, str]) -> str:
    if not article.related:
        return ""
    items = "".join(f'<li class="c-card c-card--mini"><a href="{href}" class="c-card__link">'
                    f'<span class="c-card__title">{esc(titles[href])}</span></a></li>'
                    for href in article.related)
    return (f'<aside class="c-related" aria-labelledby="related-{article.node_id}"><h2 class="c-related__title" '
            f'id="related-{article.node_id}">Related Articles</h2><ul class="c-related__list">{items}</ul></aside>')


def _sidebar(article: Article) -> str:
    news = ""
    if "sidebar_news" in article.traps:
        label, when, headline = chrome.SIDEBAR_NEWS
        news = (f'<div class="c-news-teaser"><h3 class="c-news-teaser__label">{label}</h3>'
                f'<p class="c-news-teaser__date">{when}</p><p class="c-news-teaser__title">'
                f'<a href="/news/standing-desks">{esc(headline)}</a></p></div>')
    return (f'<aside class="l-col l-col--4 l-sidebar region region--sidebar" role="complementary">'
            f'{shell.ad_slot("sidebar-top", sizes="[[300,250],[300,600]]")}{news}'
            f'{shell.sponsored_list()}{shell.newsletter_promo()}</aside>')


def _meta(article: Article) -> str:
    lines = []
    if article.jsonld == "graph":
        for line in article.dates:
            prop = {"published": "published_time", "updated": "modified_time"}.get(line.field)
            if prop:
                lines.append(f'<meta property="article:{prop}" content="{line.iso}T09:30:00-05:00">')
    trail = trail_for(article.path) + [(article.title, article.path)]
    lines.append(jsonld_script(article, article.jsonld, trail))
    return "\n".join(line for line in lines if line)


def render_article(article: Article, titles: dict[str, str]) -> str:
    hidden = ('<div class="visually-hidden js-cms-meta" aria-hidden="true" hidden>Last saved 02/11/2025 '
              '03:14 by migration-bot</div>') if "cms_hidden" in article.traps else ""
    badge = ('<div class="c-badge c-badge--peer-reviewed"><span class="c-badge__icon" aria-hidden="true">'
             '</span>Peer-Reviewed Article</div>') if article.badge else ""
    main = f"""<main id="main-content" class="l-main" role="main" tabindex="-1">
<div class="l-container l-container--article">
 <div class="region region--breadcrumb">{shell.breadcrumb(trail_for(article.path), article.title)}</div>
 <div class="l-row">
  <div class="l-col l-col--8 l-main-col"><div class="region region--content">
   <div data-drupal-messages-fallback class="hidden"></div>
   <article role="article" class="node node--type-{article.subtype} node--view-mode-full c-article" data-history-node-id="{article.node_id}">
    <header class="c-article-header">
     <h1 class="c-article-header__title page-title"><span class="field field--name-title field--type-string">{esc(article.title)}</span></h1>
     {badge}{_byline(article)}{hidden}
    </header>
    {_share_bar(article)}
    {_media(article)}
    {_body(article)}
   </article>
   {_related(article, titles)}
   {shell.newsletter_promo()}
  </div></div>
  {_sidebar(article)}
 </div>
</div>
</main>
"""
    published = article.date("published")
    layer = {"pageType": article.subtype, "nodeId": article.node_id,
             "contentPublished": published.iso if published else None, "author": [
                 p.name for p in article.authors]}
    return shell.page(shell.head(article.title, article.description, article.path, _meta(article)),
                      main, article.node_id, article.subtype, layer)
