"""SHACL validation: the seed graph conforms; every constraint of
shapes/igf.shacl.ttl, broken on its own in a copy of the real seed build,
makes `igfkg validate` report it with its message; and the fast SPARQL
engine reports exactly what the pyshacl reference reports, on the seed graph
and on many broken variants of it (generated from the shapes, not listed).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Store
from rdflib import Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from igfkg.build import build
from igfkg.cli import main
from igfkg.store import read_dataset
from igfkg.validate import (
    ReferenceCache,
    compile_shapes,
    load_shapes,
    locate_results,
    validate_fast,
    validate_pyshacl,
    validate_pyshacl_whole_graph,
    validate_store,
)

ROOT = Path(__file__).resolve().parent.parent
IGFSH = "https://w3id.org/igfkg/shapes#"
XSD = "http://www.w3.org/2001/XMLSchema#"
BASE = "https://w3id.org/igfkg/id/"
TYPE = NamedNode(str(RDF.type))

SHAPES = load_shapes()


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    """The real seed build: its TriG file and its quads."""
    out = tmp_path_factory.mktemp("seed")
    build([str(ROOT / "data" / "seeds")], out)
    trig = out / "igf.trig"
    return trig, list(read_dataset(trig))


# ------------------------------------------------------------ the seed graph


def test_seed_graph_conforms_with_no_violations(seed):
    report = validate_store(read_dataset(seed[0]), SHAPES)
    assert report.conforms and report.violations == []
    # The one page without a title line is flagged, and only as warnings.
    assert {(r.shape.removeprefix(IGFSH), r.severity) for r in report.results} == {
        ("Session-title-present", "Warning"), ("Session-year-present", "Warning"),
        ("Session-type-present", "Warning")}
    assert all(r.source.endswith("001_d31622089179c6bb.txt") for r in report.results)


def test_build_reports_conformance(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["build", str(ROOT / "data" / "seeds"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "SHACL: conforms (0 violations, 3 warnings)" in result.output


def test_every_shape_and_constraint_has_a_message_and_a_severity():
    for check in compile_shapes(SHAPES):
        assert check.message and "{" not in check.message, check.shape
        assert check.severity in ("Violation", "Warning"), check.shape


def test_sdg_target_pattern_is_exactly_the_169_targets():
    """The shapes' target pattern admits the 169 UN targets and nothing near them."""
    import re

    from igfkg.parse.labels import SDG_TARGETS

    pattern = re.compile(str(SHAPES.value(URIRef(IGFSH + "Session-sdgTarget"), SH.pattern)))
    candidates = {f"{goal}.{t}" for goal in range(20) for t in [*map(str, range(25)), *"abcdefg"]}
    admitted = {c for c in candidates if pattern.search(f"http://metadata.un.org/sdg/{c}")}
    assert admitted == set(SDG_TARGETS) and len(admitted) == 169


def test_format_list_is_the_parsers_canonical_formats():
    from igfkg.parse import labels

    members = SHAPES.value(URIRef(IGFSH + "Session-format-known"), SH["in"])
    assert {str(m) for m in Collection(SHAPES, members)} == set(labels._FORMATS.values())


def test_controlled_lists_are_the_vocabulary_iris():
    from igfkg.model import SESSION_TYPES, RegionalGroup, Role, StakeholderGroup
    from igfkg.vocab import region_iri, role_iri, session_type_iri, stakeholder_iri

    def members(shape: str) -> set[str]:
        return {str(m) for m in Collection(SHAPES, SHAPES.value(URIRef(IGFSH + shape), SH["in"]))}

    assert members("Session-type") == {str(session_type_iri(t)) for t in SESSION_TYPES}
    assert members("Participation-role") == {str(role_iri(r.value)) for r in Role}
    assert members("Participation-stakeholderGroup") == {str(stakeholder_iri(g.value)) for g in StakeholderGroup}
    assert members("Participation-regionalGroup") == {str(region_iri(g.value)) for g in RegionalGroup}


