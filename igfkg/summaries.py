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

from collections import Counter, defaultdict
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


def summarize(records: Sequence[SessionRecord], resolution: Resolution, minter: IriMinter, *,
              persons: Iterable[str] | None = None, organizations: Iterable[str] | None = None) -> CorpusSummary:
    """The corpus counts of these records, their people resolved by
    `resolution`; of every person and organization it knows, or of these
    (`persons`, `organizations`: entity keys)."""
    summary = CorpusSummary(persons=list(resolution.persons if persons is None else persons),
                            organizations=list(resolution.organizations if organizations is None else organizations))
    for key in summary.persons:
        person = resolution.persons[key]
        labels = 1 + len({label for label in person.labels if label != person.pref_label})
        if labels > 1:
            summary.spellings[key] = labels
        summary.lowercase_labels[key] = {label.lower() for label in (person.pref_label, *person.labels)}
        rules = {d.rule for d in person.decisions}
        if rules:
            summary.merge_rules[key] = rules
    for record in records:
        session_key = minter.session_key(record)
        session = minter.session_iri(session_key)
        document = minter.document(record).value
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
                    key, minter.participation_iri(session_key, key, SPEAKER), person.stakeholder_group,
                    person.regional_group)
            for role in MODERATOR_ROLES:
                if role in person.roles:
                    summary.moderations.setdefault(session, set()).add(
                        (key, minter.participation_iri(session_key, key, role)))
            if person.affiliation:
                org = resolution.organization_key(record, person.affiliation)
                summary.organization_people.setdefault(org, set()).add(key)
                summary.organization_sessions.setdefault(org, set()).add(session)
            _count_roles(summary, minter, session_key, session, document, key, person.roles, person.inferred_roles)
        for unnamed in record.unnamed_participants:
            _count_roles(summary, minter, session_key, session, document, minter.unnamed_holder_key(unnamed.text),
                         unnamed.roles, unnamed.inferred_roles)
    return summary


def _count_roles(summary: CorpusSummary, minter: IriMinter, session_key: str, session: str, document: str,
                 holder_key: str, roles: list[str], inferred_roles: dict[str, str]) -> None:
    """A role holder's online moderation and the roles the parser inferred (by which rule)."""
    if ONLINE_MODERATOR in roles:
        summary.online_moderators.setdefault(session, set()).add(
            minter.participation_iri(session_key, holder_key, ONLINE_MODERATOR))
    for role, rule in inferred_roles.items():
        participations, documents = summary.inferred.setdefault((rule, role), (set(), set()))
        participations.add(minter.participation_iri(session_key, holder_key, role))
        documents.add(document)
        summary.session_rules.setdefault(session, set()).add(rule)


def _n(iri: str) -> NamedNode:
    return NamedNode(str(iri))


def _count(value: int) -> Literal:
    return Literal(str(value), datatype=_INTEGER)


_INTEGER = NamedNode("http://www.w3.org/2001/XMLSchema#integer")


def summary_footprint(record: SessionRecord, resolution: Resolution, minter: IriMinter) -> tuple:
    """What a record counts in (`summarize`): its session IRI, its year, the
    entity keys of its people with a role and of their organizations, and
    for each (rule, role IRI) of the roles inferred on it, how many
    participations. A rebuild makes again only the summary subjects the
    changed records count in."""
    session_key = minter.session_key(record)
    people = [(resolution.person_key(record, index), p) for index, p in enumerate(record.participants) if p.roles]
    holders = people + [(minter.unnamed_holder_key(u.text), u) for u in record.unnamed_participants]
    inferred: dict[tuple[str, str], set[str]] = {}
    for key, holder in holders:
        for role, rule in holder.inferred_roles.items():
            inferred.setdefault((rule, str(role_iri(role))), set()).add(
                minter.participation_iri(session_key, key, role))
    return (minter.session_iri(session_key), record.year, tuple(sorted({key for key, _ in people})),
            tuple(sorted({resolution.organization_key(record, p.affiliation) for _, p in people if p.affiliation})),
            tuple(sorted((rule, role, len(participations)) for (rule, role), participations in inferred.items())))


