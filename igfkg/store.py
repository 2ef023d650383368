"""The dataset in Oxigraph (pyoxigraph): loading quads, reading and writing
the standard syntaxes deterministically, persisted stores that reload only
when the built graph changed, and SPARQL execution (union default graph,
parameters bound as RDF terms, standard result formats, a readable table).

Oxigraph is used rather than rdflib's memory store because it stores,
queries and serializes 20-50x faster (see README, "Why these dependencies").
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pyoxigraph
from pyoxigraph import (
    BlankNode, DefaultGraph, Literal, NamedNode, Quad, QueryBoolean, QueryResultsFormat, QueryTriples,
    RdfFormat, Store, Triple, Variable,
)

from igfkg.atomic import atomic_writer
from igfkg.vocab import DEFAULT_BASE, PREFIX_MAP

Term = NamedNode | BlankNode | Literal | Triple

EXPORT_FORMATS = {
    "ttl": RdfFormat.TURTLE, "turtle": RdfFormat.TURTLE, "nt": RdfFormat.N_TRIPLES,
    "nq": RdfFormat.N_QUADS, "trig": RdfFormat.TRIG, "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML, "xml": RdfFormat.RDF_XML,
}


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
    prefixes = PREFIX_MAP if rdf_format in (RdfFormat.TURTLE, RdfFormat.TRIG) else None
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


# --- Persisted stores and SPARQL execution -------------------------------

STORE_MARKER = "loaded-from.json"
RESULT_FORMATS = {
    "json": QueryResultsFormat.JSON, "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV, "xml": QueryResultsFormat.XML,
}
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGER_TYPES = {f"{_XSD}{name}" for name in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
    "unsignedByte")}


def _graph_signature(graph: Path) -> dict:
    """What identifies one version of a graph file: its path, size and mtime."""
    info = graph.stat()
    return {"graph": str(graph.resolve()), "size": info.st_size, "mtime_ns": info.st_mtime_ns}


def _read_marker(store_dir: Path) -> dict | None:
    try:
        return json.loads((store_dir / STORE_MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def store_is_fresh(graph: str | Path, store_dir: str | Path) -> bool:
    """True when the persisted store at `store_dir` holds this version of `graph`."""
    marker = _read_marker(Path(store_dir))
    graph = Path(graph)
    return marker is not None and graph.exists() and marker == _graph_signature(graph)


def open_dataset(graph: str | Path = "out/igf.trig", store_dir: str | Path | None = None) -> Store:
    """The built graph, ready to query.

    Without `store_dir` the graph file is read into memory. With it, the
    graph lives in a persisted Oxigraph store under `store_dir` (the data in
    `store_dir/oxigraph`, what was loaded in `store_dir/loaded-from.json`);
    it is (re)loaded only when the graph file changed since, so repeated
    queries do not re-read the graph. If the graph file is gone, a store
    loaded before is used as it is.

    >>> store = open_dataset("out/igf.trig", ".igfkg-store")   # doctest: +SKIP
    """
    graph = Path(graph)
    if store_dir is None:
        return read_dataset(graph)
    store_dir = Path(store_dir)
    data_dir = store_dir / "oxigraph"
    if store_is_fresh(graph, store_dir) or (not graph.exists() and _read_marker(store_dir) is not None):
        try:
            # Opened for writing (nothing is written), it answers about 25% faster than read-only.
            return Store(str(data_dir))
        except OSError:
            # Another process has it open: read-only, so that several can query one store at once.
            return Store.read_only(str(data_dir))
    if not graph.exists():
        raise FileNotFoundError(f"{graph}: no such graph file (run `igfkg build` first)")
    store_dir.mkdir(parents=True, exist_ok=True)
    # Drop the marker first: a load interrupted half way is then redone next time.
    (store_dir / STORE_MARKER).unlink(missing_ok=True)
    signature = _graph_signature(graph)
    store = Store(str(data_dir))
    store.clear()
    read_dataset(graph, store)
    store.flush()
    with atomic_writer(store_dir / STORE_MARKER) as handle:
        json.dump(signature, handle)
    return store


def execute_query(store: Store, sparql: str, substitutions: Mapping[str, Term] | None = None, *,
                  values_first: bool = False):
    """Run a SPARQL query with the union of all named graphs as the default
    graph. `substitutions` bind variables to RDF terms before evaluation (not
    pasted into the query text); a bound variable must be in the SELECT
    projection. Returns pyoxigraph's QuerySolutions (SELECT), QueryBoolean
    (ASK) or QueryTriples (CONSTRUCT/DESCRIBE), each readable once.

    `values_first`: also state the substitutions as a VALUES block of RDF
    terms at the start of the WHERE group (see `with_values_hint`), for
    queries that are best planned from their parameters' values.

    Raises SyntaxError (message "error at LINE:COLUMN: ...") for a malformed
    query and ValueError for a substitution the query cannot take.

    >>> rows = execute_query(store, "SELECT ?s WHERE { ?s a schema:Person }")  # doctest: +SKIP
    """
    bound = {Variable(name): term for name, term in (substitutions or {}).items()}
    hinted = with_values_hint(sparql, substitutions or {}) if values_first else sparql
    try:
        if hinted != sparql:
            try:
                return store.query(hinted, prefixes=PREFIX_MAP, use_default_graph_as_union=True,
                                   substitutions=bound)
            except SyntaxError:
                pass  # text the hint's lexer misread: run the query as written
        return store.query(sparql, prefixes=PREFIX_MAP, use_default_graph_as_union=True,
                           substitutions=bound or None)
    except RuntimeError as error:
        if "projection" in str(error):  # a substitution of an unprojected variable
            raise ValueError(str(error)) from error
        raise


_SPARQL_TOKEN = re.compile(r'''
    (?P<comment>\#[^\n]*)
  | (?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|'\'\'(?:[^'\\]|\\.|'(?!''))*'\'\'
              |"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<brace>[{}])
  | (?P<other>\S)
''', re.VERBOSE | re.DOTALL)


def _where_group_start(sparql: str) -> int | None:
    """The offset just after the `{` that opens the query's WHERE group, or
    None when there is none to add to (the short form CONSTRUCT WHERE, whose
    group is also the template)."""
    depth, form, after_where, previous = 0, None, False, None
    for token in _SPARQL_TOKEN.finditer(sparql):
        kind, text = token.lastgroup, token.group()
        if kind == "comment":
            continue
        if kind == "brace" and text == "{":
            if depth == 0 and (after_where or form in ("SELECT", "ASK", "DESCRIBE")):
                return token.end()
            depth += 1
        elif kind == "brace":
            depth -= 1
        elif kind == "word" and depth == 0:
            word = text.upper()
            form = form or (word if word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE") else None)
            if word == "WHERE":
                if previous == "CONSTRUCT":
                    return None
                after_where = True
            previous = word
        else:
            previous = None
    return None


def with_values_hint(sparql: str, substitutions: Mapping[str, Term]) -> str:
    """The query with its bound parameters also stated as a VALUES block at
    the start of its WHERE group. The substitutions alone give the same
    answer, but Oxigraph plans the query as if those variables were unbound
    and joins their values last: at 100,000 sessions the speakers of one
    group in one year then take 16 s instead of 1.4 s. (Queries that start
    from a small subquery of their own do better without it.) The values
    are RDF terms written by Oxigraph (escaped): a value cannot become syntax.

    >>> with_values_hint("SELECT ?y WHERE { ?s igf:year ?y }", {"y": Literal("2023")})
    'SELECT ?y WHERE { VALUES (?y) { ("2023") } ?s igf:year ?y }'
    """
    hinted = {name: term for name, term in substitutions.items()
              if isinstance(term, NamedNode | Literal) and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name)}
    start = _where_group_start(sparql) if hinted else None
    if start is None:
        return sparql
    names = " ".join(f"?{name}" for name in hinted)
    values = " ".join(str(term) for term in hinted.values())
    return f"{sparql[:start]} VALUES ({names}) {{ ({values}) }}{sparql[start:]}"


def term_to_python(term: Term | None):
    """A Python value for an RDF term: IRIs as str, numbers as int/Decimal/float,
    booleans, dates and date-times as datetime objects, other literals as str.

    >>> term_to_python(Literal("2023", datatype=NamedNode(_XSD + "integer")))
    2023
    """
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if not isinstance(term, Literal):
        return str(term)
    datatype = term.datatype.value
    text = term.value
    try:
        if datatype in _INTEGER_TYPES:
            return int(text)
        if datatype == f"{_XSD}decimal":
            return Decimal(text)
        if datatype in (f"{_XSD}double", f"{_XSD}float"):
            return float(text)
        if datatype == f"{_XSD}boolean":
            return text.strip() in ("true", "1")
        if datatype == f"{_XSD}dateTime":
            return datetime.fromisoformat(text)
        if datatype == f"{_XSD}date" and len(text) == 10:
            return date.fromisoformat(text)
    except ValueError:
        pass  # an ill-typed literal is still worth showing as its text
    return text


@dataclass
class QueryAnswer:
    """A query's answer read into memory: rows for SELECT, a boolean for
    ASK, triples for CONSTRUCT/DESCRIBE (`kind` says which)."""

    kind: str  # "select", "ask" or "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[list[Term | None]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[Triple] = field(default_factory=list)

    def records(self) -> list[dict]:
        """Rows as dicts of Python values. ASK gives [{"result": bool}],
        CONSTRUCT gives one {"subject", "predicate", "object"} dict per triple."""
        if self.kind == "ask":
            return [{"result": self.boolean}]
        if self.kind == "graph":
            return [{"subject": term_to_python(t.subject), "predicate": term_to_python(t.predicate),
                     "object": term_to_python(t.object)} for t in self.triples]
        return [{name: term_to_python(value) for name, value in zip(self.variables, row)} for row in self.rows]


def read_answer(results) -> QueryAnswer:
    """Read a pyoxigraph query result (from execute_query) into a QueryAnswer."""
    if isinstance(results, QueryBoolean):
        return QueryAnswer("ask", boolean=bool(results))
    if isinstance(results, QueryTriples):
        # A CONSTRUCT result is a graph, a set: Oxigraph may repeat a triple.
        return QueryAnswer("graph", triples=list(dict.fromkeys(results)))
    variables = [v.value for v in results.variables]
    return QueryAnswer("select", variables, [list(row) for row in results])


def serialize_results(results, fmt: str) -> bytes:
    """A pyoxigraph query result in a standard syntax: the SPARQL 1.1 results
    formats (json, csv, tsv, xml) for SELECT and ASK, an RDF syntax (ttl, nt,
    jsonld, rdfxml; json means JSON-LD) for CONSTRUCT/DESCRIBE."""
    if isinstance(results, QueryTriples):
        rdf_format = EXPORT_FORMATS.get("jsonld" if fmt == "json" else fmt)
        if rdf_format not in (RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.JSON_LD, RdfFormat.RDF_XML):
            raise ValueError(f"a CONSTRUCT/DESCRIBE query gives a graph: use ttl, nt, jsonld or rdfxml, not {fmt}")
        prefixes = PREFIX_MAP if rdf_format == RdfFormat.TURTLE else None
        return pyoxigraph.serialize(sorted_triples(Quad(t.subject, t.predicate, t.object) for t in results),
                                    format=rdf_format, prefixes=prefixes)
    if fmt not in RESULT_FORMATS:
        raise ValueError(f"{fmt}: not a SPARQL results format (use {', '.join(RESULT_FORMATS)})")
    return results.serialize(format=RESULT_FORMATS[fmt])


def compact_iri(iri: str, base: str = DEFAULT_BASE) -> str:
    """A short form for display: `igf:year`, `igfv:role/speaker`, `id:person/ke-gong`."""
    if iri.startswith(base):
        return "id:" + iri[len(base):]
    best = max((ns for ns in PREFIX_MAP.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return f"<{iri}>"
    name = next(name for name, ns in PREFIX_MAP.items() if ns == best)
    return f"{name}:{iri[len(best):]}"


def _cell(term: Term | None, width: int) -> str:
    if term is None:
        return ""
    text = compact_iri(term.value) if isinstance(term, NamedNode) else str(term.value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def format_table(answer: QueryAnswer, max_width: int = 60) -> str:
    """A readable fixed-width table of a QueryAnswer (IRIs compacted, long
    cells cut at `max_width`), ending with a row count."""
    if answer.kind == "ask":
        return "yes\n" if answer.boolean else "no\n"
    if answer.kind == "graph":
        variables = ["subject", "predicate", "object"]
        rows = [[t.subject, t.predicate, t.object] for t in answer.triples]
    else:
        variables, rows = answer.variables, answer.rows
    cells = [[_cell(term, max_width) for term in row] for row in rows]
    widths = [max([len(name)] + [len(row[i]) for row in cells]) for i, name in enumerate(variables)]
    lines = ["  ".join(name.ljust(w) for name, w in zip(variables, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in cells]
    noun = "triple" if answer.kind == "graph" else "row"
    lines.append(f"({len(rows)} {noun}{'' if len(rows) == 1 else 's'})")
    return "\n".join(lines) + "\n"
