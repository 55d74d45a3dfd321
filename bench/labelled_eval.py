"""Extraction on the project's own labelled pages, side by side with trafilatura.

    python bench/labelled_eval.py [--only project,trafilatura] [--json FILE]

The pages, grouped by template:
  sample-2012, sample-2025  every center and article of the sample site
                            (condition_archive.sample_site), rendered with
                            site.page_html; the truth is truth.truth(version)
                            plus the site data it is derived from.
  clinic, wellmd, nhs, wp   tests/fixtures/templates, labelled in labels.json
                            (labelling rules: the README there).

What is measured, per template (rows) and extractor:
  body F1     sample site only: the benchmark's shingle scoring (bench/score.py)
              against the page's full own text, taken from the site data: an
              article's body blocks; a center's intro, facts box, section
              headings, card titles and card teasers (a center's cards are its
              content). The templates have no full-body truth, so instead:
  must recall share of the labelled must_contain sentences found in the body
              (whitespace collapsed); sample site and templates.
  leak        share of the labelled must_not_contain boilerplate snippets
              (menus, ads, sponsored, newsletter, cookie banner, footer,
              comments, references) found in the body: a precision proxy,
              lower is better.
  title       exact match with the labelled visible H1.
  published / updated / reviewed
              exact YYYY-MM-DD match, over every page: a page that states no
              such date counts as right only when the extractor says null.
              trafilatura: published = extract_metadata().date (htmldate,
              original_date=True, extensive); updated = htmldate.find_date(
              original_date=False, extensive_search=True); reviewed: it has
              no such field (n/a).
  centers     card precision and recall (cards matched on absolute href),
              section accuracy (matched cards under the labelled heading).
              trafilatura keeps no cards; its column shows the share of card
              titles that appear anywhere in its text.
Peers get the same decoded str and URL; trafilatura.extract as in
bench/extraction_bench.py (include_comments=False, include_tables=True).
"""

from __future__ import annotations

import html as htmllib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import click
from score import PageScore, score_page, summarise

REPO = Path(__file__).resolve().parents[1]
TEMPLATES = REPO / "tests" / "fixtures" / "templates"
SAMPLE_BASE = "http://sample-site.test"
EXTRACTORS = ("project", "trafilatura")
DATE_FIELDS = ("published", "updated", "reviewed")


@dataclass
class Case:
    template: str
    name: str
    url: str
    html: str
    kind: str
    title: str
    dates: dict
    must_contain: list
    must_not_contain: list
    body: str | None = None  # full own text, when known
    sections: list | None = None  # [{"heading", "cards": [{"title", "href"}]}], centers
    day_first: bool = False


@dataclass
class Prediction:
    title: str = ""
    body: str = ""
    dates: dict = field(default_factory=dict)
    cards: list | None = None  # [(heading, href, title)]; None: the extractor has no cards


def collapse(text: str | None) -> str:
    return re.sub(r"\s+", " ", (text or "").replace("\xa0", " ")).strip()


def _plain(text: str) -> str:
    return htmllib.unescape(re.sub(r"<[^>]+>", "", text))


# -- the labelled pages -------------------------------------------------------

def sample_cases(version: str) -> list[Case]:
    from condition_archive.sample_site.render_common import block_text
    from condition_archive.sample_site.site import page_html
    from condition_archive.sample_site.truth import truth
    from condition_archive.sample_site.versions import get_version

    data = get_version(version)
    articles = {a.path: a for a in data.articles}
    cases = []
    for path, want in sorted(truth(version).items()):
        if want["kind"] not in ("center", "article"):
            continue
        page = articles.get(path) or data.center
        reviewed = next((line.iso for line in page.dates if line.field == "reviewed"), None)
        if reviewed and len(reviewed) == 7:
            reviewed += "-01"  # month-only: the first of the month, as truth.py does
        if want["kind"] == "article":
            body = "\n\n".join(_plain(block_text(b)) for b in page.body)
            sections = None
        else:
            parts = [_plain(block_text(b)) for b in page.intro] + [_plain(page.facts)]
            for section in page.sections:
                parts.append(section.heading)
                parts += [f"{c.title}\n{c.teaser}" for c in section.cards]
            body = "\n\n".join(p for p in parts if p)
            sections = [{"heading": s["heading"],
                         "cards": [{"title": c["title"], "href": SAMPLE_BASE + c["href"]}
                                   for c in s["cards"]]} for s in want["sections"]]
        cases.append(Case(
            template=f"sample-{version}", name=path, url=SAMPLE_BASE + path,
            html=page_html(version, path, SAMPLE_BASE), kind=want["kind"], title=want["title"],
            dates={"published": want["date_published"], "updated": want["date_updated"],
                   "reviewed": reviewed},
            must_contain=want["must_contain"], must_not_contain=want["must_not_contain"],
            body=body, sections=sections))
    return cases


