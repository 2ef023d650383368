"""Records + resolution -> RDF quads. Every instance IRI is minted here.

Each source document gets its own named graph holding what was read from
it (session, participations, spans, memberships); one more graph,
`id/graph/entities`, holds what resolution decided across documents (the
labels of people and organizations and why spellings were merged). No
blank nodes: a rebuild gives the same quads, a reload is idempotent.

Quads are pyoxigraph terms: building them is cheap and Oxigraph stores and
serializes them without a conversion.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from pyoxigraph import Literal, NamedNode, Quad

from igfkg.model import SessionRecord
from igfkg.resolve import Resolution
from igfkg.vocab import (
    CONF, DEFAULT_BASE, IGF, OA, ORG, PROV, RDF, SCHEMA, SKOS, DCTERMS, FOAF, SDGO, THEME_SCHEME,
    XSD, region_iri, role_iri, sdg_goal_iri, sdg_target_iri, session_type_iri, slugify,
    stakeholder_iri, theme_iri,
)

_SESSION_CODES = {
    "workshop": "ws", "open_forum": "of", "town_hall": "th", "networking_session": "ns",
    "lightning_talk": "lt", "launch_award": "la", "day_0": "d0", "dc_session": "dc",
    "main_session": "ms", "high_level": "hl", "parliamentary": "pt", "nri_session": "nri",
    "bpf_session": "bpf", "other": "other",
}


def _n(iri: str) -> NamedNode:
    return NamedNode(str(iri))


_TYPE = _n(RDF.type)
_INT = _n(XSD.integer)
_BOOL = _n(XSD.boolean)
_DATETIME = _n(XSD.dateTime)
_DATE = _n(XSD.date)
_DURATION = _n(XSD.duration)
_STRING_SHA = _n(XSD.string)


@dataclass(frozen=True)
class IriMinter:
    """Mints the deterministic instance IRIs of DESIGN.md under one base."""

    base: str = DEFAULT_BASE

    def session_key(self, record: SessionRecord) -> str:
        """`igf2023-ws-465`; a page with no title line is keyed by its content hash."""
        if record.year and record.session_type and record.number is not None:
            return f"igf{record.year}-{_SESSION_CODES[record.session_type]}-{record.number}"
        if record.year and record.session_type and record.title:
            return f"igf{record.year}-{_SESSION_CODES[record.session_type]}-{slugify(record.title)[:60]}"
        return f"doc-{record.sha256[:16]}"

    def session(self, record: SessionRecord) -> NamedNode:
        return NamedNode(self.session_iri(self.session_key(record)))

    def session_iri(self, session_key: str) -> str:
        """`session(...).value`, for a session key already known (no IRI object made)."""
        return f"{self.base}session/{session_key}"

    def person(self, key: str) -> NamedNode:
        return NamedNode(f"{self.base}person/{key}")

    def organization(self, key: str) -> NamedNode:
        return NamedNode(f"{self.base}organization/{key}")

    def participation(self, record: SessionRecord, holder_key: str, role: str) -> NamedNode:
        return NamedNode(self.participation_iri(self.session_key(record), holder_key, role))

    def participation_iri(self, session_key: str, holder_key: str, role: str) -> str:
        """`participation(...).value`, for a session key already known (no IRI object made)."""
        return f"{self.base}participation/{session_key}/{holder_key}/{role.replace('_', '-')}"

    def document(self, record: SessionRecord) -> NamedNode:
        return NamedNode(f"{self.base}document/{record.sha256[:16]}")

    def span(self, record: SessionRecord, start: int, end: int) -> NamedNode:
        return NamedNode(f"{self.base}span/{record.sha256[:16]}/{start}-{end}")

    def membership(self, person_key: str, organization_key: str) -> NamedNode:
        return NamedNode(f"{self.base}membership/{person_key}/{organization_key}")

    def merge_decision(self, person_key: str, index: int) -> NamedNode:
        return NamedNode(f"{self.base}merge/{person_key}/{index}")

    def entities_graph(self) -> NamedNode:
        return NamedNode(f"{self.base}graph/entities")

    def summaries_graph(self) -> NamedNode:
        return NamedNode(f"{self.base}graph/summaries")

    def summary(self, dataset: str, *segments: str) -> NamedNode:
        """A data set of corpus statistics, or one of its observations."""
        return NamedNode(f"{self.base}summary/{'/'.join((dataset, *segments))}")

    def unnamed_holder_key(self, text: str) -> str:
        """The key of a role filled by an organization, not a person ("Delegate from X")."""
        return f"unnamed-{slugify(text)[:60]}"


def map_record(record: SessionRecord, resolution: Resolution, minter: IriMinter) -> Iterator[Quad]:
    """The quads of one document's named graph."""
    graph = minter.document(record)
    session = minter.session(record)

    def q(s, p, o) -> Quad:
        return Quad(s, _n(p), o, graph)

    yield q(graph, RDF.type, _n(PROV.Entity))
    yield q(graph, RDF.type, _n(IGF.SourceDocument))
    yield q(graph, DCTERMS.source, Literal(record.source))
    yield q(graph, IGF.sha256, Literal(record.sha256))
    yield q(session, RDF.type, _n(IGF.Session))
    yield q(session, RDF.type, _n(SCHEMA.Event))
    yield q(session, PROV.wasDerivedFrom, graph)
    if record.title:
        yield q(session, SCHEMA.name, Literal(record.title))
    if record.year:
        yield q(session, IGF.year, Literal(str(record.year), datatype=_INT))
    if record.session_type:
        yield q(session, IGF.sessionType, _n(session_type_iri(record.session_type)))
    if record.number is not None:
        yield q(session, IGF.sessionNumber, Literal(str(record.number), datatype=_INT))
    for prop, value in ((SCHEMA.startDate, record.start), (SCHEMA.endDate, record.end),
                        (IGF.localStartDate, record.local_start), (IGF.localEndDate, record.local_end)):
        if value:
            yield q(session, prop, Literal(value, datatype=_DATETIME if "T" in value else _DATE))
    if record.room:
        yield q(session, SCHEMA.location, Literal(record.room))
    if record.format:
        yield q(session, IGF.sessionFormat, Literal(record.format))
    if record.duration_min is not None:
        yield q(session, IGF.durationMinutes, Literal(str(record.duration_min), datatype=_INT))
        yield q(session, SCHEMA.duration, Literal(xsd_duration(record.duration_min), datatype=_DURATION))
    for theme in record.themes:
        concept = _n(theme_iri(theme))
        yield q(session, IGF.theme, concept)
        yield q(concept, RDF.type, _n(SKOS.Concept))
        yield q(concept, SKOS.inScheme, _n(THEME_SCHEME))  # its labels: in the entities graph
    for prop, values in ((IGF.policyQuestion, record.policy_questions), (IGF.keyTakeaway, record.key_takeaways),
                         (IGF.callToAction, record.calls_to_action)):
        for value in values:
            yield q(session, prop, Literal(value))
    if record.description:
        yield q(session, DCTERMS.description, Literal(record.description))
    if record.expected_outcomes:
        yield q(session, IGF.expectedOutcomes, Literal(record.expected_outcomes))
    for goal in record.sdg_goals:
        yield q(session, IGF.sdgGoal, _n(sdg_goal_iri(goal)))
    for target in record.sdg_targets:
        yield q(session, IGF.sdgTarget, _n(sdg_target_iri(target)))
        yield q(_n(sdg_goal_iri(int(target.split(".")[0]))), SDGO.hasTarget, _n(sdg_target_iri(target)))
    for name in record.organizing_organizations:
        org = minter.organization(resolution.organization_key(record, name))
        yield q(session, SCHEMA.organizer, org)
        yield from _organization_types(q, org)

    for index, person in enumerate(record.participants):
        person_key = resolution.person_key(record, index)
        person_iri = minter.person(person_key)
        yield q(person_iri, RDF.type, _n(SCHEMA.Person))
        yield q(person_iri, RDF.type, _n(FOAF.Person))
        org = None
        if person.affiliation:
            org_key = resolution.organization_key(record, person.affiliation)
            org = minter.organization(org_key)
            yield from _organization_types(q, org)
            membership = minter.membership(person_key, org_key)
            yield q(membership, RDF.type, _n(ORG.Membership))
            yield q(membership, ORG.member, person_iri)
            yield q(membership, ORG.organization, org)
            yield q(person_iri, ORG.memberOf, org)
        if "speaker" in person.roles:
            # The unqualified form of the speaker participation (as PROV and ORG pair
            # qualified and direct relations): lets a query go from a session to its speakers.
            yield q(session, SCHEMA.performer, person_iri)
        for role in person.roles:
            yield from _participation(
                q, minter, record, session, person_key, role, person.name, person.spans,
                person.inferred_roles.get(role), person.stakeholder_group, person.regional_group, org,
                holder=(CONF.isHeldBy, person_iri),
            )
    for unnamed in record.unnamed_participants:
        org = minter.organization(resolution.organization_key(record, unnamed.organization)) if unnamed.organization else None
        holder_key = minter.unnamed_holder_key(unnamed.text)
        if org is not None:
            yield from _organization_types(q, org)
        for role in unnamed.roles:
            yield from _participation(
                q, minter, record, session, holder_key, role, unnamed.text, unnamed.spans,
                unnamed.inferred_roles.get(role), unnamed.stakeholder_group, unnamed.regional_group, org,
                holder=(IGF.heldByOrganization, org) if org is not None else None,
            )


