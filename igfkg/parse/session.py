"""`parse_session`: the text of one IGF session page -> `SessionRecord`.

The page is read as a sequence of lines. A walk over them keeps the state a
reader keeps: which role heading is in force, which section we are in, how
many blank lines came before (two or more end a block of people, which is
how a page shows a heading its text lost). Each line is read by the first
rule that accepts it; `explain_session` lists which rule read which line.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field

from igfkg.model import (
    ROLE_ORDER, NotASessionPage, Participant, ParseWarning, Role, SessionRecord,
    UnnamedParticipant,
)
from igfkg.names import bag_key, fold, one_token_typo
from igfkg.parse.header import (
    MAIN_SESSION_WORDS, DateLine, read_date_line, read_format_line, read_room_label, read_title,
)
from igfkg.parse.labels import is_ambiguous_region, normalize_regional_group, normalize_stakeholder_group
from igfkg.parse.organizations import read_organizing_line, strip_acronym
from igfkg.parse.people import (
    PersonMention, UnnamedMention, clean_name, is_job_title, looks_like_person_name, read_biography, read_person,
    split_affiliation, split_people_run,
)
from igfkg.parse.sections import (
    classify_heading, classify_prefix_heading, is_agenda_item, list_items, merge_similar, read_sdg_goal,
    read_sdg_target, split_numbered_items,
)

MAX_LINES = 20_000
MAX_LINE_LENGTH = 100_000
# Limits that keep any input fast (matching a page's people is quadratic);
# real pages list a few dozen people and a handful of takeaways.
MAX_PERSON_LINES = 300
MAX_LIST_ITEMS = 100  # themes, organizations, questions, takeaways + calls (compared pairwise)
MAX_PERSON_COMPARISONS = 100_000  # person lines and names in the text, each against the people so far


class _PageTooLarge(Exception):
    """A limit above was hit; `explain_session` reports it as NotASessionPage."""


@dataclass
class Line:
    number: int  # 1-based
    start: int  # offset of the first non-space character in the source text
    text: str  # stripped


def split_lines(text: str) -> list[Line]:
    """Lines with 1-based numbers and their offsets into `text` (any line ends)."""
    lines = []
    offset = 0
    for number, raw in enumerate(text.splitlines(keepends=True), 1):
        body = raw.rstrip("\r\n\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85")
        stripped = body.strip(" \t\u00a0\u200b\ufeff")
        lead = len(body) - len(body.lstrip(" \t\u00a0\u200b\ufeff"))
        lines.append(Line(number, offset + lead, stripped))
        offset += len(raw)
    return lines


@dataclass
class Step:
    """How one line was read, for `igfkg parse --explain`."""

    line: int
    rule: str
    field: str
    text: str
    value: str = ""  # what the rule read from the line (a person's facts, a warning's reason)


@dataclass
class _Entry:
    """A person or unnamed role holder read from one line."""

    mention: PersonMention | UnnamedMention
    line: Line
    role: str | None
    rule: str | None  # the inference rule when no heading or label stated the role
    block: int
    leading: bool = False  # an unlabelled block before any role was seen
    step: Step | None = None  # the explain step, updated when a leading block's role is decided


_ROLE_LABEL = re.compile(
    r"(?P<label>(?:(?:on-?site\s+|online\s+|remote\s+|co-?)?moderator|moderador|co-?organi[sz]er|"
    r"(?:session\s+)?organi[sz]er|(?:additional\s+)?speaker|presenter|"
    r"panel+ist|rapporteur|proposer'?s?(?:\s+name)?|co-?proposer'?s?(?:\s+name)?|name)s?"
    r"(?:\s*\(s\))?(?:\s+(?:and|&|/)\s+(?:(?:on-?site\s+|online\s+)?moderator|organi[sz]er|speaker|rapporteur)s?)?)"
    r"\s*(?:(?P<n>\d{1,3})\s*)?:",  # not `\s*\d?\s*:`, which backtracks quadratically
    re.IGNORECASE,
)
_ATTRIBUTE_LABEL = re.compile(
    r"(?P<label>organi[sz]ational\s+affiliation|(?:co-?)?proposer'?s?\s+organi[sz]ation|affiliation|"
    r"organi[sz]ation|stakeholder(?:\s+group)?|"
    r"regional\s+group|region|country)\s*:",
    re.IGNORECASE,
)
_ANY_LABEL = re.compile(f"{_ROLE_LABEL.pattern}|{_ATTRIBUTE_LABEL.pattern.replace('(?P<label>', '(?P<attr>')}", re.IGNORECASE)
# `(?<!\s)`: a match starts where a run of spaces starts, never inside it
# (linear time; otherwise each space of a long run is tried again).
_QUALIFIER = re.compile(r"(?<!\s)\s*\((?:main|sub|lead|co|online|onsite|on-site|remote|tbc|tbd|invited|confirmed)\)", re.IGNORECASE)
_NAME_LIST_SPLIT = re.compile(r"(?<!\s)\s*(?:,|;|\band\b|&)\s*")
_SPEAKERS_IN_TEXT = re.compile(
    r"\b(?:the\s+)?(?:speakers|panel+ists|discussants)\s+(?:are|will\s+be|include)\s*:?\s*(?P<list>[^.]{5,400})",
    re.IGNORECASE,
)
_RAPPORTEURS_IN_TEXT = re.compile(r"\brapporteurs?\s*:\s*(?P<list>[^.]{3,200})", re.IGNORECASE)
_MENTION_PAREN_PAIR = re.compile(r"\((?P<name>[^(),:]{3,60}),\s*(?P<org>[^()\s][^()]{1,99})\)")
# Starts only at the start of a word: trying every letter of a long word is quadratic.
_MENTION_NAME_PAREN = re.compile(r"(?<![\w’'.-])(?P<name>[^\W\d_][\w’'.-]*(?:\s+[^\W\d_][\w’'.-]*){1,5})\s*\((?P<org>[^()]{2,100})\)")
# Roles a page names that the record has no place for (`Chair: H.E. ...`): reported, not guessed.
_OTHER_ROLE_LABEL = re.compile(r"^(?P<label>(?:co-?)?chair(?:s|person|persons)?|hosts?)\s*:", re.IGNORECASE)
_PANELISTS_IN_TEXT = re.compile(
    r"\b(?i:panel+ists?)\s*:\s*(?P<list>(?:(?:mr|mrs|ms|dr|prof)\.?\s+)?[A-ZÀ-Ý][\w'’.-]{0,40}(?:\s+[A-ZÀ-Ý][\w'’.-]{0,40}){1,3}"
    r"(?:\s*\([^()]{2,100}\))?)",
)
_AGENDA_MINUTES = re.compile(r"\(\s*(?P<n>\d{1,3})\s*min(?:s|utes)?\s*\)", re.IGNORECASE)
_CHECK_IN = re.compile(r"check[- ]?in|add (?:this )?(?:session )?to (?:your|my) schedule", re.IGNORECASE)
_SENTENCE = re.compile(r"[.!?]\s+[A-Z]")


def _role_of_label(label: str) -> list[str]:
    """Roles named by a line label: `Moderator and Organizer` -> both."""
    roles = []
    for part in re.split(r"(?<!\s)\s+(?:and|&|/)\s+", label.lower()):
        if "online" in part or "remote" in part:
            roles.append(Role.ONLINE_MODERATOR.value)
        elif "moderator" in part or "moderador" in part:  # `Moderador:` on Spanish-language pages
            roles.append(Role.ONSITE_MODERATOR.value)
        elif "organi" in part or "proposer" in part:
            roles.append(Role.ORGANIZER.value)
        elif "speaker" in part or "panel" in part or "presenter" in part:
            roles.append(Role.SPEAKER.value)
        elif "rapporteur" in part:
            roles.append(Role.RAPPORTEUR.value)
    return roles


def _next_role(role: str | None) -> str | None:
    if role is None:
        return None
    order = [r.value for r in ROLE_ORDER]
    index = order.index(role)
    return order[index + 1] if index + 1 < len(order) else None


@dataclass
class _Walk:
    """State of the walk over one page's lines."""

    lines: list[Line]
    record: SessionRecord
    steps: list[Step] = field(default_factory=list)
    entries: list[_Entry] = field(default_factory=list)
    sections: list[tuple[str, list[Line]]] = field(default_factory=list)
    prose: list[Line] = field(default_factory=list)
    block: int = 0
    role_heading: str | None = None  # role heading in force in this block
    last_role: str | None = None
    people_zone: bool = False
    section: str | None = None
    block_role: dict[int, tuple[str | None, str | None]] = field(default_factory=dict)
    label_group: list[_Entry] = field(default_factory=list)
    pending_attributes: dict[str, str] = field(default_factory=dict)
    acronyms: dict[str, str] = field(default_factory=dict)
    nicknames: dict[str, Participant] = field(default_factory=dict)  # key of `Kate Mbeki` -> Katherine Mbeki
    agenda_block: int | None = None  # block holding agenda lines (`Name, Title, Org`)
    # (line number, role) of the last line of labelled people (or of their attributes):
    # an unlabelled person on the very next line continues that list.
    labelled_line: tuple[int, str] | None = None
    unclaimed: list[tuple[Line, str]] = field(default_factory=list)  # attribute lines no person took yet
    expecting: str | None = None  # "time" or "room": the line above was that label alone
    section_block: int = 0  # the block the section in force started in
    comparisons_left: int = MAX_PERSON_COMPARISONS

    def step(self, line: Line, rule: str, field_name: str, value: str = "") -> Step:
        step = Step(line.number, rule, field_name, line.text, value)
        self.steps.append(step)
        return step

    def warn(self, line: Line, reason: str) -> None:
        self.record.warnings.append(ParseWarning(line.number, line.text[:300], reason))
        self.steps.append(Step(line.number, "warning", "warnings", line.text, reason))


