"""The dataset in Oxigraph (pyoxigraph): loading quads, reading and writing
the standard syntaxes deterministically.

Oxigraph is used rather than rdflib's memory store because it stores,
queries and serializes 20-50x faster (see README, "Why these dependencies").
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pyoxigraph
from pyoxigraph import DefaultGraph, Quad, RdfFormat, Store, Triple

from igfkg.atomic import atomic_writer
from igfkg.vocab import PREFIXES

EXPORT_FORMATS = {
    "ttl": RdfFormat.TURTLE, "turtle": RdfFormat.TURTLE, "nt": RdfFormat.N_TRIPLES,
    "nq": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG, "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML, "xml": RdfFormat.RDF_XML,
}
_PREFIX_MAP = {name: str(ns) for name, ns in PREFIXES.items()}


def open_store(path: str | Path | None = None) -> Store:
    """An Oxigraph store: in memory by default, on disk at `path`."""
    return Store(str(path)) if path else Store()


def load_quads(store: Store, quads: Iterable[Quad]) -> None:
    """Add quads to the store in one bulk operation."""
    store.bulk_extend(quads)


def read_dataset(path: str | Path, store: Store | None = None) -> Store:
    """Load a TriG / N-Quads / Turtle file into a store (new in-memory one by default)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such graph file (run `igfkg build` first)")
    store = store if store is not None else open_store()
    fmt = RdfFormat.from_extension(path.suffix.lstrip(".")) or RdfFormat.TRIG
    store.bulk_load(path=str(path), format=fmt)
    return store


def _term_sort_key(term) -> str:
    return str(term)


def sorted_quads(quads: Iterable[Quad]) -> list[Quad]:
    """Quads in a canonical order (graph, subject, predicate, object), deduplicated."""
    unique = {(str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)): q for q in quads}
    return [unique[key] for key in sorted(unique)]


def sorted_triples(quads: Iterable[Quad]) -> list[Triple]:
    """The union of all graphs as triples, canonical order, deduplicated."""
    unique = {}
    for q in quads:
        unique.setdefault((str(q.subject), str(q.predicate), str(q.object)), Triple(q.subject, q.predicate, q.object))
    return [unique[key] for key in sorted(unique)]


def serialize(store: Store, fmt: str) -> bytes:
    """The whole dataset in one syntax; quad syntaxes keep the named graphs,
    triple syntaxes give their union. Same store, same bytes."""
    rdf_format = EXPORT_FORMATS[fmt]
    quads = list(store)
    if rdf_format.supports_datasets:
        data = sorted_quads(quads)
    else:
        data = sorted_triples(quads)
    prefixes = _PREFIX_MAP if rdf_format in (RdfFormat.TURTLE, RdfFormat.TRIG) else None
    return pyoxigraph.serialize(data, format=rdf_format, prefixes=prefixes)


def write_serialization(store: Store, fmt: str, path: str | Path) -> None:
    """Serialize to a file atomically: an interrupted write leaves the old file."""
    with atomic_writer(path, "wb") as handle:
        handle.write(serialize(store, fmt))


def count_triples(store: Store) -> int:
    """Distinct triples in the union of all graphs."""
    result = store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } } }")
    return int(next(iter(result))["n"].value)


def graph_names(store: Store) -> list[str]:
    """The named graphs in the store, sorted."""
    return sorted(g.value for g in store.named_graphs() if not isinstance(g, DefaultGraph))


_STATS_QUERY = """
PREFIX igf: <https://w3id.org/igfkg/ontology#>
PREFIX schema: <http://schema.org/>
SELECT
  (COUNT(DISTINCT ?doc) AS ?documents) (COUNT(DISTINCT ?session) AS ?sessions)
  (COUNT(DISTINCT ?person) AS ?persons) (COUNT(DISTINCT ?org) AS ?organizations)
  (COUNT(DISTINCT ?part) AS ?participations)
WHERE {
  { GRAPH ?g { ?doc a igf:SourceDocument } }
  UNION { GRAPH ?g { ?session a igf:Session } }
  UNION { GRAPH ?g { ?person a schema:Person } }
  UNION { GRAPH ?g { ?org a schema:Organization } }
  UNION { GRAPH ?g { ?part a igf:Participation } }
}
"""


def graph_stats(store: Store) -> dict[str, int]:
    """Counts of documents, sessions, persons, organizations, participations, triples."""
    row = next(iter(store.query(_STATS_QUERY)))
    stats = {name: int(row[name].value) for name in
             ("documents", "sessions", "persons", "organizations", "participations")}
    stats["triples"] = count_triples(store)
    return stats