def _organization_types(q, org: NamedNode) -> Iterator[Quad]:
    yield q(org, RDF.type, _n(SCHEMA.Organization))
    yield q(org, RDF.type, _n(ORG.Organization))


def _participation(q, minter: IriMinter, record: SessionRecord, session: NamedNode, holder_key: str,
                   role: str, name_as_written: str, spans, rule: str | None, stakeholder_group: str | None,
                   regional_group: str | None, org: NamedNode | None, holder) -> Iterator[Quad]:
    node = minter.participation(record, holder_key, role)
    yield q(node, RDF.type, _n(IGF.Participation))
    yield q(node, RDF.type, _n(CONF.RoleDuringEvent))
    yield q(node, RDF.type, _n(SCHEMA.Role))
    if holder is not None:
        yield q(node, holder[0], holder[1])
    yield q(node, CONF.during, session)
    yield q(node, CONF.withRole, _n(role_iri(role)))
    yield q(node, IGF.nameAsWritten, Literal(name_as_written))
    yield q(node, IGF.roleInferred, Literal("true" if rule else "false", datatype=_BOOL))
    if rule:
        yield q(node, IGF.inferenceRule, Literal(rule))
    if stakeholder_group:
        yield q(node, IGF.stakeholderGroup, _n(stakeholder_iri(stakeholder_group)))
    if regional_group:
        yield q(node, IGF.regionalGroup, _n(region_iri(regional_group)))
    if org is not None:
        yield q(node, IGF.affiliation, org)
    yield q(node, PROV.wasDerivedFrom, minter.document(record))
    for start, end in spans:
        span = minter.span(record, start, end)
        yield q(node, IGF.textSpan, span)
        yield q(span, RDF.type, _n(OA.TextPositionSelector))
        yield q(span, OA.start, Literal(str(start), datatype=_INT))
        yield q(span, OA.end, Literal(str(end), datatype=_INT))
        yield q(span, DCTERMS.isPartOf, minter.document(record))