def update_summary_slices(old: dict[str, tuple], records: Sequence[SessionRecord], footprints: Sequence[tuple],
                          came: Sequence[tuple], went: Sequence[tuple], resolution: Resolution, minter: IriMinter,
                          entities: Iterable[str] = ()) -> dict[str, tuple]:
    """`summary_slices` of these records, from the `old` ones, the footprints
    (`summary_footprint`) of every record (in order), of the records that
    came (new or changed) and of those that went (gone, or as they were
    before a change), and the persons and organizations (entity keys,
    `entities`) whose entity changed: only the subjects those reach are
    summarized again, from the records they count. The counts of inferred
    roles, over the whole corpus, are moved by what came and went, unless a
    session of those records has another page (their participations may be
    counted twice, then all records with those roles are summarized again)."""
    changed = [*came, *went]
    sessions = {f[0] for f in changed}
    years = {f[1] for f in changed}
    keys = set(entities)
    persons = keys.union(*(f[2] for f in changed))
    organizations = keys.union(*(f[3] for f in changed))
    pages_of = Counter(f[0] for f in footprints)
    went_of = Counter(f[0] for f in went)
    shared = any(pages_of[f[0]] > 1 for f in came) or any(
        went_of[f[0]] > 1 or pages_of[f[0]] > sum(g[0] == f[0] for g in came) for f in went)
    rules = {(rule, role) for f in changed for rule, role, _ in f[4]} if shared else set()
    relevant = [record for record, f in zip(records, footprints)
                if f[0] in sessions or f[1] in years or persons.intersection(f[2])
                or organizations.intersection(f[3]) or rules and rules.intersection((r, o) for r, o, _ in f[4])]
    partial = summarize(relevant, resolution, minter, persons=sorted(persons & resolution.persons.keys()),
                        organizations=sorted(organizations & resolution.organizations.keys()))
    reached_nodes = {minter.person(key).value for key in persons} | {
        minter.organization(key).value for key in organizations}

    def reached(subject: str, about: tuple) -> bool:
        kind = about[0]
        if kind == "session":
            return subject in sessions
        if kind == "observation":
            values = dict(about[2])
            if str(IGF.refRule) in values:
                return (values[str(IGF.refRule)], values[str(IGF.refRole)]) in rules
            return values.get(str(IGF.refYear)) in years
        return kind in ("person", "organization") and subject in reached_nodes

    slices = {subject: about for subject, about in old.items() if not reached(subject, about)}
    slices.update((subject, about) for subject, about in _unplaced_slices(partial, minter).items()
                  if reached(subject, about))
    if not shared:
        _move_inferred_counts(slices, came, went, minter)
    return place_slices(slices)


def _move_inferred_counts(slices: dict[str, tuple], came: Sequence[tuple], went: Sequence[tuple],
                          minter: IriMinter) -> None:
    """The inferred-roles observations moved by the records that came (+) and
    went (-): their participations and documents (one each) are theirs alone."""
    moves: dict[tuple[str, str], list[int]] = {}
    for sign, footprints in ((1, came), (-1, went)):
        for footprint in footprints:
            for rule, role, participations in footprint[4]:
                move = moves.setdefault((rule, role), [0, 0])
                move[0] += sign * participations
                move[1] += sign
    for (rule, role), (participations, documents) in moves.items():
        dimensions = [(IGF.refRule, rule), (IGF.refRole, role)]
        node = _observation_node(minter, "inferred-roles-by-rule", dimensions)
        counts = dict(slices[node][3]) if node in slices else {}
        roles = counts.get(str(IGF.numberOfRoles), 0) + participations
        pages = counts.get(str(IGF.numberOfDocuments), 0) + documents
        if roles > 0:
            slices[node] = _observation(minter, "inferred-roles-by-rule", dimensions,
                                        [(IGF.numberOfRoles, roles), (IGF.numberOfDocuments, pages)])[1]
        else:
            slices.pop(node, None)


def map_summaries(summary: CorpusSummary, minter: IriMinter) -> Iterator[Quad]:
    """The quads of the summaries graph."""
    graph = minter.summaries_graph()
    for subject, about in summary_slices(summary, minter).items():
        yield from summary_quads(subject, about, graph)


def summary_slices(summary: CorpusSummary, minter: IriMinter) -> dict[str, tuple]:
    """Each subject of the summaries graph (its IRI) and the plain values its
    triples are made from (`summary_quads`): a rebuild compares them with the
    last build's and maps again only the subjects whose values changed."""
    return place_slices(_unplaced_slices(summary, minter))


