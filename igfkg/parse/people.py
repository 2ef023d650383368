"""Reading one person mention out of a line, in every shape IGF pages use.

>>> m = read_person("Speaker 3: Jacquet Aurelie, Technical Community, Asia-Pacific Group")
>>> m is None
True
>>> m = read_person("Jacquet Aurelie, Technical Community, Asia-Pacific Group")
>>> (m.name, m.stakeholder_group, m.regional_group)
('Jacquet Aurelie', 'Technical Community', 'Asia-Pacific Group')
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from igfkg.parse.labels import (
    AMBIGUOUS_REGION_KEYS, REGION_BY_KEY, STAKEHOLDER_BY_KEY, is_ambiguous_region, normalize_regional_group,
    normalize_stakeholder_group,
)
from igfkg.parse.organizations import looks_like_organization

LOCK = "\U0001F512"

# Words that never occur in a person's name but do in organizations and headings.
_NON_NAME_WORDS = frozenset("""
university universidad universite institute institut instituto academy association foundation
fundacao fundacion society council center centre organization organisation organizations forum
inc ltd llc gmbh company corporation corp agency commission department ministry bureau network
group union lab laboratory school college committee office authority coalition alliance
initiative partnership secretariat nations government governments unesco icann isoc itu oecd
speaker speakers speech remarks session sessions topic panel part opening closing keynote
introduction discussion discussions break moderator moderators agenda report takeaways takeaway
action actions format description outcomes outcome goals goal targets target duration minutes
round table roundtable theme themes policy question questions hybrid online onsite organizer
organizers organiser rapporteur rapporteurs summary welcome conclusion concluding wrap up q a
contact information internet governance digital cooperation economy infrastructure global
international development sustainable rights human data security fragmentation artificial
intelligence ai technology technologies cyber cyberspace community sector private civil safety
technical intergovernmental regional african asia pacific european western latin american
caribbean others weog grulac monday tuesday wednesday thursday friday saturday sunday january
february march september october november december room
ballroom salle plenary workshop forum networking lightning talk town event
practice dynamic coalition parliamentary track launch award with without by from
platform project program programme services service media news press team
igf youth chapter hub ict villa bocage palais geneva switzerland female male
and or the of for on in to at &
schedule not also will be are is was were remote participation
""".split())

# Job nouns that are nobody's surname (unlike Dean, Judge, Mayor or Fellow).
_JOB_NOT_SURNAME = frozenset("""
officer officers director directors manager managers president minister ambassador advisor adviser
coordinator researcher lecturer professor secretary analyst consultant engineer specialist editor
journalist commissioner representative administrator assistant associate strategist economist scientist
ceo cto coo cfo vp svp evp
""".split())
# Words that qualify a job title (`Senior`, `Research` Associate, `Deputy` Director).
_TITLE_MODIFIERS = frozenset("""
senior junior chief deputy vice executive general research associate assistant principal managing
acting interim lead head programme program project policy legal technical regional country public
""".split())

_NAME_PARTICLES = frozenset(
    "de da das do dos di du del della der den van von la le el al bin binti ibn y e ter".split()
)
_SALUTATION = re.compile(r"^(?:mr|mrs|ms|miss|dr|prof|professor|h\.?e|sir|amb|ambassador)\.?\s+", re.IGNORECASE)
_NAME_TOKEN = re.compile(r"^[^\W\d_](?:[^\W\d_]|['’.\-])*$", re.UNICODE)


def clean_name(text: str) -> str:
    """Trim what surrounds a name: bullets, salutations, stray punctuation."""
    text = text.replace(LOCK, " ").replace("\u00a0", " ").strip()
    text = re.sub(r"^[-•*·–]\s*", "", text)
    text = _SALUTATION.sub("", text)
    return re.sub(r"\s+", " ", text).strip(" .,;:")


def looks_like_person_name(text: str, *, allow_single: bool = False) -> bool:
    """True for a plausible personal name: 2-6 word tokens (1 with
    allow_single), letters only, none of them an organization or heading word.

    >>> looks_like_person_name("arcangelo leone de castris")
    True
    >>> looks_like_person_name("Keynote Speech")
    False
    """
    tokens = text.split()
    if not (1 if allow_single else 2) <= len(tokens) <= 6 or len(text) > 60:
        return False
    words = [t.strip(".,") for t in tokens]
    if any(_JOB_TITLE_NOUN.fullmatch(w) for w in words) and all(
            _JOB_TITLE_NOUN.fullmatch(w) or w.lower() in _TITLE_MODIFIERS or (w.isupper() and len(w) <= 5)
            for w in words):
        return False  # `Research Associate`, `MAG Chair`: a job, not a name
    if words[-1].lower() in _JOB_NOT_SURNAME:
        return False  # `Chief Privacy Officer`: ends with a job no surname is spelt like
    if len(words[0]) == 1 and words[0].islower() and tokens[0][-1:] in ".)":
        return False  # `b. Resources`: an agenda item's letter, not an initial
    content = 0
    for token in tokens:
        bare = token.strip(".,")
        if not _NAME_TOKEN.match(bare):
            return False
        lower = bare.lower().strip(".")
        if len(bare) == 1 and token is not tokens[0] and (token.endswith(".") or
                                                          bare.isupper() and token is not tokens[-1]):
            continue  # a middle initial (`Vinton G. Cerf`, `Mathilde A Girard-Lenoir`), not the word `a`
        if lower in _NON_NAME_WORDS:
            return False
        if lower not in _NAME_PARTICLES:
            content += 1
    return content >= (1 if allow_single else 2) or (content >= 1 and len(tokens) >= 2)


@dataclass
class PersonMention:
    """One person read from one line, before the page's people are merged."""

    name: str
    affiliation: str | None = None
    stakeholder_group: str | None = None
    regional_group: str | None = None
    shape: str = ""
    # Offset of the name inside the line that was read.
    name_offset: int = 0
    # Facts on the line that could not be read (`Female` as a stakeholder group,
    # `??` as an organization): each becomes a warning, the fact stays empty.
    problems: list[str] = field(default_factory=list)
    nickname: str | None = None  # `Kate` in `Katherine "Kate" Mbeki`
    # The name as the line writes it, when that differs from `name`
    # (`Katherine "Kate" Mbeki`, `Thabo,NDLOVU`): what a span points at.
    written: str | None = None


