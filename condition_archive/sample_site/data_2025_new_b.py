"""Version 2025, new articles (part 2): shoulder blade, treatment, exercise and anatomy pages."""

from __future__ import annotations

from .data_2025_carried import (
    EXERCISES, INTERCOSTAL, MEDICAL, PHYSICAL_THERAPY, RELIEVING, SHOULDER_BLADE, SYMPTOMS, UBP,
)
from .data_2025_new_a import (
    HERNIATED, INTERCOSTAL_SYMPTOMS, SPINAL_NERVES, TREATING_INTERCOSTAL, VIDEO_SHOULDER_BLADE,
)
from .data_people import BRANDT, CASTELLANO, ELLERY, LINDQVIST, MOREAU, OKAFOR, WHITFIELD
from .model import Article, DateLine

UPPER_LEFT = f"{UBP}/upper-left-back-pain"
SB_INFOGRAPHIC = f"{UBP}/pain-under-shoulder-blade-infographic"
UL_INFOGRAPHIC = f"{UBP}/upper-left-back-pain-infographic"
VERTEBRAE = "/spine-anatomy/thoracic-vertebrae-and-rib-cage"
DISCS = "/spine-anatomy/thoracic-discs"
BROKEN_LINK = f"{UBP}/upper-left-back-pain-quiz"  # deliberately missing: 404
PDF_HANDOUT = "/media/upper-back-exercise-handout.pdf"

UPPER_LEFT_ARTICLE = Article(
    path=UPPER_LEFT,
    title="What Causes Upper Left Back Pain?",
    node_id=4431,
    authors=(LINDQVIST,),
    dates=(DateLine("updated", "2024-11-19", "Updated on: {mdy2}"),),
    description="Upper left back pain: usually muscular, sometimes the heart or pancreas.",
    search_word="pancreatitis",
    related=(UL_INFOGRAPHIC, SHOULDER_BLADE, SYMPTOMS),
    body=(
        "Pain in the upper left back is usually caused by a strained muscle or an irritated "
        "joint, but the left side of the body also holds the heart, the spleen, the stomach, and "
        "part of the pancreas, so location alone cannot settle the question.",
        "Muscle strain is by far the most common cause. Carrying a bag on the left shoulder, "
        "sleeping on the left side with the arm tucked under a pillow, or a sudden lift can all "
        "overload the rhomboid muscle between the spine and the left shoulder blade.",
        "Pancreatitis and stomach ulcers can cause a deep, boring pain that travels through to "
        "the left upper back, often after a meal. A left-sided kidney stone or infection tends "
        "to cause pain lower down, near the bottom of the rib cage.",
        ("link", f'Not sure where your pain is coming from? Try our <a href="{BROKEN_LINK}">'
         "upper left back pain symptom checker</a> or see the "
         f'<a href="{UL_INFOGRAPHIC}">7 causes infographic</a>.'),
        "If pain in the upper left back comes with chest pressure, shortness of breath, or pain "
        "down the left arm, call emergency services, because these can be signs of a heart "
        "attack.",
    ),
)

SB_INFOGRAPHIC_ARTICLE = Article(
    path=SB_INFOGRAPHIC,
    title="7 Possible Causes of Pain Under Your Shoulder Blade Infographic",
    node_id=5210,
    subtype="infographic",
    # Month-only, unlabeled: the byline date of an infographic is its publication date.
    dates=(DateLine("published", "2023-03", "{month}"),),
    description="Infographic: seven reasons for pain under the shoulder blade.",
    search_word="summarizes",
    related=(SHOULDER_BLADE, RELIEVING),
    jsonld="flat",
    image_alt="7 Possible Causes of Pain Under Your Shoulder Blade",
    body=(
        "This infographic summarizes seven common reasons for pain under the shoulder blade, "
        "from a simple muscle strain to referred pain from the gallbladder.",
        ("ol", (
            "Muscle strain", "Poor posture", "Rib joint dysfunction", "Cervical disc herniation",
            "Shoulder problems", "Gallbladder disease", "Lung conditions",
        )),
        "Right-sided pain under the shoulder blade after fatty meals is a classic sign of "
        "gallbladder trouble and should be checked by a doctor.",
    ),
)