def _unplaced_slices(summary: CorpusSummary, minter: IriMinter) -> dict[str, tuple]:
    """The slices, each session's rank and each node's position left None (`place_slices`)."""
    slices: dict[str, tuple] = {}
    speakers_of: dict[str, tuple] = {}
    for session, counts in summary.sessions.items():
        speakers = counts.speakers.values()
        without_group = _sorted(counts.participations[person] for person, (person_groups, _)
                                in counts.speakers.items() if not person_groups)
        speakers_of[session] = (len(counts.speakers), _sorted(set().union(*(g for g, _ in speakers))),
                                _sorted(set().union(*(r for _, r in speakers))), len(without_group),
                                sum(1 for _, r in speakers if not r), without_group)
    for session in summary.session_years:
        speakers = summary.sessions[session].speakers if session in summary.sessions else {}
        moderated = _sorted(participation for person, participation in summary.moderations.get(session, ())
                            if person in speakers)
        slices[session] = ("session", speakers_of.get(session), len(summary.online_moderators.get(session, ())),
                           moderated, _sorted(summary.session_rules.get(session, ())), None, None)
    for key in summary.persons:
        sessions = summary.person_sessions.get(key)
        slices[minter.person(key).value] = (
            "person", len(sessions) if sessions is not None else None, _sorted(summary.person_roles.get(key, ())),
            summary.spellings.get(key), _sorted(summary.merge_rules.get(key, ())),
            _sorted(summary.lowercase_labels[key]), None)
    for key in summary.organizations:
        people = summary.organization_people.get(key)
        counts = (len(people), len(summary.organization_sessions[key])) if people is not None else None
        slices[minter.organization(key).value] = ("organization", counts, None)
    slices.update(_observation_slices(summary, minter))
    return slices


def place_slices(slices: dict[str, tuple]) -> dict[str, tuple]:
    """`slices` with each session's diversity rank and each session's,
    person's and organization's position set (in place): they depend on all
    the others, so a rebuild sets them again over every slice."""
    by_kind: dict[str, list[str]] = {"session": [], "person": [], "organization": []}
    for subject, about in slices.items():
        if about[0] in by_kind:
            by_kind[about[0]].append(subject)
    # The least diverse first (fewest stakeholder groups, then regions, then IRI): one
    # number to sort by, where sorting by three joined values costs a lookup per session.
    spoken = [s for s in by_kind["session"] if slices[s][1] is not None]
    spoken.sort(key=lambda s: (len(slices[s][1][1]), len(slices[s][1][2]), s))
    ranks = {session: rank for rank, session in enumerate(spoken, 1)}
    # Positions: sorting by them sorts by IRI, which a disk-based store does
    # slowly (it looks up both IRIs' text for every comparison).
    for kind, subjects in by_kind.items():
        for position, subject in enumerate(sorted(subjects), 1):
            about = slices[subject]
            placed = (*about[:-2], ranks.get(subject), position) if kind == "session" else (*about[:-1], position)
            if placed != about:
                slices[subject] = placed
    return slices


def _sorted(values: Iterable[str]) -> tuple[str, ...]:
    """A set of values as slices hold it: plain strings, sorted (compared, and
    kept between builds, more cheaply than a frozenset of IRI objects)."""
    return tuple(sorted(map(str, values)))


def summary_quads(subject: str, about: tuple, graph: NamedNode) -> Iterator[Quad]:
    """The triples (in `graph`) of one subject of the summaries graph, from its slice (`summary_slices`)."""
    node = _n(subject)

    def q(p, o) -> Quad:
        return Quad(node, _n(p), o, graph)

    kind = about[0]
    if kind == "session":
        _, speakers, online_moderators, moderated, rules, rank, position = about
        if speakers is not None:
            count, groups, regions, without_group, without_region, participations = speakers
            yield q(IGF.speakerCount, _count(count))
            yield q(IGF.speakerStakeholderGroupCount, _count(len(groups)))
            yield q(IGF.speakerRegionalGroupCount, _count(len(regions)))
            yield q(IGF.speakersWithoutStakeholderGroup, _count(without_group))
            yield q(IGF.speakersWithoutRegionalGroup, _count(without_region))
            yield from (q(IGF.speakerStakeholderGroup, _n(group)) for group in groups)
            yield from (q(IGF.speakerWithoutStakeholderGroup, _n(p)) for p in participations)
            yield from (q(IGF.speakerRegionalGroup, _n(region)) for region in regions)
        if rank is not None:
            yield q(IGF.diversityRank, _count(rank))
        yield q(IGF.onlineModeratorCount, _count(online_moderators))
        yield from (q(IGF.moderationBySpeaker, _n(participation)) for participation in moderated)
        yield from (q(IGF.inferredRule, Literal(rule)) for rule in rules)
    elif kind == "person":
        _, sessions, roles, spellings, merge_rules, lowercase_labels, position = about
        if sessions is not None:
            yield q(IGF.sessionCount, _count(sessions))
        yield from (q(IGF.heldRole, _n(role_iri(role))) for role in roles)
        if spellings is not None:
            yield q(IGF.spellingCount, _count(spellings))
        yield from (q(IGF.mergedByRule, Literal(rule)) for rule in merge_rules)
        yield from (q(IGF.lowercaseLabel, Literal(label)) for label in lowercase_labels)
    elif kind == "organization":
        _, counts, position = about
        if counts is not None:
            yield q(IGF.participantCount, _count(counts[0]))
            yield q(IGF.participantSessionCount, _count(counts[1]))
    elif kind == "dataset":
        yield q(RDF.type, _n(QB.DataSet))
        yield q(QB.structure, _n(about[1]))
        return
    else:  # an observation
        _, dataset, dimensions, measures, counted = about
        yield q(RDF.type, _n(QB.Observation))
        yield q(QB.dataSet, _n(dataset))
        for prop, value in dimensions:
            if value is not None:
                yield q(prop, _count(value) if isinstance(value, int) else
                        Literal(value) if prop == str(IGF.refRule) else _n(value))
        yield from (q(prop, _count(value)) for prop, value in measures)
        yield from (q(IGF.countedParticipation, _n(participation)) for participation in counted)
        return
    yield q(IGF.position, _count(position))


