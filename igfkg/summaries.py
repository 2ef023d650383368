"""Counts over the whole corpus, computed at build time and kept in the
graph `id/graph/summaries`, so that the named queries which rank or count
(session diversity, top people, speakers per group and year, ...) read a
few triples per session or person instead of aggregating every
participation of the corpus at query time. At 100,000 sessions (about a
million participations) such an aggregation takes 5-20 s in Oxigraph; a
lookup of the stored count takes well under one.

What is counted is what the graph states: a session is the session IRI
(one session read from two pages is one session), a person is a resolved
person, a speaker's stakeholder and regional groups are those stated on any
page's speaker line for that session (the groups of the one participation
node). Tests check every count against the aggregation in SPARQL over the
document graphs.

The per-year counts are W3C Data Cube observations (`qb:Observation` in a
`qb:DataSet`, structures in `ontology/igf.ttl`), the standard shape for
statistics in RDF; the per-session, per-person and per-organization counts
are properties of those nodes.

    >>> summary = summarize(records, resolution, IriMinter())   # doctest: +SKIP
    >>> quads = list(map_summaries(summary, IriMinter()))        # doctest: +SKIP
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Quad

from igfkg.mapping import IriMinter
from igfkg.model import SessionRecord
from igfkg.resolve import Resolution
from igfkg.vocab import (
    IGF, QB, RDF, region_iri, role_iri, session_type_iri, slugify, stakeholder_iri, theme_iri,
)

SPEAKER = "speaker"
ONLINE_MODERATOR = "online_moderator"
MODERATOR_ROLES = ("onsite_moderator", ONLINE_MODERATOR)
# The Data Cube data sets, each with an igf:<Name>Structure in the ontology.
DATASETS = ("speakers-by-stakeholder-group", "speakers-by-regional-group", "sessions-by-type",
            "sessions-by-theme", "inferred-roles-by-rule")


@dataclass
class SessionCounts:
    """Speakers of one session: each person's stated groups and regions."""

    speakers: dict[str, tuple[set[str], set[str]]] = field(default_factory=dict)
    participations: dict[str, str] = field(default_factory=dict)  # person key -> speaker participation IRI

    def add(self, person_key: str, participation: str, group: str | None, region: str | None) -> None:
        self.participations[person_key] = participation
        groups, regions = self.speakers.setdefault(person_key, (set(), set()))
        if group:
            groups.add(stakeholder_iri(group))
        if region:
            regions.add(region_iri(region))


@dataclass
class CorpusSummary:
    """Everything `map_summaries` writes, as plain values (cheap to compare)."""

    sessions: dict[str, SessionCounts] = field(default_factory=dict)  # session IRI -> speakers
    person_sessions: dict[str, set[str]] = field(default_factory=dict)  # person key -> session IRIs
    person_roles: dict[str, set[str]] = field(default_factory=dict)  # person key -> roles held anywhere
    organization_people: dict[str, set[str]] = field(default_factory=dict)  # org key -> person keys
    organization_sessions: dict[str, set[str]] = field(default_factory=dict)  # org key -> session IRIs
    session_years: dict[str, tuple[int | None, str | None]] = field(default_factory=dict)  # -> (year, type)
    theme_sessions: dict[tuple[str, int | None], set[str]] = field(default_factory=dict)  # (theme, year) -> sessions
    # session IRI -> (person key, participation IRI) of each moderator role held by a person.
    moderations: dict[str, set[tuple[str, str]]] = field(default_factory=dict)
    # session IRI -> its online-moderator participations (a person's or a delegation's).
    online_moderators: dict[str, set[str]] = field(default_factory=dict)
    persons: list[str] = field(default_factory=list)  # every person's key
    spellings: dict[str, int] = field(default_factory=dict)  # person key -> distinct labels, when 2 or more
    merge_rules: dict[str, set[str]] = field(default_factory=dict)  # person key -> rules of its merge decisions
    lowercase_labels: dict[str, set[str]] = field(default_factory=dict)  # person key -> its labels in lower case
    organizations: list[str] = field(default_factory=list)  # every organization's key
    # (rule, role) -> participation IRIs, and the documents where the rule fired.
    inferred: dict[tuple[str, str], tuple[set[str], set[str]]] = field(default_factory=dict)
    session_rules: dict[str, set[str]] = field(default_factory=dict)  # session IRI -> rules that fired


