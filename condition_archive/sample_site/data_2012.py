"""Version 2012: the old Upper Back Pain Center and its six articles (from the 2012 seed)."""

from __future__ import annotations

from .data_people import CASTELLANO, CASTELLANO_2012, ELLERY_2012, LINDQVIST, MOREAU, WHITFIELD
from .model import Article, Card, Center, DateLine, Section

UBP = "/conditions/upper-back-pain"
EXAMS = f"{UBP}/exams-and-tests-to-diagnose-upper-back-pain"
RESEARCH = "/conditions/back-pain/back-pain-research-and-treatment-updates"
CAUSES = f"{UBP}/causes-of-upper-back-pain"
WHAT_IS = f"{UBP}/what-is-upper-back-pain"
TAKE_CHARGE = f"{UBP}/take-charge-of-your-upper-back-pain"
PHYSICAL_THERAPY = f"{UBP}/physical-therapy-to-relieve-upper-back-pain"

EXAMS_2012 = Article(
    path=EXAMS,
    title="Exams and Tests to Diagnose Upper Back Pain",
    node_id=1187,
    authors=(MOREAU,),
    dates=(DateLine("updated", "2012-08-21", "Updated on: {mdy2}"),),
    description="What to expect when a doctor examines you for upper back pain.",
    search_word="spondylitis",
    body=(
        "You should make an appointment to see a doctor for upper back pain if the pain is "
        "severe or lasts more than a week. He or she will do several exams and tests, "
        "including a physical exam, to find the cause of your pain.",
        "The visit usually starts with a medical history. The doctor will ask when the pain "
        "began, whether it followed a fall or a lifting injury, and what makes it better or "
        "worse. Be ready to describe any numbness, tingling, or weakness in the arms or legs, "
        "because these symptoms point toward a nerve problem rather than a simple muscle strain.",
        "During the physical exam, the doctor presses along the spine and the muscles between "
        "the shoulder blades to find tender spots. He or she will also watch you bend, twist, "
        "and reach overhead, and may test your reflexes and the strength of your grip. A careful "
        "neurological exam helps rule out pressure on the spinal cord.",
        "Imaging tests are not needed for most people with upper back pain. An X-ray can show a "
        "compression fracture or a curve in the spine, while an MRI scan gives a detailed picture "
        "of the discs, nerves, and spinal cord. A bone scan or blood tests may be ordered if the "
        "doctor suspects an infection, a tumor, or an inflammatory condition such as ankylosing "
        "spondylitis.",
        "Once the exams are finished, the doctor will explain the likely cause of your pain and "
        "suggest a treatment plan. Keep a short pain diary before your visit; noting the time of "
        "day and the activities that trigger your symptoms can make the diagnosis faster and more "
        "accurate.",
    ),
)

# Old news-list page: the CMS stored it as one text blob with <br><br> between paragraphs.
RESEARCH_2012 = Article(
    path=RESEARCH,
    title="Back Pain Research and Treatment Updates",
    node_id=902,
    dates=(DateLine("updated", "2012-11-30", "Updated on: {mdy2}"),),
    description="Links to back pain research and treatment updates.",
    search_word="backpacks",
    traps=("br_paragraphs",),
    body=(
        "This article includes links to back pain research and treatment updates. As new "
        "findings are released, this page will be updated to include the most recent "
        "information. The goal is to help you learn about your condition and become a more "
        "informed patient.",
        "November 2012: A review of clinical trials found that supervised exercise programs "
        "reduced the number of sick days taken by office workers with chronic neck and upper "
        "back pain. Programs that combined strengthening with stretching did better than "
        "stretching alone.",
        "September 2012: Researchers reported that a short course of manual therapy, added to "
        "usual care, helped some patients with thoracic pain return to work sooner. The authors "
        "cautioned that the studies were small and that longer follow-up is needed.",
        "June 2012: A survey of teenagers linked heavy school backpacks carried on one shoulder "
        "with more frequent reports of mid-back soreness. Using both straps and keeping the load "
        "under fifteen percent of body weight were the most common recommendations.",
    ),
)