@dataclass
class UnnamedMention:
    """A role holder with no person's name (a delegation, an anonymous organizer)."""

    text: str
    organization: str | None = None
    stakeholder_group: str | None = None
    regional_group: str | None = None
    shape: str = ""
    problems: list[str] = field(default_factory=list)


_DELEGATE = re.compile(r"^(?:a\s+)?(?:delegate|representative)s?\s+(?:from|of)\s+(?P<org>.+)$", re.IGNORECASE)
# A name ends with a non-space (here and below): otherwise a long run of spaces
# is rescanned for every possible name length.
_DASH_PAREN = re.compile(r"^(?P<name>[^():]{1,79}?[^():\s])\s*\((?P<org>[^()]{0,200})\)\s*:\s*(?P<rest>.*)$")
# Name and organization end with a non-space, so a long run of spaces is not
# rescanned for each possible length of them (linear time).
# A hyphen inside a word belongs to the name (`Karim El-Sayed - UNICEF (Africa)`).
_NAME_DASH_ORG = re.compile(r"^(?P<name>(?:[^–\-()]|-(?=\w)){1,79}?[^–\-()\s])\s+[-–]\s++(?P<org>[^()]{1,199}?[^()\s])\s*\((?P<region>[^()]{2,60})\)\W*$")
_NAME_PAREN = re.compile(r"^(?P<name>[^():,]{1,79}?[^():,\s])\s*\((?P<org>[^()]{1,200})\)\W*$")
_SALUTATION_CSV = re.compile(r"^(?:mr|mrs|ms|miss|dr|prof)\.?\s*,", re.IGNORECASE)