def template_cases() -> list[Case]:
    labels = json.loads((TEMPLATES / "labels.json").read_text(encoding="utf-8"))
    cases = []
    for rel, label in sorted(labels.items()):
        cases.append(Case(
            template=rel.split("/")[0], name=rel, url=label["url"],
            html=(TEMPLATES / rel).read_text(encoding="utf-8"), kind=label["kind"],
            title=label["title"],
            dates={f: label[f"date_{f}"] for f in DATE_FIELDS},
            must_contain=label["must_contain"], must_not_contain=label["must_not_contain"],
            sections=label.get("sections"), day_first=label["day_first"]))
    return cases


# -- the extractors -------------------------------------------------------------

def predict_project(case: Case) -> Prediction:
    from condition_archive.extract import ExtractOptions, extract_page

    page = extract_page(case.html, case.url, options=ExtractOptions(day_first=case.day_first))
    return Prediction(
        title=page.title, body=page.body_text,
        dates={"published": page.date_published, "updated": page.date_updated,
               "reviewed": page.date_reviewed},
        cards=[(s.heading, c.href, c.title) for s in page.sections for c in s.cards])


def predict_trafilatura(case: Case) -> Prediction:
    import htmldate
    import trafilatura

    body = trafilatura.extract(case.html, url=case.url, include_comments=False,
                               include_tables=True) or ""
    meta = trafilatura.extract_metadata(case.html, default_url=case.url)
    updated = htmldate.find_date(case.html, url=case.url, original_date=False,
                                 extensive_search=True)
    return Prediction(title=meta.title or "" if meta else "", body=body,
                      dates={"published": meta.date if meta else None, "updated": updated,
                             "reviewed": "n/a"})


PREDICTORS = {"project": predict_project, "trafilatura": predict_trafilatura}


# -- scoring ----------------------------------------------------------------------

@dataclass
class Tally:
    pages: int = 0
    body: list = field(default_factory=list)  # PageScore per page with a full truth
    must: list = field(default_factory=lambda: [0, 0])  # found, total
    leak: list = field(default_factory=lambda: [0, 0])
    title: list = field(default_factory=lambda: [0, 0])
    dates: dict = field(default_factory=lambda: {f: [0, 0] for f in DATE_FIELDS})
    cards: list = field(default_factory=lambda: [0, 0, 0])  # matched, predicted, truth
    sections: list = field(default_factory=lambda: [0, 0])  # right heading, matched
    kept_titles: list = field(default_factory=lambda: [0, 0])  # titles found in text, truth


def score_case(case: Case, pred: Prediction, tally: Tally) -> None:
    tally.pages += 1
    body = collapse(pred.body)
    if case.body is not None:
        tally.body.append(score_page(case.body, pred.body))
    _add(tally.must, sum(collapse(s) in body for s in case.must_contain), len(case.must_contain))
    _add(tally.leak, sum(collapse(s) in body for s in case.must_not_contain), len(case.must_not_contain))
    _add(tally.title, collapse(pred.title) == collapse(case.title), 1)
    for f in DATE_FIELDS:
        if pred.dates.get(f) != "n/a":
            _add(tally.dates[f], pred.dates.get(f) == case.dates[f], 1)
    if case.sections is None:
        return
    truth = {c["href"]: s["heading"] for s in case.sections for c in s["cards"]}
    titles = [c["title"] for s in case.sections for c in s["cards"]]
    _add(tally.kept_titles, sum(collapse(t) in body for t in titles), len(titles))
    if pred.cards is None:
        return
    predicted = {href: heading for heading, href, _ in pred.cards}
    matched = [href for href in predicted if href in truth]
    tally.cards[0] += len(matched)
    tally.cards[1] += len(predicted)
    tally.cards[2] += len(truth)
    _add(tally.sections, sum(predicted[h] == truth[h] for h in matched), len(matched))