def summary_features(record: SessionRecord, minter: IriMinter) -> tuple:
    """What `summarize` reads of a record besides its people's entity keys
    (which the resolution decides): equal features, equal contributions.
    Cheap, so a rebuild can tell whether the summaries changed without
    summarizing (a prose edit leaves them as they were)."""
    people = tuple((index, tuple(p.roles), p.stakeholder_group, p.regional_group, p.affiliation,
                    tuple(sorted(p.inferred_roles.items()))) for index, p in enumerate(record.participants))
    unnamed = tuple((u.text, tuple(u.roles), tuple(sorted(u.inferred_roles.items())))
                    for u in record.unnamed_participants)
    return minter.session_key(record), record.year, record.session_type, tuple(record.themes), people, unnamed


def summarize(records: Sequence[SessionRecord], resolution: Resolution, minter: IriMinter) -> CorpusSummary:
    """The corpus counts of these records, their people resolved by `resolution`."""
    summary = CorpusSummary(persons=list(resolution.persons), organizations=list(resolution.organizations))
    for key, person in resolution.persons.items():
        labels = 1 + len({label for label in person.labels if label != person.pref_label})
        if labels > 1:
            summary.spellings[key] = labels
        summary.lowercase_labels[key] = {label.lower() for label in (person.pref_label, *person.labels)}
        rules = {d.rule for d in person.decisions}
        if rules:
            summary.merge_rules[key] = rules
    for record in records:
        session = minter.session(record).value
        summary.session_years[session] = (record.year, record.session_type)
        for theme in record.themes:
            summary.theme_sessions.setdefault((str(theme_iri(theme)), record.year), set()).add(session)
        for index, person in enumerate(record.participants):
            if not person.roles:
                continue
            key = resolution.person_key(record, index)
            summary.person_sessions.setdefault(key, set()).add(session)
            summary.person_roles.setdefault(key, set()).update(person.roles)
            if SPEAKER in person.roles:
                summary.sessions.setdefault(session, SessionCounts()).add(
                    key, minter.participation(record, key, SPEAKER).value, person.stakeholder_group,
                    person.regional_group)
            for role in MODERATOR_ROLES:
                if role in person.roles:
                    summary.moderations.setdefault(session, set()).add(
                        (key, minter.participation(record, key, role).value))
            if person.affiliation:
                org = resolution.organization_key(record, person.affiliation)
                summary.organization_people.setdefault(org, set()).add(key)
                summary.organization_sessions.setdefault(org, set()).add(session)
            _count_inferred(summary, record, session, minter, key, person.inferred_roles)
            _count_online_moderator(summary, record, session, minter, key, person.roles)
        for unnamed in record.unnamed_participants:
            holder = minter.unnamed_holder_key(unnamed.text)
            _count_inferred(summary, record, session, minter, holder, unnamed.inferred_roles)
            _count_online_moderator(summary, record, session, minter, holder, unnamed.roles)
    return summary


def _count_online_moderator(summary: CorpusSummary, record: SessionRecord, session: str, minter: IriMinter,
                            holder_key: str, roles: list[str]) -> None:
    if ONLINE_MODERATOR in roles:
        summary.online_moderators.setdefault(session, set()).add(
            minter.participation(record, holder_key, ONLINE_MODERATOR).value)


def _count_inferred(summary: CorpusSummary, record: SessionRecord, session: str, minter: IriMinter,
                    holder_key: str, inferred_roles: dict[str, str]) -> None:
    for role, rule in inferred_roles.items():
        participations, documents = summary.inferred.setdefault((rule, role), (set(), set()))
        participations.add(minter.participation(record, holder_key, role).value)
        documents.add(minter.document(record).value)
        summary.session_rules.setdefault(session, set()).add(rule)