def test_shapes_graph_conforms_to_shacl_for_shacl():
    """The W3C SHACL-for-SHACL shapes (vendored in shapes/) accept our shapes,
    and reject a broken copy of them."""
    from pyshacl import validate

    shsh = Graph().parse(ROOT / "shapes" / "shacl-shacl.ttl")
    conforms, _, text = validate(SHAPES, shacl_graph=shsh)
    assert conforms, text
    broken = Graph()
    year = URIRef(IGFSH + "Session-year")
    for triple in SHAPES.triples((year, None, None)):
        broken.add(triple)
    broken.add((year, SH.minCount, RdfLiteral("one")))  # a count must be an integer
    conforms, report, _ = validate(broken, shacl_graph=shsh)
    assert not conforms
    assert {str(p) for p in report.objects(None, SH.resultPath)} == {str(SH.minCount)}


# --------------------------------------------------- mutations of the seed


@dataclass(frozen=True)
class Mutation:
    """The seed graph with exactly one constraint broken at one focus node."""

    name: str
    shape: str  # local name in igfsh:
    component: str  # e.g. "MinCount", "SPARQL"
    focus: str  # N-Triples text of the node that should now fail
    apply: Callable[[list[Quad]], list[Quad]] = field(compare=False, repr=False)
    also: frozenset[str] = frozenset()  # other shapes the break unavoidably touches


def _iri(text: str) -> NamedNode:
    return NamedNode(text)


def _with_type(quads, cls: str) -> list:
    return sorted({q.subject for q in quads if q.predicate == TYPE and q.object == _iri(cls)}, key=str)


def _values(quads, focus, path) -> list[Quad]:
    return [q for q in quads if q.subject == focus and q.predicate == path]


def _replace_object(quads, focus, path, old, new) -> list[Quad]:
    return [Quad(q.subject, q.predicate, new, q.graph_name)
            if q.subject == focus and q.predicate == path and q.object == old else q for q in quads]


def _rename(quads, node, new) -> list[Quad]:
    def swap(term):
        return new if term == node else term

    return [Quad(swap(q.subject), q.predicate, swap(q.object), q.graph_name) for q in quads]


def _retype(value: Literal, datatype: str) -> Literal:
    """A literal that keeps its text but not its declared datatype."""
    if datatype == f"{XSD}string":
        return Literal(value.value, language="en")
    if datatype == f"{XSD}integer":
        return Literal(value.value, datatype=_iri(f"{XSD}decimal"))
    return Literal(value.value)


