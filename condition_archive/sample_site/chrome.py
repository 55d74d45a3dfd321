"""Page furniture as data: menus, footer, sponsored links, newsletter and cookie texts.

Kept apart from the templates so the ground truth can list, per version, which
boilerplate snippets a page carries (its must_not_contain).
"""

from __future__ import annotations

SPONSOR_HOST = "https://www.example-sponsor.test"

MENU_2025 = (
    ("Conditions", (
        ("Arthritis", "/conditions/arthritis"), ("Chronic Pain", "/conditions/chronic-pain"),
        ("Degenerative Disc Disease", "/conditions/degenerative-disc-disease"),
        ("Herniated Disc", "/conditions/herniated-disc"),
        ("Lower Back Pain", "/conditions/lower-back-pain"), ("Neck Pain", "/conditions/neck-pain"),
        ("Osteoporosis", "/conditions/osteoporosis"), ("Sciatica", "/conditions/sciatica"),
        ("Spinal Stenosis", "/conditions/spinal-stenosis"), ("All Conditions", "/conditions"),
    )),
    ("Treatment", (
        ("Alternative Care", "/treatment/alternative-care"),
        ("Artificial Disc Replacement", "/treatment/artificial-disc-replacement"),
        ("Back Surgery", "/treatment/back-surgery"), ("Chiropractic", "/treatment/chiropractic"),
        ("Injections", "/treatment/injections"), ("Pain Management", "/treatment/pain-management"),
        ("Pain Medication", "/treatment/pain-medication"),
        ("Physical Therapy", "/treatment/physical-therapy"),
        ("Spinal Fusion", "/treatment/spinal-fusion"), ("All Treatments", "/treatment"),
    )),
    ("Wellness", (
        ("Ergonomics", "/wellness/ergonomics"), ("Exercise", "/wellness/exercise"),
        ("Massage Therapy", "/wellness/massage-therapy"),
        ("Nutrition, Diet, and Weight Loss", "/wellness/nutrition-diet-and-weight-loss"),
        ("Sleep", "/wellness/sleep"), ("Stop Smoking", "/wellness/stop-smoking"),
        ("All Wellness", "/wellness"),
    )),
    ("Videos", ()),
)
MENU_2025_TOP = {"Conditions": "/conditions", "Treatment": "/treatment", "Wellness": "/wellness",
                 "Videos": "/videos"}

MENU_2012 = (
    ("Conditions", (
        ("Arthritis", "/conditions/arthritis"), ("Back Pain", "/conditions/back-pain"),
        ("Neck Pain", "/conditions/neck-pain"), ("Sciatica", "/conditions/sciatica"),
        ("Spinal Stenosis", "/conditions/spinal-stenosis"),
        ("Upper Back Pain", "/conditions/upper-back-pain"),
    )),
    ("Treatment", (
        ("Back Surgery", "/treatment/back-surgery"), ("Chiropractic", "/treatment/chiropractic"),
        ("Physical Therapy", "/treatment/physical-therapy"),
    )),
    ("Wellness", (("Exercise", "/wellness/exercise"), ("Ergonomics", "/wellness/ergonomics"))),
    ("Community", (("Spine-health Forums", "/forum"), ("Doctor Directory", "/doctors"))),
)

FOOTER_SITES = (
    ("Spine-health", "/"), ("Arthritis-health", "https://www.arthritis-health.test/"),
    ("Sports-health", "https://www.sports-health.test/"),
)
FOOTER_LINKS = (
    ("About Us", "/about-us"), ("Accessibility", "/accessibility"), ("Contact Us", "/contact-us"),
    ("Education Centers", "/education-centers"), ("Privacy Policy", "/privacy-policy"),
    ("Terms of Use", "/terms-of-use"),
)
FOOTER_DISCLAIMER = (
    "This site is for educational purposes only; no information is intended or implied to be a "
    "substitute for professional medical advice. The information is produced and reviewed by "
    "over 200 medical professionals with the goal of providing trusted, uniquely informative "
    "information for people with painful health conditions."
)
FOOTER_COPYRIGHT_2025 = "\u00a9 1999-2025 All rights reserved."
FOOTER_ADDRESS = "Veritas Health LLC, 580 N Bank Ln, Lake Forest, IL, 60045, USA"