def parse_session(text: str, source: str = "<text>") -> SessionRecord:
    """Read one IGF session page.

    Raises `NotASessionPage` (naming the source) when the text holds no
    session facts at all; never any other exception.

    >>> record = parse_session("IGF 2023 WS #1 Title\\n\\nSpeaker 1: Jane Doe, Civil Society, African Group\\n")
    >>> record.participants[0].name, record.participants[0].regional_group
    ('Jane Doe', 'African Group')
    """
    return explain_session(text, source)[0]


def explain_session(text: str, source: str = "<text>") -> tuple[SessionRecord, list[Step]]:
    """`parse_session`, also returning which rule read which line."""
    sha = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    record = SessionRecord(source=source, sha256=sha)
    if not text.strip():
        raise NotASessionPage(source, "the file is empty")
    lines = split_lines(text)
    if len(lines) > MAX_LINES:
        raise NotASessionPage(source, f"{len(lines)} lines is more than a session page holds (limit {MAX_LINES})")
    if long := next((ln for ln in lines if len(ln.text) > MAX_LINE_LENGTH), None):
        raise NotASessionPage(source, f"a line of {len(long.text)} characters (limit {MAX_LINE_LENGTH})", long.number)
    walk = _Walk(lines, record)
    try:
        body_start = _read_header(walk)
        _read_body(walk, body_start)
        _end_label_group(walk)
    except _PageTooLarge as error:
        raise NotASessionPage(source, str(error)) from None
    if len(walk.entries) > MAX_PERSON_LINES:
        raise NotASessionPage(source, f"{len(walk.entries)} person lines is more than a session page holds "
                                      f"(limit {MAX_PERSON_LINES})")
    _assign_leading_blocks(walk)
    _collect_people(walk)
    _attach_mentions_in_text(walk)
    _read_sections(walk)
    _record_acronyms(walk)
    if not _has_session_facts(record, walk):
        raise NotASessionPage(source, "no IGF session facts found (no title, date, people or session sections)")
    _mark_unread_lines(walk)
    return record, sorted(walk.steps, key=lambda s: s.line)


def _mark_unread_lines(walk: _Walk) -> None:
    """So that `--explain` accounts for every line: a non-blank line no rule
    read is listed as such (a line a rule skipped on purpose names its rule)."""
    explained = {step.line for step in walk.steps}
    for line in walk.lines:
        if line.text and line.number not in explained:
            walk.step(line, "not-read", "-")


