"""Version 2025, new short anatomy pages ("More on this Topic")."""

from __future__ import annotations

from .data_2025_new_a import HERNIATED, SPINAL_NERVES
from .data_2025_new_b import DISCS, VERTEBRAE
from .data_people import MOREAU
from .model import Article, DateLine

VERTEBRAE_ARTICLE = Article(
    path=VERTEBRAE,
    title="Thoracic Vertebrae and the Rib Cage",
    node_id=2201,
    subtype="anatomy",
    authors=(MOREAU,),
    dates=(DateLine("published", "2014-01-30"), DateLine("updated", "2023-09-27", "Last updated {mdy}")),
    description="Anatomy of the twelve thoracic vertebrae and the rib cage.",
    search_word="cervicothoracic",
    related=(DISCS, SPINAL_NERVES),
    jsonld="graph",
    body=(
        "The thoracic spine is made up of twelve vertebrae, labeled T1 through T12, that sit "
        "between the neck and the lower back. Each thoracic vertebra connects to a pair of ribs, "
        "forming the rib cage that protects the heart and lungs.",
        "The place where the last neck vertebra meets the first thoracic vertebra is called the "
        "cervicothoracic junction. Because a flexible region meets a stiff one here, this area is "
        "prone to wear and to posture-related strain.",
        "The rib cage makes the thoracic spine much less mobile than the neck or lower back, "
        "especially for bending forward and to the side. Rotation is the movement the thoracic "
        "spine does best.",
    ),
)

DISCS_ARTICLE = Article(
    path=DISCS,
    title="Thoracic Discs",
    node_id=2202,
    subtype="anatomy",
    authors=(MOREAU,),
    # Published only: no updated date anywhere.
    dates=(DateLine("published", "2014-03-11", "Published {long}"),),
    description="The intervertebral discs of the thoracic spine.",
    search_word="annulus",
    related=(VERTEBRAE, HERNIATED),
    body=(
        "Between each pair of thoracic vertebrae sits an intervertebral disc that acts as a "
        "cushion and allows a small amount of movement. The thoracic discs are thinner than the "
        "discs of the neck and lower back.",
        "Each disc has a tough outer ring, the annulus fibrosus, and a soft gel-like center, the "
        "nucleus pulposus. With age the center loses water, and the disc becomes flatter and "
        "less able to absorb shock.",
        "Because the thoracic spine moves so little, its discs are under less stress and are less "
        "likely to herniate than the discs in the neck or lower back.",
    ),
)

NERVES_ARTICLE = Article(
    path=SPINAL_NERVES,
    title="Thoracic Spinal Nerves",
    node_id=2203,
    subtype="anatomy",
    authors=(MOREAU,),
    # Only a review date is visible (plus a hidden CMS "Last saved" stamp): no published,
    # no updated date.
    dates=(DateLine("reviewed", "2025-02-03", "Medically reviewed on {long}"),),
    description="The twelve pairs of thoracic spinal nerves and what they supply.",
    search_word="dermatome",
    related=(VERTEBRAE, DISCS, HERNIATED),
    traps=("cms_hidden",),
    body=(
        "Twelve pairs of spinal nerves leave the thoracic spine, one pair below each vertebra. "
        "Unlike the nerves of the neck and lower back, most of them travel forward around the "
        "body between the ribs.",
        "These intercostal nerves supply the muscles between the ribs and the skin of the chest "
        "and abdomen. Each one serves a horizontal strip of skin, called a dermatome, which is "
        "why an irritated thoracic nerve causes pain that wraps around the body.",
        "The thoracic nerves also carry fibers of the sympathetic nervous system, which helps "
        "control heart rate, blood pressure, and sweating.",
    ),
)

ANATOMY = (VERTEBRAE_ARTICLE, DISCS_ARTICLE, NERVES_ARTICLE)