def _n(iri: str) -> NamedNode:
    return NamedNode(str(iri))


def _count(value: int) -> Literal:
    return Literal(str(value), datatype=_INTEGER)


_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def map_summaries(summary: CorpusSummary, minter: IriMinter) -> Iterator[Quad]:
    """The quads of the summaries graph."""
    graph = minter.summaries_graph()

    def q(s, p, o) -> Quad:
        return Quad(_n(s), _n(p), o, graph)

    diversity: dict[str, tuple[int, int, str]] = {}  # session -> (groups, regions, IRI), for the rank
    for session, counts in summary.sessions.items():
        speakers = counts.speakers.values()
        groups = set().union(*(g for g, _ in speakers))
        regions = set().union(*(r for _, r in speakers))
        diversity[session] = (len(groups), len(regions), session)
        yield q(session, IGF.speakerCount, _count(len(counts.speakers)))
        yield q(session, IGF.speakerStakeholderGroupCount, _count(len(groups)))
        yield q(session, IGF.speakerRegionalGroupCount, _count(len(regions)))
        yield q(session, IGF.speakersWithoutStakeholderGroup, _count(sum(1 for g, _ in speakers if not g)))
        yield q(session, IGF.speakersWithoutRegionalGroup, _count(sum(1 for _, r in speakers if not r)))
        for group in groups:
            yield q(session, IGF.speakerStakeholderGroup, _n(group))
        for person, (person_groups, _) in counts.speakers.items():
            if not person_groups:
                yield q(session, IGF.speakerWithoutStakeholderGroup, _n(counts.participations[person]))
        for region in regions:
            yield q(session, IGF.speakerRegionalGroup, _n(region))
    # The least diverse first (fewest stakeholder groups, then regions, then IRI): one
    # number to sort by, where sorting by three joined values costs a lookup per session.
    for rank, session in enumerate(sorted(summary.sessions, key=diversity.__getitem__), 1):
        yield q(session, IGF.diversityRank, _count(rank))
    for session in summary.session_years:
        yield q(session, IGF.onlineModeratorCount, _count(len(summary.online_moderators.get(session, ()))))
    for session, moderations in summary.moderations.items():
        speakers = summary.sessions[session].speakers if session in summary.sessions else {}
        for person, participation in moderations:
            if person in speakers:
                yield q(session, IGF.moderationBySpeaker, _n(participation))
    for session, rules in summary.session_rules.items():
        for rule in rules:
            yield q(session, IGF.inferredRule, Literal(rule))
    for person in summary.persons:
        iri = minter.person(person).value
        if person in summary.person_sessions:
            yield q(iri, IGF.sessionCount, _count(len(summary.person_sessions[person])))
        for role in summary.person_roles.get(person, ()):
            yield q(iri, IGF.heldRole, _n(role_iri(role)))
        if person in summary.spellings:
            yield q(iri, IGF.spellingCount, _count(summary.spellings[person]))
        for rule in summary.merge_rules.get(person, ()):
            yield q(iri, IGF.mergedByRule, Literal(rule))
        for label in summary.lowercase_labels[person]:
            yield q(iri, IGF.lowercaseLabel, Literal(label))
    for org, people in summary.organization_people.items():
        iri = minter.organization(org).value
        yield q(iri, IGF.participantCount, _count(len(people)))
        yield q(iri, IGF.participantSessionCount, _count(len(summary.organization_sessions[org])))
    # Positions: sorting by them sorts by IRI, which a disk-based store does
    # slowly (it looks up both IRIs' text for every comparison).
    for nodes in (summary.session_years, (minter.person(key).value for key in summary.persons),
                  (minter.organization(key).value for key in summary.organizations)):
        for position, node in enumerate(sorted(nodes), 1):
            yield q(node, IGF.position, _count(position))
    yield from _observations(summary, minter, q)


