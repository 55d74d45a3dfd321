"""Version 2025, the articles that already existed in 2012.

UNCHANGED: same title, authors, dates and body as 2012; only the template and the
way the date is displayed differ (dataclasses.replace keeps the content).
MOVED: the 2012 exams article now lives at /diagnosing-upper-back-pain, content
unchanged, and its old URL answers 301.
CHANGED: causes and physical therapy were rewritten and carry new dates.
"""

from __future__ import annotations

from dataclasses import replace

from . import data_2012 as old
from .data_people import BRANDT, CASTELLANO, ELLERY, RAMAN
from .model import Article, DateLine

UBP = old.UBP
DIAGNOSING = f"{UBP}/diagnosing-upper-back-pain"
# Paths of 2025-only articles, referenced by the related boxes below.
ARM_NUMBNESS = f"{UBP}/upper-back-pain-and-arm-numbness"
INTERCOSTAL = f"{UBP}/intercostal-muscle-strain"
CHEST = f"{UBP}/upper-back-and-chest-pain"
SYMPTOMS = f"{UBP}/upper-back-pain-symptoms"
EXERCISES = "/wellness/exercise/exercises-for-upper-and-middle-back-pain"
SHOULDER_BLADE = f"{UBP}/pain-under-shoulder-blade"
RELIEVING = f"{UBP}/relieving-pain-under-shoulder-blade"
MEDICAL = f"{UBP}/medical-treatments-for-upper-back-pain"

WHAT_IS = replace(
    old.WHAT_IS_2012,
    dates=(DateLine("updated", "2012-12-17", "Last updated {long}"),),
    related=(SYMPTOMS, old.CAUSES, CHEST),
    jsonld="flat",
    traps=("sidebar_news",),
)

TAKE_CHARGE = replace(
    old.TAKE_CHARGE_2012,
    dates=(DateLine("updated", "2012-06-11", "Updated on: {mdy2}"),),
    related=(RELIEVING, EXERCISES, MEDICAL),
    traps=("share_count",),
)

DIAGNOSING_MOVED = replace(
    old.EXAMS_2012,
    path=DIAGNOSING,
    dates=(DateLine("updated", "2012-08-21", "Last updated {mdy}"),),
    related=(SYMPTOMS, old.CAUSES, ARM_NUMBNESS),
    jsonld="graph",
)

CAUSES = Article(
    path=old.CAUSES,
    title="Causes of Upper Back Pain",
    node_id=1190,
    authors=(ELLERY, RAMAN),
    dates=(
        DateLine("published", "2009-11-12"),
        DateLine("updated", "2024-04-22", "Last updated {mdy}"),
    ),
    description="Muscle strain, rib joint problems and posture are the usual causes of upper "
    "back pain.",
    search_word="deconditioning",
    related=(INTERCOSTAL, SHOULDER_BLADE, DIAGNOSING),
    jsonld="graph",
    badge=True,
    traps=("sidebar_news", "cms_hidden"),
    body=(
        "Upper back pain is most often the result of irritated muscles, stiff joints, or poor "
        "posture, and it usually improves within a few weeks. Knowing which structure is "
        "involved helps you choose the right self-care and decide when to see a doctor.",
        ("h2", "Muscle strain and poor posture"),
        "The rhomboid and trapezius muscles hold the shoulder blades against the rib cage. When "
        "they are overworked, for example by a long day hunched over a phone or laptop, they can "
        "tighten into painful knots. This kind of deconditioning is common in people who sit for "
        "most of the day and rarely strengthen the upper back.",
        ("h2", "Rib joint problems"),
        "Each rib attaches to the spine at the costovertebral joints. If one of these joints "
        "becomes stiff or slightly out of position, it can cause a sharp, stabbing pain beside "
        "the spine that gets worse with twisting, coughing, or taking a deep breath.",
        ("h2", "Less common causes"),
        "A thoracic herniated disc, a vertebral compression fracture from osteoporosis, or an "
        "infection of the spine can also cause upper back pain. These causes are rare, but they "
        "are more likely in older adults and in people who have a history of cancer or a "
        "weakened immune system.",
        "Some pain felt in the upper back is not coming from the spine at all. Heart, lung, and "
        "gallbladder problems can refer pain to the area between the shoulder blades, so pain "
        "that comes with chest pressure, shortness of breath, or fever needs prompt medical "
        "attention.",
    ),
)

PHYSICAL_THERAPY = Article(
    path=old.PHYSICAL_THERAPY,
    title="Physical Therapy to Relieve Upper Back Pain",
    node_id=1194,
    authors=(CASTELLANO,),
    reviewers=(BRANDT,),
    dates=(
        DateLine("updated", "2023-11-08", "Last updated {mdy}"),
        DateLine("reviewed", "2024-01-05", "Medically reviewed on {long}"),
    ),
    description="How a physical therapist treats upper back pain: assessment, exercise and "
    "manual therapy.",
    search_word="discharge",
    related=(EXERCISES, RELIEVING, old.TAKE_CHARGE),
    jsonld="flat",
    traps=("next_review",),
    body=(
        "Physical therapy is one of the most effective treatments for upper back pain that "
        "lingers beyond a few weeks. A therapist looks at how you sit, stand, breathe, and move, "
        "then builds a program that targets the weak or tight muscles behind the pain.",
        "Treatment usually begins with an assessment of thoracic mobility. Many people with "
        "upper back pain have a stiff mid-back and compensate by overusing the neck and lower "
        "back, so restoring rotation and extension of the thoracic spine is an early goal.",
        "Exercise is the core of modern physical therapy. Rows, scapular squeezes, and prone arm "
        "lifts strengthen the muscles that hold the shoulder blades, while foam roller "
        "extensions and open-book stretches restore movement between the vertebrae.",
        "Hands-on techniques such as soft tissue mobilization and joint mobilization may be "
        "added to reduce pain in the short term. Passive treatments like heat and electrical "
        "stimulation are used sparingly, because research shows that active care produces "
        "better long-term results.",
        "A typical course lasts six to eight weeks. Before discharge, your therapist will teach "
        "you a short home program; people who keep doing these exercises two or three times a "
        "week are much less likely to have another flare-up.",
    ),
)

CARRIED = (WHAT_IS, TAKE_CHARGE, DIAGNOSING_MOVED, CAUSES, PHYSICAL_THERAPY)
