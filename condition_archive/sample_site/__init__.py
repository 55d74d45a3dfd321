"""The bundled sample site: two versions (2012, 2025) of spine-health's Upper Back Pain
condition center, served on 127.0.0.1 for tests and the offline demo, with its ground truth.

    from condition_archive.sample_site import SampleSite, truth, changes, reachable_articles

    with SampleSite("2012") as site:          # site.base_url, site.set_version("2025"), site.stats
        ...

Layout: content is data (data_*.py, chrome.py, described by model.py), rendering is
string templates (render_2012.py, render_2025*.py, render_center.py, render_misc.py),
site.py renders every response once per version, server.py serves them, truth.py
derives the expected extraction from the same data.

Markup hooks an extractor can use (2025): center sections `section.c-center-section`
> `h2.c-center-section__heading`, cards `article.c-card` > `a.c-card__link[href]` >
`img.c-card__image[alt]` (lazy: real URL in data-src) + `h3.c-card__title`; the
sponsored list is `aside.c-sponsored[data-ad-type=native]` and ALSO uses
`c-card`/`c-card__title`, as does the related box `aside.c-related`. Articles:
`h1.c-article-header__title`, `div.c-byline` with `a.c-byline__author`,
`a.c-byline__reviewer`, `span.c-byline__date--published|--updated` (often a <time
datetime>), `div.c-byline__reviewed`, body `div.c-article__body` with
`div.js-ad-slot` between paragraphs. 2012: table layout, `td#content`, `h1.title`,
`div.author`, `div.node-content`, `div.updated` ("Updated on: 12/17/12"), center
teasers in `div.center-articles > div.teaser`.
"""

from __future__ import annotations

from .server import SampleSite
from .truth import changes, reachable_articles, site_facts, truth

__all__ = ["SampleSite", "changes", "reachable_articles", "site_facts", "truth"]