def _read_header(walk: _Walk) -> int:
    """Title, date, room and the unlabelled lines under them (themes,
    organizing organizations, questions). Returns the index where the body starts."""
    lines, record = walk.lines, walk.record
    i = 0
    while i < len(lines) and (not lines[i].text or lines[i].text.lower() == "session"
                              or (_CHECK_IN.search(lines[i].text) and len(lines[i].text) < 200)):
        if lines[i].text:
            walk.step(lines[i], "page-preamble", "-")
        i += 1
    seen_header = False
    plain_title = _plain_title_above_the_date(walk, i)
    if plain_title is not None:
        i = plain_title
    if i < len(lines) and (title := read_title(lines[i].text)):
        record.year, record.session_type, record.number = title.year, title.session_type, title.number
        record.title = record.title or title.title
        if title.date:  # `10 November 2015 - A Main Session on ...`; a date line below is more precise
            record.local_start = title.date
        walk.step(lines[i], "title-line", "title/year/session_type/number",
                  f"{title.title} | {title.year} | {title.session_type} | {title.number}")
        seen_header = True
        i += 1
        repeated = next((k for k in range(i, min(i + 3, len(lines))) if lines[k].text), None)
        if repeated is not None and lines[repeated].text == lines[i - 1].text:
            walk.step(lines[repeated], "title-line-repeated", "-")  # 2016 pages print it twice
            i = repeated + 1
        nxt = lines[i] if i < len(lines) else None
        after = lines[i + 1] if i + 1 < len(lines) else None
        if (nxt and nxt.text and after is not None and (not after.text or read_date_line(after.text))
                and not read_date_line(nxt.text) and _is_plain_text(nxt.text) and len(nxt.text) < 150
                and not nxt.text.endswith(".")):  # a sentence below the title is no part of it
            record.title = f"{record.title} {nxt.text}".strip() if record.title else nxt.text
            walk.step(nxt, "title-continuation", "title", record.title)
            i += 1
    # The date line comes within the first few non-blank lines.
    j, looked = i, 0
    while j < len(lines) and looked < 4:
        if lines[j].text:
            looked += 1
            if _label_above_its_value(lines[j].text) == "time":
                walk.step(lines[j], "time-label-above-its-value", "-")  # `Time`, the date line below
            elif date := read_date_line(lines[j].text):
                field_name, value = _record_date(record, date)
                if date.duration_min:
                    record.duration_min = date.duration_min
                if date.format:
                    record.format = date.format
                walk.step(lines[j], "date-line", field_name,
                          value + (" (local time, zone not stated)" if not date.start_utc else ""))
                seen_header = True
                i = j + 1
                if i < len(lines) and (room := read_room_label(lines[i].text)):
                    record.room = room
                    walk.step(lines[i], "room-label", "room", room)
                    i += 1
                elif i + 1 < len(lines) and _label_above_its_value(lines[i].text) == "room" and lines[i + 1].text:
                    record.room = lines[i + 1].text  # `Room` on its own line, the room below it
                    walk.step(lines[i], "room-label-above-its-value", "-")
                    walk.step(lines[i + 1], "room-below-its-label", "room", record.room)
                    i += 2
                elif i < len(lines) and lines[i].text and len(lines[i].text) <= 80 and _is_plain_text(lines[i].text):
                    record.room = lines[i].text
                    walk.step(lines[i], "line-after-date-is-room", "room", record.room)
                    i += 1
                break
        j += 1
    if record.room is None and i < len(lines) and (room := read_room_label(lines[i].text)):
        record.room = room
        walk.step(lines[i], "room-label", "room", room)
        seen_header = True
        i += 1
    if not seen_header:
        return i
    # Unlabelled short lines under the header: themes, questions, organizing organizations.
    while i < len(lines):
        line = lines[i]
        if line.text:
            if (len(line.text) > 300 or classify_heading(line.text) or classify_prefix_heading(line.text)
                    or _ANY_LABEL.match(line.text) or _OTHER_ROLE_LABEL.match(line.text) or read_format_line(line.text)
                    or _reads_as_person(line.text) or read_sdg_goal(line.text)):
                break
            if _KIND_OR_STAMP_LINE.match(line.text):  # `BPF Session`, `Updated: Thu, 26/11/2020 - 10:42`
                walk.step(line, "session-kind-or-update-stamp", "-")
            elif line.text.endswith("?") or ("?" in line.text and len(line.text) > 100):
                record.policy_questions.append(line.text)
                walk.step(line, "question-under-title", "policy_questions")
            elif len(line.text) > 150 or _SENTENCE.search(line.text) or (
                    line.text.endswith(".") and len(line.text.split()) > 12):  # a sentence, not a theme
                break
            elif orgs := read_organizing_line(line.text, walk.acronyms):
                _add_unique(record.organizing_organizations, orgs)
                walk.step(line, "organization-under-title", "organizing_organizations")
            else:
                _add_unique(record.themes, [line.text])
                walk.step(line, "short-line-under-title-is-theme", "themes")
        i += 1
    return i


def _plain_title_above_the_date(walk: _Walk, i: int) -> int | None:
    """A first line of plain text right above the date line, or above a
    `12 November 2015 - A Workshop on ...` line, is the title (2015-2016
    pages): it is read, and the index of the line below returned."""
    lines = walk.lines
    if i >= len(lines) or read_title(lines[i].text) or len(lines[i].text) > 200 or not _is_plain_text(lines[i].text):
        return None
    below = next((k for k in range(i + 1, min(i + 5, len(lines)))
                  if lines[k].text and not _label_above_its_value(lines[k].text)), None)
    if below is None:
        return None
    session_line = read_title(lines[below].text)
    if not (session_line and session_line.date) and not read_date_line(lines[below].text):
        return None
    walk.record.title = lines[i].text.strip()
    if MAIN_SESSION_WORDS.search(walk.record.title):
        walk.record.session_type = "main_session"  # `Dynamic Coalitions Main Session`
    walk.step(lines[i], "plain-line-above-the-date-is-title", "title", walk.record.title)
    for label in (line for line in lines[i + 1:below] if line.text):
        walk.step(label, "time-label-above-its-value", "-")
    return below


def _is_plain_text(text: str) -> bool:
    return not (classify_heading(text) or classify_prefix_heading(text) or _ROLE_LABEL.match(text)
                or read_format_line(text) or _reads_as_person(text))


def _reads_as_person(text: str) -> bool:
    mention = read_person(text)
    return isinstance(mention, PersonMention) and mention.shape not in _WEAK_SHAPES or (
        isinstance(mention, UnnamedMention) and mention.shape == "delegate")


# Shapes that alone do not show a line names a person (`Name, Organization` is also
# the shape of a theme such as `Enabling Safety, Security and Accountability`).
_WEAK_SHAPES = ("bare-name", "name-organization", "name-dash-organization")


def _reads_as_listed_person(text: str) -> bool:
    """A line of a list of people (`Dr. Mamadou OULD BRAHIM, Minister of X, Mauritania`,
    `• Name - Title, Org`): a name with its job, groups or organization laid out, not
    a sentence about someone."""
    mention = read_person(text)  # (which drops a leading `✓`)
    return isinstance(mention, PersonMention) and mention.shape in _LISTED_SHAPES


_LISTED_SHAPES = ("name-title-organization", "name-groups", "name-dash-details", "name-dash-title-organization",
                  "name-dash-org-region", "salutation-csv", "name-paren-org-colon-groups")


def _add_unique(target: list[str], values: list[str]) -> None:
    if len(target) + len(values) > MAX_LIST_ITEMS:  # each addition compares with all: quadratic
        raise _PageTooLarge(f"more than {MAX_LIST_ITEMS} themes, organizations or questions in one list; "
                            "more than a session page holds")
    for value in values:
        if value and fold(value) not in {fold(v) for v in target}:
            target.append(value)


def _read_body(walk: _Walk, start: int) -> None:
    blank_run = 0
    lines = walk.lines
    index = start
    while index < len(lines):
        line = lines[index]
        index += 1
        if not line.text:
            blank_run += 1
            continue
        if blank_run >= 2 or (blank_run >= 1 and walk.label_group):
            _end_label_group(walk)
        if blank_run >= 2:
            walk.block += 1
            walk.role_heading = None
        blank_run = 0
        if walk.section == "footer":
            walk.step(line, "site-footer", "-")
            continue
        if index < len(lines) and _continued_on_next_line(walk, line, lines[index]):
            following = lines[index]
            index += 1
            walk.step(following, "continues-the-line-above", "-")
            line = Line(line.number, line.start, f"{line.text} {following.text}")
        _read_body_line(walk, line)


