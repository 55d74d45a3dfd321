"""Version 2025, new articles (part 1): overview, video, symptoms and herniated disc pages."""

from __future__ import annotations

from .data_2025_carried import (
    ARM_NUMBNESS, CAUSES, CHEST, DIAGNOSING, INTERCOSTAL, MEDICAL, SHOULDER_BLADE, SYMPTOMS, UBP,
)
from .data_people import BRANDT, ELLERY, MOREAU, OKAFOR, RAMAN, VASQUEZ, WHITFIELD
from .model import Article, DateLine

VIDEO_CAUSES = "/video/causes-of-upper-back-pain-video"
VIDEO_SHOULDER_BLADE = "/video/causes-of-shoulder-blade-pain-video"
INTERCOSTAL_SYMPTOMS = f"{UBP}/intercostal-muscle-strain-symptoms-and-diagnosis"
HERNIATED = "/conditions/herniated-disc/thoracic-herniated-disc"
TREATING_INTERCOSTAL = f"{UBP}/treating-intercostal-muscle-strain"
SPINAL_NERVES = "/spine-anatomy/thoracic-spinal-nerves"

ARM_NUMBNESS_ARTICLE = Article(
    path=ARM_NUMBNESS,
    title="Is Your Upper Back Pain Related to Your Arm Numbness?",
    node_id=4410,
    authors=(RAMAN,),
    reviewers=(VASQUEZ,),
    # Only published + reviewed: no updated date anywhere on the page.
    dates=(
        DateLine("published", "2019-07-08", "Published {long}"),
        DateLine("reviewed", "2024-01-05", "Medically reviewed on {long}"),
    ),
    description="Arm numbness with upper back pain often starts in the lower neck.",
    search_word="collarbone",
    related=(HERNIATED, SYMPTOMS, DIAGNOSING),
    badge=True,
    traps=("next_review", "sidebar_news"),
    body=(
        "When upper back pain comes with numbness or tingling in the arm, the problem often "
        "starts higher up, in the neck or at the junction of the neck and upper back. Nerves "
        "that supply the arm leave the spine between the lowest neck vertebrae and the first "
        "thoracic vertebra, so irritation there can be felt in both places.",
        "A herniated disc or bone spur in the lower neck can pinch the C8 or T1 nerve root. This "
        "typically causes pain near the shoulder blade along with numbness that runs down the "
        "inside of the forearm toward the ring and little fingers.",
        "Thoracic outlet syndrome is another possibility. In this condition, nerves and blood "
        "vessels are squeezed in the narrow space between the collarbone and the first rib, and "
        "symptoms often get worse when the arms are raised overhead.",
        "Muscle trigger points in the upper back can also refer tingling into the arm, although "
        "they do not cause true weakness. A doctor can tell these causes apart with a hands-on "
        "exam and, if needed, nerve conduction tests or an MRI.",
        "Seek care promptly if arm numbness comes with loss of grip strength, clumsiness in the "
        "hands, or trouble walking, because these signs can mean the spinal cord itself is under "
        "pressure.",
    ),
)

INTERCOSTAL_ARTICLE = Article(
    path=INTERCOSTAL,
    title="Upper Back Pain from Intercostal Muscle Strain",
    node_id=4415,
    authors=(OKAFOR,),
    dates=(
        DateLine("published", "2018-02-20"),
        DateLine("updated", "2024-03-14", "Last updated {mdy}"),
    ),
    description="Intercostal muscle strain: a common cause of pain in the upper back and chest.",
    search_word="shoveling",
    related=(INTERCOSTAL_SYMPTOMS, TREATING_INTERCOSTAL, CHEST),
    jsonld="flat",
    body=(
        "The intercostal muscles run between the ribs and help expand and contract the chest "
        "when you breathe. A strain of these muscles is one of the most common sources of pain "
        "in the upper back and the side of the chest.",
        "Intercostal strains usually happen during a sudden twisting or reaching movement, such "
        "as swinging a golf club, shoveling snow, or lifting a heavy box from the back seat of a "
        "car. Violent coughing or sneezing during a chest cold can strain the muscles as well.",
        "The pain is typically sharp and well localized, and it gets worse with deep breaths, "
        "coughing, or turning the upper body. Many people notice a tender spot they can press "
        "with a fingertip between two ribs.",
        "Most intercostal strains heal on their own within three to six weeks. Understanding "
        "what caused the injury, and easing back into the activity slowly, lowers the chance of "
        "straining the same muscles again.",
    ),
)

