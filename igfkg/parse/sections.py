"""Headings and the list-like sections under them: policy questions, key
takeaways, calls to action, SDG goals and targets.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from igfkg.model import Role
from igfkg.names import fold
from igfkg.parse.labels import is_sdg_target, sdg_goal_for_title

# No `\s*\*?\s*` (quadratic on spaces) and a bounded tail (an unclosed
# `(deadline` would otherwise be scanned to the end of the line for each one).
_DEADLINE = re.compile(r"\(\s*(?:\*\s*)?deadline[^)]{0,300}\)", re.IGNORECASE)

ROLE_HEADINGS = {
    Role.ORGANIZER: ["organizer", "organizers", "organizer s", "organiser", "organisers", "organiser s",
                     "co organizers", "co organisers", "organizing team", "organising team",
                     "session organizers", "session organisers"],
    Role.SPEAKER: ["speaker", "speakers", "speaker s", "additional speakers", "panelists", "panellists",
                   "panelist s", "discussants", "speakers and panelists", "invited speakers",
                   "panelists speakers", "panellists speakers", "speakers panelists", "panelists include",
                   "panellists include", "speakers include", "speakers provisionally confirmed",
                   "confirmed speakers", "name of speaker s", "presenter", "presenters"],
    Role.ONSITE_MODERATOR: ["onsite moderator", "on site moderator", "moderator", "moderators",
                            "moderator s", "in person moderator", "onsite moderator s",
                            "facilitator", "facilitators", "co moderators", "co moderator",
                            "the panel will be co moderated by", "the panel will be moderated by",
                            "co moderated by", "moderated by"],
    Role.ONLINE_MODERATOR: ["online moderator", "online moderators", "online moderator s",
                            "remote moderator", "remote moderators"],
    Role.RAPPORTEUR: ["rapporteur", "rapporteurs", "rapporteur s"],
}
SECTION_HEADINGS = {
    "policy": ["policy question s", "policy questions", "policy question", "key policy questions",
               "key policy questions and related issues"],
    "outcomes": ["expected outcomes", "expected outcome"],
    "description": ["description", "session description", "about this session", "issue description",
                    "background", "abstract", "content of the session"],
    "sdgs": ["sdgs", "sdg", "sustainable development goals", "sdg goals", "relevant sdgs",
             "sdgs and targets"],
    "report": ["report", "session report", "summary report", "session summary", "summary of issues discussed"],
    "agenda": ["agenda", "session agenda", "programme", "program", "schedule"],
    "themes": ["themes", "theme", "sub theme", "subtheme", "tags", "issues", "main theme"],
    "prose": ["format description", "hybrid format", "online participation", "targets",
              "discussion facilitation", "relevance to internet governance",
              "relevance to theme", "organizing organizations", "intended agenda", "short title"],
    "footer": ["contact information", "united nations", "secretariat of the internet governance forum",
               "secretariat of the internet governance forum igf", "villa le bocage", "follow us",
               "igf secretariat", "copyright"],
}
# `Key Takeaways`, `3 Key Takeaways`, `3. Key Takeaways` (2020 report pages number their sections).
_TAKEAWAYS = re.compile(r"^(?:\d+\.?\s+)?key\s+take\s*-?aways?\b", re.IGNORECASE)
_CALLS = re.compile(r"^(?:\d+\.?\s+)?calls?\s*(?:-\s*)?to\s*(?:-\s*)?action(?:\s+points?)?\b", re.IGNORECASE)
_REPORT = re.compile(r"^session\s+report\b", re.IGNORECASE)
_AGENDA = re.compile(r"^agenda\s*(?:\([^)]{0,20}\)\s*)?(?::\s*)?$", re.IGNORECASE)
_SUBHEADING = re.compile(
    r"^(?:(?:part|panel|segment|topic|round|block)\s+\d+\b.*|keynote(?:\s+speech|\s+address)?|"
    r"(?:opening|closing|concluding|welcome|introductory)\s+(?:remarks|statement|session)|"
    r"introduction|q\s*&\s*a|open\s+discussion|interactive\s+discussion|wrap[- ]up)"
    r"(?:\s*\(\s*\d{1,3}\s*min(?:s|utes)?\s*\))?\s*:?$",  # `Wrap-up (10 min)`
    re.IGNORECASE,
)
# An agenda line led by its time: `10:50 – 11:00 Welcome ...`, `09.20-09.30: Intro`, `15 min - Q&A`.
_AGENDA_TIME = re.compile(
    r"^(?:\d{1,2}[:.]\d{2}\s*(?:h\s*)?(?:[-–—]|to)\s*\d{1,2}[:.]\d{2}|\d{1,3}\s*(?:min(?:s|utes)?|mn)\b)",
    re.IGNORECASE,
)
# `2. Scene-Setting Remarks (10 minutes)`: a numbered part of the agenda with its length.
_TIMED_AGENDA_ITEM = re.compile(r"^\d{1,2}\.\s[^()]{1,150}\(\s*\d{1,3}\s*min(?:s|utes)?\s*\)$", re.IGNORECASE)
_PREFIX_HEADINGS = [
    (re.compile(r"^(?:format\s+description|hybrid\s+format|online\s+participation|targets)\s*:", re.I), "prose"),
    (re.compile(r"^what\s+will\s+participants\s+gain\b[^?]*\??", re.I), "prose"),
    (re.compile(r"^relevance\s+to\s+(?:internet\s+governance|(?:the\s+)?theme)\s*:", re.I), "prose"),
    (re.compile(r"^(?:session\s+)?description\s*:", re.I), "description"),
    (re.compile(r"^(?:content\s+of\s+the\s+session|about\s+this\s+session)\s*:", re.I), "description"),
    (re.compile(r"^expected\s+outcomes?\s*:", re.I), "outcomes"),
    (re.compile(r"^policy\s+questions?(?:\s*\(s\))?\s*:", re.I), "policy"),
    # `Theme: X`, `Subtheme: X`, `Sub-theme description: X` (2018 pages).
    (re.compile(r"^(?:main\s+)?(?:sub-?\s?)?theme(?:\s+description)?\s*:", re.I), "themes"),
]


def heading_key(line: str) -> str:
    """Comparable form of a heading: folded, deadlines and punctuation dropped."""
    text = _DEADLINE.sub("", line)
    return re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()


_ROLE_BY_KEY = {key: role.value for role, keys in ROLE_HEADINGS.items() for key in keys}
_SECTION_BY_KEY = {key: kind for kind, keys in SECTION_HEADINGS.items() for key in keys}


def classify_heading(line: str) -> tuple[str, str | None] | None:
    """('role', role) for a role heading, ('section', kind) for a section
    heading, ('subheading', None) for an agenda part; None otherwise."""
    if len(line) > 120:
        return None
    key = heading_key(line)
    unnumbered = re.sub(r"^\d{1,2} ", "", key)  # `1. Key Policy Questions` (2020 report pages)
    if key in _ROLE_BY_KEY:
        return "role", _ROLE_BY_KEY[key]
    if key in _SECTION_BY_KEY:
        return "section", _SECTION_BY_KEY[key]
    if unnumbered != key and unnumbered in _SECTION_BY_KEY:
        return "section", _SECTION_BY_KEY[unnumbered]
    if _TAKEAWAYS.match(line):
        return "section", "takeaways"
    if _CALLS.match(line):
        return "section", "calls"
    if _REPORT.match(line):
        return "section", "report"
    if _AGENDA.match(line):
        return "section", "agenda"
    if _SUBHEADING.match(line):
        return "subheading", None
    return None


def is_agenda_item(line: str) -> bool:
    """An agenda line that starts with its time slot (`10:50 – 11:00 Welcome`);
    such a line names a part of the session, never a person."""
    return bool(_AGENDA_TIME.match(line) or _TIMED_AGENDA_ITEM.match(line))


def classify_prefix_heading(line: str) -> tuple[str, str] | None:
    """A heading followed by text on the same line: (kind, the text after it)."""
    for pattern, kind in _PREFIX_HEADINGS:
        if match := pattern.match(line):
            return kind, line[match.end():].strip()
    return None


# `1) `, `2. `, `3.Governance`: an item number not followed by a digit (so `9.5` is no item).
_ITEM_NUMBER = re.compile(r"(?:^|(?<=\s))(?P<n>\d{1,2})\s*[.)](?!\d)\s*")


def split_numbered_items(text: str) -> list[str] | None:
    """Split `1) a 2) b 3) c` into its items, numbers running 1, 2, 3...;
    None when the text is not such a list.

    >>> split_numbered_items("1. What? 2.Why? 3. How?")
    ['What?', 'Why?', 'How?']
    """
    starts: list[tuple[int, int]] = []
    expected = 1
    for match in _ITEM_NUMBER.finditer(text):
        if int(match["n"]) == expected:
            starts.append((match.start(), match.end()))
            expected += 1
    if len(starts) < 2 or starts[0][0] != 0:
        return None
    items = []
    for i, (_, begin) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        item = text[begin:end].strip()
        if item:
            items.append(item)
    return items


_LEADING_NUMBER = re.compile(r"^(?:\d{1,2}\s*[.)]|[-•*·–])\s*")


def list_items(lines: list[str]) -> list[str]:
    """The items of a takeaways or calls-to-action section. Numbered or
    bulleted lines start an item; in a numbered list, an unnumbered line
    continues the item before it; otherwise each line is an item."""
    numbered = any(_LEADING_NUMBER.match(line) for line in lines)
    items: list[str] = []
    for line in lines:
        line = _DEADLINE.sub("", line).strip()
        if not line:
            continue
        inline = split_numbered_items(line)
        if inline:
            items.extend(inline)
        elif _LEADING_NUMBER.match(line):
            items.append(_LEADING_NUMBER.sub("", line, count=1).strip())
        elif numbered and items:
            items[-1] = f"{items[-1]} {line}"
        else:
            items.append(line)
    return [item for item in items if item]


def merge_similar(items: list[str], *, threshold: float = 0.85) -> list[str]:
    """Drop items that repeat an earlier one with small wording changes
    (the IGF pages print key takeaways twice: in the report and under the
    deadline heading)."""
    kept: list[str] = []
    kept_keys: list[str] = []
    for item in items:
        key = fold(item)
        if not any(_similar(key, k, threshold) for k in kept_keys):
            kept.append(item)
            kept_keys.append(key)
    return kept


def _similar(a: str, b: str, threshold: float) -> bool:
    """`SequenceMatcher(None, a, b).ratio() >= threshold`, skipping the costly
    ratio when one of its cheap upper bounds is already below the threshold."""
    matcher = SequenceMatcher(None, a, b)
    return (matcher.real_quick_ratio() >= threshold and matcher.quick_ratio() >= threshold
            and matcher.ratio() >= threshold)


_SDG_GOAL = re.compile(r"^(?:goal|sdg)?\s*(?P<n>\d{1,2})\s*[.:\-–]\s*(?P<title>[A-Za-z][^:]{2,80})$", re.IGNORECASE)
_SDG_TARGET = re.compile(r"^(?:target\s+)?(?P<code>\d{1,2}\.(?:\d{1,2}|[a-z]))\.?$", re.IGNORECASE)


def read_sdg_goal(line: str) -> int | None:
    """`9. Industry, Innovation and Infrastructure` or `GOAL 16: Peace, ...` -> goal number."""
    if match := _SDG_GOAL.match(line):
        return sdg_goal_for_title(int(match["n"]), match["title"].strip(" ."))
    return None


def read_sdg_target(line: str) -> str | None:
    """A line holding only a target code (`9.5`, `1.b`) -> that code."""
    if (match := _SDG_TARGET.match(line)) and is_sdg_target(match["code"].lower()):
        return match["code"].lower()
    return None
