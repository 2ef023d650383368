"""Canonical labels for the controlled values a page writes in many ways:
stakeholder groups, regional groups, session formats, SDG goals and targets.
"""

from __future__ import annotations

import re

from igfkg.model import RegionalGroup, StakeholderGroup
from igfkg.names import fold


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()


_STAKEHOLDER_SPELLINGS = {
    StakeholderGroup.GOVERNMENT: ["government", "governments", "gov", "public sector"],
    StakeholderGroup.CIVIL_SOCIETY: ["civil society", "civil society organization", "cso", "csos", "ngo"],
    StakeholderGroup.PRIVATE_SECTOR: ["private sector", "business", "industry", "private"],
    StakeholderGroup.TECHNICAL_COMMUNITY: [
        "technical community", "technical and academic community", "academia",
        "technical community academia", "technical",
    ],
    StakeholderGroup.INTERGOVERNMENTAL_ORGANIZATION: [
        "intergovernmental organization", "intergovernmental organisation",
        "intergovernmental organizations", "intergovernmental", "igo",
        "international organization", "international organisation",
    ],
}
STAKEHOLDER_BY_KEY = {
    _key(spelling): group.value for group, spellings in _STAKEHOLDER_SPELLINGS.items()
    for spelling in spellings
}

_REGION_SPELLINGS = {
    RegionalGroup.AFRICAN: ["african group", "african", "africa", "african states", "afr"],
    RegionalGroup.ASIA_PACIFIC: [
        "asia pacific group", "asia pacific", "asia", "apac", "asia and the pacific",
        "asia pacific states", "pacific",
    ],
    RegionalGroup.EASTERN_EUROPEAN: [
        "eastern european group", "eastern europe", "eastern european", "eeg",
        "eastern european states",
    ],
    RegionalGroup.GRULAC: [
        "latin american and caribbean group grulac", "latin american and caribbean group",
        "grulac", "lac", "latin america and caribbean", "latin america and the caribbean",
        "latin america", "latin american and caribbean states",
    ],
    RegionalGroup.WEOG: [
        "western european and others group weog", "western european and others group",
        "weog", "western europe and others", "western european and other states",
        "western europe",
    ],
    RegionalGroup.INTERGOVERNMENTAL_ORGANIZATION: [
        "intergovernmental organization", "intergovernmental organisation", "igo",
    ],
}
REGION_BY_KEY = {
    _key(spelling): group.value for group, spellings in _REGION_SPELLINGS.items()
    for spelling in spellings
}
# Informal spellings that only count as a region where a region is expected
# (a trailing `(Africa)` or the slot after a stakeholder group), never alone.
_WEAK_REGION_KEYS = {"pacific", "asia", "africa"}
# Informal regions that straddle UN regional groups: `EU` and `Europe` hold
# WEOG and Eastern European states, `NA` holds the USA and Canada (WEOG) and
# Mexico (GRULAC) and also means "not applicable", `Oceania` holds Australia
# and New Zealand (WEOG) and the Pacific islands (Asia-Pacific). Mapping them
# would be a guess, so they map to no group and the parser reports them.
AMBIGUOUS_REGION_KEYS = {
    "eu", "europe", "european union", "na", "north america", "oceania", "americas", "the americas",
    "middle east", "mena", "middle east and north africa",
}


def normalize_stakeholder_group(text: str) -> str | None:
    """Canonical stakeholder group for a spelling, or None.

    >>> normalize_stakeholder_group("civil society")
    'Civil Society'
    """
    return STAKEHOLDER_BY_KEY.get(_key(text))


def normalize_regional_group(text: str, *, strict: bool = False) -> str | None:
    """Canonical UN regional group for a spelling (`WEOG`, `(Asia-Pacific)`,
    `Africa`), or None. With strict, informal words such as `Africa` are
    refused; words that straddle groups (`EU`, `NA`) never map.

    >>> normalize_regional_group("Western European and Others Group (WEOG)")
    'Western European and Others Group (WEOG)'
    """
    key = _key(text)
    if strict and key in _WEAK_REGION_KEYS:
        return None
    return REGION_BY_KEY.get(key)


def is_ambiguous_region(text: str) -> bool:
    """True for an informal region that spans several UN regional groups
    (`EU`, `NA`, `Oceania`), which no canonical group can stand for.

    >>> is_ambiguous_region("Oceania"), is_ambiguous_region("APAC")
    (True, False)
    """
    return _key(text) in AMBIGUOUS_REGION_KEYS


_FORMATS = {
    "round table": "Round Table", "roundtable": "Round Table", "round-table": "Round Table",
    "panel": "Panel", "panel discussion": "Panel",
    "break out group discussions": "Break-out Group Discussions",
    "breakout group discussions": "Break-out Group Discussions",
    "birds of a feather": "Birds of a Feather", "debate": "Debate",
    "tutorial": "Tutorial", "other": "Other", "interview": "Interview",
    "interview format": "Interview", "flash session": "Flash Session",
    "classroom": "Classroom", "theater": "Theater", "theatre": "Theater",
    "fishbowl": "Fishbowl", "presentation": "Presentation", "workshop": "Workshop",
}


def normalize_format(text: str) -> str | None:
    """Canonical session format (`Roundtable` -> `Round Table`), or None."""
    return _FORMATS.get(_key(text).replace("-", " "))


SDG_GOALS = {
    1: "No Poverty", 2: "Zero Hunger", 3: "Good Health and Well-Being",
    4: "Quality Education", 5: "Gender Equality", 6: "Clean Water and Sanitation",
    7: "Affordable and Clean Energy", 8: "Decent Work and Economic Growth",
    9: "Industry, Innovation and Infrastructure", 10: "Reduced Inequalities",
    11: "Sustainable Cities and Communities", 12: "Responsible Production and Consumption",
    13: "Climate Action", 14: "Life Below Water", 15: "Life on Land",
    16: "Peace, Justice and Strong Institutions", 17: "Partnerships for the Goals",
}
# (numbered targets, lettered targets) per goal: the 169 targets of the 2030 Agenda.
SDG_TARGET_COUNTS = {
    1: (5, "ab"), 2: (5, "abc"), 3: (9, "abcd"), 4: (7, "abc"), 5: (6, "abc"),
    6: (6, "ab"), 7: (3, "ab"), 8: (10, "ab"), 9: (5, "abc"), 10: (7, "abc"),
    11: (7, "abc"), 12: (8, "abc"), 13: (3, "ab"), 14: (7, "abc"), 15: (9, "abc"),
    16: (10, "ab"), 17: (19, ""),
}
SDG_TARGETS = tuple(
    f"{goal}.{t}"
    for goal, (numbered, lettered) in SDG_TARGET_COUNTS.items()
    for t in [*map(str, range(1, numbered + 1)), *lettered]
)
_SDG_TARGET_SET = frozenset(SDG_TARGETS)
_SDG_KEYS = {goal: _key(title) for goal, title in SDG_GOALS.items()}


def sdg_goal_for_title(number: int, title: str) -> int | None:
    """The goal number when `title` is that goal's name (any case, `&` for
    `and`), else None; guards against numbered lists that are not SDGs."""
    key = _key(title.replace("&", "and"))
    expected = _SDG_KEYS.get(number)
    if expected is None:
        return None
    return number if key == expected or key.replace("wellbeing", "well being") == expected else None


def is_sdg_target(code: str) -> bool:
    """True for one of the 169 SDG target codes (`9.5`, `1.b`)."""
    return code in _SDG_TARGET_SET