# Values for properties the seed pages never fill.
SAMPLE_VALUES = {
    "https://w3id.org/igfkg/ontology#localStartDate": [
        Literal("2023-10-11T09:30:00", datatype=_iri(f"{XSD}dateTime")),
        Literal("2023-10-11T10:30:00", datatype=_iri(f"{XSD}dateTime"))],
    "https://w3id.org/igfkg/ontology#localEndDate": [
        Literal("2023-10-11T11:00:00", datatype=_iri(f"{XSD}dateTime")),
        Literal("2023-10-11T12:00:00", datatype=_iri(f"{XSD}dateTime"))],
    "http://www.w3.org/ns/org#unitOf": [_iri(f"{BASE}organization/megvii"), _iri(f"{BASE}organization/iflytek")],
    "https://w3id.org/igfkg/ontology#heldByOrganization": [_iri(f"{BASE}organization/megvii")],
    "http://purl.org/dc/terms/description": [Literal("A second description of the session.")],
}
# A focus node to break a constraint at when the first one in IRI order would
# also trip a neighbouring constraint (e.g. a length check on a session whose
# times also give its length).
PREFERRED_FOCUS = {
    ("Session-durationMinutes", "MinInclusive"): f"{BASE}session/igf2023-ws-73",
    ("Session-durationMinutes", "MaxInclusive"): f"{BASE}session/igf2023-ws-73",
    ("Session-durationMinutes", "MaxCount"): f"{BASE}session/igf2023-ws-73",
    ("Session-duration", "MaxCount"): f"{BASE}session/igf2023-ws-73",
    ("Session-sdgGoal", "Pattern"): f"{BASE}session/igf2021-of-5",
    ("Session-sdgGoal", "NodeKind"): f"{BASE}session/igf2021-of-5",
    ("Session-start", "MaxCount"): f"{BASE}session/igf2023-ns-109",
    ("Session-end", "MaxCount"): f"{BASE}session/igf2023-ns-109",
}
# Breaks that cannot help touching one more shape.
_THEME = {"ThemeShape", "Theme-prefLabel", "Theme-scheme"}  # a new theme node comes bare
ALSO = {
    ("ThemeShape", "Class"): {"Session-theme"},
    ("Session-theme", "Class"): _THEME, ("Session-theme", "NodeKind"): _THEME, ("Session-theme", "Pattern"): _THEME,
    ("Membership-member", "Class"): {"MembershipShortcutShape"},
    ("Membership-organization", "Class"): {"MembershipShortcutShape"},
    ("Membership-organization", "MaxCount"): {"MembershipShortcutShape"},
    ("Person-memberOf", "Class"): {"MembershipShortcutShape"},
    ("Person-memberOf", "NodeKind"): {"MembershipShortcutShape"},
    ("MergeDecision-person", "Class"): {"MergeDecisionLabelShape"},
    ("MergeDecision-person", "MaxCount"): {"MergeDecisionLabelShape"},
    ("MergeDecision-mergedLabel", "MaxCount"): {"MergeDecisionLabelShape"},
    ("MergeDecision-mergedLabel", "Pattern"): {"MergeDecisionLabelShape"},
    ("Participation-roleInferred", "MaxCount"): {"ParticipationInferenceShape"},
    ("Session-sdgTarget", "NodeKind"): {"SessionSdgShape"},
    ("Session-sdgTarget", "Pattern"): {"SessionSdgShape"},
    ("Session-end", "MaxCount"): {"SessionTimesShape"},
    ("Session-start", "MaxCount"): {"SessionTimesShape"},
    ("Session-format", "Datatype"): {"Session-format-known"},
    ("Session-format", "Pattern"): {"Session-format-known"},
    ("SourceDocument-sha256", "MaxCount"): {"SourceDocumentHashShape"},
    ("SourceDocument-sha256", "Pattern"): {"SourceDocumentHashShape"},
    ("TextSpan-end", "MaxCount"): {"TextSpan-start"},
    # A blank node where an identifier belongs also fails the links to it.
    ("OrganizationShape", "NodeKind"): {"Person-memberOf", "Participation-affiliation", "Session-organizer",
                                        "Participation-organization", "Organization-unitOf"},
    ("PersonShape", "NodeKind"): {"Participation-person"},
    ("TextSpanShape", "NodeKind"): {"Participation-textSpan"},
}