def _continued_on_next_line(walk: _Walk, line: Line, following: Line) -> bool:
    """`Sofia Keller,` then `Director of X, University Y` on the next line:
    one person's entry broken after its comma (2017 schedule pages). Only
    where the next line names no one and starts no heading or label."""
    if not line.text.endswith(",") or not following.text or len(following.text) > 150 \
            or walk.section in _TEXT_SECTIONS:
        return False  # (a long line below is a list or prose of its own, not one person's job)
    if classify_heading(following.text) or classify_prefix_heading(following.text) or _ANY_LABEL.match(following.text):
        return False
    if read_person(following.text) is not None or split_people_run(following.text):
        return False
    starts_person = _ANY_LABEL.match(line.text) or isinstance(read_person(line.text), PersonMention)
    return bool(starts_person)


_SCHEDULE_CHROME = re.compile(r"^(?:avatar\sfor\s|more\sinfo\sabout\sme\b)", re.IGNORECASE)
_KIND_OR_STAMP_LINE = re.compile(
    r"^(?:(?:BPF|DC|NRIs?|Main|Open\sForum|Town\sHall|Networking|Lightning|Workshop)\sSession|Updated:\s.{0,60})$",
    re.IGNORECASE)
_ITEM_NUMBER = re.compile(r"^\d{1,2}[.)]\s+")
_BULLET = re.compile(r"^[•*·–-]\s+")
_MAIN_SESSION_NAME = re.compile(r"^Main\sSession:?\s(?P<title>[A-Z].{2,150})$")
_TEXT_SECTIONS = ("takeaways", "calls", "report", "policy", "description", "outcomes")


def _read_body_line(walk: _Walk, line: Line) -> None:
    text = line.text
    if heading := classify_heading(text):
        kind, value = heading
        _end_label_group(walk)
        if kind == "role":
            walk.block += 1
            walk.role_heading = walk.last_role = value
            walk.people_zone, walk.section = True, None
            walk.step(line, "role-heading", value)
        elif kind == "section":
            walk.section, walk.section_block = value, walk.block
            walk.role_heading = None
            walk.people_zone = value == "agenda"
            walk.sections.append((value, []))
            walk.step(line, "section-heading", value)
            if value == "agenda" and (minutes := _AGENDA_MINUTES.search(text)) and walk.record.duration_min is None:
                walk.record.duration_min = int(minutes["n"])  # `Agenda (60min):`
                walk.step(line, "agenda-heading-minutes", "duration_min", minutes["n"])
        else:
            walk.agenda_block = walk.block
            walk.step(line, "agenda-subheading", "-")
        return
    if prefix := classify_prefix_heading(text):
        kind, rest = prefix
        walk.section, walk.role_heading, walk.people_zone = kind, None, False
        walk.section_block = walk.block
        walk.sections.append((kind, [Line(line.number, line.start + len(text) - len(rest), rest)] if rest else []))
        walk.step(line, "inline-heading", kind)
        if kind == "prose":
            walk.prose.append(line)
        if kind == "themes" and rest:
            walk.section = None  # `Theme: X` holds its one value; the lines below are not themes
        return
    if _read_time_or_room(walk, line):
        return
    if match := _OTHER_ROLE_LABEL.match(text):
        walk.warn(line, f"'{match['label']}' is not a role the record holds (organizer, speaker, "
                        "moderator, rapporteur): the person is not recorded")
        return
    if is_agenda_item(text):
        walk.step(line, "agenda-time-line", "-")
        return
    if _SCHEDULE_CHROME.match(text):  # `avatar for Name`, `More info about me on ...` (sched.com pages)
        walk.step(line, "schedule-site-chrome", "-")
        return
    # A labelled line starts with its label (`_read_labelled_line` checks the same): `match`,
    # not `search`, so long prose lines are not scanned for labels.
    if _ANY_LABEL.match(text) and _read_labelled_line(walk, line):
        return
    if (bullet := _BULLET.match(text)) and _ANY_LABEL.match(text, bullet.end()):
        # `• Speaker: Name, Org` (2021 introductory sessions), also inside a description.
        unbulleted = Line(line.number, line.start + bullet.end(), text[bullet.end():])
        if _read_labelled_line(walk, unbulleted):
            if walk.section in _TEXT_SECTIONS:
                walk.section = None
            return
    if fmt := read_format_line(text):
        if fmt.format:
            walk.record.format = fmt.format
        if fmt.duration_min:
            walk.record.duration_min = fmt.duration_min
        walk.section = "duration" if fmt.format is None and fmt.duration_min is None else walk.section
        walk.step(line, "format-line", "format/duration_min", f"{fmt.format} | {fmt.duration_min}")
        return
    if walk.section == "duration" and text.isdigit():
        walk.record.duration_min = int(text)
        walk.section = None
        walk.step(line, "duration-value", "duration_min", text)
        return
    if (goal := read_sdg_goal(text)) is not None:
        _add_unique_int(walk.record.sdg_goals, goal)
        walk.people_zone = False
        walk.step(line, "sdg-goal-line", "sdg_goals", str(goal))
        return
    if target := read_sdg_target(text):
        if target not in walk.record.sdg_targets:
            walk.record.sdg_targets.append(target)
        walk.step(line, "sdg-target-line", "sdg_targets", target)
        return
    if walk.section == "description" and walk.record.title is None and not walk.sections[-1][1] \
            and (match := _MAIN_SESSION_NAME.match(text)):
        # `About this Session` / `Main Session Governing Data & Protecting Privacy` (2022 main sessions
        # whose page starts with the date): the session's name opens the section.
        walk.record.title, walk.record.session_type = match["title"], "main_session"
        walk.step(line, "main-session-name-under-about", "title/session_type", match["title"])
        return
    if walk.section == "description" and (_BULLET.match(text) or walk.block > walk.section_block) \
            and _reads_as_listed_person(text):
        # `• Tadesse Gebreyes - Minister of Innovation, Republic of Azania` under `About this
        # Session` (2022 main sessions): the list of people ends the description.
        walk.section = None
    if walk.section in _TEXT_SECTIONS:
        walk.sections[-1][1].append(line)
        if walk.section in ("report", "description"):
            walk.prose.append(line)
        walk.step(line, f"in-{walk.section}-section", walk.section)
        return
    if _read_person_line(walk, line):
        return
    if items := split_numbered_items(text):
        if sum(item.rstrip().endswith("?") for item in items) * 2 > len(items):
            walk.record.policy_questions.extend(items)
            walk.step(line, "numbered-questions-are-policy-questions", "policy_questions")
            return
    if walk.section is None and not walk.entries and (orgs := read_organizing_line(text, walk.acronyms)):
        _add_unique(walk.record.organizing_organizations, orgs)
        walk.step(line, "organization-line-before-people", "organizing_organizations")
        return
    if walk.section in ("sdgs", "themes") and len(text) < 120 and walk.section == "themes":
        _add_unique(walk.record.themes, [text])
        walk.step(line, "line-under-themes-heading", "themes")
        return
    walk.prose.append(line)
    if walk.section == "agenda" and not walk.role_heading and not _looks_like_unread_person(text):
        walk.step(line, "agenda-item", "-")  # an item of the agenda (`Keynote address`), no person
    elif (walk.role_heading or walk.people_zone) and _affiliation_of_name_above(walk, line):
        pass
    elif walk.role_heading or (walk.people_zone and len(text) < 120):
        walk.warn(line, f"line in a people block (role {walk.role_heading or 'unknown'}) matched no person shape")
    elif _looks_like_unread_person(text):
        walk.warn(line, "line names a stakeholder group or region but matched no person shape")
    else:
        walk.people_zone = False
        walk.step(line, "prose", "-")