CHEST_ARTICLE = Article(
    path=CHEST,
    title="Understanding Upper Back and Chest Pain",
    node_id=4420,
    authors=(WHITFIELD,),
    reviewers=(MOREAU,),
    dates=(
        DateLine("published", "2021-04-09", "Published {long}"),
        DateLine("updated", "2024-10-30", "Last updated {mdy}"),
    ),
    description="Most upper back and chest pain is musculoskeletal, but know the warning signs.",
    search_word="costochondritis",
    related=(INTERCOSTAL, ARM_NUMBNESS, CAUSES.path),
    jsonld="graph",
    badge=True,
    traps=("cms_hidden", "sidebar_news"),
    body=(
        "Pain that is felt in both the upper back and the chest can be unsettling, because many "
        "people immediately worry about their heart. In most cases the cause is "
        "musculoskeletal, but it is important to know the warning signs that call for emergency "
        "care.",
        ("h2", "Common musculoskeletal causes"),
        "Strained intercostal muscles, irritated rib joints, and inflammation of the cartilage "
        "where the ribs meet the breastbone, a condition called costochondritis, can all cause "
        "pain that wraps from the back around to the front of the chest. This pain usually "
        "changes with movement or pressure on the sore area.",
        ("h2", "Causes outside the spine"),
        "Acid reflux, gallstones, shingles, and lung conditions such as pneumonia or a blood "
        "clot can send pain to both the chest and the back. Shingles often causes burning pain "
        "on one side days before the typical rash appears.",
        ("h2", "When to seek emergency care"),
        "Call emergency services right away if chest and upper back pain comes on suddenly with "
        "shortness of breath, sweating, nausea, or pain spreading to the jaw or arm. A tearing "
        "pain that moves through to the back can be a sign of an aortic dissection, which needs "
        "immediate treatment.",
    ),
)

VIDEO_CAUSES_ARTICLE = Article(
    path=VIDEO_CAUSES,
    title="Causes of Upper Back Pain Video",
    node_id=5102,
    subtype="video",
    reviewers=(BRANDT,),
    dates=(DateLine("published", "2020-07-14", "Published {long}"),),
    description="Animated video: the most common causes of upper back pain.",
    search_word="animated",
    related=(CAUSES.path, HERNIATED, VIDEO_SHOULDER_BLADE),
    jsonld="graph",
    image_alt="Thoracic herniated disc leaking inflammatory proteins",
    body=(
        "This animated video explains the most common causes of pain in the upper back, from "
        "muscle strain and poor posture to problems with the discs and facet joints of the "
        "thoracic spine.",
        ("h2", "Video Transcript"),
        "The thoracic spine is made up of twelve vertebrae in the middle of the back. Because the "
        "ribs attach here, this region is stiffer and more stable than the neck or the lower "
        "back.",
        "The video also shows how a thoracic herniated disc can leak inflammatory proteins that "
        "irritate nearby nerves, and why this kind of pain sometimes wraps around the rib cage in "
        "a band-like pattern.",
    ),
)

VIDEO_SHOULDER_BLADE_ARTICLE = Article(
    path=VIDEO_SHOULDER_BLADE,
    title="Causes of Shoulder Blade Pain Video",
    node_id=5107,
    subtype="video",
    # No visible date at all: both dates only in the JSON-LD @graph.
    dates=(DateLine("published", "2021-08-03"), DateLine("updated", "2023-05-19")),
    description="Video: where pain under and around the shoulder blade comes from.",
    search_word="scapula",
    related=(SHOULDER_BLADE, VIDEO_CAUSES),
    jsonld="graph",
    image_alt="Posterior view of the upper body with the shoulder blades.",
    body=(
        "Pain around or under the shoulder blade can come from the muscles that move the "
        "scapula, from the joints of the upper back, or from the neck. This short video walks "
        "through each of these sources and the symptoms that typically go with them.",
        "Watch for the section on referred pain, which explains how conditions of the heart, "
        "lungs, and gallbladder can produce an ache near the right or left shoulder blade even "
        "though the spine is healthy.",
    ),
)

