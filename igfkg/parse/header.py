"""The head of a session page: title line, date and time line, room, and the
format/duration line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from igfkg.parse.labels import normalize_format

_KINDS = [
    (r"WS|Workshop", "workshop"),
    (r"Open\s+Forum|OF", "open_forum"),
    (r"Town\s+Hall|TH", "town_hall"),
    (r"Networking\s+Session|NS", "networking_session"),
    (r"Lightning\s+(?:Talk|Session)|LT", "lightning_talk"),
    (r"Launch\s*/\s*Award\s+Event|Launch\s+&\s+Award|LA", "launch_award"),
    (r"Day\s+0\s+Event|Day\s+0|DAY\s+0", "day_0"),
    (r"DC|Dynamic\s+Coalition(?:\s+Session)?", "dc_session"),
    (r"Main\s+Session|MS", "main_session"),
    (r"High[-\s]Level(?:\s+Leaders)?(?:\s+(?:Session|Track))?|HL", "high_level"),
    (r"Parliamentary(?:\s+(?:Track|Session|Roundtable))?", "parliamentary"),
    (r"NRI(?:s)?(?:\s+(?:Collaborative\s+)?Session)?", "nri_session"),
    (r"BPF|Best\s+Practice\s+Forum", "bpf_session"),
    (r"Pre-?Event|Side\s+Event|Open\s+Mic|Opening\s+Ceremony|Closing\s+Ceremony", "other"),
]
_KIND_ALTERNATION = "|".join(f"(?P<k{i}>{pattern})" for i, (pattern, _) in enumerate(_KINDS))
_TITLE = re.compile(
    rf"^IGF\s+(?P<year>(?:19|20)\d\d)\s+(?:{_KIND_ALTERNATION})\b\s*"
    # `#465`, or a roman numeral before a colon (`High-Level Leaders Session IV:`).
    r"(?:#\s*(?P<number>\d{1,4})\b|(?P<roman>(?-i:[IVX]{1,5}))(?=\s*[:\-–]|\s*$))?"
    r"\s*[:\-–]?\s*(?P<title>.*)$",
    re.IGNORECASE,
)
# `Launch / Award Event #57 Launch of the Atlas` (2024 schedule pages): a kind and number, no year.
_KIND_NUMBER_TITLE = re.compile(rf"^(?:{_KIND_ALTERNATION})\s?#\s?(?P<number>\d{{1,4}})\b\s?[:\-–]?\s?(?P<title>\S.*)$",
                                re.IGNORECASE)
_MAIN_SESSION_PREFIX = re.compile(r"^main\ssession\s?:?\s?", re.IGNORECASE)
_DC_TITLE = re.compile(r"^(?:DC|Dynamic\sCoalition)\son\s[A-Z]\S*(?:\s\S+){0,15}$")
_IGF_YEAR_TITLE = re.compile(r"^IGF\s(?P<year>(?:19|20)\d\d)\s(?P<title>[A-Z].{2,200})$")
MAIN_SESSION_WORDS = re.compile(r"\bmain\s+session\b", re.IGNORECASE)  # in a title
# `WS181: Title`, `OF27: Title`, `WS 57 Title` (2016-2019 schedule pages): the code first, no year.
_CODE_BEFORE_TITLE = re.compile(r"^(?P<kind>WS|OF|TH|NS|LT)\s?#?(?P<number>\d{1,4})(?::\s*+|\s(?=[A-Z]))(?P<title>\S.*)$")
_CODE_KINDS = {"WS": "workshop", "OF": "open_forum", "TH": "town_hall", "NS": "networking_session",
               "LT": "lightning_talk"}
# `Data governance and policy: developing a curriculum (WS186)`: the session's code
# after its title (2017 schedule pages), the year not given. Searched for (the title
# is what comes before it); `\s*+`: spaces are never re-scanned.
_CODE_AFTER_TITLE = re.compile(rf"\((?:{_KIND_ALTERNATION})\s*+#?\s*+(?P<number>\d{{1,4}})\)\s*+$", re.IGNORECASE)
_MAIN_SESSION_2015 = re.compile(
    r"^(?P<day>\d{1,2})\s+(?P<month>[A-Za-z]+)\s+(?P<year>(?:19|20)\d\d)\s*[-–]\s*"
    r"(?P<title>(?:An?\s+)?(?P<kind>Main\s+Session|Workshop|Open\s+Forum)\b.*)$",
    re.IGNORECASE,
)
_SESSION_LINE_KINDS = {"main session": "main_session", "workshop": "workshop", "open forum": "open_forum"}
_MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}
_MONTH_RE = "|".join(_MONTHS)
_WEEKDAY_RE = r"(?:mon|tues|wednes|thurs|fri|satur|sun)day"
# A calendar date in the spellings seen: `11th October, 2023`, `12 November, 2018`, `October 11, 2023`.
_DATE = re.compile(
    rf"(?:(?P<d1>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m1>{_MONTH_RE}),?\s+(?P<y1>(?:19|20)\d\d)"
    rf"|(?P<m2>{_MONTH_RE})\s+(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y2>(?:19|20)\d\d))",
    re.IGNORECASE,
)
# `UTC`/`GMT` alone marks UTC; `GMT+03` is an offset from it (`_OFFSET`), not UTC.
_TIME = re.compile(r"(?<![\d.])(?P<h>[01]?\d|2[0-3])[:.](?P<m>[0-5]\d)(?!\d)\s*(?P<utc>UTC|GMT)?(?!\s?[+-]\d)",
                   re.IGNORECASE)
_OFFSET = re.compile(r"\b(?:UTC|GMT)\s?(?P<sign>[+-])(?P<h>\d{1,2})(?::?(?P<m>\d{2}))?\b", re.IGNORECASE)
_DATE_LINE_START = re.compile(
    rf"^(?:{_WEEKDAY_RE}|\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH_RE})|(?:{_MONTH_RE})\s+\d"
    r"|session\s+time\s*:|date\s*:|time\s*:|date\s+and\s+time\s*:)",
    re.IGNORECASE,
)
_MINUTES = re.compile(r"\b(?P<n>\d{1,3})\s*(?:min|mins|minutes)\b", re.IGNORECASE)
_FORMAT_LINE = re.compile(
    # Parts are separated by a spaced dash, so `Break-out Group Discussions` stays one format.
    r"^(?P<format>[A-Za-z][A-Za-z &/-]{1,40}?)[ \t]{1,3}[-–][ \t]{1,3}"
    r"(?:(?P<layout>[A-Za-z][A-Za-z &/-]{0,40}?)[ \t]{1,3}[-–][ \t]{1,3})?"
    r"(?P<minutes>\d{1,3})\s*Min(?:s|utes)?\.?$",
    re.IGNORECASE,
)
# Each `\s*` follows a required token: `\s*:?\s*` backtracks polynomially on long runs of spaces.
_DURATION_LABEL = re.compile(r"^duration\s*(?:\(minutes\)\s*)?(?::\s*)?(?:(?P<n>\d{1,3})\s*)?(?:min(?:s|utes)?)?$",
                             re.IGNORECASE)


@dataclass
class TitleLine:
    """What the title line says."""

    year: int | None
    session_type: str | None
    number: int | None
    title: str | None
    date: str | None = None  # the calendar date a 2015-2016 main-session line gives


def read_title(line: str) -> TitleLine | None:
    """Read `IGF 2023 WS #465 <title>` and its kin (`<title> (WS186)`); None
    if the line is not one.

    >>> read_title("IGF 2021 Open Forum #5 Development and Rule-Making on AI")
    TitleLine(year=2021, session_type='open_forum', number=5, title='Development and Rule-Making on AI')
    """
    if match := _TITLE.match(line):
        kind = next(_KINDS[i][1] for i in range(len(_KINDS)) if match[f"k{i}"] is not None)
        number = int(match["number"]) if match["number"] else _roman(match["roman"])
        title = match["title"].strip() or None
        if kind == "dc_session" and title and (main := _MAIN_SESSION_PREFIX.match(title)):
            kind, title = "main_session", title[main.end():].strip() or title  # `IGF 2022 DC Main Session: X`
        if title is None and match["roman"]:
            # `IGF 2022 High-Level Leaders Session IV`: the session's name is all there is.
            title = line.split(None, 2)[2].strip()  # all but `IGF 2022`
        return TitleLine(int(match["year"]), kind, number, title)
    if match := _IGF_YEAR_TITLE.match(line):
        # `IGF 2016 Dynamic Coalitions Main Session`: a title with its year, of no kind listed above.
        title = match["title"].strip()
        return TitleLine(int(match["year"]), "main_session" if MAIN_SESSION_WORDS.search(title) else None, None, title)
    if match := _KIND_NUMBER_TITLE.match(line):
        kind = next(_KINDS[i][1] for i in range(len(_KINDS)) if match[f"k{i}"] is not None)
        return TitleLine(None, kind, int(match["number"]), match["title"].strip())
    if _DC_TITLE.match(line):  # `DC on Open Internet Principles` (2017 schedule pages)
        return TitleLine(None, "dc_session", None, line.strip())
    if match := _CODE_BEFORE_TITLE.match(line):
        return TitleLine(None, _CODE_KINDS[match["kind"]], int(match["number"]), match["title"].strip())
    if (match := _CODE_AFTER_TITLE.search(line)) and len(title := line[:match.start()].strip()) >= 3:
        kind = next(_KINDS[i][1] for i in range(len(_KINDS)) if match[f"k{i}"] is not None)
        return TitleLine(None, kind, int(match["number"]), title)
    if match := _MAIN_SESSION_2015.match(line):
        month = _MONTHS.get(match["month"].lower())
        try:
            date = datetime(int(match["year"]), month, int(match["day"])).date().isoformat() if month else None
        except ValueError:
            date = None
        kind = _SESSION_LINE_KINDS[" ".join(match["kind"].lower().split())]
        return TitleLine(int(match["year"]), kind, None, match["title"].strip(), date)
    return None


_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10}


def _roman(numeral: str | None) -> int | None:
    """`IV` -> 4 (the numerals session titles use, up to XXXIX)."""
    if not numeral:
        return None
    values = [_ROMAN_VALUES[c] for c in numeral]
    return sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))


@dataclass
class DateLine:
    """Start and end read from a date line, in UTC where the page says UTC,
    else as local time with no zone (never guessed)."""

    start_utc: str | None = None
    end_utc: str | None = None
    local_start: str | None = None
    local_end: str | None = None
    duration_min: int | None = None
    format: str | None = None


def _iso(date: tuple[int, int, int], time: tuple[int, int] | None, utc: bool) -> str:
    y, mo, d = date
    if time is None:
        return f"{y:04d}-{mo:02d}-{d:02d}"
    value = datetime(y, mo, d, time[0], time[1])
    return value.isoformat() + ("Z" if utc else "")


def read_date_line(line: str) -> DateLine | None:
    """Read a date line; None if the line is not one.

    >>> read_date_line("Wednesday, 11th October, 2023 (23:30 UTC) - Thursday, 12th October, 2023 (01:00 UTC)").end_utc
    '2023-10-12T01:00:00Z'
    """
    if not _DATE_LINE_START.match(line) or len(line) > 200:
        return None
    dates = []
    for match in _DATE.finditer(line):
        day, month, year = (match["d1"], match["m1"], match["y1"]) if match["d1"] else (match["d2"], match["m2"], match["y2"])
        try:
            datetime(int(year), _MONTHS[month.lower()], int(day))
        except ValueError:
            return None
        dates.append(((int(year), _MONTHS[month.lower()], int(day)), match.end()))
    if not dates:
        return None
    times = [m for m in _TIME.finditer(line) if m.start() >= dates[0][1]]
    result = DateLine()
    if minutes := _MINUTES.search(line):
        result.duration_min = int(minutes["n"])
    tail = line.rsplit(",", 1)[-1] if "," in line else ""
    result.format = normalize_format(tail.strip()) if tail else None
    if not times:
        result.local_start = _iso(dates[0][0], None, False)
        return result
    start_date = dates[0][0]
    end_date = dates[1][0] if len(dates) > 1 else start_date
    start = (int(times[0]["h"]), int(times[0]["m"]))
    utc = all(t["utc"] for t in times[:2])
    end = (int(times[1]["h"]), int(times[1]["m"])) if len(times) > 1 else None
    if end is not None and len(dates) == 1 and end < start:
        # `23:30 to 00:30` on one date: the end is on the next day.
        end_date = (datetime(*start_date) + timedelta(days=1)).timetuple()[:3]
    start_iso = _iso(start_date, start, utc)
    end_iso = _iso(end_date, end, utc) if end else None
    if end_iso is None and result.duration_min:
        end_iso = (datetime.fromisoformat(start_iso.rstrip("Z")) + timedelta(minutes=result.duration_min)).isoformat()
        end_iso += "Z" if utc else ""
    if utc:
        result.start_utc, result.end_utc = start_iso, end_iso
        return result
    result.local_start, result.local_end = start_iso, end_iso
    if zone := _OFFSET.search(line, times[0].start()):
        # `11:00 - 11:45 GMT+03` (2024 schedule pages): local times with their offset from UTC.
        offset = timedelta(hours=int(zone["h"]), minutes=int(zone["m"] or 0)) * (1 if zone["sign"] == "+" else -1)
        result.start_utc, result.end_utc = (
            (datetime.fromisoformat(value) - offset).isoformat() + "Z" if value else None
            for value in (start_iso, end_iso))
    return result


_FORMAT_LABEL = re.compile(r"^(?:session\s+)?format\s*:\s*(?=\S)", re.IGNORECASE)


@dataclass
class FormatLine:
    format: str | None
    duration_min: int | None


def read_format_line(line: str) -> FormatLine | None:
    """Read `Other - 90 Min`, `Round Table - U-shape - 60 Min`, a bare
    `Roundtable`, or `Duration (minutes): 60`; None if the line is none of these.

    >>> read_format_line("Round Table - U-shape - 60 Min")
    FormatLine(format='Round Table', duration_min=60)
    """
    line = _FORMAT_LABEL.sub("", line, count=1)
    if match := _FORMAT_LINE.match(line):
        return FormatLine(normalize_format(match["format"]) or match["format"].strip(), int(match["minutes"]))
    if match := _DURATION_LABEL.match(line):
        return FormatLine(None, int(match["n"]) if match["n"] else None)
    if len(line) <= 40 and (fmt := normalize_format(line.rstrip(" .:"))):
        return FormatLine(fmt, None)
    return None


# `Room: Ballroom B` (the label is dropped) or the bilingual `Room / Salle VI`
# (kept whole: it is the room's name); `Room XXIV - E` is a room name, no label.
_ROOM = re.compile(r"^(?:room|salle|venue|location)\s*(?P<sep>[:/])\s*(?P<room>.+)$", re.IGNORECASE)


def read_room_label(line: str) -> str | None:
    """A labelled room line (`Room / Salle VI`, `Room: Ballroom B`), else None."""
    if (match := _ROOM.match(line)) and len(line) <= 80:
        return line.strip() if match["sep"] == "/" else match["room"].strip()
    return None