# Nouns that make a comma part a job title (`Senior Policy Advisor`, `Head of
# Cyber Policy`) rather than an organization (`Partners` names firms: `Global Partners Digital`).
_JOB_TITLE_NOUN = re.compile(
    r"\b(?:director|president|professor|head|chair|chairman|chairwoman|chairperson|founder|co-?founder|"
    r"manager|member|dean|secretary|undersecretary|under-secretary|ceo|cto|coo|cfo|minister|ambassador|"
    r"advisor|adviser|officer|lead|researcher|lecturer|coordinator|fellow|partner(?!s)|analyst|consultant|"
    r"expert|engineer|student|counsel|representative|specialist|editor|journalist|commissioner|governor|"
    r"mayor|judge|principal|rapporteur|attorney|lawyer|scientist|economist|strategist|architect|"
    r"administrator|assistant|associate|advocate|activist|trainer|facilitator|envoy|delegate|vp|svp|evp)s?\b",
    re.IGNORECASE,
)
# Words a subject of study or work starts with (`Professor of Computer Science`,
# `Head of Public Policy`): what follows `of` there is no organization.
_SUBJECT_WORDS = frozenset("""
the a an law laws computer computing science sciences engineering communications telecommunications
telecom programs programmes programme program public foreign external legal strategy strategic
operations research information policy policies affairs applied social political economic economics
media business trade finance health education partnerships relations studies products product
regulatory government governmental engagement outreach innovation
""".split())
_NAME_SUFFIX = re.compile(r"^(?:jr|sr|ii|iii|iv)\.?$", re.IGNORECASE)
_ONLY_QUESTION_MARKS = re.compile(r"^\s*\?+\s*$")
# `Katherine "Kate" Mbeki`, `Jonathan (Jon) Reyes`: a nickname between the given name and the rest.
_NICKNAME = re.compile(
    r"^(?P<salutation>(?i:mr|mrs|ms|dr|prof)\.?\s+)?(?P<first>[A-ZÀ-Ý][\w'’.-]{0,40})\s+"
    r"(?:\"(?P<quoted>[A-ZÀ-Ý][\w'’-]{0,30})\"|“(?P<curly>[A-ZÀ-Ý][\w'’-]{0,30})”|\((?P<paren>[A-ZÀ-Ý][a-zà-ÿ'’-]{1,30})\))"
    r"\s+(?P<last>[A-ZÀ-Ý][\w'’.-]{0,40}(?:\s+[\w'’.-]{1,40}){0,3}?)(?=\s*(?:[,(:]|$))"
)


def is_job_title(text: str) -> bool:
    """`Senior Policy Advisor`, `Head of Cyber Policy`: the text names a job."""
    return bool(_JOB_TITLE_NOUN.search(text))


def _after_of_is_organization(text: str) -> bool:
    """`Senior Director of Baidu Deep Learning Platform` names an organization
    after `of`; `Professor of Computer Science` names a subject."""
    first = text.split()[0].lower().strip(".,") if text.split() else ""
    return bool(text) and (looks_like_organization(text) or (
        first not in _SUBJECT_WORDS and first not in _NON_NAME_WORDS and text[0].isupper()))


