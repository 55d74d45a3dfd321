"""Version 2025: the Upper Back Pain center, its sections and cards exactly as in the 2025 seed."""

from __future__ import annotations

from .data_2025_anatomy import DISCS, SPINAL_NERVES, VERTEBRAE
from .data_2025_carried import (
    ARM_NUMBNESS, CHEST, DIAGNOSING, EXERCISES, INTERCOSTAL, MEDICAL, RELIEVING,
    SHOULDER_BLADE, SYMPTOMS, UBP, WHAT_IS,
)
from .data_2012 import CAUSES, EXAMS, PHYSICAL_THERAPY, TAKE_CHARGE
from .data_2025_new_a import (
    HERNIATED, INTERCOSTAL_SYMPTOMS, TREATING_INTERCOSTAL, VIDEO_CAUSES, VIDEO_SHOULDER_BLADE,
)
from .data_2025_new_b import SB_INFOGRAPHIC, UL_INFOGRAPHIC, UPPER_LEFT
from .model import Card, Center, DateLine, Section

_IMG = "/sites/default/files/styles/card_large/public"


def _card(title: str, href: str, alt: str, image: str, badge: str = "") -> Card:
    return Card(title=title, href=href, image_alt=alt, image=f"{_IMG}/{image}.png", badge=badge)


