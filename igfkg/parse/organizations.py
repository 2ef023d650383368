"""Organization names on a page: lines naming the organizing institutions,
units of a larger organization, and acronyms the page defines.
"""

from __future__ import annotations

import re

_ORG_WORDS = re.compile(
    r"\b(?:universit\w*|institut\w*|academy|academia|administration|ministry|association|foundation|"
    r"stiftung|fondation|fondazione|"
    r"fundaç\w*|fundaci\w*|society|council|cent(?:er|re)|organi[sz]ation\w*|agency|commission|department|"
    r"bureau|network|union|laborator\w*|lab|school|college|committee|office|authority|coalition|"
    r"alliance|initiative|secretariat|government|inc|ltd|llc|gmbh|corporation|company|federation|"
    r"forum|consortium|trust|observatory|programme|board|chamber|parliament|studies|group|"
    r"partnership|unesco|icann|itu|oecd|isoc|undp|unicef|unctad|wipo|european\s+commission)\b",
    re.IGNORECASE,
)
_ACRONYM = re.compile(r"(?<!\s)\s*\((?P<acronym>[A-Z][A-Za-z0-9&.-]{1,11})\)")
_UNIT = re.compile(
    r"^(?:bureau|department|division|office|directorate|unit|section|faculty|school|secretariat|"
    r"team|service|program|programme)\s+(?:of|for)\b",
    re.IGNORECASE,
)


def looks_like_organization(text: str) -> bool:
    """An organization name: a known organization word or a defined acronym."""
    return bool(_ORG_WORDS.search(text) or _ACRONYM.search(text))


def strip_acronym(name: str, acronyms: dict[str, str]) -> str:
    """`New York University (NYU)` -> `New York University`, recording NYU."""
    match = _ACRONYM.search(name)
    if not match:
        return name.strip()
    full = (name[:match.start()] + name[match.end():]).strip(" ,")
    if full:
        acronyms.setdefault(match["acronym"], full)
    return full or match["acronym"]


def parent_of_unit(name: str) -> str:
    """`Bureau of International Cooperation, Cyberspace Administration of
    China` -> `Cyberspace Administration of China` (the unit's organization)."""
    parts = [p.strip() for p in name.split(",") if p.strip()]
    if len(parts) >= 2 and _UNIT.match(parts[0]):
        return ", ".join(parts[1:])
    return name


def read_organizing_line(text: str, acronyms: dict[str, str]) -> list[str]:
    """The organizations named by a short line such as `Korea Advanced
    Institute of Science and Technology (KAIST) & New York University (NYU)`;
    empty when the line does not read as organizations."""
    if (len(text) > 200 or len(text.split()) > 16 or text.endswith(("?", "!"))
            or (text.endswith(".") and not re.search(r"\b(?:Inc|Ltd|Co|Corp|S\.A)\.$", text))
            or re.search(r"[.!?]\s+[A-Z]", text)):
        return []
    # `A (KAIST) & B (NYU)`; not ` and `, which organization names hold.
    parts = [p for p in re.split(r"(?<!\s)(?:\s+&\s+|\s*;\s*)", text) if p.strip()]
    if len(parts) > 1 and not all(looks_like_organization(p) for p in parts):
        if any(_ORG_WORDS.fullmatch(p.strip()) for p in parts):
            return []  # `Data Governance & Trust`: a lone `Trust` names no organization (an IGF theme)
        parts = [text]
    if not all(looks_like_organization(p) for p in parts):
        return []
    return [parent_of_unit(strip_acronym(p, acronyms)) for p in parts]
