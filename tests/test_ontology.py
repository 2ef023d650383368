"""The ontology (ontology/igf.ttl, ontology/sdg.ttl): it parses, documents
every term the graph uses, holds the SKOS schemes with exactly the concept
IRIs igfkg mints, links the 169 SDG targets to their 17 goals, and passes an
OWL 2 RL closure (owlrl) without inconsistencies, alone and with the seed
graph, while an inconsistent graph is caught."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import owlrl
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from igfkg.build import build
from igfkg.mapping import _SESSION_CODES
from igfkg.model import SESSION_TYPES, RegionalGroup, Role, StakeholderGroup
from igfkg.parse.labels import SDG_GOALS, SDG_TARGETS
from igfkg.vocab import (
    IGF,
    REGIONAL_SCHEME,
    ROLE_SCHEME,
    SESSION_TYPE_SCHEME,
    STAKEHOLDER_SCHEME,
    THEME_SCHEME,
    region_iri,
    role_iri,
    session_type_iri,
    stakeholder_iri,
)

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY = ROOT / "ontology" / "igf.ttl"
SDG_FILE = ROOT / "ontology" / "sdg.ttl"
SDGO = Namespace("http://metadata.un.org/sdg/ontology#")
ERRORS = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")  # where owlrl records inconsistencies

# The igf: terms igfkg/mapping.py writes (the list).
MAPPED_TERMS = ["Session", "Participation", "SourceDocument", "MergeDecision", "year", "sessionType", "sessionNumber", "localStartDate", "localEndDate", "sessionFormat", "durationMinutes", "theme", "policyQuestion", "keyTakeaway", "callToAction", "expectedOutcomes", "sdgGoal", "sdgTarget", "heldByOrganization", "nameAsWritten", "roleInferred", "inferenceRule", "stakeholderGroup", "regionalGroup", "affiliation", "textSpan", "sha256", "mergedInto", "mergedLabel", "matchedLabel", "mergeRule", "mergeEvidence"]


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY)


@pytest.fixture(scope="module")
def seed_graph(tmp_path_factory) -> Graph:
    out = tmp_path_factory.mktemp("seed")
    build([str(ROOT / "data" / "seeds")], out)
    return Graph().parse(out / "igf.ttl")


def _errors(graph: Graph) -> list[str]:
    return sorted(str(m) for m in graph.objects(None, ERRORS.error))


def test_ontology_metadata(ontology):
    (node,) = ontology.subjects(RDF.type, OWL.Ontology)
    assert node == URIRef("https://w3id.org/igfkg/ontology")
    for prop in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.creator, OWL.versionIRI):
        assert ontology.value(node, prop) is not None, prop
    assert str(ontology.value(node, OWL.versionIRI)).startswith("https://w3id.org/igfkg/ontology/")


def test_every_mapped_igf_term_is_declared_labelled_and_commented(ontology):
    for name in MAPPED_TERMS:
        term = IGF[name]
        kinds = set(ontology.objects(term, RDF.type))
        assert kinds & {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}, name
        assert ontology.value(term, RDFS.label) is not None, name
        assert ontology.value(term, RDFS.comment) is not None, name


def test_every_term_in_the_seed_graph_is_in_the_ontology(ontology, seed_graph):
    """Each class and property of real instance data, igf: or borrowed, is
    declared with a label; igf: ones also with a comment."""
    used = set(seed_graph.predicates()) | set(seed_graph.objects(None, RDF.type))
    used -= {RDF.type}
    concepts = set(seed_graph.subjects(RDF.type, SKOS.Concept))
    for term in sorted(used - concepts):
        if term.startswith("https://w3id.org/igfkg/vocab/"):
            continue  # concepts of the schemes, checked below
        assert ontology.value(term, RDFS.label) is not None, term
        if term.startswith(str(IGF)):
            assert ontology.value(term, RDFS.comment) is not None, term
    assert {IGF.Participation, IGF.affiliation, IGF.textSpan} <= used


def test_alignments(ontology):
    schema = Namespace("http://schema.org/")
    conf = Namespace("https://w3id.org/scholarlydata/ontology/conference-ontology.owl#")
    prov = Namespace("http://www.w3.org/ns/prov#")
    assert (IGF.Session, RDFS.subClassOf, schema.Event) in ontology
    for parent in (conf.RoleDuringEvent, schema.Role, prov.Entity):
        assert (IGF.Participation, RDFS.subClassOf, parent) in ontology
    assert (IGF.SourceDocument, RDFS.subClassOf, prov.Entity) in ontology
    assert (schema.Person, OWL.equivalentClass, URIRef("http://xmlns.com/foaf/0.1/Person")) in ontology
    assert (IGF.affiliation, RDFS.subPropertyOf, schema.affiliation) in ontology
    assert (IGF.textSpan, RDFS.subPropertyOf, prov.wasDerivedFrom) in ontology
    assert (IGF.theme, RDFS.subPropertyOf, DCTERMS.subject) in ontology
    assert "org:Membership" in str(ontology.value(IGF.affiliation, RDFS.comment))


@pytest.mark.parametrize("scheme, iris, labels", [
    (STAKEHOLDER_SCHEME, [stakeholder_iri(g.value) for g in StakeholderGroup], [g.value for g in StakeholderGroup]),
    (REGIONAL_SCHEME, [region_iri(g.value) for g in RegionalGroup], [g.value for g in RegionalGroup]),
    (SESSION_TYPE_SCHEME, [session_type_iri(t) for t in SESSION_TYPES], None),
    (ROLE_SCHEME, [role_iri(r.value) for r in Role], None),
], ids=["stakeholder-group", "regional-group", "session-type", "role"])
def test_concept_schemes_hold_exactly_the_vocabulary_iris(ontology, scheme, iris, labels):
    assert (URIRef(scheme), RDF.type, SKOS.ConceptScheme) in ontology
    concepts = set(ontology.subjects(SKOS.inScheme, URIRef(scheme)))
    assert concepts == {URIRef(str(i)) for i in iris}
    for concept in concepts:
        assert (concept, RDF.type, SKOS.Concept) in ontology
        assert (concept, SKOS.topConceptOf, URIRef(scheme)) in ontology
        definitions = list(ontology.objects(concept, SKOS.definition))
        assert len(definitions) == 1 and len(definitions[0]) > 20, concept
        pref = [l for l in ontology.objects(concept, SKOS.prefLabel) if l.language == "en"]
        assert len(pref) == 1, concept
        # SKOS integrity: a label is either preferred or alternative, not both.
        assert not set(ontology.objects(concept, SKOS.altLabel)) & set(pref)
    if labels is not None:
        assert {str(ontology.value(c, SKOS.prefLabel)) for c in concepts} == set(labels)
    assert len(concepts) == {STAKEHOLDER_SCHEME: 5, REGIONAL_SCHEME: 6, SESSION_TYPE_SCHEME: 14, ROLE_SCHEME: 5}[scheme]


def test_igf_spellings_are_alternative_labels(ontology):
    def alt(iri) -> set[str]:
        return {str(l) for l in ontology.objects(URIRef(str(iri)), SKOS.altLabel)}

    assert "WEOG" in alt(region_iri(RegionalGroup.WEOG.value))
    assert "GRULAC" in alt(region_iri(RegionalGroup.GRULAC.value))
    assert "APAC" in alt(region_iri(RegionalGroup.ASIA_PACIFIC.value))
    assert "Academia" in alt(stakeholder_iri(StakeholderGroup.TECHNICAL_COMMUNITY.value))


def test_session_type_notations_are_the_codes_in_session_iris(ontology):
    for session_type in SESSION_TYPES:
        notation = ontology.value(URIRef(str(session_type_iri(session_type))), SKOS.notation)
        assert str(notation) == _SESSION_CODES[session_type]


def test_theme_scheme_exists_and_themes_in_data_use_it(ontology, seed_graph):
    assert (URIRef(THEME_SCHEME), RDF.type, SKOS.ConceptScheme) in ontology
    themes = set(seed_graph.objects(None, IGF.theme))
    assert themes and all((t, SKOS.inScheme, URIRef(THEME_SCHEME)) in seed_graph for t in themes)


def test_sdg_goals_and_targets():
    graph = Graph().parse(SDG_FILE)
    goals = set(graph.subjects(RDF.type, SDGO.Goal))
    targets = set(graph.subjects(RDF.type, SDGO.Target))
    assert goals == {URIRef(f"http://metadata.un.org/sdg/{g}") for g in range(1, 18)}
    assert targets == {URIRef(f"http://metadata.un.org/sdg/{t}") for t in SDG_TARGETS} and len(targets) == 169
    for target in targets:
        (goal,) = graph.subjects(SDGO.hasTarget, target)
        assert str(target).startswith(f"{goal}.")
        assert (target, SKOS.broader, goal) in graph
        assert graph.value(target, SKOS.prefLabel) is not None
    nine = URIRef("http://metadata.un.org/sdg/9")
    assert str(graph.value(nine, SKOS.prefLabel)) == f"Goal 9: {SDG_GOALS[9]}"


def test_sdg_file_is_generated_from_the_parser_tables():
    """ontology/sdg.ttl is exactly what ontology/make_sdg.py writes now."""
    spec = importlib.util.spec_from_file_location("make_sdg", ROOT / "ontology" / "make_sdg.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert SDG_FILE.read_text(encoding="utf-8") == module.sdg_turtle()
    assert module.main(["--check"]) == 0


def test_owl_rl_closure_of_ontology_and_seed_graph_is_consistent(ontology, seed_graph):
    graph = Graph()
    for source in (ontology, Graph().parse(SDG_FILE), seed_graph):
        for triple in source:
            graph.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    assert _errors(graph) == []
    # The closure draws the alignments' consequences on real data.
    session = URIRef("https://w3id.org/igfkg/id/session/igf2023-ws-465")
    assert (session, RDF.type, URIRef("http://schema.org/Event")) in graph
    participations = set(seed_graph.subjects(RDF.type, IGF.Participation))
    assert all((p, RDF.type, URIRef("http://www.w3.org/ns/prov#Entity")) in graph for p in participations)
    persons = set(seed_graph.subjects(RDF.type, URIRef("http://schema.org/Person")))
    assert all((p, RDF.type, URIRef("http://xmlns.com/foaf/0.1/Person")) in graph for p in persons)


def test_owl_rl_closure_catches_an_inconsistent_graph(ontology):
    """The consistency check can fail: a node that is both a session and a
    participation contradicts the ontology's disjointness axioms."""
    graph = Graph()
    for triple in ontology:
        graph.add(triple)
    odd = URIRef("https://w3id.org/igfkg/id/session/igf2023-ws-1")
    graph.add((odd, RDF.type, IGF.Session))
    graph.add((odd, IGF.nameAsWritten, Literal("A participation's property")))  # domain: Participation
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    errors = _errors(graph)
    assert errors and any("disjoint" in e.lower() for e in errors)