def _property_mutation(quads, node_shape, prop, component, value) -> Mutation | None:
    shape = str(prop).removeprefix(IGFSH)
    name = str(component).rsplit("#", 1)[-1]
    name = name[0].upper() + name[1:]
    path = _iri(str(SHAPES.value(prop, SH.path)))
    foci = _targets(quads, node_shape)
    preferred = PREFERRED_FOCUS.get((shape, name))
    subjects_with_path = {q.subject for q in quads if q.predicate == path}
    with_values = [f for f in foci if f in subjects_with_path]
    pool = [_iri(preferred)] if preferred else (with_values or foci)
    if not pool:
        return None
    focus = pool[0]
    existing = _values(quads, focus, path)
    graph = existing[0].graph_name if existing else next(q.graph_name for q in quads if q.subject == focus)
    also = frozenset(ALSO.get((shape, name), ()))

    def mutation(apply) -> Mutation:
        return Mutation(f"{shape}/{name}", shape, name, str(focus), apply, also)

    def first_value(qs):
        """The focus node's first value, adding a sample one if it has none."""
        found = _values(qs, focus, path)
        if found:
            return qs, found[0].object
        sample = SAMPLE_VALUES[path.value][0]
        return qs + [Quad(focus, path, sample, graph)], sample

    if component == SH.minCount:
        return mutation(lambda qs: [q for q in qs if not (q.subject == focus and q.predicate == path)])
    if component == SH.maxCount:
        def add_values(qs):
            have = {q.object for q in _values(qs, focus, path)}
            others = [q.object for q in qs if q.predicate == path and q.object not in have]
            others += [v for v in SAMPLE_VALUES.get(path.value, []) if v not in have]
            extra = sorted(set(others), key=str)[: int(value) + 1 - len(have)]
            return qs + [Quad(focus, path, v, graph) for v in extra]
        return mutation(add_values)
    if component == SH.datatype:
        def wrong_datatype(qs):
            qs, old = first_value(qs)
            return _replace_object(qs, focus, path, old, _retype(old, str(value)))
        return mutation(wrong_datatype)
    if component == SH["or"]:
        def plain_text(qs):
            qs, old = first_value(qs)
            return _replace_object(qs, focus, path, old, Literal(old.value[:10]))
        return mutation(plain_text)
    if component == SH.nodeKind:
        def as_text(qs):
            qs, old = first_value(qs)
            return _replace_object(qs, focus, path, old, Literal(old.value))
        return mutation(as_text)
    if component == SH["class"]:
        def unknown_node(qs):
            qs, old = first_value(qs)
            return _replace_object(qs, focus, path, old, _iri(f"{BASE}nothing/known-by-this-name"))
        return mutation(unknown_node)
    if component == SH["in"]:
        def outsider(qs):
            qs, old = first_value(qs)
            new = (_iri(old.value.rsplit("/", 1)[0] + "/not-a-known-value") if isinstance(old, NamedNode)
                   else Literal("Unheard-of Format"))
            return _replace_object(qs, focus, path, old, new)
        return mutation(outsider)
    if component == SH.pattern:
        def off_pattern(qs):
            qs, old = first_value(qs)
            new = _iri(old.value + "X") if isinstance(old, NamedNode) else Literal("   ")
            return _replace_object(qs, focus, path, old, new)
        return mutation(off_pattern)
    if component in (SH.minInclusive, SH.maxInclusive):
        step = -1 if component == SH.minInclusive else 1

        def out_of_range(qs):
            qs, old = first_value(qs)
            return _replace_object(qs, focus, path, old, Literal(str(int(value) + step), datatype=old.datatype))
        return mutation(out_of_range)
    if component == SH.lessThan:
        other = _iri(str(value))

        def swapped(qs):
            start, end = _values(qs, focus, path)[0].object, _values(qs, focus, other)[0].object
            return _replace_object(_replace_object(qs, focus, path, start, end), focus, other, end, start)
        return mutation(swapped)
    if component == SH.uniqueLang:
        return mutation(lambda qs: qs + [Quad(focus, path, Literal("Another Spelling", language="en"), graph)])
    if component == SH.hasValue:
        if path == TYPE:
            return mutation(lambda qs: [q for q in qs if not (q.subject == focus and q.predicate == TYPE
                                                             and q.object == _iri(str(value)))])

        def other_value(qs):
            qs, old = first_value(qs)
            return _replace_object(qs, focus, path, old, _iri("https://w3id.org/igfkg/vocab/role"))
        return mutation(other_value)
    raise AssertionError(f"no mutation for {shape} {name}")


def _targets(quads, node_shape) -> list:
    foci = set()
    for cls in SHAPES.objects(node_shape, SH.targetClass):
        foci |= set(_with_type(quads, str(cls)))
    for prop in SHAPES.objects(node_shape, SH.targetObjectsOf):
        foci |= {q.object for q in quads if q.predicate == _iri(str(prop))}
    for prop in SHAPES.objects(node_shape, SH.targetSubjectsOf):
        foci |= {q.subject for q in quads if q.predicate == _iri(str(prop))}
    return sorted(foci, key=str)


def _node_mutation(quads, node_shape, component) -> Mutation:
    shape = str(node_shape).removeprefix(IGFSH)
    name = str(component).rsplit("#", 1)[-1]
    name = name[0].upper() + name[1:]
    focus = _targets(quads, node_shape)[0]
    also = frozenset(ALSO.get((shape, name), ()))
    if component == SH.nodeKind:
        return Mutation(f"{shape}/{name}", shape, name, "_:renamed", lambda qs: _rename(qs, focus, BlankNode("renamed")), also)
    if component == SH.pattern:
        segment = focus.value[len(BASE):].split("/", 1)[0]
        new = _iri(focus.value.replace(f"/{segment}/", f"/{segment}x/", 1))
        return Mutation(f"{shape}/{name}", shape, name, str(new), lambda qs: _rename(qs, focus, new), also)
    if component == SH["class"]:
        cls = _iri(str(SHAPES.value(node_shape, SH["class"])))
        return Mutation(f"{shape}/{name}", shape, name, str(focus),
                        lambda qs: [q for q in qs if not (q.subject == focus and q.predicate == TYPE and q.object == cls)],
                        also)
    raise AssertionError(f"no mutation for {shape} {name}")