def split_affiliation(text: str) -> str | None:
    """Organization from the text after a name: `Chair of X, University of
    Edinburgh` -> `University of Edinburgh`; `Senior Director of Baidu` ->
    `Baidu`; `Head of Storage at CERN` -> `CERN`; `Secretary of IT, Ministry
    of Planning, Budget and Management` -> the ministry, commas and all; a
    job title alone -> None; several affiliations separated by `;` -> the first."""
    first = text.split(";")[0].strip(" ,.")
    parts = [p.strip() for p in first.split(",") if p.strip()]
    if not parts:
        return None
    # The organization starts at the last part that reads as one and runs to the end.
    for index in range(len(parts) - 1, -1, -1):
        part = parts[index]
        if looks_like_organization(part):
            if is_job_title(part):
                if " at " in part or " of " in part:
                    return part.rsplit(" at " if " at " in part else " of ", 1)[1].strip() or None
                continue  # `Programme Officer`: a job title, though `programme` is an organization word
            # To the end, but not into a second job (`Council, Former telecom minister of X`).
            end = next((k for k in range(index + 1, len(parts)) if is_job_title(parts[k])), len(parts))
            return ", ".join(parts[index:end])
    last = parts[-1]
    if is_job_title(last):
        if " at " in last:  # `Head of Storage at CERN`: the organization follows `at`
            return last.rsplit(" at ", 1)[1].strip() or None
        if " of " in last and _after_of_is_organization(after := last.rsplit(" of ", 1)[1].strip()):
            return after
        return None
    return last


def _group_and_region(parts: list[str]) -> tuple[str | None, str | None, list[str], list[str]]:
    """Pull a stakeholder group and a region out of comma parts; return the
    rest, and the problems met (an informal region that spans UN groups)."""
    group = region = None
    rest: list[str] = []
    problems: list[str] = []
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        if group is None and (g := normalize_stakeholder_group(part)):
            group = g
        elif region is None and (group is not None or last) and is_ambiguous_region(part):
            problems.append(f"'{part}' is an informal region spanning several UN regional groups: "
                            "regional group left empty")
        elif region is None and (r := normalize_regional_group(part, strict=group is None and not last)):
            region = r  # after a group, or last: an informal `Africa` counts
        else:
            rest.append(part)
    return group, region, rest, problems


_REMOTE_MARK = re.compile(r"(?<=\S) \*+(?= |,|$)")
_PAREN_ONLY = re.compile(r"^\([^()]{1,60}\)$")
_NAME_DASH_DETAILS = re.compile(r"^(?P<name>(?:[^–\-,()]|-(?=\w)){3,60}?)\s[-–]\s++(?P<details>\S.{0,400})$")


def _split_group_words(parts: list[str]) -> list[str]:
    """Comma parts, with a stakeholder group and the region after it in one
    part (`Civil Society Asia-Pacific (APAC)`), or an organization and a
    region (`Pune (India) APAC`), cut in two."""
    result: list[str] = []
    for part in (p.strip() for p in parts):
        if part.endswith(")") and "(" in part and normalize_regional_group(bare := part[:part.rindex("(")].strip()):
            part = bare  # `Africa (Nigeria)`
        if normalize_stakeholder_group(part):
            result.append(part)
            continue
        words = part.split()
        cut = next((k for k in range(len(words) - 1, 0, -1)
                    if normalize_stakeholder_group(" ".join(words[:k]))), None)
        if cut is None and len(words) > 1 and (normalize_regional_group(words[-1], strict=True)
                                               or is_ambiguous_region(words[-1])):
            cut = len(words) - 1
        result += [" ".join(words[:cut]), " ".join(words[cut:])] if cut else [part]
    return [p for p in result if p and not _PAREN_ONLY.match(p)]  # `(India)`: a country in passing


def _affiliation_beside_groups(rest: list[str], group: str | None, problems: list[str]) -> str | None:
    """The organization among the parts left beside a stakeholder group and
    region. Job titles are no organization; a lone word standing where the
    stakeholder group belongs (`Name, Female, African Group`) is reported."""
    # `Doctoral candidate in the Department of X at Deccan University`: the organization follows `at`.
    kept = [p.rsplit(" at ", 1)[1] if " at " in p and looks_like_organization(p.rsplit(" at ", 1)[1]) else p
            for p in rest if p]
    kept = [p for p in kept if not is_job_title(p)]
    if not kept:
        return None
    for index, part in enumerate(kept):
        if looks_like_organization(part):
            return _org(", ".join(kept[index:]), problems)
    if group is None and len(kept) == 1 and len(rest) == 1:
        problems.append(f"'{kept[0]}' stands in the stakeholder-group slot but is not a stakeholder group: "
                        "stakeholder group left empty")
        return None
    return _org(", ".join(kept), problems)