def xsd_duration(minutes: int) -> str:
    """Minutes as an xsd:duration in canonical form, as stores keep it (so a
    store and the files agree on the literal).

        >>> xsd_duration(90), xsd_duration(60), xsd_duration(45), xsd_duration(0), xsd_duration(1500)
        ('PT1H30M', 'PT1H', 'PT45M', 'PT0S', 'P1DT1H')
    """
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    time = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if not days:
        return f"PT{time or '0S'}"
    return f"P{days}D" + (f"T{time}" if time else "")


def map_entities(resolution: Resolution, minter: IriMinter) -> Iterator[Quad]:
    """The entities graph: labels of people, organizations and themes, units, merges."""
    graph = minter.entities_graph()
    for subject, about in entity_slices(resolution, minter).items():
        yield from entity_quads(subject, about, graph)


def entity_slices(resolution: Resolution, minter: IriMinter) -> dict[str, tuple]:
    """Each subject of the entities graph (its IRI) and the plain values its
    triples are made from (`entity_quads`): a rebuild compares them with the
    last build's and maps again only the subjects whose values changed."""
    slices: dict[str, tuple] = {}
    for key, person in resolution.persons.items():
        iri = minter.person(key).value
        slices[iri] = ("labelled", person.pref_label, tuple(person.labels), None)
        for index, decision in enumerate(person.decisions, 1):
            slices[minter.merge_decision(key, index).value] = (
                "merge", iri, decision.label, decision.other, decision.rule, decision.evidence)
    for key, org in resolution.organizations.items():
        parent = minter.organization(org.parent_key).value if org.parent_key else None
        slices[minter.organization(key).value] = ("labelled", org.pref_label, tuple(org.labels), parent)
    for spellings in resolution.theme_labels.values():
        slices[str(theme_iri(spellings[0]))] = ("theme", tuple(spellings))
    return slices


def entity_quads(subject: str, about: tuple, graph: NamedNode) -> Iterator[Quad]:
    """The triples (in `graph`) of one subject of the entities graph, from its slice (`entity_slices`)."""
    node = _n(subject)

    def q(p, o) -> Quad:
        return Quad(node, _n(p), o, graph)

    if about[0] == "labelled":  # a person or an organization
        _, pref_label, labels, parent = about
        yield q(SKOS.prefLabel, Literal(pref_label))
        yield q(SCHEMA.name, Literal(pref_label))
        yield from (q(SKOS.altLabel, Literal(label)) for label in labels if label != pref_label)
        if parent:
            yield q(ORG.unitOf, _n(parent))
    elif about[0] == "merge":
        _, person, label, other, rule, evidence = about
        yield q(RDF.type, _n(IGF.MergeDecision))
        yield q(IGF.mergedInto, _n(person))
        yield q(IGF.mergedLabel, Literal(label))
        yield q(IGF.matchedLabel, Literal(other))
        yield q(IGF.mergeRule, Literal(rule))
        yield q(IGF.mergeEvidence, Literal(evidence))
    else:  # a theme
        spellings = about[1]
        yield q(RDF.type, _n(SKOS.Concept))
        yield q(SKOS.inScheme, _n(THEME_SCHEME))
        yield q(SKOS.prefLabel, Literal(spellings[0], language="en"))
        yield from (q(SKOS.altLabel, Literal(spelling, language="en")) for spelling in spellings[1:])