def _p(local: str) -> NamedNode:
    prefixes = {"igf": "https://w3id.org/igfkg/ontology#", "schema": "http://schema.org/",
                "conf": "https://w3id.org/scholarlydata/ontology/conference-ontology.owl#",
                "org": "http://www.w3.org/ns/org#", "skos": "http://www.w3.org/2004/02/skos/core#",
                "sdgo": "http://metadata.un.org/sdg/ontology#"}
    prefix, name = local.split(":")
    return _iri(prefixes[prefix] + name)


def _stated_participation(quads) -> NamedNode:
    """A participation of a named person whose role a heading stated."""
    stated = {q.subject for q in quads if q.predicate == _p("igf:roleInferred") and q.object.value == "false"}
    held = {q.subject for q in quads if q.predicate == _p("conf:isHeldBy")}
    return min(stated & held, key=str)


def _sparql_mutations(quads) -> list[Mutation]:
    """One hand-made break per SPARQL constraint (what core SHACL cannot say)."""
    session = _iri(f"{BASE}session/igf2023-ns-109")  # has start and end, no stated length
    ws465 = _iri(f"{BASE}session/igf2023-ws-465")
    of5 = _iri(f"{BASE}session/igf2021-of-5")  # lists goals
    stated = _stated_participation(quads)
    inferred = min((q.subject for q in quads if q.predicate == _p("igf:inferenceRule")), key=str)
    merged = {q.object for q in quads if q.predicate == _p("igf:mergedInto")}
    person = min((p for p in _with_type(quads, "http://schema.org/Person") if p not in merged), key=str)
    merge = _with_type(quads, "https://w3id.org/igfkg/ontology#MergeDecision")[0]
    membership = next(q.subject for q in quads if q.predicate == TYPE and q.object == _p("org:Membership"))
    document = _with_type(quads, "https://w3id.org/igfkg/ontology#SourceDocument")[0]

    def swap_times(qs):
        start = _values(qs, session, _p("schema:startDate"))[0].object
        end = _values(qs, session, _p("schema:endDate"))[0].object
        qs = _replace_object(qs, session, _p("schema:startDate"), start, end)
        return _replace_object(qs, session, _p("schema:endDate"), end, start)

    def shorter(qs):
        old = _values(qs, ws465, _p("igf:durationMinutes"))[0].object
        return _replace_object(qs, ws465, _p("igf:durationMinutes"), old,
                               Literal("45", datatype=_iri(f"{XSD}integer")))

    def stray_target(qs):
        graph = _values(qs, of5, TYPE)[0].graph_name
        return qs + [Quad(of5, _p("igf:sdgTarget"), _iri("http://metadata.un.org/sdg/3.1"), graph)]

    def nobody(qs):
        gone = {q.subject for q in qs if q.predicate == _p("conf:during") and q.object == ws465}
        return [q for q in qs if q.subject not in gone and not (q.subject == ws465 and q.predicate == _p("schema:organizer"))]

    def two_holders(qs):
        graph = _values(qs, stated, TYPE)[0].graph_name
        return qs + [Quad(stated, _p("igf:heldByOrganization"), _iri(f"{BASE}organization/megvii"), graph)]

    def rule_dropped(qs):
        return [q for q in qs if not (q.subject == inferred and q.predicate == _p("igf:inferenceRule"))]

    def rule_on_stated(qs):
        graph = _values(qs, stated, TYPE)[0].graph_name
        return qs + [Quad(stated, _p("igf:inferenceRule"), Literal("made-up-rule"), graph)]

    def empty_name(qs):
        old = _values(qs, person, _p("skos:prefLabel"))[0].object
        return _replace_object(qs, person, _p("skos:prefLabel"), old, Literal(" "))

    def no_member_of(qs):
        member = _values(qs, membership, _p("org:member"))[0].object
        org = _values(qs, membership, _p("org:organization"))[0].object
        return [q for q in qs if not (q.subject == member and q.predicate == _p("org:memberOf") and q.object == org)]

    def other_hash(qs):
        old = _values(qs, document, _p("igf:sha256"))[0].object
        return _replace_object(qs, document, _p("igf:sha256"), old, Literal("0" * 64))

    def unknown_spelling(qs):
        old = _values(qs, merge, _p("igf:mergedLabel"))[0].object
        return _replace_object(qs, merge, _p("igf:mergedLabel"), old, Literal("Somebody Else"))

    def misfiled_target(qs):
        graph = _values(qs, of5, TYPE)[0].graph_name
        return qs + [Quad(_iri("http://metadata.un.org/sdg/9"), _p("sdgo:hasTarget"),
                          _iri("http://metadata.un.org/sdg/5.b"), graph)]

    cases = [
        ("SessionTimesShape", "end before start", session, swap_times),
        ("SessionDurationShape", "length differs from times", ws465, shorter),
        ("SessionSdgShape", "target of an unlisted goal", of5, stray_target),
        ("SessionPeopleShape", "no one at all", ws465, nobody),
        ("ParticipationHolderShape", "person and organization", stated, two_holders),
        ("ParticipationInferenceShape", "inferred without rule", inferred, rule_dropped),
        ("ParticipationInferenceShape", "stated with rule", stated, rule_on_stated),
        ("PersonLabelShape", "blank name", person, empty_name),
        ("MembershipShortcutShape", "memberOf missing", membership, no_member_of),
        ("SourceDocumentHashShape", "hash of another page", document, other_hash),
        ("MergeDecisionLabelShape", "merged spelling unknown", merge, unknown_spelling),
        ("SdgGoalTargetShape", "target under wrong goal", _iri("http://metadata.un.org/sdg/9"), misfiled_target),
    ]
    return [Mutation(f"{shape}/{what}", shape, "SPARQL", str(focus), apply) for shape, what, focus, apply in cases]