def _read_time_or_room(walk: _Walk, line: Line) -> bool:
    """The session's time and room below the head of the page: `Session Time:`
    then the date line and the room (2018 pages, at the bottom), or `Time` /
    `Room` labels each above its value (2022 town halls). Only while the page
    has given neither."""
    record, text = walk.record, line.text
    expected, walk.expecting = walk.expecting, None
    if kind := _label_above_its_value(text):
        if (record.room if kind == "room" else record.start or record.local_start) is None:
            walk.expecting = kind
            walk.step(line, f"{kind}-label-above-its-value", "-")
            return True
        return False
    if expected == "time" or (expected is None and record.start is None and record.local_start is None
                              and _DATE_LINE_AT_START.match(text)):
        if date := read_date_line(text):
            walk.step(line, "date-line-below-the-head", *_record_date(record, date))
            walk.expecting = "room" if record.room is None else None
            return True
    if expected == "room" and record.room is None and len(text) <= 60 and _is_plain_text(text) \
            and not _SENTENCE.search(text) and (read_room_label(text) or re.search(r"\d|room|salle|hall|saal", text, re.I)):
        record.room = read_room_label(text) or text
        walk.step(line, "room-below-the-time", "room", record.room)
        return True
    return False


def _record_date(record: SessionRecord, date: DateLine) -> tuple[str, str]:
    """The session's start and end (in UTC, local, or both) from its date line,
    and its year if none was read; returns the fields set and their values."""
    record.start, record.end = date.start_utc, date.end_utc
    record.local_start, record.local_end = date.local_start, date.local_end
    if record.year is None:
        record.year = int((date.start_utc or date.local_start)[:4])
    return ("start/end" if date.start_utc else "local_start/local_end",
            f"{date.start_utc or date.local_start} - {date.end_utc or date.local_end}")


def _label_above_its_value(text: str) -> str | None:
    """"time" or "room" for a label alone on its line (`Session Time:`, `Room`),
    its value on the line below; None for any other line."""
    if not _TIME_OR_ROOM_LABEL.match(text):
        return None
    return "room" if text.lower().startswith(("room", "location")) else "time"


_TIME_OR_ROOM_LABEL = re.compile(r"^(?:session\s+time|time|date|date\s+and\s+time|room|location)\s*+:?\s*+$",
                                 re.IGNORECASE)  # `\s*+`: spaces are never re-scanned
_DATE_LINE_AT_START = re.compile(r"^(?:mon|tues|wednes|thurs|fri|satur|sun)day\b", re.IGNORECASE)


def _affiliation_of_name_above(walk: _Walk, line: Line) -> bool:
    """`Mathilde Girard` then, a line or two below, `Representative, EUROCOM`
    (sched.com speaker cards, bulleted names with an indented job line): the
    job and organization of the name above, when it has none yet."""
    if not walk.entries or "," not in line.text:
        return False
    entry = walk.entries[-1]
    mention = entry.mention
    if not (isinstance(mention, PersonMention) and mention.shape == "bare-name" and mention.affiliation is None
            and 0 < line.number - entry.line.number <= 3 and is_job_title(line.text.split(",")[0])):
        return False
    mention.affiliation = split_affiliation(line.text)
    walk.step(line, "job-and-organization-of-the-name-above", "participants.affiliation", mention.affiliation or "")
    return True


def _add_unique_int(target: list[int], value: int) -> None:
    if value not in target:
        target.append(value)


def _looks_like_unread_person(text: str) -> bool:
    if len(text) > 200 or "," not in text:
        return False
    parts = [p.strip() for p in text.split(",")]
    return any(normalize_stakeholder_group(p) or normalize_regional_group(p, strict=True) for p in parts)


def _read_person_line(walk: _Walk, line: Line) -> bool:
    """An unlabelled line read as a person; its role comes from the heading
    in force, or is inferred from where the block stands."""
    in_people = bool(walk.role_heading or walk.people_zone or walk.section == "agenda")
    mentions = _people_on_line(line.text, walk.role_heading, several=in_people)
    if not mentions:
        return False
    mention = mentions[0][0]
    strong = len(mentions) > 1 or isinstance(mention, UnnamedMention) or mention.shape not in (
        "bare-name", "name-paren-org", "biography", "name-organization", "name-dash-organization")
    if not strong and not in_people:
        return False
    if isinstance(mention, UnnamedMention) and mention.shape in ("groups-only", "organization-in-person-slot") \
            and not walk.role_heading:
        return False
    if walk.role_heading:
        role, rule = walk.role_heading, None
    elif walk.labelled_line and walk.labelled_line[0] == line.number - 1:
        # `Co-Proposer's Organization: APC` then `Mr.,Gus,Rossi,Civil Society,...` on the
        # next line: the list of labelled organizers goes on, its heading lost.
        role = walk.labelled_line[1]
        rule = f"line-under-labelled-{role.replace('_', '-')}s-continues-them"
        walk.labelled_line = (line.number, role)
    elif walk.section == "agenda" and isinstance(mention, PersonMention) and mention.shape == "bare-name":
        # A name alone under `Part 1 (25 min)` in an `Agenda (60min):` block (2018 pages).
        role, rule = Role.SPEAKER.value, "person-under-agenda-part-is-speaker"
    elif walk.section == "agenda" or (isinstance(mention, PersonMention) and mention.shape == "name-title-organization"
                                      and (walk.last_role is None or walk.block == walk.agenda_block)):
        # Agenda lines before any role, or in the block of an agenda subheading; a later
        # block with no heading follows the page's role order instead (a lost heading).
        role, rule = Role.SPEAKER.value, "person-with-job-title-in-agenda-is-speaker"
        walk.last_role, walk.agenda_block = role, walk.block
    elif walk.block in walk.block_role:
        role, rule = walk.block_role[walk.block]
    elif walk.last_role is None:
        role, rule = None, None  # decided once all leading blocks are known
    else:
        role = _next_role(walk.last_role)
        previous = walk.last_role
        rule = f"unlabelled-block-after-{previous.replace('_', '-')}-is-{role.replace('_', '-')}" if role else None
        if role is None:
            walk.warn(line, "person line after the rapporteur with no heading: role unknown")
            return True
        walk.last_role = role
    walk.block_role.setdefault(walk.block, (role, rule))
    shape = mention.shape if len(mentions) == 1 else f"{len(mentions)}-people-on-one-line"
    step = walk.step(line, f"person-line:{shape}", _role_field(role, rule),
                     " ; ".join(_describe(m) for m, _ in mentions))
    for found, offset in mentions:
        sub_line = Line(line.number, line.start + offset, line.text[offset:])
        walk.entries.append(_Entry(found, sub_line, role, rule, walk.block, leading=role is None, step=step))
        _report_problems(walk, line, found)
    walk.people_zone = True
    return True