def _split_nickname(value: str) -> tuple[str, str | None, str | None]:
    """(value without the nickname, nickname, the name as written) for
    `Katherine "Kate" Mbeki, ...`; the value unchanged when there is none."""
    match = _NICKNAME.match(value)
    if not match:
        return value, None, None
    nickname = match["quoted"] or match["curly"] or match["paren"]
    name = f"{match['first']} {match['last']}"
    if not looks_like_person_name(name):
        return value, None, None
    written = value[match.start("first"):match.end("last")]
    return (match["salutation"] or "") + name + value[match.end():], nickname, written


def read_person(text: str, *, labelled_role: str | None = None) -> PersonMention | UnnamedMention | None:
    """Read a person (or an unnamed role holder) from the value of a line.

    `labelled_role` is the role a label or heading gave (`Organizer 1:`);
    a line that still carries its label is not read here.
    """
    value = text.replace("\u00a0", " ").strip()
    value = re.sub(r"^(?:[-•*·–]\s+|[✓✔]\s?)", "", value).strip()
    value = _REMOTE_MARK.sub("", value)  # `Mei Tanaka-Ruiz * - Org`: `*` marks a remote speaker
    if not value or _LABEL_PREFIX.match(value):
        return None
    value, nickname, written = _split_nickname(value)
    mention = _read_person_value(text, value, labelled_role)
    if isinstance(mention, PersonMention) and nickname:
        mention.nickname, mention.written = nickname, written
        mention.name_offset = max(text.find(written), 0)
    return mention