def make_mutations(quads) -> list[Mutation]:
    """One mutation per constraint of the shapes graph, derived from the shapes."""
    mutations = []
    ignored = {RDF.type, SH.message, SH.severity, SH.targetClass, SH.targetObjectsOf, SH.targetSubjectsOf,
               SH.property, SH.sparql, SH.path, URIRef("http://www.w3.org/2000/01/rdf-schema#label")}
    for node_shape in sorted(SHAPES.subjects(RDF.type, SH.NodeShape), key=str):
        for component in sorted(set(SHAPES.predicates(node_shape)) - ignored):
            mutations.append(_node_mutation(quads, node_shape, component))
        for prop in sorted(SHAPES.objects(node_shape, SH.property), key=str):
            for component in sorted(set(SHAPES.predicates(prop)) - ignored):
                value = SHAPES.value(prop, component)
                if component == SH.uniqueLang and str(value) != "true":
                    continue
                mutation = _property_mutation(quads, node_shape, prop, component, value)
                if mutation is not None:
                    mutations.append(mutation)
    return mutations + _sparql_mutations(quads)


def _store(quads) -> Store:
    store = Store()
    store.bulk_extend(quads)
    return store


def _keys(raw_results) -> set[tuple[str, str, str, str]]:
    return {(str(r.focus), r.shape.removeprefix(IGFSH), r.component.removesuffix("ConstraintComponent"), r.severity)
            for r in raw_results}


@pytest.fixture(scope="module")
def mutations(seed):
    return make_mutations(seed[1])


def test_every_constraint_has_a_mutation(seed, mutations):
    """The generator covers every (shape, constraint) the fast engine runs."""
    compiled = {(c.shape.removeprefix(IGFSH), c.component.removesuffix("ConstraintComponent"))
                for c in compile_shapes(SHAPES)}
    covered = {(m.shape, m.component) for m in mutations}
    assert compiled == covered
    assert len(mutations) >= 50


# ------------------------------------------------ one test per constraint


CONSTRAINTS = sorted({(c.shape.removeprefix(IGFSH), c.component.removesuffix("ConstraintComponent"))
                      for c in compile_shapes(SHAPES)})


@pytest.mark.parametrize("constraint", CONSTRAINTS, ids=["/".join(c) for c in CONSTRAINTS])
def test_breaking_one_constraint_is_reported_with_its_message(constraint, seed, mutations, tmp_path):
    """`igfkg validate` on the seed graph with this constraint broken reports
    it, at the broken node, with the constraint's message; it exits non-zero
    for a violation (and, with --fail-on warning, for a warning)."""
    for mutation in [m for m in mutations if (m.shape, m.component) == constraint]:
        _check_reported(mutation, seed, tmp_path)