def _people_on_line(text: str, role: str | None, *, several: bool) -> list[tuple[PersonMention | UnnamedMention, int]]:
    """The people a line names, with their offsets: several run together on
    one line (where people are expected, or anywhere when each of them states
    a stakeholder group or region), one person, or a biography that opens
    with its person (under a speakers heading)."""
    if pieces := split_people_run(text):
        mentions = [(read_person(piece, labelled_role=role or Role.SPEAKER.value), offset) for piece, offset in pieces]
        grouped = all(isinstance(m, PersonMention) and m.shape == "name-groups" for m, _ in mentions)
        if (several or grouped) and all(mention is not None for mention, _ in mentions):
            return mentions  # type: ignore[return-value]
    mention = read_person(text, labelled_role=role)
    if mention is None and role == Role.SPEAKER.value:
        mention = read_biography(text)
    return [(mention, 0)] if mention is not None else []


def _role_field(role: str | None, rule: str | None) -> str:
    if role is None:
        return "(leading block)"
    return f"{role} ({rule})" if rule else role


def _describe(mention: PersonMention | UnnamedMention) -> str:
    """What a rule read from a line, for `--explain`."""
    if isinstance(mention, UnnamedMention):
        facts = [f"no person: {mention.text}", mention.organization and f"organization={mention.organization}"]
    else:
        facts = [mention.name, mention.nickname and f"nickname={mention.nickname}"]
    facts += [mention.stakeholder_group and f"group={mention.stakeholder_group}",
              mention.regional_group and f"region={mention.regional_group}"]
    if isinstance(mention, PersonMention):
        facts.append(mention.affiliation and f"affiliation={mention.affiliation}")
    return " | ".join(f for f in facts if f)


def _report_problems(walk: _Walk, line: Line, mention: PersonMention | UnnamedMention) -> None:
    for problem in mention.problems:
        walk.warn(line, problem)


def _read_labelled_line(walk: _Walk, line: Line) -> bool:
    """`Organizer 1: Name, Org`, `Moderator and Organizer: A (main), B (sub)
    Stakeholder: Government Regional Group: Asia-Pacific` and their kin."""
    text = line.text
    matches = list(_ANY_LABEL.finditer(text))
    if not matches or matches[0].start() != 0:
        return False
    if matches[0]["attr"] and any(m["label"] and _role_of_label(m["label"]) for m in matches[1:]) \
            and any(entry.line.number != line.number for entry in walk.label_group):
        # `Organizational Affiliation: X Speaker: Y ...`: this line's attributes are Y's,
        # the people labelled above are done.
        _end_label_group(walk)
    read_any = False
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        value = text[match.end():end].strip()
        value_start = line.start + match.end() + (len(text[match.end():end]) - len(text[match.end():end].lstrip()))
        if match["attr"]:
            _apply_attribute(walk, line, match["attr"].lower(), value)
            read_any = True
            continue
        roles = _role_of_label(match["label"])
        if not roles and match["label"].lower() == "name" and walk.role_heading:
            roles = [walk.role_heading]  # `Presenter` then `Name: X, ...` (2018 lightning sessions)
        if not roles:
            continue
        read_any = True
        proposer = "proposer" in match["label"].lower()
        walk.last_role = roles[-1] if not proposer else (walk.last_role or roles[0])
        walk.people_zone = True
        if not value:
            walk.role_heading = roles[0]
            walk.block += 1
            walk.step(line, "role-label-as-heading", roles[0])
            continue
        if any(entry.line.number != line.number for entry in walk.label_group):
            # A new person label: the attribute lines above belonged to the people before it.
            _end_label_group(walk)
        mentions = _read_label_value(value, roles[0])
        if not mentions:
            walk.warn(line, f"'{match['label']}' line: no person could be read from the value")
            continue
        rule = "proposer-is-organizer" if proposer else None
        labelled_text = text[match.start():end].strip()
        for mention, offset in mentions:
            if isinstance(mention, UnnamedMention):
                # The holder is the slot itself (`Organizer 2: Civil Society, WEOG`): keep its label,
                # so two anonymous organizers stay two.
                mention.text = labelled_text
                sub_line = Line(line.number, line.start + match.start(), labelled_text)
            else:
                sub_line = Line(line.number, value_start + offset, value[offset:])
            for role in roles:
                entry = _Entry(mention, sub_line, role, rule, walk.block)
                walk.entries.append(entry)
                walk.label_group.append(entry)
            _report_problems(walk, line, mention)
        _apply_pending(walk)
        walk.labelled_line = (line.number, roles[0])
        walk.step(line, "labelled-person-line", _role_field("/".join(roles), rule),
                  " ; ".join(_describe(m) for m, _ in mentions))
    if read_any and walk.labelled_line and walk.labelled_line[0] == line.number - 1:
        walk.labelled_line = (line.number, walk.labelled_line[1])  # an attribute line of those people
    return read_any


def _read_label_value(value: str, role: str) -> list[tuple[PersonMention | UnnamedMention, int]]:
    """The people in a label's value: one person line, or a list of names."""
    unqualified = _QUALIFIER.sub("", value)
    if pieces := split_people_run(unqualified):
        mentions = [(read_person(piece, labelled_role=role), offset) for piece, offset in pieces]
        if all(mention is not None for mention, _ in mentions):
            return mentions  # type: ignore[return-value]
    single = read_person(unqualified, labelled_role=role)
    # `A (main), B (sub)`: qualified names are a list of people, not a name and an organization.
    qualified_list = len(_QUALIFIER.findall(value)) >= 2
    if single is not None and not (isinstance(single, PersonMention) and single.shape == "bare-name"
                                   and _NAME_LIST_SPLIT.search(unqualified)) and not qualified_list:
        return [(single, 0)]
    names = [n for n in _NAME_LIST_SPLIT.split(unqualified) if n.strip()]
    if len(names) >= 2 and all(looks_like_person_name(clean_name(n)) for n in names):
        result = []
        for name in names:
            cleaned = clean_name(name)
            offset = max(value.find(cleaned), 0)
            result.append((PersonMention(cleaned, shape="name-list", name_offset=0), offset))
        return result
    if single is None and role == Role.SPEAKER.value:
        single = read_biography(unqualified)  # `Additional Speakers: Dr. X is a researcher at ...`
    return [(single, 0)] if single is not None else []