SPONSORED = (
    ("Take the Chronic Pain Quiz", "/chronic-pain-quiz"),
    ("Learn How Bone Growth Therapy Can Help You", "/bone-growth-therapy"),
    ("Suffering from Lumbar Spinal Stenosis? Obtain Long Term Pain Relief", "/stenosis-relief"),
    ("The New Treatment for Chronic Low Back Pain You Need to Know", "/new-low-back-treatment"),
    ("Learn How Cedars-Sinai's Experts Can Relieve Your Chronic Pain", "/cedars-chronic-pain"),
    ("Discover the Ultra-Firm Mattress for Back Health and Posture", "/ultra-firm-mattress"),
)
SPONSORED_HEADING = "Health Information (Sponsored)"

NEWSLETTER_TEASER = ("Subscribe to the Veritas Health newsletter NOW to get our FREE Guide to "
                     "Natural Back Pain Relief.")
NEWSLETTER_HEADING = "Subscribe to Our Newsletters"
NEWSLETTER_TEXT = (
    "Our weekly newsletters give you fresh, original insights to help alleviate your spine and "
    "joint pain. Subscribe NOW and we'll also send you our latest FREE Guide, Natural Back Pain "
    "Relief: 16 Choices for Lasting Comfort."
)
NEWSLETTER_PRIVACY = "We respect your privacy. Unsubscribe at any time."

# Trap: a date inside the cookie banner.
COOKIE_TEXT = ("We use cookies to personalize content and ads and to analyze our traffic. "
               "Our Privacy Policy was updated on May 25, 2018.")

# Trap: a dated news item in the article sidebar.
SIDEBAR_NEWS = ("In the News", "October 8, 2024",
                "Study links standing desks to fewer neck and shoulder complaints")

# 2012 furniture.
FORUM_POSTS_2012 = (
    ("Posted 12/16/12", "Pain between shoulder blades after new job?"),
    ("Posted 12/14/12", "Anyone tried a posture brace for mid back pain?"),
)
NEWSLETTER_2012 = "Sign up for our free Spine-health e-newsletter"
FOOTER_2012 = "Copyright \u00a9 1999-2012 Veritas Health, LLC. All rights reserved."
LEFTNAV_2012_OTHER = "Other Conditions"


def boilerplate_snippets(version: str) -> tuple[str, ...]:
    """Text that appears on every HTML page of the version and is never content."""
    if version == "2012":
        return (FOOTER_2012, NEWSLETTER_2012, LEFTNAV_2012_OTHER, "Latest Forum Posts",
                FORUM_POSTS_2012[0][1])
    return (
        "Degenerative Disc Disease", "Artificial Disc Replacement", "Stop Smoking",
        "Nutrition, Diet, and Weight Loss", NEWSLETTER_HEADING, NEWSLETTER_PRIVACY,
        "This site is for educational purposes only", FOOTER_ADDRESS,
        "We use cookies to personalize content and ads", "Skip to main content",
    )


def article_snippets(version: str) -> tuple[str, ...]:
    """Furniture of the version's article template, beyond the site-wide boilerplate."""
    if version == "2012":
        return ("Advertisement", "Email this page")
    return ("Advertisement", "Related Articles", SPONSORED[0][0], NEWSLETTER_TEASER)


def center_snippets(version: str) -> tuple[str, ...]:
    if version == "2012":
        return ("Advertisement",)
    return (SPONSORED_HEADING, SPONSORED[0][0], SPONSORED[5][0], "advertisement", NEWSLETTER_TEASER)
