"""Records passed between the stages: what the parser read from one page.

These dataclasses are the JSON record of DESIGN.md; `SessionRecord.to_json()`
gives exactly that record and `SessionRecord.from_json()` reads it back.
Nothing here knows about RDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any


class Role(str, Enum):
    """A role a person (or an organization's delegate) plays in a session."""

    ORGANIZER = "organizer"
    SPEAKER = "speaker"
    ONSITE_MODERATOR = "onsite_moderator"
    ONLINE_MODERATOR = "online_moderator"
    RAPPORTEUR = "rapporteur"


class StakeholderGroup(str, Enum):
    """The five IGF stakeholder groups, with their canonical labels."""

    GOVERNMENT = "Government"
    CIVIL_SOCIETY = "Civil Society"
    PRIVATE_SECTOR = "Private Sector"
    TECHNICAL_COMMUNITY = "Technical Community"
    INTERGOVERNMENTAL_ORGANIZATION = "Intergovernmental Organization"


class RegionalGroup(str, Enum):
    """The UN regional groups as the IGF uses them, with canonical labels."""

    AFRICAN = "African Group"
    ASIA_PACIFIC = "Asia-Pacific Group"
    EASTERN_EUROPEAN = "Eastern European Group"
    GRULAC = "Latin American and Caribbean Group (GRULAC)"
    WEOG = "Western European and Others Group (WEOG)"
    INTERGOVERNMENTAL_ORGANIZATION = "Intergovernmental Organization"


SESSION_TYPES = (
    "workshop", "open_forum", "town_hall", "networking_session", "lightning_talk",
    "launch_award", "day_0", "dc_session", "main_session", "high_level",
    "parliamentary", "nri_session", "bpf_session", "other",
)

# The order in which an IGF page lists its people; role inference walks it.
ROLE_ORDER = (
    Role.ORGANIZER, Role.SPEAKER, Role.ONSITE_MODERATOR, Role.ONLINE_MODERATOR, Role.RAPPORTEUR,
)

Span = tuple[int, int]


@dataclass
class Participant:
    """One distinct person in one session, with all their roles there."""

    name: str
    roles: list[str] = field(default_factory=list)
    stakeholder_group: str | None = None
    regional_group: str | None = None
    affiliation: str | None = None
    spans: list[Span] = field(default_factory=list)
    inferred_roles: dict[str, str] = field(default_factory=dict)
    # Other spellings of this person seen on the same page (typos, name order).
    name_variants: list[str] = field(default_factory=list)


@dataclass
class UnnamedParticipant:
    """A role filled without a person's name: `Delegate from <org>`, or an
    organizer line that gives only a stakeholder group and region."""

    text: str
    roles: list[str] = field(default_factory=list)
    organization: str | None = None
    stakeholder_group: str | None = None
    regional_group: str | None = None
    spans: list[Span] = field(default_factory=list)
    inferred_roles: dict[str, str] = field(default_factory=dict)


@dataclass
class ParseWarning:
    """A line that looks like it carries a fact the parser could not read."""

    line: int
    text: str
    reason: str


@dataclass
class SessionRecord:
    """Everything read from one IGF session page (the DESIGN.md JSON record)."""

    source: str
    sha256: str
    title: str | None = None
    year: int | None = None
    session_type: str | None = None
    number: int | None = None
    start: str | None = None
    end: str | None = None
    local_start: str | None = None
    local_end: str | None = None
    room: str | None = None
    format: str | None = None
    duration_min: int | None = None
    themes: list[str] = field(default_factory=list)
    policy_questions: list[str] = field(default_factory=list)
    sdg_goals: list[int] = field(default_factory=list)
    sdg_targets: list[str] = field(default_factory=list)
    key_takeaways: list[str] = field(default_factory=list)
    calls_to_action: list[str] = field(default_factory=list)
    organizing_organizations: list[str] = field(default_factory=list)
    # Acronyms the page defines, e.g. {"NYU": "New York University"}.
    organization_acronyms: dict[str, str] = field(default_factory=dict)
    participants: list[Participant] = field(default_factory=list)
    unnamed_participants: list[UnnamedParticipant] = field(default_factory=list)
    description: str | None = None
    expected_outcomes: str | None = None
    warnings: list[ParseWarning] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The record as plain JSON-ready data (spans as lists)."""
        return _plain(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "SessionRecord":
        """Read a record written by `to_json` (or by the synthetic generator)."""
        data = dict(data)
        data["participants"] = [
            Participant(**{**p, "spans": [tuple(s) for s in p.get("spans", [])]})
            for p in data.get("participants", [])
        ]
        data["unnamed_participants"] = [
            UnnamedParticipant(**{**p, "spans": [tuple(s) for s in p.get("spans", [])]})
            for p in data.get("unnamed_participants", [])
        ]
        data["warnings"] = [ParseWarning(**w) for w in data.get("warnings", [])]
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


def _plain(value: Any) -> Any:
    """Dataclasses as dicts, tuples as lists, all the way down. (`asdict`
    deep-copies every leaf: it was a fifth of the time of caching a record.)"""
    if hasattr(value, "__dataclass_fields__"):
        return {name: _plain(getattr(value, name)) for name in value.__dataclass_fields__}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


class NotASessionPage(ValueError):
    """The text is not an IGF session page (empty, or no session facts at all).

    This is the parser's one documented error: any other exception from
    `parse_session` is a bug.
    """

    def __init__(self, source: str, reason: str, line: int | None = None):
        self.source = source
        self.reason = reason
        self.line = line
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {reason}")
