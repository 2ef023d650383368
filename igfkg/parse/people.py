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
from dataclasses import dataclass

from igfkg.parse.labels import normalize_regional_group, normalize_stakeholder_group

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
intelligence ai technology technologies cyber cyberspace community sector private civil
technical intergovernmental regional african asia pacific european western latin american
caribbean others weog grulac monday tuesday wednesday thursday friday saturday sunday january
february march september october november december room
ballroom salle plenary workshop forum networking lightning talk town event
practice dynamic coalition parliamentary track launch award with without by from
platform project program programme services service media news press team
and or the of for on in to at &
""".split())

_NAME_PARTICLES = frozenset(
    "de da das do dos di du del della der den van von la le el al bin binti ibn y e ter".split()
)
_SALUTATION = re.compile(r"^(?:mr|mrs|ms|miss|dr|prof|professor|h\.?e|sir|amb)\.?\s+", re.IGNORECASE)
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
    content = 0
    for token in tokens:
        bare = token.strip(".,")
        if not _NAME_TOKEN.match(bare):
            return False
        lower = bare.lower().strip(".")
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


@dataclass
class UnnamedMention:
    """A role holder with no person's name (a delegation, an anonymous organizer)."""

    text: str
    organization: str | None = None
    stakeholder_group: str | None = None
    regional_group: str | None = None
    shape: str = ""


_DELEGATE = re.compile(r"^(?:a\s+)?(?:delegate|representative)s?\s+(?:from|of)\s+(?P<org>.+)$", re.IGNORECASE)
_DASH_PAREN = re.compile(r"^(?P<name>[^():]{2,80}?)\s*\((?P<org>[^()]{0,200})\)\s*:\s*(?P<rest>.*)$")
_NAME_DASH_ORG = re.compile(r"^(?P<name>[^–\-()]{2,80}?)\s+[-–]\s+(?P<org>[^()]{2,200}?)\s*\((?P<region>[^()]{2,60})\)\W*$")
_NAME_PAREN = re.compile(r"^(?P<name>[^():,]{2,80}?)\s*\((?P<org>[^()]{1,200})\)\W*$")
_SALUTATION_CSV = re.compile(r"^(?:mr|mrs|ms|miss|dr|prof)\.?\s*,", re.IGNORECASE)
_JOB_TITLE_START = re.compile(
    r"^(?:senior\s+|deputy\s+|vice\s+|chief\s+|executive\s+|associate\s+|assistant\s+|co-?)?"
    r"(?:director|president|professor|head|chair|chairman|chairwoman|chairperson|founder|manager|"
    r"member|dean|secretary|ceo|cto|coo|minister|ambassador|advisor|adviser|officer|lead|"
    r"researcher|lecturer|coordinator|fellow|partner|analyst|consultant|expert|engineer|student|"
    r"counsel|representative|specialist|editor|journalist|programme|program|project|policy|"
    r"general|legal|research|senior|principal|commissioner|governor|mayor|judge|board)\b",
    re.IGNORECASE,
)


def split_affiliation(text: str) -> str | None:
    """Organization from the text after a name: `Chair of X, University of
    Edinburgh` -> `University of Edinburgh`; `Senior Director of Baidu` ->
    `Baidu`; several affiliations separated by `;` -> the first."""
    first = text.split(";")[0].strip(" ,.")
    parts = [p.strip() for p in first.split(",") if p.strip()]
    if not parts:
        return None
    last = parts[-1]
    if _JOB_TITLE_START.match(last):
        if " of " in last:
            return last.rsplit(" of ", 1)[1].strip() or None
        return None
    return last


def _group_and_region(parts: list[str]) -> tuple[str | None, str | None, list[str]]:
    """Pull a stakeholder group and a region out of comma parts; return the rest."""
    group = region = None
    rest = []
    for part in parts:
        if group is None and (g := normalize_stakeholder_group(part)):
            group = g
        elif region is None and group is not None and (r := normalize_regional_group(part)):
            region = r
        elif region is None and (r := normalize_regional_group(part, strict=part is not parts[-1])):
            region = r
        else:
            rest.append(part)
    return group, region, rest