SHOULDER_BLADE_ARTICLE = Article(
    path=SHOULDER_BLADE,
    title="7 Possible Causes of Pain Under Your Shoulder Blade",
    node_id=4440,
    authors=(CASTELLANO,),
    reviewers=(WHITFIELD,),
    dates=(
        DateLine("published", "2019-06-02", "Published {long}"),
        DateLine("updated", "2024-08-22", "Last updated {mdy}"),
    ),
    description="Pain under the shoulder blade: seven possible causes, from muscles to lungs.",
    search_word="rotator",
    related=(SB_INFOGRAPHIC, RELIEVING, VIDEO_SHOULDER_BLADE),
    jsonld="flat",
    badge=True,
    traps=("sidebar_news",),
    body=(
        "Pain under the shoulder blade, also called scapular pain, is a common complaint that "
        "can range from a mild ache to a sharp, stabbing sensation. Most of the time the source "
        "is the muscles and joints of the upper back, but not always.",
        ("ol", (
            "Muscle strain from overuse or a sudden injury",
            "Poor posture, especially forward head posture",
            "Stiffness or irritation of the rib joints",
            "A herniated disc in the lower neck",
            "Rotator cuff or other shoulder problems",
            "Gallbladder disease, which refers pain under the right shoulder blade",
            "Lung problems, including pneumonia and, rarely, lung cancer",
        )),
        "Muscle-related pain tends to get worse with certain movements and better with rest, "
        "heat, and gentle stretching. Pain that stays the same regardless of position, or that "
        "comes with fever, cough, or weight loss, points away from the muscles.",
        "Because the list of possible causes is long, a doctor will usually begin with a history "
        "and physical exam and then decide whether X-rays, blood tests, or an ultrasound of the "
        "abdomen are needed.",
    ),
)

UL_INFOGRAPHIC_ARTICLE = Article(
    path=UL_INFOGRAPHIC,
    title="7 Causes of Pain in the Upper Left Back Infographic",
    node_id=5214,
    subtype="infographic",
    dates=(DateLine("updated", "2024-03", "Updated {month}"),),
    description="Infographic: seven possible causes of upper left back pain.",
    search_word="panel",
    related=(UPPER_LEFT,),
    image_alt="7 Causes of Pain in the Upper Left Back",
    body=(
        "Use this infographic to compare seven possible causes of upper left back pain, "
        "including muscle strain, poor posture, a herniated disc, pancreas problems, and heart "
        "problems.",
        ("ol", (
            "Muscle strain", "Poor posture", "Herniated disc", "Osteoarthritis of the facet joints",
            "Kidney problems", "Pancreas problems", "Heart attack",
        )),
        "Each panel lists the typical symptoms of one cause, so you can bring the chart to your "
        "next appointment and point to what matches your experience.",
    ),
)

RELIEVING_ARTICLE = Article(
    path=RELIEVING,
    title="Relieving the Pain Under Your Shoulder Blade",
    node_id=4442,
    authors=(CASTELLANO,),
    dates=(DateLine("published", "2020-05-11"), DateLine("updated", "2024-12-09")),
    description="Home treatments for pain under the shoulder blade.",
    search_word="tennis",
    related=(SHOULDER_BLADE, EXERCISES, PHYSICAL_THERAPY.path),
    jsonld="graph",
    body=(
        "Most pain under the shoulder blade responds well to simple treatments you can start at "
        "home. The aim in the first few days is to calm the irritated tissues while keeping the "
        "shoulder and upper back moving.",
        "Alternate ice and heat. Ice helps most in the first two days after an injury, while heat "
        "relaxes tight muscles later on. A tennis ball placed between your back and a wall makes "
        "an inexpensive tool for self-massage of sore spots along the shoulder blade.",
        "Gentle stretching, such as hugging your shoulders or pulling one arm across the chest, "
        "relieves tension in the rhomboids. Repeat each stretch three times, holding for twenty "
        "to thirty seconds, several times a day.",
        "If home care does not help within two weeks, a physical therapist or chiropractor can "
        "use manual therapy and targeted exercise to speed recovery.",
    ),
)