def _observations(summary: CorpusSummary, minter: IriMinter, q) -> Iterator[Quad]:
    """The per-year statistics as Data Cube observations: one per combination
    of dimension values, a dimension left out where the pages state nothing."""
    # (year, group) -> the people counted, and their speaker participations; (year, region) -> people.
    by_group: dict[tuple, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    by_region: dict[tuple, set[str]] = defaultdict(set)
    for session, counts in summary.sessions.items():
        year = summary.session_years[session][0]
        if year is None:
            continue  # the per-year counts leave out sessions with no year
        for person, (groups, regions) in counts.speakers.items():
            participation = counts.participations[person]
            for key in ((year, group) for group in groups or {None}):
                by_group[key][0].add(person)
                by_group[key][1].add(participation)
            for region in regions or {None}:
                by_region[(year, region)].add(person)
    by_type: dict[tuple, int] = defaultdict(int)
    for year, session_type in summary.session_years.values():
        by_type[(year, session_type and session_type_iri(session_type))] += 1

    def year(value: int | None) -> tuple[str, Literal | None, str]:
        return IGF.refYear, (_count(value) if value is not None else None), str(value or "")

    def concept(prop: str, value: str | None) -> tuple[str, NamedNode | None, str]:
        return prop, (_n(value) if value else None), (value or "").rsplit("/", 1)[-1]

    for dataset in DATASETS:
        yield q(minter.summary(dataset).value, RDF.type, _n(QB.DataSet))
        yield q(minter.summary(dataset).value, QB.structure, _n(IGF[_structure(dataset)]))
    for (value, group), (people, participations) in by_group.items():
        yield from _observation(q, minter, "speakers-by-stakeholder-group",
                                [year(value), concept(IGF.refStakeholderGroup, group)],
                                [(IGF.numberOfSpeakers, len(people))], participations)
    for (value, region), people in by_region.items():
        yield from _observation(q, minter, "speakers-by-regional-group",
                                [year(value), concept(IGF.refRegionalGroup, region)],
                                [(IGF.numberOfSpeakers, len(people))])
    for (value, session_type), count in by_type.items():
        yield from _observation(q, minter, "sessions-by-type",
                                [year(value), concept(IGF.refSessionType, session_type)],
                                [(IGF.numberOfSessions, count)])
    for (theme, value), sessions in summary.theme_sessions.items():
        yield from _observation(q, minter, "sessions-by-theme", [year(value), concept(IGF.refTheme, theme)],
                                [(IGF.numberOfSessions, len(sessions))])
    for (rule, role), (participations, documents) in summary.inferred.items():
        yield from _observation(q, minter, "inferred-roles-by-rule",
                                [(IGF.refRule, Literal(rule), slugify(rule)), concept(IGF.refRole, role_iri(role))],
                                [(IGF.numberOfRoles, len(participations)), (IGF.numberOfDocuments, len(documents))])


def _observation(q, minter: IriMinter, dataset: str, dimensions: list[tuple[str, object, str]],
                 measures: list[tuple[str, int]], counted: Iterable[str] = ()) -> Iterator[Quad]:
    """One observation: `dimensions` are (property, value or None, IRI segment);
    `counted`, the participations it counts (so a count can be checked, and
    its people listed without searching every participation: speakers per
    stakeholder group, the count the named queries list; not per region,
    which would add as many links again)."""
    node = minter.summary(dataset, *(segment or "not-stated" for _, _, segment in dimensions)).value
    yield q(node, RDF.type, _n(QB.Observation))
    yield q(node, QB.dataSet, minter.summary(dataset))
    for prop, value, _ in dimensions:
        if value is not None:
            yield q(node, prop, value)
    for prop, value in measures:
        yield q(node, prop, _count(value))
    for participation in counted:
        yield q(node, IGF.countedParticipation, _n(participation))


def _structure(dataset: str) -> str:
    """`speakers-by-stakeholder-group` -> `SpeakersByStakeholderGroupStructure`."""
    return "".join(word.capitalize() for word in dataset.split("-")) + "Structure"
