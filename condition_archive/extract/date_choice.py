"""How the page's published and updated dates are chosen among the candidates
dates.py collects (the tiers are described in dates.py's module docstring):
`corroborate` gives unlabelled visible dates the field of a statement of the
same day, `choose_dates` takes the best tier per field, `choose_reviewed` the
page's last medical review."""

from __future__ import annotations

from condition_archive.extract.model import DateCandidate


def corroborate(cands: list[DateCandidate]) -> list[DateCandidate]:
    """Give unlabelled visible dates the field of a labelled or machine-readable
    candidate of the same day (updated, then published, then reviewed)."""
    fields: dict[str, set[str]] = {}
    for cand in cands:
        if not cand.source.endswith(UNLABELLED) and not cand.source.startswith("http:"):
            fields.setdefault(cand.value[:10], set()).add(cand.field)
    out = []
    for cand in cands:
        known = fields.get(cand.value[:10], set())
        if cand.source.endswith(UNLABELLED) and known:
            field = next(f for f in ("updated", "published", "reviewed") if f in known)
            cand = DateCandidate(field, cand.value, cand.source, cand.raw)
        out.append(cand)
    return out


UNLABELLED = " (unlabelled)"
MONTH_ONLY = "(month precision)"
# Rank per (field wanted, kind of candidate): lower wins, missing = never.
TIERS = {
    "updated": {("updated", "text"): 1, ("updated", "class"): 2, ("updated", "json-ld"): 3,
                ("updated", "microdata"): 4, ("updated", "meta"): 5},
    # <meta> before JSON-LD for the published date: where the two disagree on
    # extraction-bench-2, the <meta> date is the page's stated date 10 times in
    # 12 (SEO plugins re-save JSON-LD datePublished; htmldate reads <meta> first).
    "published": {("published", "text"): 1, ("published", "class"): 2,
                  ("published", "meta"): 3, ("published", "json-ld"): 4,
                  ("published", "microdata"): 5, ("published", "created"): 6,
                  ("published", "unlabelled"): 7, ("published", "htmldate"): 8},
}


def _evidence(cand: DateCandidate) -> str:
    """What kind of statement a candidate is: a visible text label, a class name,
    an unlabelled visible date, or a machine-readable source."""
    src = cand.source
    if src.endswith("dateCreated"):
        return "created"
    if src.endswith(UNLABELLED):
        # Corroborated unlabelled dates read like their label; others are weakest.
        return "unlabelled" if cand.field == "published" else "text"
    if src.endswith(" (class)"):
        return "class"
    if src.startswith("visible:") or src == "time[datetime]":
        return "text"
    return src.split(":", 1)[0]


def choose_dates(cands) -> tuple[str | None, str | None]:
    """(date_published, date_updated) by the rule in the module docstring."""
    chosen = []
    for field in ("published", "updated"):
        tiers = TIERS[field]
        ranked = [(t, i) for i, c in enumerate(cands)
                  if (t := tiers.get((c.field, _evidence(c)))) is not None]
        best = cands[min(ranked)[1]] if ranked else None
        if best is not None and field == "updated":
            # A page that states several updates of the same kind ("Stand:" under
            # each section) was last updated on the latest of them.
            top = min(ranked)[0]
            days = [cands[i] for t, i in ranked if t == top and MONTH_ONLY not in cands[i].source]
            best = max(days, key=lambda c: c.value[:10]) if days else best
        if best is not None and MONTH_ONLY in best.source:
            # "October 2019" is the same statement as a day in that month stated
            # elsewhere on the page, only less precise: take the day.
            days = [(t, i) for t, i in ranked if MONTH_ONLY not in cands[i].source
                    and cands[i].value[:7] == best.value[:7]]
            best = cands[min(days)[1]] if days else best
        # The day as written on the page: a timestamp's local date, no tz shift.
        chosen.append(best.value[:10] if best is not None else None)
    return chosen[0], chosen[1]


def choose_reviewed(cands) -> str | None:
    """The page's own last medical-review date: a visible "reviewed" line first,
    then structured data (JSON-LD lastReviewed, microdata, meta); the latest
    such date within the best source. Review dates are never the updated date:
    a review can confirm content without changing it."""
    reviewed = [c for c in cands if c.field == "reviewed" and not c.source.startswith("http:")]
    if not reviewed:
        return None
    visible = [c for c in reviewed if c.source.startswith("visible")]
    pool = visible or reviewed
    return max(c.value[:10] for c in pool)