def _add(pair: list, hits: int, total: int) -> None:
    pair[0] += int(hits)
    pair[1] += total


def _ratio(pair: list, digits: int = 3) -> str:
    return f"{pair[0] / pair[1]:.{digits}f}" if pair[1] else "n/a"


def _count(pair: list) -> str:
    return f"{pair[0]}/{pair[1]}" if pair[1] else "n/a"


def field_table(tallies: dict) -> str:
    head = ("| template | extractor | pages | body F1 | must recall | leak | title | published "
            "| updated | reviewed |\n|---|---|---|---|---|---|---|---|---|---|")
    rows = [head]
    for (template, name), t in tallies.items():
        f1 = f"{summarise(t.body).f1:.3f}" if t.body else "n/a"
        rows.append(f"| {template} | {name} | {t.pages} | {f1} | {_ratio(t.must)} | {_ratio(t.leak)} "
                    f"| {_count(t.title)} | {_count(t.dates['published'])} "
                    f"| {_count(t.dates['updated'])} | {_count(t.dates['reviewed'])} |")
    return "\n".join(rows)


def center_table(tallies: dict) -> str:
    head = ("| template | extractor | cards (truth) | card precision | card recall "
            "| section accuracy | card titles in body text |\n|---|---|---|---|---|---|---|")
    rows = [head]
    for (template, name), t in tallies.items():
        if not t.kept_titles[1]:
            continue
        if t.cards[1] or t.cards[2]:
            precision = _ratio([t.cards[0], t.cards[1]])
            recall = _ratio([t.cards[0], t.cards[2]])
            section = _ratio(t.sections)
        else:
            precision = recall = section = "none kept"
        rows.append(f"| {template} | {name} | {t.kept_titles[1]} | {precision} | {recall} "
                    f"| {section} | {_ratio(t.kept_titles)} |")
    return "\n".join(rows)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--only", default=",".join(EXTRACTORS), show_default=True,
              help="Comma-separated extractors to run.")
@click.option("--json", "json_out", type=click.Path(path_type=Path), default=None,
              help="Also write the per-page predictions and the tallies as JSON.")
def main(only: str, json_out: Path | None) -> None:
    """Score extraction on the labelled pages (see the module docstring)."""
    names = [n.strip() for n in only.split(",") if n.strip()]
    unknown = [n for n in names if n not in PREDICTORS]
    if unknown:
        raise click.BadParameter(f"unknown extractor(s) {unknown}; choose from {', '.join(EXTRACTORS)}")
    cases = [*sample_cases("2012"), *sample_cases("2025"), *template_cases()]
    tallies: dict = {}
    pages: list = []
    templates = list(dict.fromkeys(c.template for c in cases))
    for template in templates:
        for name in names:
            tallies[(template, name)] = Tally()
    for case in cases:
        for name in names:
            pred = PREDICTORS[name](case)
            score_case(case, pred, tallies[(case.template, name)])
            pages.append({"template": case.template, "page": case.name, "extractor": name,
                          "title": pred.title, "dates": pred.dates, "cards": pred.cards,
                          "truth_dates": case.dates})
    total_cases = len(cases)
    click.echo(f"{total_cases} labelled pages in {len(templates)} templates\n")
    click.echo("Fields and body\n")
    click.echo(field_table(tallies))
    click.echo("\nCenters\n")
    click.echo(center_table(tallies))
    if json_out:
        data = {"tallies": [{"template": t, "extractor": n, **_tally_dict(v)}
                            for (t, n), v in tallies.items()], "pages": pages}
        json_out.write_text(json.dumps(data, indent=1, default=str), encoding="utf-8")
        click.echo(f"\nwrote {json_out}")


def _tally_dict(t: Tally) -> dict:
    out = {k: v for k, v in t.__dict__.items() if k != "body"}
    if t.body:
        s = summarise(t.body)
        out["body"] = {"precision": s.precision, "recall": s.recall, "f1": s.f1}
    return out


_ = PageScore  # re-exported type of Tally.body entries

if __name__ == "__main__":
    main()
