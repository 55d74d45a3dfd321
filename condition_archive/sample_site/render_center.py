"""The 2025 condition-center template: hero, lede, card sections, sponsored list, ads."""

from __future__ import annotations

from . import render_2025_shell as shell
from .model import Card, Center, Section
from .render_common import block_html, esc, jsonld_script

TRAIL = [("Home", "/"), ("Conditions", "/conditions")]


def _card(card: Card, index: int) -> str:
    badge = (f'<span class="c-card__duration" aria-label="Video length">{esc(card.badge)}</span>'
             if card.badge else "")
    modifier = "video" if card.badge else "article"
    # Lazy-loaded image: the real URL sits in data-src / data-srcset, src is a pixel.
    return f"""<div class="c-card-grid__item">
      <article class="c-card c-card--{modifier}" data-card-index="{index}">
       <a class="c-card__link" href="{card.href}" data-track="center-card">
        <div class="c-card__media"><div class="c-card__media-inner"><picture>
         <source type="image/webp" data-srcset="{card.image[:-4]}.webp 1x">
         <img class="c-card__image lazyload" src="{shell.PIXEL}" data-src="{card.image}" alt="{esc(card.image_alt)}" width="320" height="180" loading="lazy">
        </picture>{badge}</div></div>
        <div class="c-card__body"><h3 class="c-card__title">{esc(card.title)}</h3></div>
       </a>
      </article>
     </div>"""


def _section(section: Section, first_index: int) -> str:
    cards = "\n     ".join(_card(card, first_index + i) for i, card in enumerate(section.cards))
    return f"""<section class="c-center-section paragraph paragraph--type--card-grid" id="{section.anchor}" data-section="{section.anchor}">
   <div class="c-center-section__inner">
    <h2 class="c-center-section__heading">{esc(section.heading)}</h2>
    <div class="c-card-grid l-grid l-grid--4">
     {cards}
    </div>
   </div>
  </section>"""


def _sections(center: Center) -> str:
    parts, index = [], 1
    for number, section in enumerate(center.sections):
        parts.append(_section(section, index))
        index += len(section.cards)
        if number == 2:  # an ad row between sections, as the live site does
            parts.append(shell.ad_slot("center-mid", label="advertisement", sizes="[[728,90]]"))
    return "\n  ".join(parts)


def _hero(center: Center) -> str:
    featured = center.sections[0].cards[1]  # the "All About" card doubles as the hero link
    badge = ('<div class="c-badge c-badge--peer-reviewed">Peer-Reviewed Article</div>'
             if center.badge else "")
    lede = "\n   ".join(block_html(b, p_attrs=' class="c-center-hero__lede"') for b in center.intro)
    return f"""<div class="c-center-hero">
   <div class="c-center-hero__text">
    <h1 class="c-center-hero__title page-title">{esc(center.title)}</h1>
    <p class="c-center-hero__subtitle"><a href="{featured.href}">{esc(center.subtitle)}</a></p>
    {badge}
    <div class="c-center-hero__intro field--name-field-intro">
   {lede}
    </div>
   </div>
   <div class="c-center-hero__media"><img src="/sites/default/files/styles/hero/public/2020-02/thoracic-spine-t1-t12.png" alt="{esc(center.hero_alt)}" width="640" height="360"></div>
  </div>"""


def render_center_2025(center: Center) -> str:
    trail = TRAIL + [(center.title, center.path)]
    main = f"""<main id="main-content" class="l-main l-main--center" role="main" tabindex="-1">
<div class="l-container l-container--center">
 <div class="region region--breadcrumb">{shell.breadcrumb(TRAIL, center.title)}</div>
 <div class="region region--content">
  <div class="node node--type-condition-center" data-history-node-id="{center.node_id}">
  {_hero(center)}
  {shell.ad_slot("center-top", label="advertisement", sizes="[[728,90],[970,250]]")}
  <div class="c-center-sections">
  {_sections(center)}
  </div>
  {shell.sponsored_list()}
  {shell.ad_slot("center-bottom", label="advertisement")}
  {shell.newsletter_promo()}
  </div>
 </div>
</div>
</main>
"""
    layer = {"pageType": "condition_center", "nodeId": center.node_id, "center": "upper-back-pain"}
    head = shell.head(center.title, center.description, center.path,
                      jsonld_script(center, "graph", trail))
    return shell.page(head, main, center.node_id, "condition_center", layer)