def _apply_attribute(walk: _Walk, line: Line, label: str, value: str) -> None:
    """`Stakeholder: Government`, `Regional Group: Asia-Pacific`, `Organizational
    Affiliation: X`: facts of the people labelled on the same line or block.
    `Country: X` (2017 schedule pages) is read and left: the record keeps no country."""
    if label == "country":
        walk.step(line, "country-label-not-recorded", "-", value)
        return
    if label.startswith("stakeholder"):
        key, normalized = "stakeholder_group", normalize_stakeholder_group(value)
    elif label.startswith("region"):
        key, normalized = "regional_group", normalize_regional_group(value)
    else:
        key, normalized = "affiliation", value.strip(" ,.;") or None
    if normalized:
        walk.pending_attributes[key] = normalized
        walk.unclaimed.append((line, label))
        _apply_pending(walk)
        walk.step(line, "attribute-label", f"participants.{key}", normalized)
    elif key == "regional_group" and is_ambiguous_region(value):
        walk.warn(line, f"'{value}' is an informal region spanning several UN regional groups: "
                        "regional group left empty")
    elif value:
        walk.warn(line, f"'{label}' value '{value}' is not a known {key.replace('_', ' ')}: left empty")


def _end_label_group(walk: _Walk) -> None:
    """The labelled people's group ends (a blank line, a heading, a new
    label): an attribute line that reached none of them is reported, not
    given to a guessed person (`Stakeholder Group: X` pairs standing apart
    on 2017 schedule pages)."""
    for line, label in walk.unclaimed:
        walk.warn(line, f"'{label}' line names no person it belongs to: not recorded")
    walk.label_group, walk.pending_attributes, walk.unclaimed = [], {}, []


def _apply_pending(walk: _Walk) -> None:
    if walk.label_group:
        walk.unclaimed = []
    for entry in walk.label_group:
        for key, value in walk.pending_attributes.items():
            if isinstance(entry.mention, PersonMention) and getattr(entry.mention, key) is None:
                setattr(entry.mention, key, value)


def _assign_leading_blocks(walk: _Walk) -> None:
    """Unlabelled blocks of people before any role: the IGF page template
    lists organizers then speakers, so with two or more such blocks the
    first is the organizers; a single block is the speakers."""
    blocks = sorted({e.block for e in walk.entries if e.leading})
    for entry in walk.entries:
        if not entry.leading:
            continue
        if len(blocks) >= 2 and entry.block == blocks[0]:
            entry.role, entry.rule = Role.ORGANIZER.value, "first-of-several-unlabelled-blocks-is-organizers"
        elif len(blocks) >= 2:
            entry.role, entry.rule = Role.SPEAKER.value, "later-unlabelled-block-is-speakers"
        else:
            entry.role, entry.rule = Role.SPEAKER.value, "single-unlabelled-block-is-speakers"
        if entry.step is not None:
            entry.step.field = _role_field(entry.role, entry.rule)


def _same_person(a: Participant, mention: PersonMention) -> bool:
    """Within one page: same name in any order and case, or a one-letter
    typo when both lines give the same affiliation, or the same stakeholder
    group and region (`Chidi Okonkwo` / `Chidi Okonkow`, both Civil Society,
    African Group)."""
    if bag_key(a.name) == bag_key(mention.name):
        return True
    if not one_token_typo(a.name, mention.name):
        return False
    same_affiliation = bool(a.affiliation and mention.affiliation and fold(a.affiliation) == fold(mention.affiliation))
    same_groups = bool(a.stakeholder_group and a.regional_group
                       and (a.stakeholder_group, a.regional_group) == (mention.stakeholder_group, mention.regional_group))
    return same_affiliation or same_groups


def _nickname_key(name: str, nickname: str) -> str:
    """`Katherine Mbeki` called `Kate` -> the key of `Kate Mbeki`."""
    return bag_key(" ".join([nickname, *name.split()[1:]]))


def _count_comparisons(walk: _Walk) -> None:
    """Charge one lookup among the page's people to the page's budget."""
    walk.comparisons_left -= len(walk.record.participants)
    if walk.comparisons_left < 0:
        raise NotASessionPage(walk.record.source, "the page names too many people to match them against each other "
                                                  f"(more than {MAX_PERSON_COMPARISONS} comparisons)")


def _find_participant(walk: _Walk, mention: PersonMention) -> Participant | None:
    """The participant a mention names on this page, if any: the same person
    by `_same_person`, or the nickname a line gave (`Katherine "Kate" Mbeki`
    makes a later `Kate Mbeki` the same person, and the other way round)."""
    _count_comparisons(walk)
    found = next((p for p in walk.record.participants if _same_person(p, mention)), None)
    if found is not None:
        return found
    if mention.nickname:
        key = _nickname_key(mention.name, mention.nickname)
        found = next((p for p in walk.record.participants if bag_key(p.name) == key), None)
        if found is not None:
            # The full name stands for the person; the nickname form becomes a spelling.
            found.name_variants = [v for v in [found.name, *found.name_variants] if v != mention.name]
            found.name = mention.name
        return found
    return walk.nicknames.get(bag_key(mention.name))


def _add_spelling(person: Participant, spelling: str | None) -> None:
    if spelling and spelling != person.name and spelling not in person.name_variants:
        person.name_variants.append(spelling)


def _collect_people(walk: _Walk) -> None:
    """Merge the page's mentions: one participant per person, all roles."""
    record = walk.record
    order = {r.value: i for i, r in enumerate(ROLE_ORDER)}
    for entry in walk.entries:
        mention = entry.mention
        span = _span(entry.line, mention)
        if isinstance(mention, UnnamedMention):
            # An organization filling roles is one holder (`Delegate from X` twice); anonymous
            # organizers (`Organizer 1: Civil Society, WEOG`) are one per slot.
            target = next((u for u in record.unnamed_participants if mention.organization and u.organization
                           and fold(u.organization) == fold(mention.organization)), None)
            if target is None:
                target = UnnamedParticipant(mention.text, organization=mention.organization,
                                            stakeholder_group=mention.stakeholder_group,
                                            regional_group=mention.regional_group)
                record.unnamed_participants.append(target)
        else:
            target = _find_participant(walk, mention)
            if target is None:
                target = Participant(mention.name)
                record.participants.append(target)
            _add_spelling(target, mention.name)
            if mention.nickname:
                _add_spelling(target, mention.written)
            if mention.nickname:
                walk.nicknames[_nickname_key(mention.name, mention.nickname)] = target
            if mention.affiliation:
                strip_acronym(mention.affiliation, walk.acronyms)  # every line may define an acronym
            for key in ("stakeholder_group", "regional_group", "affiliation"):
                if getattr(target, key) is None and getattr(mention, key):
                    setattr(target, key, getattr(mention, key))
        if span not in target.spans:
            target.spans.append(span)
        if entry.role is None:
            continue
        if entry.role not in target.roles:
            target.roles.append(entry.role)
            if entry.rule:
                target.inferred_roles[entry.role] = entry.rule
        elif entry.rule is None:
            target.inferred_roles.pop(entry.role, None)
        target.roles.sort(key=order.__getitem__)
    for holder in [*record.participants, *record.unnamed_participants]:
        holder.spans.sort()