CAUSES_2012 = Article(
    path=CAUSES,
    title="Causes of Upper Back Pain",
    node_id=1190,
    authors=(ELLERY_2012,),
    dates=(DateLine("updated", "2012-10-02", "Updated on: {mdy2}"),),
    description="Upper back pain is most often caused by muscle sprain, strain, or fatigue.",
    search_word="myofascial",
    body=(
        "Upper back pain, or mid-back pain, is pain in the thoracic spine, and is most often "
        "caused by muscle sprain, strain, or fatigue. Other soft tissue injuries can also cause "
        "back pain.",
        "Muscular irritation, sometimes called myofascial pain, is the most common source of "
        "upper back pain. The large muscles that attach the shoulder blade to the thoracic spine "
        "can become irritated from a lack of strength or from overuse, such as repetitive "
        "reaching or long hours of computer work.",
        "Joint dysfunction is another common cause. The ribs connect to the vertebrae at two "
        "small joints on each side, and these joints can become stiff or inflamed, causing a "
        "sharp pain near the spine that may get worse with a deep breath.",
        "Less often, upper back pain comes from a herniated disc, a fracture after a fall, or a "
        "condition outside the spine such as a gallbladder or lung problem. Pain that comes with "
        "fever, weight loss, or trouble breathing should be checked by a doctor right away.",
    ),
)

WHAT_IS_2012 = Article(
    path=WHAT_IS,
    title="What Is Upper Back Pain?",
    node_id=1185,
    authors=(WHITFIELD,),
    dates=(DateLine("updated", "2012-12-17", "Updated on: {mdy2}"),),
    description="Learn about the basics of upper back pain.",
    search_word="interscapular",
    body=(
        "The upper back, also known as the mid-back or thoracic spine, isn't as prone to pain as "
        "the neck and low back are. The thoracic spine is built for stability: its twelve "
        "vertebrae are joined to the ribs, and together they form a sturdy cage that protects "
        "the heart and lungs.",
        "Because this part of the spine moves less than the neck or the lower back, it wears out "
        "more slowly and is less often injured. When upper back pain does occur, it is usually "
        "caused by long-term poor posture or by an injury that strains the interscapular muscles "
        "around the shoulder blades.",
        "People describe upper back pain in many ways: a dull ache, a burning feeling, a sharp or "
        "pinching pain, or muscle tightness and stiffness. The pain may stay in one spot or "
        "spread toward the shoulder, the neck, or around the chest along the path of a rib.",
        "Most episodes of upper back pain get better with simple care such as rest, gentle "
        "stretching, heat or ice, and over-the-counter pain relievers. If the pain lasts longer "
        "than a few weeks or keeps coming back, a doctor or physical therapist can look for a "
        "specific cause and recommend a longer-term plan.",
    ),
)

TAKE_CHARGE_2012 = Article(
    path=TAKE_CHARGE,
    title="Take Charge of Your Upper Back Pain",
    node_id=1192,
    authors=(CASTELLANO, LINDQVIST),
    dates=(DateLine("updated", "2012-06-11", "Updated on: {mdy2}"),),
    description="First pain response at-home treatments to help ease upper back pain.",
    search_word="doorway",
    body=(
        "Upper back pain is commonly caused by poor posture, muscle strain, hard coughing, or "
        "incorrect body mechanics. The good news is that there are many first pain response "
        "steps you can take at home to ease the pain in the first few days.",
        "Apply a cold pack wrapped in a thin towel for up to 20 minutes at a time during the "
        "first 48 hours. After that, moist heat from a warm shower or a heating pad can relax "
        "tight muscles and improve blood flow to the injured area.",
        "Stay gently active. Short walks and slow shoulder rolls keep the muscles from "
        "stiffening, while long periods in bed tend to make upper back pain worse. A simple "
        "doorway stretch, with the elbows bent to 90\u00b0 and the forearms resting on the "
        "frame, opens the chest and relieves pressure between the shoulder blades.",
        "Check your workstation. Raise the monitor so the top of the screen is at eye level, "
        "keep the keyboard close enough that your elbows stay by your sides, and take a "
        "one-minute posture break every half hour.",
        "If the pain has not improved after a week of self-care, or if it is severe, wakes you "
        "at night, or comes with numbness or weakness, schedule a visit with your doctor.",
    ),
)