def _read_person_value(text: str, value: str, labelled_role: str | None) -> PersonMention | UnnamedMention | None:
    lead = len(text) - len(text.lstrip())
    problems: list[str] = []
    if match := _DELEGATE.match(value):
        return UnnamedMention(value, organization=_org(match["org"]), shape="delegate")
    if _SALUTATION_CSV.match(value):
        return _read_salutation_csv(value)
    if match := _DASH_PAREN.match(value):
        name = clean_name(match["name"])
        if looks_like_person_name(name):
            group, region, _, problems = _group_and_region([p.strip() for p in match["rest"].split(",")])
            return PersonMention(name, _org(match["org"], problems), group, region, "name-paren-org-colon-groups",
                                 _find_name(text, name), problems=problems)
    if match := _NAME_DASH_ORG.match(value):
        name = clean_name(match["name"])
        region = normalize_regional_group(match["region"])
        if looks_like_person_name(name) and region:
            # The organization may end with the stakeholder group (`..., Civil Society Asia-Pacific (APAC)`).
            group, _, rest, problems = _group_and_region(_split_group_words(match["org"].split(",")))
            return PersonMention(name, _affiliation_beside_groups(rest, group, problems) if group else
                                 _org(match["org"]), group, region, "name-dash-org-region", _find_name(text, name),
                                 problems=problems)
    if (match := _NAME_DASH_DETAILS.match(value)) and looks_like_person_name(name := clean_name(match["name"])):
        # `Amina Dukuly - APT Africa, Intergovernmental Organization Africa` (2023 Day 0 pages):
        # the group and region may share a comma part, separated by a space only.
        group, region, rest, problems = _group_and_region(_split_group_words(match["details"].split(",")))
        if group or region:
            return PersonMention(name, _affiliation_beside_groups(rest, group, problems), group, region,
                                 "name-dash-details", _find_name(text, name), problems=problems)
        # `Tadesse Gebreyes - Minister of Innovation, Republic of Azania` (2022 main sessions).
        details = match["details"].strip()
        titled = is_job_title(details)
        if titled or looks_like_organization(details.split(",")[0]):
            org = split_affiliation(details) if titled else details.split(",")[0].strip()
            return PersonMention(name, _org(org) if org else None, None, None,
                                 "name-dash-title-organization" if titled else "name-dash-organization",
                                 _find_name(text, name))
    if "," not in value:
        if match := _NAME_PAREN.match(value):
            name = clean_name(match["name"])
            if looks_like_person_name(name):
                org_text = match["org"]
                region = normalize_regional_group(org_text, strict=True)
                return PersonMention(name, None if region else _org(org_text), None, region,
                                     "name-paren-org", _find_name(text, name))
        name = clean_name(value)
        if looks_like_person_name(name, allow_single=labelled_role is not None):
            return PersonMention(name, None, None, None, "bare-name", _find_name(text, name) if name else lead)
        if labelled_role and looks_like_organization(name) and len(name.split()) <= 8 and not _SENTENCE_END.search(value):
            return UnnamedMention(value, organization=_org(name), shape="organization-in-person-slot")
        return None
    head, _, tail = value.partition(",")
    parts = [p.strip() for p in tail.replace(LOCK, ",").split(",")]
    if normalize_stakeholder_group(head):
        group, region, rest, problems = _group_and_region([head] + parts)
        return UnnamedMention(value, organization=_org(", ".join(p for p in rest if p)) or None,
                              stakeholder_group=group, regional_group=region, shape="groups-only",
                              problems=problems)
    name = clean_name(head)
    if parts and _NAME_SUFFIX.match(parts[0]) and looks_like_person_name(name):
        # `Robert Ellison, Jr., ...`: the suffix belongs to the name.
        name, parts, tail = f"{name}, {parts[0]}", parts[1:], tail.partition(",")[2]
    elif _surname_first_with_comma(head, parts):
        # `DIALLO, Aminata, Technical Community, African Group`
        name, parts, tail = f"{head.strip()}, {parts[0]}", parts[1:], tail.partition(",")[2]
    if not looks_like_person_name(_SUFFIX_OR_COMMA.sub(" ", name), allow_single=labelled_role is not None):
        group, region, rest, problems = _group_and_region([p for p in parts if p])
        if looks_like_organization(head) and (group or region or labelled_role):
            return UnnamedMention(value, organization=_org(head), stakeholder_group=group, regional_group=region,
                                  shape="organization-in-person-slot", problems=problems)
        return None
    offset = _find_name(text, name)
    group, region, rest, problems = _group_and_region([p for p in parts if p])
    if group or region or problems:
        affiliation = _affiliation_beside_groups(rest, group, problems)
        return PersonMention(name, affiliation, group, region, "name-groups", offset, problems=problems)
    org_text = tail.replace(LOCK, " ").strip()  # as written: `Cyberspace,Zhejing University` keeps its comma
    if labelled_role == "organizer" or (len(rest) <= 1 and not is_job_title(org_text)):
        # `Organizer 1: Name, Organization` – the organization may hold commas.
        return PersonMention(name, _org(org_text, problems), None, None, "name-organization", offset,
                             problems=problems)
    return PersonMention(name, _org(split_affiliation(org_text) or "", problems), None, None,
                         "name-title-organization", offset, problems=problems)


_SUFFIX_OR_COMMA = re.compile(r",\s*(?:(?:jr|sr|ii|iii|iv)\.?)?", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?]\s+\S")
_ALL_CAPS_SURNAME = re.compile(r"^[A-ZÀ-Ý][A-ZÀ-Ý'’-]{1,30}$")
_ONE_WORD = re.compile(r"^[A-ZÀ-Ý][\w'’-]{1,30}$")
_GIVEN_NAMES = re.compile(r"^[A-ZÀ-Ý][a-zà-ÿ'’-]{1,30}(?:[\s-][A-ZÀ-Ý][a-zà-ÿ'’-]{1,30})?$")