def _same_focus(focus: str, mutation: Mutation) -> bool:
    """Blank nodes are relabelled when written and read back."""
    return focus == mutation.focus or (focus.startswith("_:") and mutation.focus.startswith("_:"))


def _check_reported(mutation: Mutation, seed, tmp_path) -> None:
    name = mutation.name
    trig = tmp_path / "broken.trig"
    trig.write_bytes(pyoxigraph.serialize(mutation.apply(seed[1]), format=RdfFormat.TRIG))
    result = CliRunner().invoke(main, ["validate", str(trig), "--format", "json"])
    report = json.loads(result.output)
    found = [r for r in report["results"] if r["shape"] == IGFSH + mutation.shape
             and r["component"] == mutation.component + "ConstraintComponent" and _same_focus(r["focus"], mutation)]
    assert found, f"{name} not reported; got {[(r['shape'], r['focus']) for r in report['results']]}"
    severity = found[0]["severity"]
    message = str(SHAPES.value(URIRef(IGFSH + mutation.shape), SH.message) or next(
        SHAPES.objects(SHAPES.value(URIRef(IGFSH + mutation.shape), SH.sparql), SH.message)))
    assert found[0]["message"] == message
    # Nothing else broke than this shape (and what it unavoidably touches).
    seed_shapes = {"Session-title-present", "Session-year-present", "Session-type-present"}
    touched = {r["shape"].removeprefix(IGFSH) for r in report["results"]} - seed_shapes
    assert touched <= {mutation.shape} | mutation.also, touched
    assert result.exit_code == (1 if severity == "Violation" else 0)


# --------------------------------------------- the two engines agree


@pytest.fixture(scope="module")
def reference_cache(seed):
    cache = ReferenceCache()
    validate_pyshacl(_store(seed[1]), SHAPES, cache)
    return cache


def test_engines_agree_on_the_seed_graph(seed):
    store = _store(seed[1])
    fast = validate_fast(store, SHAPES)
    reference = validate_pyshacl(store, SHAPES)
    assert _keys(fast) == _keys(reference) and len(_keys(fast)) == 3
    # Same documents and lines once traced back to the pages.
    assert sorted(locate_results(store, fast), key=str) == sorted(locate_results(store, reference), key=str)