MEDICAL_ARTICLE = Article(
    path=MEDICAL,
    title="Medical Treatments for Upper Back Pain",
    node_id=4450,
    authors=(BRANDT,),
    reviewers=(OKAFOR,),
    dates=(
        DateLine("published", "2018-10-03", "Published {long}"),
        DateLine("updated", "2025-01-15", "Last updated {mdy}"),
    ),
    description="Medications, TENS, injections and, rarely, surgery for upper back pain.",
    search_word="transcutaneous",
    related=(PHYSICAL_THERAPY.path, HERNIATED, EXERCISES),
    badge=True,
    traps=("share_count",),
    body=(
        "When self-care is not enough, a doctor can offer several medical treatments for upper "
        "back pain. The choice depends on the cause of the pain, how long it has lasted, and your "
        "overall health.",
        "Medications are usually the first step. Nonsteroidal anti-inflammatory drugs reduce "
        "pain and inflammation, and a short course of a muscle relaxant may help when spasm "
        "keeps you from sleeping. Opioid medications are rarely appropriate for upper back pain.",
        "Transcutaneous electrical nerve stimulation, or TENS, uses a small battery-powered unit "
        "to send mild electrical pulses through pads placed on the skin. Many people find that "
        "TENS eases pain enough to make exercise more comfortable.",
        "For persistent pain from a specific source, injections may be considered. Trigger point "
        "injections target knotted muscles, while a thoracic epidural steroid injection can calm "
        "an irritated nerve root.",
        "Surgery is rarely needed. It is generally reserved for spinal cord compression, an "
        "unstable fracture, a tumor, or a severe deformity that does not respond to other care.",
    ),
)

TREATING_INTERCOSTAL_ARTICLE = Article(
    path=TREATING_INTERCOSTAL,
    title="Treating Intercostal Muscle Strain",
    node_id=4417,
    authors=(OKAFOR,),
    dates=(DateLine("updated", "2024-07-02", "Last updated {mdy}"),),
    description="Rest, ice, breathing exercises and gentle stretching for intercostal strain.",
    search_word="yoga",
    related=(INTERCOSTAL, INTERCOSTAL_SYMPTOMS),
    body=(
        "Treatment for an intercostal muscle strain focuses on relieving pain so that you can "
        "breathe deeply, which protects the lungs while the muscle heals.",
        "Rest from the activity that caused the strain, apply ice for the first few days, and "
        "take an over-the-counter pain reliever if your doctor agrees. Hugging a pillow against "
        "the chest when you cough can make coughing much less painful.",
        "Breathing exercises are important. Every hour or two while you are awake, take a few "
        "slow, deep breaths and hold each one briefly; this keeps the lungs clear and lowers the "
        "risk of a chest infection.",
        "Once the sharp pain settles, gentle stretches and yoga poses that open the side of the "
        "chest help restore normal movement. Return to sports gradually, and stop if the pain "
        "comes back.",
    ),
)

EXERCISES_ARTICLE = Article(
    path=EXERCISES,
    title="5 Exercises for Upper and Middle Back Pain",
    node_id=3620,
    authors=(CASTELLANO, ELLERY),
    dates=(
        DateLine("published", "2022-02-14", "Published {m_d_y}"),
        DateLine("updated", "2024-12-03", "Last updated {mdy}"),
    ),
    description="Five no-equipment exercises for upper and middle back pain.",
    search_word="swimming",
    related=(PHYSICAL_THERAPY.path, RELIEVING, INTERCOSTAL),
    jsonld="flat",
    body=(
        "Regular exercise keeps the muscles of the upper and middle back strong and flexible, "
        "which can ease existing pain and help prevent new flare-ups. These five exercises need "
        "no equipment and take about ten minutes.",
        ("ol", (
            "Cobra pose: lie face down and gently press the chest up while the hips stay on the "
            "floor.",
            "Cat-cow: on hands and knees, slowly round and then arch the back.",
            "Thread the needle: on hands and knees, reach one arm under the body and rotate the "
            "upper back.",
            "Scapular squeeze: sit tall and draw the shoulder blades together for five seconds.",
            "Wall angels: stand against a wall and slide the arms up and down while keeping "
            "contact.",
        )),
        "Move slowly and stop any exercise that causes sharp pain. Mild muscle soreness the next "
        "day is normal, but pain that lingers or spreads is a sign to scale back.",
        ("link", f'Prefer paper? <a href="{PDF_HANDOUT}">Download the printable exercise handout '
         "(PDF)</a> and keep it next to your desk."),
        "Aim to do the routine once a day for at least four weeks. Pair it with regular walking "
        "or swimming for the best results.",
    ),
)

NEW_B = (
    UPPER_LEFT_ARTICLE, SB_INFOGRAPHIC_ARTICLE, SHOULDER_BLADE_ARTICLE, UL_INFOGRAPHIC_ARTICLE,
    RELIEVING_ARTICLE, MEDICAL_ARTICLE, TREATING_INTERCOSTAL_ARTICLE, EXERCISES_ARTICLE,
)