SECTIONS_2025 = (
    Section("Overview", (
        _card("Is Your Upper Back Pain Related to Your Arm Numbness?", ARM_NUMBNESS,
              "Medical illustration of a skeleton. The shoulders and arms are highlighted in red "
              "indicating pain, numbness or tingling.", "2019-07/skeleton-arms-highlighted"),
        _card("All About Upper Back Pain", WHAT_IS.path,
              "Thoracic spine with the thoracic vertebra highlighted from T1-T12.",
              "2020-02/thoracic-spine-t1-t12"),
        _card("Upper Back Pain from Intercostal Muscle Strain", INTERCOSTAL,
              "Medical illustration of intercostal muscle anatomy", "2018-02/intercostal-muscles"),
        _card("Understanding Upper Back and Chest Pain", CHEST,
              "Medical illustration of the upper back and neck. The trapezius muscle is "
              "highlighted", "2021-04/trapezius-highlighted"),
    ), "overview"),
    Section("Video", (
        _card("Causes of Upper Back Pain Video", VIDEO_CAUSES,
              "Thoracic herniated disc leaking inflammatory proteins",
              "2020-07/thoracic-disc-video-still", badge="2:47"),
        _card("Causes of Shoulder Blade Pain Video", VIDEO_SHOULDER_BLADE,
              "Posterior view of the upper body with the shoulder blades.",
              "2021-08/shoulder-blades-posterior", badge="3:12"),
    ), "video"),
    Section("Symptoms", (
        _card("Intercostal Muscle Strain Symptoms and Diagnosis", INTERCOSTAL_SYMPTOMS,
              "Doctor examining an X-ray of a patient's lungs and spine.", "2020-01/chest-xray"),
        _card("Upper Back Pain Symptoms", SYMPTOMS, "Medical illustration of a skeleton",
              "2016-03/skeleton"),
    ), "symptoms"),
    Section("Causes and Diagnosis", (
        _card("Causes of Upper Back Pain", CAUSES, "Intercostal muscle anatomy",
              "2024-04/intercostal-anatomy"),
        _card("How a Herniated Disc in Your Upper Back Causes Pain, Numbness, and Weakness",
              HERNIATED, "Nerve impingement from a herniated disc in the thoracic spine",
              "2017-05/thoracic-disc-impingement"),
        _card("Diagnosing Upper Back Pain", DIAGNOSING,
              "Physical therapist explaining the upper spine to a patient", "2022-09/pt-explaining"),
        # Same article as "Understanding Upper Back and Chest Pain" above: the seed links both.
        _card("What Causes Upper Back and Chest Pain?", CHEST,
              "Posterior view of upper body with pain highlighted in the shoulders",
              "2021-04/shoulders-pain-posterior"),
        _card("Causes of Intercostal Muscle Strain", INTERCOSTAL,
              "Medical illustration of intercostal muscle anatomy", "2018-02/intercostal-muscles"),
        _card("What Causes Upper Left Back Pain?", UPPER_LEFT, "Upper back highlighting the muscles",
              "2024-11/upper-back-muscles"),
        _card("7 Possible Causes of Pain Under Your Shoulder Blade Infographic", SB_INFOGRAPHIC,
              "7 Possible Causes of Pain Under Your Shoulder Blade", "2023-03/sb-infographic-thumb"),
        _card("7 Possible Causes of Pain Under Your Shoulder Blade", SHOULDER_BLADE,
              "Medical illustration of the anatomy of the upper back", "2019-06/upper-back-anatomy"),
        _card("7 Causes of Pain in the Upper Left Back Infographic", UL_INFOGRAPHIC,
              "7 Causes of Pain in the Upper Left Back", "2024-03/ulb-infographic-thumb"),
    ), "causes-and-diagnosis"),
    Section("Treatment", (
        _card("Relieving the Pain Under Your Shoulder Blade", RELIEVING,
              "Physical therapist manipulating patient's shoulder", "2020-05/pt-shoulder"),
        # A 2012 article (unchanged) under a new card title.
        _card("Early Treatments for Upper Back Pain", TAKE_CHARGE, "Women giving man massage",
              "2012-06/massage"),
        _card("Medical Treatments for Upper Back Pain", MEDICAL,
              "Electotherapy unit attached to a patient's shoulder.", "2018-10/electrotherapy"),
        _card("Treating Intercostal Muscle Strain", TREATING_INTERCOSTAL,
              "Yoga class participants doing a forward bend.", "2024-07/yoga-forward-bend"),
        _card("5 Exercises for Upper and Middle Back Pain", EXERCISES,
              "Woman doing cobra pose for upper and middle back pain", "2022-02/cobra-pose"),
    ), "treatment"),
    Section("More on this Topic", (
        _card("Thoracic Vertebrae and the Rib Cage", VERTEBRAE,
              "illustration of the c7-T1 vertebrae also called the cervicothoracic junction",
              "2014-01/c7-t1"),
        _card("Thoracic Discs", DISCS, "Cross section view of the T-10 vertebrae",
              "2014-03/t10-cross-section"),
        _card("Thoracic Spinal Nerves", SPINAL_NERVES,
              "Medical illustration showing the thoracic spine", "2025-02/thoracic-spine"),
    ), "more-on-this-topic"),
)

CENTER_2025 = Center(
    path=UBP,
    title="Upper Back Pain",
    subtitle="All About Upper Back Pain",
    node_id=1180,
    badge=True,
    hero_alt="Thoracic spine with the thoracic vertebra highlighted from T1-T12.",
    description="Upper back pain stems from various causes, including muscle strain, poor "
    "posture, or underlying medical conditions.",
    # No visible date on the 2025 center: both dates come from its JSON-LD.
    dates=(DateLine("published", "2005-06-14"), DateLine("updated", "2025-01-21")),
    intro=(
        "Upper back pain stems from various causes, including muscle strain, poor posture, or "
        "underlying medical conditions.",
        ("link", "Most episodes settle within a few weeks with self-care, and a guided program of "
         f'<a href="{PHYSICAL_THERAPY}" class="c-inline-link">physical therapy</a> helps many '
         "people whose stiffness between the shoulder blades lingers."),
        # A legacy link the editors never updated: it goes through the 301 of the moved page.
        ("link", "Seeing a doctor soon? Read what to expect from the "
         f'<a href="{EXAMS}" class="c-inline-link">exams and tests</a> at your first visit.'),
    ),
    sections=SECTIONS_2025,
)