def read_person(text: str, *, labelled_role: str | None = None) -> PersonMention | UnnamedMention | None:
    """Read a person (or an unnamed role holder) from the value of a line.

    `labelled_role` is the role a label on the line gave (`Organizer 1:`);
    a line that still carries its label is not read here.
    """
    value = text.replace("\u00a0", " ").strip()
    value = re.sub(r"^[-•*·–]\s+", "", value).strip()
    lead = len(text) - len(text.lstrip())
    if not value or _LABEL_PREFIX.match(value):
        return None
    if match := _DELEGATE.match(value):
        return UnnamedMention(value, organization=_org(match["org"]), shape="delegate")
    if _SALUTATION_CSV.match(value):
        return _read_salutation_csv(value)
    if match := _DASH_PAREN.match(value):
        name = clean_name(match["name"])
        if looks_like_person_name(name):
            group, region, _ = _group_and_region([p.strip() for p in match["rest"].split(",")])
            return PersonMention(name, _org(match["org"]), group, region, "name-paren-org-colon-groups",
                                 text.find(name.split()[0]))
    if match := _NAME_DASH_ORG.match(value):
        name = clean_name(match["name"])
        region = normalize_regional_group(match["region"])
        if looks_like_person_name(name) and region:
            return PersonMention(name, _org(match["org"]), None, region, "name-dash-org-region",
                                 text.find(name.split()[0]))
    if "," not in value:
        if match := _NAME_PAREN.match(value):
            name = clean_name(match["name"])
            if looks_like_person_name(name):
                org_text = match["org"]
                region = normalize_regional_group(org_text, strict=True)
                return PersonMention(name, None if region else _org(org_text), None, region,
                                     "name-paren-org", text.find(name.split()[0]))
        name = clean_name(value)
        if looks_like_person_name(name, allow_single=labelled_role is not None):
            return PersonMention(name, None, None, None, "bare-name", text.find(name.split()[0]) if name else lead)
        return None
    head, _, tail = value.partition(",")
    parts = [p.strip() for p in tail.replace(LOCK, ",").split(",")]
    if normalize_stakeholder_group(head):
        group, region, rest = _group_and_region([head] + parts)
        return UnnamedMention(value, organization=", ".join(rest) or None, stakeholder_group=group,
                              regional_group=region, shape="groups-only")
    name = clean_name(head)
    if not looks_like_person_name(name, allow_single=labelled_role is not None):
        return None
    offset = text.find(name.split()[0])
    group, region, rest = _group_and_region([p for p in parts if p])
    if group or region:
        return PersonMention(name, _org(", ".join(rest)) if rest else None, group, region,
                             "name-groups", offset)
    org_text = tail.replace(LOCK, " ").strip()
    if labelled_role == "organizer" or (len(rest) <= 1 and not _JOB_TITLE_START.match(org_text)):
        # `Organizer 1: Name, Organization` – the organization may hold commas.
        return PersonMention(name, _org(org_text), None, None, "name-organization", offset)
    return PersonMention(name, _org(split_affiliation(org_text) or ""), None, None, "name-title-organization", offset)


_LABEL_PREFIX = re.compile(
    r"^(?:organi[sz]er|co-organi[sz]er|speaker|panelist|panellist|moderator|on-?site moderator|"
    r"online moderator|rapporteur)s?\s*\d*\s*:", re.IGNORECASE,
)


def _org(text: str | None) -> str | None:
    """Organization text cleaned: lock glyph, `??` and blanks mean unknown."""
    if text is None:
        return None
    cleaned = re.sub(r"\s+", " ", text.replace(LOCK, " ")).strip(" ,.;:-")
    if not cleaned or not re.search(r"\w", cleaned):
        return None
    return cleaned


def _read_salutation_csv(value: str) -> PersonMention | None:
    """`Ms.,Given,FAMILY,Civil Society,Organization,...` (2017 pages)."""
    parts = [p.strip() for p in value.split(",")]
    if len(parts) < 3:
        return None
    name = clean_name(f"{parts[1]} {parts[2]}")
    if not looks_like_person_name(name):
        return None
    group, region, rest = _group_and_region(parts[3:])
    org = _org(rest[0]) if rest else None
    return PersonMention(name, org, group, region, "salutation-csv", value.find(parts[1]))