PHYSICAL_THERAPY_2012 = Article(
    path=PHYSICAL_THERAPY,
    title="Physical Therapy to Relieve Upper Back Pain",
    node_id=1194,
    authors=(CASTELLANO_2012,),
    dates=(DateLine("updated", "2011-09-15", "Updated on: {mdy2}"),),
    description="Learn how physical therapy can help reduce your upper back pain.",
    search_word="ultrasound",
    body=(
        "A physical therapist can help you learn good posture, strengthen your spinal muscles, "
        "and improve your overall health. Physical therapy is often the first treatment "
        "recommended for upper back pain that lasts more than a few weeks.",
        "The first visit includes an evaluation of your posture, flexibility, and strength. The "
        "therapist will then design an exercise program that usually combines stretching of the "
        "chest muscles with strengthening of the muscles between the shoulder blades.",
        "Passive treatments such as heat, ultrasound, and massage may be used early on to calm "
        "painful muscles. As the pain eases, the program shifts to active exercise, which has a "
        "longer-lasting benefit.",
        "Most people attend therapy two or three times a week for four to six weeks and continue "
        "a home exercise routine afterward. Doing the exercises regularly is the best way to "
        "keep upper back pain from returning.",
    ),
)

ARTICLES_2012 = (
    EXAMS_2012, RESEARCH_2012, CAUSES_2012, WHAT_IS_2012, TAKE_CHARGE_2012, PHYSICAL_THERAPY_2012,
)


def _teaser(article: Article, text: str) -> Card:
    return Card(title=article.title, href=article.path, teaser=text)


CENTER_2012 = Center(
    path=UBP,
    title="Upper Back Pain Center",
    node_id=1180,
    description="Learn about the causes, symptoms, and common treatments of upper back pain.",
    intro=(
        "Upper back pain is not as common as neck pain or low back pain. This is because the "
        "thoracic spine doesn't move as much as the cervical (neck) or lumbar (low back) spines, "
        "so there aren't as many injuries associated with overuse. In the Upper Back Pain "
        "Center, you can learn more about the causes, symptoms, and common treatments of upper "
        "back pain.",
    ),
    facts="One of the thoracic spine's main jobs is to protect the internal organ in the chest "
    "cavity (heart, lungs, etc.)",
    dates=(DateLine("updated", "2012-12-17", "Updated on: {mdy2}"),),
    # The 2012 center lists its teasers without any heading: one unnamed section.
    sections=(
        Section("", (
            _teaser(EXAMS_2012, EXAMS_2012.body[0]),
            _teaser(RESEARCH_2012, "Article includes links to back pain research and treatment "
                    "updates. As new findings are released, this page will be updated to include "
                    "the most recent information. The goal is to help you learn about your "
                    "condition and become a more informed patient."),
            _teaser(CAUSES_2012, "Upper back pain, or mid-back pain, is pain in the thoracic "
                    "spine, and is most often caused by muscle sprain, strain, or fatigue. Other "
                    "soft tissue injuries can also cause back pain. There are a couple other "
                    "common causes of upper back pain: Learn what they are in this overview "
                    "article."),
            _teaser(WHAT_IS_2012, "The upper back, also known as the mid-back or thoracic spine, "
                    "isn't as prone to pain as the neck and low back are. Learn about the basics "
                    "of upper back pain."),
            _teaser(TAKE_CHARGE_2012, "Upper back pain is commonly caused by poor posture, muscle "
                    "strain, hard coughing, or incorrect body mechanics. This information provides "
                    "many \"first pain response\" at-home treatments to help ease upper back pain."),
            _teaser(PHYSICAL_THERAPY_2012, "A physical therapist can help you learn good posture, "
                    "strengthen your spinal muscles, and improve your overall health. Learn how "
                    "physical therapy can help reduce your upper back pain."),
        )),
    ),
)