# ------------------------------------------------------------ docs/model.md


def test_model_doc_is_generated_from_the_current_ontology(ontology):
    from igfkg.docs_diagram import mermaid_diagram, render_model_doc

    doc = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    assert render_model_doc(doc, ontology) == doc, "run: python -m igfkg.docs_diagram"
    diagram = mermaid_diagram(ontology)
    for cls in ("igf:Session", "igf:Participation", "igf:SourceDocument", "igf:MergeDecision"):
        assert f'["{cls}"]' in diagram
    assert "igf_Participation --> igf_Session : conf:during" in diagram
    assert "schema_Event <|-- igf_Session" in diagram
    assert "+igf:year xsd:integer" in diagram
    # A change to the ontology shows up in the diagram.
    changed = Graph()
    for triple in ontology:
        changed.add(triple)
    changed.add((IGF.Panel, RDF.type, OWL.Class))
    changed.add((IGF.Panel, RDFS.subClassOf, IGF.Session))
    assert "igf_Session <|-- igf_Panel" in mermaid_diagram(changed)
    assert render_model_doc(doc, changed) != doc


def test_model_doc_example_queries_return_rows(tmp_path):
    """The three example queries of docs/model.md run with `igfkg query` on the seed build."""
    import json
    import re

    from click.testing import CliRunner

    from igfkg.cli import main

    build([str(ROOT / "data" / "seeds")], tmp_path / "out")
    doc = (ROOT / "docs" / "model.md").read_text(encoding="utf-8")
    queries = re.findall(r"```sparql\n(.*?)```", doc, re.DOTALL)
    assert len(queries) == 3
    for number, text in enumerate(queries):
        path = tmp_path / f"example{number}.rq"
        path.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(main, ["query", str(path), "--graph", str(tmp_path / "out" / "igf.trig"),
                                           "--format", "json"])
        assert result.exit_code == 0, result.output
        rows = json.loads(result.output)["results"]["bindings"]
        assert rows, text.splitlines()[0]
        assert all(len(row) >= 2 for row in rows)