INTERCOSTAL_SYMPTOMS_ARTICLE = Article(
    path=INTERCOSTAL_SYMPTOMS,
    title="Intercostal Muscle Strain Symptoms and Diagnosis",
    node_id=4416,
    authors=(OKAFOR,),
    dates=(
        DateLine("published", "2020-01-22", "Published {long}"),
        DateLine("updated", "2024-06-05", "Last updated {mdy}"),
    ),
    description="Symptoms of an intercostal muscle strain and how a doctor diagnoses it.",
    search_word="electrocardiogram",
    related=(INTERCOSTAL, TREATING_INTERCOSTAL, CHEST),
    jsonld="graph",
    body=(
        "The hallmark symptom of an intercostal muscle strain is sharp pain between the ribs that "
        "gets worse when you breathe deeply, cough, sneeze, or twist. The pain may be felt in the "
        "upper back, the side of the chest, or both.",
        "Other symptoms include tenderness to the touch, muscle spasm, and stiffness that makes "
        "it hard to reach overhead. Bruising is uncommon but may appear after a direct blow to "
        "the ribs.",
        "To diagnose the strain, a doctor asks how the pain started and presses along the ribs "
        "to find the injured area. If there is any concern about a rib fracture or a collapsed "
        "lung, a chest X-ray is usually ordered.",
        "Because chest wall pain can mimic heart and lung problems, the doctor may also check "
        "your pulse, blood pressure, and oxygen level, and occasionally order an "
        "electrocardiogram to rule out a cardiac cause.",
    ),
)

SYMPTOMS_ARTICLE = Article(
    path=SYMPTOMS,
    title="Upper Back Pain Symptoms",
    node_id=4402,
    authors=(ELLERY,),
    reviewers=(VASQUEZ,),
    # Visible: only the review date. The updated date comes from JSON-LD dateModified.
    dates=(
        DateLine("published", "2016-03-01"),
        DateLine("updated", "2024-09-12"),
        DateLine("reviewed", "2024-09-12", "Medically reviewed on {long}"),
    ),
    description="How upper back pain feels, and the red flag symptoms that need attention.",
    search_word="pinpoint",
    related=(ARM_NUMBNESS, CAUSES.path, DIAGNOSING),
    jsonld="flat",
    badge=True,
    body=(
        "Upper back pain can feel very different from one person to the next. Some people "
        "describe a constant dull ache across the shoulders, while others feel a sharp, pinpoint "
        "pain beside the spine that catches them when they move.",
        "Stiffness is another common symptom. The muscles around the shoulder blades may feel "
        "tight and knotted, and it can be hard to turn the head or rotate the upper body, "
        "especially first thing in the morning.",
        "Pain that radiates around the chest along a rib, or tingling and numbness in the arms or "
        "legs, suggests that a nerve is being irritated. These symptoms deserve a prompt medical "
        "evaluation.",
        "Red flag symptoms that need urgent attention include:",
        ("ul", (
            "Fever or unexplained weight loss with back pain",
            "Pain that is worse at night or when lying down",
            "Weakness in the legs or problems with bladder or bowel control",
        )),
    ),
)

HERNIATED_ARTICLE = Article(
    path=HERNIATED,
    title="How a Herniated Disc in Your Upper Back Causes Pain, Numbness, and Weakness",
    node_id=3871,
    authors=(RAMAN, BRANDT),
    dates=(
        DateLine("published", "2017-05-03", "Published {m_d_y}"),
        DateLine("updated", "2025-02-27", "Last updated {mdy}"),
    ),
    description="Thoracic disc herniation: radicular pain and spinal cord compression.",
    search_word="myelopathy",
    related=(ARM_NUMBNESS, SPINAL_NERVES, MEDICAL),
    jsonld="graph",
    badge=True,
    body=(
        "Herniated discs are far less common in the upper back than in the neck or lower back, "
        "partly because the rib cage limits how much the thoracic spine can bend and twist. When "
        "a thoracic disc does herniate, the symptoms depend on which way the disc material "
        "pushes.",
        "A disc that bulges to the side can press on a single nerve root, causing radicular pain "
        "that wraps around the chest or upper abdomen in a belt-like pattern. This pain is "
        "sometimes mistaken for a heart, lung, or digestive problem.",
        "A disc that herniates toward the center of the spinal canal can press on the spinal "
        "cord itself. This is called myelopathy, and it can cause numbness below the level of "
        "the disc, weakness or heaviness in the legs, balance problems, and in severe cases "
        "changes in bladder control.",
        "Most thoracic disc herniations improve with time, medication, and physical therapy. "
        "Surgery is reserved for people with progressive weakness or signs of spinal cord "
        "compression, and it is usually performed by a surgeon who specializes in the thoracic "
        "spine.",
    ),
)

NEW_A = (
    ARM_NUMBNESS_ARTICLE, INTERCOSTAL_ARTICLE, CHEST_ARTICLE, VIDEO_CAUSES_ARTICLE,
    VIDEO_SHOULDER_BLADE_ARTICLE, INTERCOSTAL_SYMPTOMS_ARTICLE, SYMPTOMS_ARTICLE,
    HERNIATED_ARTICLE,
)
