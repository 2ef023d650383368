"""SHACL validation of the built graph.

pyshacl over one big graph grows worse than linearly, so each document's
graph is validated on its own, together with the entity descriptions it
refers to.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph
from pyoxigraph import Quad, RdfFormat, Store
from rdflib import Graph
from rdflib.namespace import SH

from igfkg.resources import shapes_path


@dataclass
class Violation:
    """One SHACL result, with enough context for a person to find the fact."""

    focus: str
    shape: str
    path: str | None
    message: str
    severity: str
    value: str | None = None
    document: str | None = None


@dataclass
class ValidationReport:
    conforms: bool
    results: list[Violation] = field(default_factory=list)

    @property
    def violations(self) -> list[Violation]:
        return [r for r in self.results if r.severity == "Violation"]


def load_shapes(path: str | Path | None = None) -> Graph:
    """The shapes graph (default: shapes/igf.shacl.ttl)."""
    graph = Graph()
    graph.parse(str(path or shapes_path()), format="turtle")
    return graph


def _to_rdflib(triples: Iterable[Quad]) -> Graph:
    data = pyoxigraph.serialize([pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in triples],
                                format=RdfFormat.N_TRIPLES)
    graph = Graph()
    graph.parse(data=data.decode("utf-8"), format="nt")
    return graph


def validate_graph(data: Graph, shapes: Graph, document: str | None = None) -> ValidationReport:
    """Validate one rdflib graph with pyshacl (the reference engine)."""
    from pyshacl import validate

    conforms, report_graph, _ = validate(data, shacl_graph=shapes, advanced=True, allow_warnings=True)
    results = []
    for result in report_graph.subjects(SH.resultSeverity, None):
        severity = report_graph.value(result, SH.resultSeverity)
        path = report_graph.value(result, SH.resultPath)
        value = report_graph.value(result, SH.value)
        results.append(Violation(
            focus=str(report_graph.value(result, SH.focusNode)),
            shape=str(report_graph.value(result, SH.sourceShape)),
            path=str(path) if path is not None else None,
            message=str(report_graph.value(result, SH.resultMessage) or ""),
            severity=str(severity).rsplit("#", 1)[-1],
            value=str(value) if value is not None else None,
            document=document,
        ))
    results.sort(key=lambda r: (r.document or "", r.shape, r.focus, r.message))
    return ValidationReport(conforms=not any(r.severity == "Violation" for r in results), results=results)


def validate_store(store: Store, shapes: Graph | None = None) -> ValidationReport:
    """Validate every document graph of a built store on its own, each with
    the entity-graph triples about the subjects and objects it mentions."""
    shapes = shapes if shapes is not None else load_shapes()
    entity_quads: dict[str, list[Quad]] = {}
    document_graphs = []
    for graph in sorted(store.named_graphs(), key=str):
        if graph.value.endswith("/graph/entities"):
            for q in store.quads_for_pattern(None, None, None, graph):
                entity_quads.setdefault(str(q.subject), []).append(q)
        else:
            document_graphs.append(graph)
    results: list[Violation] = []
    for graph in document_graphs:
        quads = list(store.quads_for_pattern(None, None, None, graph))
        nodes = {str(q.subject) for q in quads} | {str(q.object) for q in quads}
        extra = [q for node in sorted(nodes) for q in entity_quads.get(node, [])]
        results.extend(validate_graph(_to_rdflib(quads + extra), shapes, document=graph.value).results)
    return ValidationReport(conforms=not any(r.severity == "Violation" for r in results), results=results)
