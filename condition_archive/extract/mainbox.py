"""Safeguards on the choice of the main container (issue 11, session 5: recall
on templates nobody here wrote). boilerplate.classify_regions calls these;
each is a general rule measured on both extraction benchmarks
(docs/extraction.md, docs/status.md).
"""

from __future__ import annotations

from lxml import etree

# = //main | //*[@role='main'], faster: an attribute axis, not a predicate per element.
_MAIN_LANDMARK = etree.XPath("//main | //@role[. = 'main']/..")
_FURNITURE = frozenset(("nav", "header", "footer", "sidebar", "related"))


def veto_landmark_wrappers(root, marks: dict, text_len: dict, landmarks: list | None = None) -> None:
    """A box around the page's <main> landmark is a page wrapper, never a menu,
    banner, footer or side box, whatever its class words say: HTML puts <main>
    in none of those ("dialog-off-canvas-main-canvas", the wrapper Drupal puts
    around every page, reads as an off-canvas menu). Ads keep their claim.
    `landmarks`: the landmarks if known (measure.py's walk finds them)."""
    for landmark in _MAIN_LANDMARK(root) if landmarks is None else landmarks:
        if not text_len.get(landmark):
            continue  # hidden, or empty
        for wrapper in landmark.iterancestors():
            if marks.get(wrapper) in _FURNITURE:
                del marks[wrapper]