def _sample(mutations: list[Mutation], per_component: int = 4) -> list[Mutation]:
    """Every SPARQL break, and a few breaks of each core constraint kind spread over the shapes."""
    chosen = [m for m in mutations if m.component == "SPARQL"]
    for component in sorted({m.component for m in mutations} - {"SPARQL"}):
        of_kind = [m for m in mutations if m.component == component]
        step = max(1, len(of_kind) // per_component)
        chosen += of_kind[::step][:per_component]
    return chosen


def test_engines_agree_on_mutated_graphs(seed, mutations, reference_cache):
    """Fast SPARQL engine vs pyshacl reference on broken seed graphs
    (pyshacl re-runs only the documents each break touched)."""
    sample = _sample(mutations)
    assert len(sample) >= 50
    for mutation in sample:
        store = _store(mutation.apply(seed[1]))
        fast = _keys(validate_fast(store, SHAPES))
        reference = _keys(validate_pyshacl(store, SHAPES, reference_cache))
        assert fast == reference, (mutation.name, fast ^ reference)
        assert any(k[0] == mutation.focus and k[1] == mutation.shape for k in fast), mutation.name


def test_reference_cache_gives_the_same_results_as_a_fresh_run(seed, mutations, reference_cache):
    for mutation in _sample(mutations)[::40]:
        store = _store(mutation.apply(seed[1]))
        assert _keys(validate_pyshacl(store, SHAPES, reference_cache)) == _keys(validate_pyshacl(store, SHAPES))


def test_engines_agree_with_pyshacl_on_the_whole_graph(seed, mutations, reference_cache):
    """Per-document validation gives what pyshacl says about the whole graph at once."""
    for mutation in [m for m in mutations if m.component == "SPARQL"][::6]:
        store = _store(mutation.apply(seed[1]))
        whole = validate_pyshacl_whole_graph(store, SHAPES, reference_cache)
        assert _keys(whole) == _keys(validate_fast(store, SHAPES)), mutation.name
        assert any(k[0] == mutation.focus and k[1] == mutation.shape for k in _keys(whole))


# ------------------------------------------------ reports for people


def test_report_names_page_and_line_of_a_broken_participation(seed, tmp_path):
    """A broken participation is traced to its page and to the line its span starts on."""
    quads = seed[1]
    node = _stated_participation(quads)
    name = _values(quads, node, _p("igf:nameAsWritten"))[0].object.value
    role = _values(quads, node, _p("conf:withRole"))[0]
    broken = _replace_object(quads, node, _p("conf:withRole"), role.object, _iri("https://w3id.org/igfkg/vocab/role/chair"))
    trig = tmp_path / "broken.trig"
    trig.write_bytes(pyoxigraph.serialize(broken, format=RdfFormat.TRIG))
    report = validate_store(read_dataset(trig), SHAPES)
    (result,) = report.violations
    assert result.focus == str(node) and result.source.startswith(str(ROOT / "data" / "seeds"))
    page = Path(result.source).read_text(encoding="utf-8").splitlines()
    assert name in page[result.line - 1]
    text = report.format_text()
    assert f"{Path(result.source).name}:{result.line}]" in text
    assert "Violation: igfsh:Participation-role (1 result)" in text
    assert node.value.removeprefix(BASE) in text
    assert "A participation has exactly one role" in text


def test_turtle_report_is_a_shacl_validation_report(seed, mutations, tmp_path):
    mutation = next(m for m in mutations if m.name.startswith("SessionTimesShape"))
    trig = tmp_path / "broken.trig"
    trig.write_bytes(pyoxigraph.serialize(mutation.apply(seed[1]), format=RdfFormat.TRIG))
    result = CliRunner().invoke(main, ["validate", str(trig), "--format", "ttl"])
    assert result.exit_code == 1
    report = Graph().parse(data=result.output, format="turtle")
    (node,) = report.subjects(RDF.type, SH.ValidationReport)
    assert str(report.value(node, SH.conforms)) == "false"
    violations = [r for r in report.objects(node, SH.result) if report.value(r, SH.resultSeverity) == SH.Violation]
    assert [str(report.value(r, SH.focusNode)) for r in violations] == [mutation.focus.strip("<>")]
    assert report.value(violations[0], SH.sourceShape) == URIRef(IGFSH + "SessionTimesShape")


def test_pyshacl_engine_from_the_command_line(seed, mutations, tmp_path):
    mutation = next(m for m in mutations if m.name == "Participation-role/In")
    trig = tmp_path / "broken.trig"
    trig.write_bytes(pyoxigraph.serialize(mutation.apply(seed[1]), format=RdfFormat.TRIG))
    outputs = {}
    for engine in ("fast", "pyshacl"):
        result = CliRunner().invoke(main, ["validate", str(trig), "--engine", engine, "--format", "json"])
        assert result.exit_code == 1
        outputs[engine] = json.loads(result.output)
    assert outputs["fast"]["results"] == outputs["pyshacl"]["results"]
    assert outputs["pyshacl"]["engine"] == "pyshacl"


def test_validate_without_a_graph_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code != 0 and "igfkg build" in result.output


@pytest.mark.filterwarnings("ignore:Parsing weird boolean")  # rdflib says so about "maybe"
def test_engines_agree_on_ill_formed_literals(seed, reference_cache):
    """A value whose text does not fit its datatype ("twenty" as an integer)
    fails sh:datatype in both engines (and the range checks it cannot pass)."""
    quads = seed[1]
    session = _iri(f"{BASE}session/igf2023-ws-465")
    participation = _stated_participation(quads)
    broken = _replace_object(quads, session, _p("igf:year"), _values(quads, session, _p("igf:year"))[0].object,
                             Literal("twenty", datatype=_iri(f"{XSD}integer")))
    broken = _replace_object(broken, participation, _p("igf:roleInferred"),
                             _values(quads, participation, _p("igf:roleInferred"))[0].object,
                             Literal("maybe", datatype=_iri(f"{XSD}boolean")))
    store = _store(broken)
    fast = _keys(validate_fast(store, SHAPES))
    assert fast == _keys(validate_pyshacl(store, SHAPES, reference_cache))
    assert (str(session), "Session-year", "Datatype", "Violation") in fast
    assert (str(participation), "Participation-roleInferred", "Datatype", "Violation") in fast
