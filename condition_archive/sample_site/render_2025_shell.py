"""The 2025 CMS template: head, cookie banner, header with mega menu, footer, scripts.

Modern-CMS markup on purpose: nested wrappers, BEM-ish classes (l-*, c-*, js-*),
data attributes, inline scripts with JSON and an HTML comment from the CMS.
"""

from __future__ import annotations

import json

from . import chrome
from .render_common import BASE, esc

PIXEL = "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


def head(title: str, description: str, path: str, extra: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="en" dir="ltr" class="no-js" prefix="og: https://ogp.me/ns#">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{esc(title)} | Spine-health</title>
<meta name="description" content="{esc(description)}">
<link rel="canonical" href="{BASE}{path}">
<meta property="og:site_name" content="Spine-health">
<meta property="og:title" content="{esc(title)}">
<meta property="og:url" content="{BASE}{path}">
<meta name="twitter:card" content="summary_large_image">
{extra}
<link rel="stylesheet" media="all" href="/sites/default/files/css/css_Xk3v9aZ.css?t=s1q2w3">
<script>document.documentElement.className = document.documentElement.className.replace("no-js", "js");</script>
<script async src="/sites/default/files/js/gpt-loader.js"></script>
</head>
"""


def cookie_banner() -> str:
    return f"""<div id="onetrust-consent-sdk" class="c-cookie-banner js-cookie-banner" role="dialog" aria-live="polite" data-nosnippet>
 <div class="c-cookie-banner__inner l-container"><p class="c-cookie-banner__text">{esc(chrome.COOKIE_TEXT)}
 <a href="/privacy-policy" class="c-cookie-banner__link">Read our Privacy Policy</a></p>
 <div class="c-cookie-banner__actions"><button type="button" class="c-btn c-btn--ghost js-cookie-settings">Cookie Settings</button>
 <button type="button" class="c-btn c-btn--primary js-cookie-accept">Accept All Cookies</button></div></div>
</div>
"""


def _mega_menu() -> str:
    items = []
    for label, entries in chrome.MENU_2025:
        top = chrome.MENU_2025_TOP[label]
        sub = "".join(
            f'<li class="c-mega-menu__item"><a href="{href}" class="c-mega-menu__link" '
            f'data-track="menu|{esc(label)}|{esc(text)}">{esc(text)}</a></li>'
            for text, href in entries)
        panel = (f'<div class="c-mega-menu__panel" id="menu-{label.lower()}" hidden>'
                 f'<ul class="c-mega-menu__list">{sub}</ul></div>') if sub else ""
        items.append(
            f'<li class="c-main-nav__item{" has-children" if sub else ""}">'
            f'<a href="{top}" class="c-main-nav__link" aria-expanded="false">{label}</a>{panel}</li>')
    return "\n   ".join(items)


def header() -> str:
    return f"""<a href="#main-content" class="visually-hidden focusable skip-link">Skip to main content</a>
<div class="dialog-off-canvas-main-canvas" data-off-canvas-main-canvas>
<header class="l-header" role="banner">
 <div class="l-header__top l-container">
  <div class="c-branding"><a href="/" rel="home" class="c-branding__logo"><img src="/themes/custom/vh/logo-spine-health.svg" alt="Spine-health Home" width="180" height="40"></a></div>
  <div class="c-header-actions"><a href="/newsletter" class="c-btn c-btn--subscribe js-subscribe">Subscribe</a>
  <form action="/search/" method="get" class="c-search-form" role="search"><label for="edit-q" class="visually-hidden">Search</label><input type="search" id="edit-q" name="q" placeholder="Search Spine-health"><button type="submit">Search</button></form></div>
 </div>
 <nav class="c-main-nav js-mega-menu" role="navigation" aria-label="Main">
  <ul class="c-main-nav__list l-container">
   {_mega_menu()}
  </ul>
 </nav>
</header>
"""


def breadcrumb(trail: list[tuple[str, str]], current: str) -> str:
    items = "".join(f'<li class="c-breadcrumb__item"><a href="{href}">{esc(name)}</a></li>'
                    for name, href in trail)
    return (f'<nav class="c-breadcrumb" role="navigation" aria-labelledby="system-breadcrumb">'
            f'<h2 id="system-breadcrumb" class="visually-hidden">Breadcrumb</h2>'
            f'<ol class="c-breadcrumb__list">{items}<li class="c-breadcrumb__item" '
            f'aria-current="page">{esc(current)}</li></ol></nav>')


def ad_slot(slot: str, label: str = "Advertisement", sizes: str = "[[300,250],[728,90]]") -> str:
    div_id = f"div-gpt-ad-{slot}"
    return (f'<div class="js-ad-slot c-ad c-ad--{slot}" data-ad-unit="/21694532/spinehealth/{slot}" '
            f'data-ad-sizes="{sizes}" id="{div_id}"><div class="c-ad__label">{label}</div>'
            f'<script>googletag.cmd.push(function() {{ googletag.display("{div_id}"); }});</script>'
            f'</div>')


def sponsored_list() -> str:
    items = "".join(
        f'<li class="c-card c-card--sponsored c-sponsored__item" data-sponsor-id="{i}">'
        f'<a href="{chrome.SPONSOR_HOST}{href}?utm_source=spinehealth&amp;utm_medium=native" '
        f'rel="sponsored noopener" target="_blank" class="c-card__link">'
        f'<span class="c-card__title">{esc(title)}</span></a></li>'
        for i, (title, href) in enumerate(chrome.SPONSORED, start=301))
    return (f'<aside class="c-sponsored js-sponsored-block" data-ad-type="native" '
            f'aria-label="Sponsored content"><div class="c-sponsored__inner">'
            f'<h2 class="c-sponsored__heading">{esc(chrome.SPONSORED_HEADING)}</h2>'
            f'<ul class="c-sponsored__list">{items}</ul></div></aside>')


def newsletter_promo() -> str:
    return (f'<div class="c-newsletter-promo js-newsletter-promo"><p class="c-newsletter-promo__text">'
            f'{esc(chrome.NEWSLETTER_TEASER)}</p><a href="/newsletter" class="c-btn">Sign Up</a></div>')


def newsletter_box() -> str:
    return f"""<section class="c-newsletter l-container" id="newsletter-signup" aria-labelledby="nl-title">
 <div class="c-newsletter__inner"><h2 class="c-newsletter__title" id="nl-title">{esc(chrome.NEWSLETTER_HEADING)}</h2>
 <p class="c-newsletter__text">{esc(chrome.NEWSLETTER_TEXT)}</p>
 <form class="c-newsletter__form js-newsletter-form" action="/newsletter/subscribe" method="post"><input type="email" name="email" placeholder="Email Address" required> <button type="submit">Subscribe</button></form>
 <p class="c-newsletter__privacy">{esc(chrome.NEWSLETTER_PRIVACY)}</p></div>
</section>
"""


def footer() -> str:
    sites = "".join(f'<li><a href="{href}">{esc(name)}</a></li>' for name, href in chrome.FOOTER_SITES)
    links = "".join(f'<li class="c-footer__item"><a href="{href}">{esc(name)}</a></li>'
                    for name, href in chrome.FOOTER_LINKS)
    return f"""<footer class="l-footer c-footer" role="contentinfo">
 <div class="l-container c-footer__inner">
  <div class="c-footer__brand"><img src="/themes/custom/vh/veritas-health-logo.svg" alt="Veritas Health Logo" width="150" height="32"></div>
  <nav class="c-footer__sites" aria-label="VH Site List"><h2 class="visually-hidden">VH Site List</h2><ul>{sites}</ul></nav>
  <nav class="c-footer__menu" aria-label="VH Footer"><h2 class="c-footer__heading">About Veritas Health</h2><h2 class="visually-hidden">VH Footer</h2><ul>{links}</ul></nav>
  <div class="c-footer__legal"><p class="c-footer__disclaimer">{esc(chrome.FOOTER_DISCLAIMER)}</p>
  <p class="c-footer__copyright">{esc(chrome.FOOTER_COPYRIGHT_2025)}</p>
  <p class="c-footer__address">{esc(chrome.FOOTER_ADDRESS)}</p>
  <a href="/admin/login" class="visually-hidden" rel="nofollow">Editor login</a></div>
 </div>
</footer>
"""


def scripts(node_id: int, page_type: str, data_layer: dict) -> str:
    settings = {"path": {"baseUrl": "/", "currentPath": f"node/{node_id}", "isFront": False},
                "vh": {"nid": node_id, "pageType": page_type, "adTargeting": {"cat": "ubp"}}}
    return f"""<script>window.dataLayer = window.dataLayer || []; dataLayer.push({json.dumps(data_layer)});</script>
<script type="application/json" data-drupal-selector="drupal-settings-json">{json.dumps(settings)}</script>
<script src="/sites/default/files/js/js_9fQm2.js"></script>
<!-- cms: node/{node_id} cache tags=node:{node_id},config:system.menu.main rendered by vh-web-07 (bulk re-save 2025-02-11T03:14:07Z) -->
"""


def page(head_html: str, main_html: str, node_id: int, page_type: str, data_layer: dict) -> str:
    """Assemble a full 2025 page around its <main>."""
    return (head_html + f'<body class="path-node page-node-type-{page_type} vh-site--spine">\n'
            + cookie_banner() + header() + main_html + newsletter_box() + footer()
            + "</div>\n" + scripts(node_id, page_type, data_layer) + "</body>\n</html>\n")