def _span(line: Line, mention: PersonMention | UnnamedMention) -> tuple[int, int]:
    """Where the mention's name (or an unnamed holder's text) stands in the source."""
    written = (mention.written or mention.name) if isinstance(mention, PersonMention) else mention.text
    offset = line.text.find(written)
    if offset >= 0:
        return line.start + offset, line.start + offset + len(written)
    return line.start, line.start + len(line.text)


def _attach_mentions_in_text(walk: _Walk) -> None:
    """Names in prose (report bullets `(Name, Org)`, `Name (Org)` in a format
    description) never create people; they add the spelling and span to the
    participant they match, and `The speakers are ...` lists are read."""
    for line in walk.prose:
        for pattern in (_MENTION_PAREN_PAIR, _MENTION_NAME_PAREN) if "(" in line.text else ():
            for match in pattern.finditer(line.text):
                # The words before `(Org)` may start with prose (`will feature Jane Doe`):
                # the longest run of final words that names a participant.
                words = clean_name(match["name"]).split()
                for i in range(max(len(words) - 1, 0)):
                    name = " ".join(words[i:])
                    if looks_like_person_name(name) and _attach_mention(walk, line, match, name):
                        break
        for pattern, role, rule in (
            (_SPEAKERS_IN_TEXT, Role.SPEAKER.value, "speakers-named-in-description"),
            (_PANELISTS_IN_TEXT, Role.SPEAKER.value, "panelists-named-in-description"),
            (_RAPPORTEURS_IN_TEXT, Role.RAPPORTEUR.value, "rapporteurs-named-in-description"),
        ):
            for match in pattern.finditer(line.text):
                _add_people_named_in_text(walk, line, match, role, rule)


def _attach_mention(walk: _Walk, line: Line, match: re.Match, name: str) -> bool:
    """Add a name seen in prose to the participant it names; False if none."""
    _count_comparisons(walk)
    mention = PersonMention(name, affiliation=match["org"].split(",")[0].strip())
    for person in walk.record.participants:
        if _same_person(person, mention):
            if name != person.name and name not in person.name_variants:
                person.name_variants.append(name)
            start = line.start + match.start("name") + match["name"].find(name)
            if (start, start + len(name)) not in person.spans:
                person.spans.append((start, start + len(name)))
                person.spans.sort()
            walk.step(line, "name-in-text-matches-participant", "participants.name_variants")
            return True
    return False


def _split_name_list(text: str) -> list[tuple[str, int]]:
    """`A (Org, X), B and C` -> the items with their offsets; separators
    inside parentheses (`Ministry of Internal Affairs and Communications`) do not split."""
    masked = re.sub(r"\([^()]*\)", lambda m: "(" + "_" * (len(m[0]) - 2) + ")", text)
    items, begin = [], 0
    for separator in [*_NAME_LIST_SPLIT.finditer(masked), None]:
        end = separator.start() if separator else len(text)
        item = text[begin:end]
        if item.strip():
            items.append((item.strip(), begin + len(item) - len(item.lstrip())))
        begin = separator.end() if separator else end
    return items


def _add_people_named_in_text(walk: _Walk, line: Line, match: re.Match, role: str, rule: str) -> None:
    """`The speakers are A (Org), B and C.`, `Panelist: Dr. X (Org)`,
    `Rapporteurs: A and B`: people a description names with their role.
    Read only when every item of the list reads as a person."""
    items = _split_name_list(_QUALIFIER.sub(lambda m: " " * len(m[0]), match["list"]))
    mentions = [(read_person(item), offset) for item, offset in items]
    if not mentions or not all(isinstance(m, PersonMention) for m, _ in mentions):
        if any(isinstance(m, PersonMention) for m, _ in mentions):
            walk.warn(line, f"'{match[0][:40]}...': some of the people named could not be read")
        return
    for mention, offset in mentions:
        written = mention.written or mention.name
        where = match["list"].find(written, offset)
        start = line.start + match.start("list") + (where if where >= 0 else offset)
        person = _find_participant(walk, mention)
        if person is None:
            person = Participant(mention.name)
            walk.record.participants.append(person)
        _add_spelling(person, mention.name)
        if mention.nickname:  # the written form holds the nickname: a spelling of its own
            _add_spelling(person, mention.written)
        if mention.nickname:
            walk.nicknames[_nickname_key(mention.name, mention.nickname)] = person
        if person.affiliation is None and mention.affiliation:
            person.affiliation = mention.affiliation
        if role not in person.roles:
            person.roles.append(role)
            person.roles.sort(key=[r.value for r in ROLE_ORDER].index)
            person.inferred_roles[role] = rule
        if (start, start + len(written)) not in person.spans:
            person.spans.append((start, start + len(written)))
            person.spans.sort()
    walk.step(line, rule, "participants", " ; ".join(_describe(m) for m, _ in mentions))


def _read_sections(walk: _Walk) -> None:
    record = walk.record
    takeaways: list[str] = []
    calls: list[str] = []
    for kind, lines in walk.sections:
        texts = [line.text for line in lines]
        if kind == "takeaways":
            takeaways.extend(list_items(texts))
        elif kind == "calls":
            calls.extend(list_items(texts))
        elif kind == "policy":
            for text in texts:  # `1. Which barriers ...?` keeps no number
                record.policy_questions.extend(split_numbered_items(text) or [_ITEM_NUMBER.sub("", text)])
        elif kind == "description" and texts and record.description is None:
            record.description = texts[0]
        elif kind == "outcomes" and texts and record.expected_outcomes is None:
            record.expected_outcomes = texts[0]
        elif kind == "themes":  # `Theme: Development, Innovation, and Economic Issues.`
            _add_unique(record.themes, [text.strip().rstrip(".") for text in texts if len(text) < 120])
    if len(takeaways) + len(calls) > MAX_LIST_ITEMS:
        raise NotASessionPage(record.source, f"{len(takeaways) + len(calls)} key takeaways and calls to action is "
                                             f"more than a session page holds (limit {MAX_LIST_ITEMS})")
    record.key_takeaways = merge_similar(takeaways)
    record.calls_to_action = merge_similar(calls)


def _record_acronyms(walk: _Walk) -> None:
    """Acronyms defined anywhere in people's affiliations (`KAIST`) join
    those of the organizing lines, so the resolver can expand them."""
    for person in walk.record.participants:
        if person.affiliation:
            person.affiliation = strip_acronym(person.affiliation, walk.acronyms)
    walk.record.organization_acronyms = dict(sorted(walk.acronyms.items()))


def _has_session_facts(record: SessionRecord, walk: _Walk) -> bool:
    """A session page has a title or date, or the page's structure (a role
    or section heading, a labelled person line). Lines that merely look
    like `Name, Organization` are not enough: any text has some."""
    return bool(
        record.year or record.start or record.local_start
        or any(step.rule in ("role-heading", "section-heading", "labelled-person-line") for step in walk.steps)
    )