def _observation_slices(summary: CorpusSummary, minter: IriMinter) -> dict[str, tuple]:
    """The per-year statistics as Data Cube observations: one per combination
    of dimension values, a dimension left out where the pages state nothing.
    Each counts the participations it counts (`counted`: so a count can be
    checked, and its people listed without searching every participation:
    speakers per stakeholder group, the count the named queries list; not per
    region, which would add as many links again)."""
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
    slices: dict[str, tuple] = {}

    def observation(dataset: str, dimensions: list[tuple[str, object]], measures: list[tuple[str, int]],
                    counted: Iterable[str] = ()) -> None:
        node, about = _observation(minter, dataset, dimensions, measures, counted)
        slices[node] = about

    for dataset in DATASETS:
        slices[minter.summary(dataset).value] = ("dataset", str(IGF[_structure(dataset)]))
    for (value, group), (people, participations) in by_group.items():
        observation("speakers-by-stakeholder-group", [(IGF.refYear, value), (IGF.refStakeholderGroup, group)],
                    [(IGF.numberOfSpeakers, len(people))], participations)
    for (value, region), people in by_region.items():
        observation("speakers-by-regional-group", [(IGF.refYear, value), (IGF.refRegionalGroup, region)],
                    [(IGF.numberOfSpeakers, len(people))])
    for (value, session_type), count in by_type.items():
        observation("sessions-by-type", [(IGF.refYear, value), (IGF.refSessionType, session_type)],
                    [(IGF.numberOfSessions, count)])
    for (theme, value), sessions in summary.theme_sessions.items():
        observation("sessions-by-theme", [(IGF.refYear, value), (IGF.refTheme, theme)],
                    [(IGF.numberOfSessions, len(sessions))])
    for (rule, role), (participations, documents) in summary.inferred.items():
        observation("inferred-roles-by-rule", [(IGF.refRule, rule), (IGF.refRole, str(role_iri(role)))],
                    [(IGF.numberOfRoles, len(participations)), (IGF.numberOfDocuments, len(documents))])
    return slices


def _observation(minter: IriMinter, dataset: str, dimensions: list[tuple[str, object]],
                 measures: list[tuple[str, int]], counted: Iterable[str] = ()) -> tuple[str, tuple]:
    """An observation's IRI and slice."""
    return _observation_node(minter, dataset, dimensions), ("observation", minter.summary(dataset).value,
                  tuple((str(prop), value if value is None or isinstance(value, int) else str(value))
                        for prop, value in dimensions),
                  tuple((str(prop), value) for prop, value in measures), _sorted(counted))


def _observation_node(minter: IriMinter, dataset: str, dimensions: list[tuple[str, object]]) -> str:
    return minter.summary(dataset, *(_segment(prop, value) for prop, value in dimensions)).value


def _segment(prop: str, value: int | str | None) -> str:
    """An observation IRI's segment for a dimension value: a year, a rule's
    slug, the last segment of a concept's IRI; `not-stated` when there is none."""
    if value is None or value == "":
        return "not-stated"
    if isinstance(value, int):
        return str(value)
    return slugify(value) if str(prop) == str(IGF.refRule) else value.rsplit("/", 1)[-1]


def _structure(dataset: str) -> str:
    """`speakers-by-stakeholder-group` -> `SpeakersByStakeholderGroupStructure`."""
    return "".join(word.capitalize() for word in dataset.split("-")) + "Structure"
