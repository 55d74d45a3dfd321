"""The two versions of the site, assembled from the data modules."""

from __future__ import annotations

from functools import cache

from . import chrome, data_2012
from .data_2025_anatomy import ANATOMY
from .data_2025_carried import CARRIED
from .data_2025_center import CENTER_2025
from .data_2025_new_a import NEW_A
from .data_2025_new_b import NEW_B
from .model import VERSIONS, Version


@cache
def get_version(name: str) -> Version:
    """The content of one version ("2012" or "2025")."""
    if name == "2012":
        return Version(
            name="2012",
            center=data_2012.CENTER_2012,
            articles=data_2012.ARTICLES_2012,
            menu=chrome.MENU_2012,
        )
    if name == "2025":
        return Version(
            name="2025",
            center=CENTER_2025,
            articles=CARRIED + NEW_A + NEW_B + ANATOMY,
            redirects={data_2012.EXAMS: CARRIED[2].path},
            gone=(data_2012.RESEARCH,),
            menu=chrome.MENU_2025,
        )
    raise ValueError(f"Unknown sample site version {name!r}: choose one of {', '.join(VERSIONS)}.")