def _surname_first_with_comma(head: str, parts: list[str]) -> bool:
    """`DIALLO, Aminata, <group>, <region>`: a family name in capitals, a
    comma, the given name, and then a group or region (so the comma cannot
    be the one between a name and an organization); or `Brandt, Helena`
    alone: one word, a comma, a given name."""
    if len(parts) == 1 and _ONE_WORD.match(head.strip()) and _GIVEN_NAMES.match(parts[0].strip()):
        return True  # `Brandt, Helena` alone on its line (2016 schedule pages): no one is called `Brandt`
    if len(parts) < 2 or not _ALL_CAPS_SURNAME.match(head.strip()) or not _GIVEN_NAMES.match(parts[0]):
        return False
    if not looks_like_person_name(f"{parts[0]} {head.strip()}"):
        return False
    group, region, _, _ = _group_and_region([p for p in parts[1:] if p])
    return bool(group or region)


def _find_name(text: str, name: str) -> int:
    """Offset of the name (or of its first word) in the line it was read from."""
    offset = text.find(name)
    if offset < 0 and name.split():
        offset = text.find(name.split()[0])
    return max(offset, 0)


_LABEL_PREFIX = re.compile(
    r"^(?:organi[sz]er|co-organi[sz]er|speaker|panelist|panellist|moderator|on-?site moderator|"
    r"online moderator|rapporteur)s?\s*\d*\s*:", re.IGNORECASE,
)
# A period that ends an abbreviation stays with the organization (`Cape Data, Inc.`).
_ABBREVIATION_END = re.compile(r"\b(?:inc|ltd|co|corp|llc|plc|s\.a|s\.l|gmbh|e\.v|jr|sr|bhd|pty|pvt)\.$", re.IGNORECASE)


def _org(text: str | None, problems: list[str] | None = None) -> str | None:
    """Organization text cleaned: lock glyph, `??` and blanks mean unknown
    (`??` is reported in `problems`, a hidden organization behind the lock is not)."""
    if text is None:
        return None
    if problems is not None and _ONLY_QUESTION_MARKS.match(text.replace(LOCK, " ")):
        problems.append(f"organization given as '{text.strip()}': left empty")
        return None
    spaced = re.sub(r"\s+", " ", text.replace(LOCK, " ")).strip()
    cleaned = spaced.strip(" ,.;:-")
    if _ABBREVIATION_END.search(spaced.rstrip(" ,;:-")):
        cleaned += "."
    if not cleaned or not re.search(r"\w", cleaned):
        return None
    return cleaned


def _read_salutation_csv(value: str) -> PersonMention | None:
    """`Ms.,Given,FAMILY,Civil Society,Organization,[Region]` (2017 pages);
    the organization may hold commas (`Ministry of Economy, Trade and Industry`)."""
    parts = [p.strip() for p in value.split(",")]
    if len(parts) < 3:
        return None
    name = clean_name(f"{parts[1]} {parts[2]}")
    if not looks_like_person_name(name):
        return None
    group, region, rest, problems = _group_and_region(parts[3:])
    org = _org(", ".join(p for p in rest if p), problems) if rest else None
    written = value[value.find(parts[1]):value.find(parts[2], value.find(parts[1]) + len(parts[1])) + len(parts[2])]
    return PersonMention(name, org, group, region, "salutation-csv", value.find(parts[1]), problems=problems,
                         written=written)


# --- several people on one line ---------------------------------------------------

