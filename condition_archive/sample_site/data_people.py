"""The (fictional) writers and medical reviewers who appear in bylines."""

from __future__ import annotations

from .model import Person

ELLERY_2012 = Person("Marcus Ellery", "PT")
ELLERY = Person("Marcus Ellery", "PT, DPT")
RAMAN = Person("Priya Raman", "DO")
WHITFIELD = Person("Dana Whitfield", "MD")
MOREAU = Person("Anne K. Moreau", "MD")
CASTELLANO_2012 = Person("Ruth Castellano", "PT")
CASTELLANO = Person("Ruth Castellano", "PT, OCS")
LINDQVIST = Person("Tomas Lindqvist", "DC")
OKAFOR = Person("Helen Okafor", "MD, MPH")
BRANDT = Person("Samuel Brandt", "MD")
VASQUEZ = Person("Elena Vasquez", "MD")