_EMAIL_PLACEHOLDER = re.compile(r"\[\s*email[\s\u00a0]*protected\s*\]", re.IGNORECASE)
_DASH_SEPARATOR = re.compile(r"(?<!\s)\s+[-–—]\s+")  # (?<!\s): linear on long runs of spaces
# `... Ms. Ana Lima`, or a 2017 record run on: `...,APC Mr.,Gus,Rossi,Civil Society,...`.
_SALUTATION_INSIDE = re.compile(r"(?<=\S)\s+(?=(?:Mr|Mrs|Ms|Dr|Prof)\.?(?:\s+|\s*,\s*)[A-ZÀ-Ý])")
# Group and region spellings as a page may write them (`Asia-Pacific Group`, `civil society`, `APAC`).
_GLUE_LABELS = [
    r"[^A-Za-z0-9]{1,3}".join(map(re.escape, key.split()))
    for key in sorted({*REGION_BY_KEY, *STAKEHOLDER_BY_KEY, *AMBIGUOUS_REGION_KEYS}, key=len, reverse=True)
]
# `..., civil society, AfricaYaw Darko, ...`: a group or region glued to the next
# person's name (a list flattened without separators). Only right after a comma,
# so a camel-case name (`McDonald`) is never split.
_GLUED_AFTER_LABEL = re.compile(
    r",\s*+(?i:" + "|".join(_GLUE_LABELS) + r")(?=[A-ZÀ-Ý][a-zà-ÿ])"  # `\s*+`: spaces are never re-scanned
)
_GLUED_AFTER_PAREN = re.compile(r"\)(?=[A-ZÀ-Ý][a-zà-ÿ])")


def split_people_run(text: str) -> list[tuple[str, int]]:
    """Split a line that holds several people run together: separated by
    `[email protected]` placeholders, by ` - `, by a salutation starting the
    next person, or glued with no separator after a group, region or `)`.
    Returns (piece, offset) pairs, or [] when the line is not such a run.

    >>> [p for p, _ in split_people_run("Ana Lima, civil society, LACRui Costa, private sector, LAC")]
    ['Ana Lima, civil society, LAC', 'Rui Costa, private sector, LAC']
    """
    if _EMAIL_PLACEHOLDER.search(text):
        return _pieces(text, [(m.start(), m.end()) for m in _EMAIL_PLACEHOLDER.finditer(text)])
    if _NAME_DASH_ORG.match(text.strip()):
        return []  # `Wan Sie Lee - Singapore Government (Asia-Pacific)`: one person
    for cuts in (
        [(m.start(), m.end()) for m in _DASH_SEPARATOR.finditer(text)],
        [(m.start(), m.end()) for m in _SALUTATION_INSIDE.finditer(text)],
        [(m.end(), m.end()) for m in _GLUED_AFTER_LABEL.finditer(text)]
        + [(m.end(), m.end()) for m in _GLUED_AFTER_PAREN.finditer(text)],
    ):
        if not cuts:
            continue
        pieces = _pieces(text, sorted(cuts))
        if len(pieces) >= 2 and all(_reads_as_someone(piece) for piece, _ in pieces):
            return pieces
    return []


def _pieces(text: str, cuts: list[tuple[int, int]]) -> list[tuple[str, int]]:
    pieces, begin = [], 0
    for start, end in [*cuts, (len(text), len(text))]:
        piece = text[begin:start]
        stripped = piece.strip(" ,;")
        if stripped:
            pieces.append((stripped, begin + piece.find(stripped)))
        begin = end
    return pieces


def _reads_as_someone(piece: str) -> bool:
    return isinstance(read_person(piece, labelled_role="speaker"), PersonMention)


# `Dr. Lucía Benítez is a researcher at ...`: a biography that opens with its person.
_BIOGRAPHY = re.compile(
    r"^(?:(?:mr|mrs|ms|dr|prof|professor|h\.?\s?e)\.?\s+)?"
    r"(?P<name>[A-ZÀ-Ý][\w'’.-]{0,40}(?:\s+[\w'’.-]{1,40}){1,4}?)\s+"
    r"(?:is|was|has|serves|served|works|worked|leads|led|heads|directs|chairs|joined|holds|currently)\b",
    re.IGNORECASE,
)


def read_biography(text: str) -> PersonMention | None:
    """The person a biography line opens with (`Dr. Lucía Benítez is a
    researcher at ...`), or None. Nothing else is read from the prose."""
    match = _BIOGRAPHY.match(text.strip())
    if not match:
        return None
    name = clean_name(match["name"])
    if not looks_like_person_name(name) or not all(t[0].isupper() or t.lower() in _NAME_PARTICLES for t in name.split()):
        return None
    return PersonMention(name, shape="biography", name_offset=_find_name(text, name))
