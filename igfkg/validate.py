"""SHACL validation of the built graph, with two engines that must agree.

The shapes (shapes/igf.shacl.ttl) describe the graph as one whole: the union
of its named graphs, as any SHACL engine would read out/igf.ttl.

- `fast` (default): every constraint of the shapes graph compiled to one
  SPARQL query, run once over the whole Oxigraph store. Core constraints
  (counts, datatypes, sh:in, patterns ...) are translated component by
  component; SPARQL constraints run as written, with the shape's target
  joined in. Time grows with the number of facts, not documents squared.
- `pyshacl` (the reference): pyshacl over each document's graph on its own,
  plus the facts about the nodes it mentions that live in other graphs
  (labels in the entities graph, types of the things it points at, the
  participations of its sessions), keeping only results for the nodes the
  document owns. Whole-graph pyshacl grows worse than linearly; this stays
  linear and gives the whole-graph answer.

Both engines produce the same `ValidationResult`s (tests/test_validate.py
checks them against each other on the seed graph and on many broken
variants of it). Each result is then traced back to the document that holds
the failing fact and, through the text spans, to its line in the page.
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph
from pyoxigraph import BlankNode, Literal, NamedNode, Store, Triple
from rdflib import BNode as RdfBNode
from rdflib import Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from igfkg.resources import shapes_path
from igfkg.vocab import CONF, DCTERMS, IGF, PREFIXES

ENGINES = ("fast", "pyshacl")
SEVERITY_ORDER = {"Violation": 0, "Warning": 1, "Info": 2}
_ENTITIES_SUFFIX = "/graph/entities"


# ------------------------------------------------------------------ results


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result, with enough context for a person to find the fact.

    Terms are in N-Triples form (`<https://...>`, `"2023"^^<...#integer>`).
    """

    focus: str
    shape: str
    component: str  # e.g. "MinCountConstraintComponent", "SPARQLConstraintComponent"
    severity: str  # "Violation", "Warning" or "Info"
    message: str
    path: str | None = None
    value: str | None = None
    document: str | None = None  # IRI of the document graph holding the fact
    source: str | None = None  # that document's file (its dcterms:source)
    line: int | None = None  # line in that file, from the text spans

    @property
    def key(self) -> tuple[str, str, str, str, str | None]:
        """What identifies a result across engines: focus, shape, constraint, severity, path."""
        return (self.focus, self.shape, self.component, self.severity, self.path)


@dataclass
class ValidationReport:
    """The results of validating one graph with one engine."""

    results: list[ValidationResult] = field(default_factory=list)
    engine: str = "fast"

    @property
    def conforms(self) -> bool:
        """True when no result is a violation (warnings do not count)."""
        return not self.violations

    @property
    def violations(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[ValidationResult]:
        return [r for r in self.results if r.severity != "Violation"]

    def to_json(self) -> dict:
        """A JSON-ready summary: conforms, counts and every result."""
        return {
            "conforms": self.conforms, "engine": self.engine,
            "violations": len(self.violations), "warnings": len(self.warnings),
            "results": [asdict(r) for r in self.results],
        }

    def to_turtle(self) -> str:
        """The report as a SHACL validation report graph (sh:ValidationReport)."""
        graph = Graph()
        graph.bind("sh", SH)
        graph.bind("dcterms", DCTERMS)
        report = RdfBNode()
        graph.add((report, RDF.type, SH.ValidationReport))
        graph.add((report, SH.conforms, RdfLiteral(self.conforms)))
        for result in self.results:
            node = RdfBNode()
            graph.add((report, SH.result, node))
            graph.add((node, RDF.type, SH.ValidationResult))
            graph.add((node, SH.focusNode, _rdflib_term(result.focus)))
            graph.add((node, SH.sourceShape, URIRef(result.shape)))
            graph.add((node, SH.sourceConstraintComponent, SH[result.component]))
            graph.add((node, SH.resultSeverity, SH[result.severity]))
            graph.add((node, SH.resultMessage, RdfLiteral(result.message, lang="en")))
            if result.path:
                graph.add((node, SH.resultPath, URIRef(result.path)))
            if result.value is not None:
                graph.add((node, SH.value, _rdflib_term(result.value)))
            if result.document:
                where = f"{result.source}:{result.line}" if result.line else result.source or result.document
                graph.add((node, DCTERMS.source, RdfLiteral(where)))
        return graph.serialize(format="turtle")

    def format_text(self) -> str:
        """Human-readable report, grouped by shape and then by focus node."""
        lines: list[str] = []
        by_shape: dict[tuple[str, str], list[ValidationResult]] = defaultdict(list)
        for result in self.results:
            by_shape[(result.severity, result.shape)].append(result)
        for (severity, shape), results in sorted(by_shape.items(), key=lambda i: (SEVERITY_ORDER[i[0][0]], i[0][1])):
            lines.append(f"{severity}: {_short(shape)} ({len(results)} result{'s' * (len(results) != 1)})")
            by_focus: dict[str, list[ValidationResult]] = defaultdict(list)
            for result in results:
                by_focus[result.focus].append(result)
            for focus, focus_results in sorted(by_focus.items()):
                first = focus_results[0]
                where = ""
                if first.source:
                    where = f"  [{first.source}{f':{first.line}' if first.line else ''}]"
                elif first.document:
                    where = f"  [{_short(first.document)}]"
                lines.append(f"  {_short(focus)}{where}")
                for message in sorted({r.message for r in focus_results}):
                    lines.append(f"    {message}")
                for result in focus_results:
                    fact = " ".join(x for x in (_short(result.path) if result.path else "",
                                                _short(result.value) if result.value and result.value != focus else "") if x)
                    lines.append(f"    - {fact or '(the node itself)'}  ({result.component.removesuffix('ConstraintComponent')})")
        count = f"{len(self.violations)} violations, {len(self.warnings)} warnings"
        lines.append(f"conforms ({count})" if self.conforms else f"does not conform ({count})")
        return "\n".join(lines) + "\n"


_PREFIX_ITEMS = sorted(((str(ns), name) for name, ns in PREFIXES.items()), key=lambda i: -len(i[0]))


def _short(term: str) -> str:
    """`<https://w3id.org/igfkg/ontology#year>` -> `igf:year`; `"5"^^<...#integer>` -> `"5"^^xsd:integer`."""
    if term.startswith('"'):
        lexical, sep, datatype = term.rpartition("^^")
        return f"{lexical}^^{_short(datatype)}" if sep and datatype.startswith("<") else term
    text = term.strip("<>")
    for namespace, name in _PREFIX_ITEMS:
        rest = text[len(namespace):]
        if text.startswith(namespace) and (name == "igfv" or "/" not in rest):
            return f"{name}:{rest}"
    for namespace, short in (("https://w3id.org/igfkg/shapes#", "igfsh:"), ("https://w3id.org/igfkg/id/", "")):
        if text.startswith(namespace):
            return short + text[len(namespace):]
    return text


# ------------------------------------------------------------------ shapes


def load_shapes(path: str | Path | None = None) -> Graph:
    """The shapes graph (default: shapes/igf.shacl.ttl), as the rdflib graph pyshacl reads.

    Parsed by Oxigraph (rdflib's Turtle parser takes longer than validating the seed graph).
    """
    graph = Graph()
    try:
        triples = pyoxigraph.parse(path=str(path or shapes_path()), format=pyoxigraph.RdfFormat.TURTLE)
        for triple in triples:
            graph.add((_to_rdflib(triple.subject), _to_rdflib(triple.predicate), _to_rdflib(triple.object)))
    except SyntaxError as error:
        raise ValueError(f"{path or shapes_path()}: not a Turtle shapes file: {error}") from error
    return graph


# ------------------------------------------------------------- entry point


def validate_store(store: Store, shapes: Graph | None = None, *, engine: str = "fast", locate: bool = True,
                   reference_cache: ReferenceCache | None = None) -> ValidationReport:
    """Validate a built store with the fast engine (default) or pyshacl.

    >>> report = validate_store(read_dataset("out/igf.trig"))   # doctest: +SKIP
    >>> report.conforms, len(report.violations)                  # doctest: +SKIP
    (True, 0)
    """
    shapes = shapes if shapes is not None else load_shapes()
    if engine == "fast":
        raw = validate_fast(store, shapes)
    elif engine == "pyshacl":
        raw = validate_pyshacl(store, shapes, reference_cache)
    else:
        raise ValueError(f"unknown validation engine {engine!r}; choose one of {', '.join(ENGINES)}")
    results = locate_results(store, raw) if locate else [_finish(r) for r in raw]
    results.sort(key=lambda r: (SEVERITY_ORDER.get(r.severity, 9), r.shape, r.focus, r.path or "", r.value or ""))
    return ValidationReport(results, engine)


@dataclass(frozen=True)
class RawResult:
    """A result before it is traced to its document (terms as pyoxigraph terms)."""

    focus: NamedNode | BlankNode | Literal
    shape: str
    component: str
    severity: str
    message: str
    path: NamedNode | None = None
    value: NamedNode | BlankNode | Literal | None = None


def _finish(raw: RawResult, document: str | None = None, source: str | None = None,
            line: int | None = None) -> ValidationResult:
    return ValidationResult(
        focus=str(raw.focus), shape=raw.shape, component=raw.component, severity=raw.severity,
        message=raw.message, path=raw.path.value if raw.path is not None else None,
        value=str(raw.value) if raw.value is not None else None,
        document=document, source=source, line=line,
    )


# ------------------------------------------------------- fast engine (SPARQL)


@dataclass(frozen=True)
class CompiledCheck:
    """One constraint of one shape as a SPARQL SELECT over the union graph,
    returning ?this (the focus node) and, where they apply, ?path and ?value."""

    shape: str
    component: str
    severity: str
    message: str
    query: str
    path: str | None = None  # fixed result path of a property shape
    value_is_focus: bool = False  # node-level constraint: the value is the focus node


class UnsupportedShape(ValueError):
    """The shapes graph uses a SHACL feature the fast engine does not translate."""


_IGNORED = {RDF.type, SH.message, SH.severity, SH.path, SH.name, SH.description, SH.property,
            SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf, SH.sparql,
            SH.deactivated, SH.order, SH.group,
            URIRef("http://www.w3.org/2000/01/rdf-schema#label"),
            URIRef("http://www.w3.org/2000/01/rdf-schema#comment")}
_XSD = "http://www.w3.org/2001/XMLSchema#"
# Datatypes whose lexical forms can be ill-formed; a cast tells (pyshacl checks them too).
_CASTABLE = {f"{_XSD}{name}" for name in ("integer", "boolean", "dateTime", "date", "duration", "decimal", "double")}
_NODE_KINDS = {
    SH.IRI: "isIRI(?v)", SH.Literal: "isLiteral(?v)", SH.BlankNode: "isBlank(?v)",
    SH.BlankNodeOrIRI: "(isBlank(?v) || isIRI(?v))", SH.BlankNodeOrLiteral: "(isBlank(?v) || isLiteral(?v))",
    SH.IRIOrLiteral: "(isIRI(?v) || isLiteral(?v))",
}
_RANGE = {SH.minInclusive: ">=", SH.maxInclusive: "<=", SH.minExclusive: ">", SH.maxExclusive: "<"}


def _severity(shapes: Graph, shape) -> str:
    value = shapes.value(shape, SH.severity)
    return str(value).rsplit("#", 1)[-1] if value is not None else "Violation"


def _message(shapes: Graph, node) -> str | None:
    messages = sorted(shapes.objects(node, SH.message), key=lambda m: (getattr(m, "language", None) != "en", str(m)))
    return str(messages[0]) if messages else None


def _target_pattern(shapes: Graph, shape) -> str | None:
    """SPARQL group binding ?this to the shape's focus nodes, or None if untargeted.

    A DISTINCT subquery: a node typed in many page graphs would otherwise be
    joined once per graph (measured twice as slow on replicated corpora)."""
    branches = []
    for cls in shapes.objects(shape, SH.targetClass):
        branches.append(f"?this a {cls.n3()} .")
    for prop in shapes.objects(shape, SH.targetObjectsOf):
        branches.append(f"?targetSubject {prop.n3()} ?this .")
    for prop in shapes.objects(shape, SH.targetSubjectsOf):
        branches.append(f"?this {prop.n3()} ?targetObject .")
    nodes = list(shapes.objects(shape, SH.targetNode))
    if nodes:
        branches.append("VALUES ?this { " + " ".join(n.n3() for n in nodes) + " }")
    if not branches:
        return None
    return "{ SELECT DISTINCT ?this WHERE { " + " UNION ".join("{ " + b + " }" for b in branches) + " } }"


def _datatype_ok(datatype: str) -> str:
    """SPARQL condition: ?v is a well-formed literal of `datatype`."""
    condition = f"isLiteral(?v) && datatype(?v) = <{datatype}>"
    if datatype in _CASTABLE:
        condition += f" && COALESCE(<{datatype}>(STR(?v)) = ?v, false)"
    return f"({condition})"


def _value_condition(shapes: Graph, component, value) -> tuple[str, str]:
    """(component name, SPARQL condition that holds when ?v FAILS the constraint)."""
    if component == SH.datatype:
        return "DatatypeConstraintComponent", f"!{_datatype_ok(str(value))}"
    if component == SH.nodeKind:
        return "NodeKindConstraintComponent", f"!{_NODE_KINDS[value]}"
    if component == SH["class"]:
        return "ClassConstraintComponent", f"NOT EXISTS {{ ?v a {value.n3()} }}"
    if component == SH["in"]:
        members = list(Collection(shapes, value))
        return "InConstraintComponent", "!(" + " || ".join(f"sameTerm(?v, {m.n3()})" for m in members) + ")"
    if component == SH.pattern:
        return "PatternConstraintComponent", f"(isBlank(?v) || !REGEX(STR(?v), {RdfLiteral(str(value)).n3()}))"
    if component == SH.minLength:
        return "MinLengthConstraintComponent", f"(isBlank(?v) || STRLEN(STR(?v)) < {int(value)})"
    if component == SH.maxLength:
        return "MaxLengthConstraintComponent", f"(isBlank(?v) || STRLEN(STR(?v)) > {int(value)})"
    if component in _RANGE:
        name = str(component).rsplit("#", 1)[-1]
        name = name[0].upper() + name[1:] + "ConstraintComponent"
        return name, f"COALESCE(!(?v {_RANGE[component]} {value.n3()}), true)"
    if component == SH["or"]:
        alternatives = []
        for member in Collection(shapes, value):
            constraints = {p: o for p, o in shapes.predicate_objects(member) if p != RDF.type}
            if set(constraints) != {SH.datatype}:
                raise UnsupportedShape("sh:or is only translated when each member is a single sh:datatype")
            alternatives.append(_datatype_ok(str(constraints[SH.datatype])))
        return "OrConstraintComponent", "!(" + " || ".join(alternatives) + ")"
    raise UnsupportedShape(f"constraint {component} is not translated by the fast engine")


def compile_shapes(shapes: Graph) -> list[CompiledCheck]:
    """Every constraint of the shapes graph as a SPARQL query over the union graph.

    >>> checks = compile_shapes(load_shapes())
    >>> sorted({c.component for c in checks})[:2]
    ['ClassConstraintComponent', 'DatatypeConstraintComponent']
    """
    prefixes = _sparql_prefixes(shapes)
    checks: list[CompiledCheck] = []
    node_shapes = sorted({s for s in shapes.subjects(RDF.type, SH.NodeShape)}, key=str)
    for shape in node_shapes:
        if shapes.value(shape, SH.deactivated) == RdfLiteral(True):
            continue
        target = _target_pattern(shapes, shape)
        if target is None:
            continue
        severity = _severity(shapes, shape)
        message = _message(shapes, shape) or ""
        for component, value in sorted(shapes.predicate_objects(shape)):
            if component in _IGNORED:
                continue
            if component == SH.flags:
                raise UnsupportedShape("sh:flags is not translated by the fast engine")
            name, fails = _value_condition(shapes, component, value)
            query = f"SELECT DISTINCT ?this WHERE {{ {target} BIND(?this AS ?v) FILTER({fails}) }}"
            checks.append(CompiledCheck(str(shape), name, severity, message, query, None, True))
        for constraint in sorted(shapes.objects(shape, SH.sparql), key=str):
            checks.append(_compile_sparql(shapes, shape, constraint, target, severity, prefixes))
        for prop in sorted(shapes.objects(shape, SH.property), key=str):
            checks.extend(_compile_property_shape(shapes, prop, target))
    return checks


def _compile_property_shape(shapes: Graph, prop, target: str) -> Iterator[CompiledCheck]:
    if shapes.value(prop, SH.deactivated) == RdfLiteral(True):
        return
    path = shapes.value(prop, SH.path)
    if not isinstance(path, URIRef):
        raise UnsupportedShape(f"{prop}: only predicate paths are translated by the fast engine")
    if list(shapes.objects(prop, SH.sparql)):
        raise UnsupportedShape(f"{prop}: SPARQL constraints on property shapes are not translated")
    shape, severity, message, p = str(prop), _severity(shapes, prop), _message(shapes, prop) or "", path.n3()
    for component, value in sorted(shapes.predicate_objects(prop)):
        if component in _IGNORED:
            continue
        # "At least one" is a MINUS, not GROUP BY or FILTER NOT EXISTS (both far
        # slower in Oxigraph when a node is typed in many page graphs). Pairs of
        # values go through DISTINCT first: a fact repeated in many page graphs
        # (a theme's name) would otherwise pair with itself quadratically.
        if component == SH.minCount and int(value) == 1:
            query = f"SELECT DISTINCT ?this WHERE {{ {target} MINUS {{ ?this {p} ?v }} }}"
            yield CompiledCheck(shape, "MinCountConstraintComponent", severity, message, query, str(path))
        elif component == SH.minCount:
            query = (f"SELECT ?this WHERE {{ {target} OPTIONAL {{ ?this {p} ?v }} }} "
                     f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) < {int(value)})")
            yield CompiledCheck(shape, "MinCountConstraintComponent", severity, message, query, str(path))
        elif component == SH.maxCount:
            query = (f"SELECT ?this WHERE {{ {target} ?this {p} ?v }} "
                     f"GROUP BY ?this HAVING (COUNT(DISTINCT ?v) > {int(value)})")
            yield CompiledCheck(shape, "MaxCountConstraintComponent", severity, message, query, str(path))
        elif component == SH.hasValue:
            query = f"SELECT DISTINCT ?this WHERE {{ {target} MINUS {{ ?this {p} {value.n3()} }} }}"
            yield CompiledCheck(shape, "HasValueConstraintComponent", severity, message, query, str(path))
        elif component == SH.lessThan:
            query = (f"SELECT DISTINCT ?this ?value WHERE {{ {target} ?this {p} ?value . ?this {value.n3()} ?other . "
                     f"FILTER(COALESCE(!(?value < ?other), true)) }}")
            yield CompiledCheck(shape, "LessThanConstraintComponent", severity, message, query, str(path))
        elif component == SH.uniqueLang:
            if value != RdfLiteral(True):
                continue
            query = (f"SELECT DISTINCT ?this WHERE {{ {target} {{ SELECT DISTINCT ?this ?a WHERE {{ ?this {p} ?a }} }} "
                     f"{{ SELECT DISTINCT ?this ?b WHERE {{ ?this {p} ?b }} }} "
                     f"FILTER(!sameTerm(?a, ?b) && LANG(?a) != \"\" && LCASE(LANG(?a)) = LCASE(LANG(?b))) }}")
            yield CompiledCheck(shape, "UniqueLangConstraintComponent", severity, message, query, str(path))
        else:
            name, fails = _value_condition(shapes, component, value)
            query = f"SELECT DISTINCT ?this (?v AS ?value) WHERE {{ {target} ?this {p} ?v . FILTER({fails}) }}"
            yield CompiledCheck(shape, name, severity, message, query, str(path))


def declared_prefixes(shapes: Graph) -> set[tuple[str, str]]:
    """The prefixes the shapes declare for their SPARQL (`sh:declare`): (name, namespace) pairs."""
    declared = set()
    for declaration in shapes.objects(None, SH.declare):
        prefix, namespace = shapes.value(declaration, SH.prefix), shapes.value(declaration, SH.namespace)
        if prefix is not None and namespace is not None:
            declared.add((str(prefix), str(namespace)))
    return declared


def _sparql_prefixes(shapes: Graph) -> str:
    return "\n".join(sorted(f"PREFIX {prefix}: <{namespace}>" for prefix, namespace in declared_prefixes(shapes)))


_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)
_SELECT = re.compile(r"\bSELECT\b(.*?)\bWHERE\b", re.IGNORECASE | re.DOTALL)


def _compile_sparql(shapes: Graph, shape, constraint, target: str, severity: str, prefixes: str) -> CompiledCheck:
    """A SPARQL constraint run for all focus nodes at once: $this becomes the
    variable ?this, bound first thing in the WHERE group by the shape's target
    (so FILTERs and NOT EXISTS see it bound, as with SHACL pre-binding)."""
    select = str(shapes.value(constraint, SH.select))
    if re.search(r"\$(PATH|currentShape|shapesGraph|value)\b", select):
        raise UnsupportedShape(f"{shape}: only $this is pre-bound by the fast engine")
    body = re.sub(r"\$this\b", "?this", select)
    body = _SELECT.sub("SELECT DISTINCT ?this ?path ?value WHERE", body, count=1)
    body = _WHERE.sub(lambda m: m.group(0) + f" {target} ", body, count=1)
    message = _message(shapes, constraint) or _message(shapes, shape) or ""
    return CompiledCheck(str(shape), "SPARQLConstraintComponent", severity, message, f"{prefixes}\n{body}",
                         None, True)


def validate_fast(store: Store, shapes: Graph, checks: list[CompiledCheck] | None = None) -> list[RawResult]:
    """Run every compiled constraint once over the whole store (all named graphs as one)."""
    results: set[RawResult] = set()
    for check in checks if checks is not None else compile_shapes(shapes):
        path = NamedNode(check.path) if check.path else None
        for row in store.query(check.query, use_default_graph_as_union=True):
            focus = row["this"]
            value = _binding(row, "value")
            row_path = _binding(row, "path") if check.component == "SPARQLConstraintComponent" else path
            if value is None and check.value_is_focus:
                value = focus
            results.add(RawResult(focus, check.shape, check.component, check.severity, check.message,
                                  row_path, value))
    return list(results)


def _binding(row, name: str):
    try:
        return row[name]
    except (KeyError, IndexError):
        return None


# ------------------------------------------------ reference engine (pyshacl)


class _PreparedQueryGraph(Graph):
    """An rdflib graph that parses each SPARQL text once: pyshacl runs a
    constraint's query for every focus node with the same text, and rdflib
    would otherwise re-parse it every time (most of pyshacl's run time)."""

    def __init__(self, cache: dict, **kwargs) -> None:
        super().__init__(**kwargs)
        self._prepared = cache

    def query(self, query_object, processor="sparql", result="sparql", initNs=None, initBindings=None,
              use_store_provided=True, **kwargs):
        if isinstance(query_object, str):
            from rdflib.plugins.sparql import prepareQuery

            key = (query_object, tuple(sorted((initNs or {}).items())))
            if key not in self._prepared:
                self._prepared[key] = prepareQuery(query_object, initNs=initNs or {})
            query_object = self._prepared[key]
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


def _to_rdflib(term):
    if isinstance(term, NamedNode):
        return URIRef(term.value)
    if isinstance(term, BlankNode):
        return RdfBNode(term.value)
    if term.language:
        return RdfLiteral(term.value, lang=term.language)
    if term.datatype.value == f"{_XSD}string":
        return RdfLiteral(term.value)  # rdflib tells "x" from "x"^^xsd:string; RDF 1.1 does not
    return RdfLiteral(term.value, datatype=URIRef(term.datatype.value))


def _from_rdflib(term):
    if isinstance(term, URIRef):
        return NamedNode(str(term))
    if isinstance(term, RdfBNode):
        return BlankNode(str(term))
    if term.language:
        return Literal(str(term), language=term.language)
    datatype = term.datatype or URIRef(f"{_XSD}string")
    return Literal(str(term), datatype=NamedNode(str(datatype)))


def _rdflib_term(text: str):
    """An rdflib term from its N-Triples text (for the report graph)."""
    triple = next(iter(pyoxigraph.parse(f"<urn:s> <urn:p> {text} .", format=pyoxigraph.RdfFormat.N_TRIPLES)))
    return _to_rdflib(triple.object)


@dataclass
class _StoreIndex:
    """Every triple of the store by subject (deduplicated across graphs), the
    conf:during edges by session, and the nodes each named graph mentions."""

    out: dict = field(default_factory=lambda: defaultdict(set))
    during: dict = field(default_factory=lambda: defaultdict(set))
    nodes_by_graph: dict = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def of(cls, store: Store) -> _StoreIndex:
        index = cls()
        during = NamedNode(str(CONF.during))
        for quad in store:
            triple = Triple(quad.subject, quad.predicate, quad.object)
            index.out[quad.subject].add(triple)
            nodes = index.nodes_by_graph[quad.graph_name]
            nodes.add(quad.subject)
            nodes.add(quad.object)  # literals too: sh:targetObjectsOf can make one a focus node
            if quad.predicate == during:
                index.during[quad.object].add(triple)
        return index


def _units(index: _StoreIndex, batch: int = 500) -> Iterator[tuple[str, set]]:
    """(document IRI, nodes it owns): each document graph owns the nodes it
    mentions; what only the entities graph mentions (merge decisions) is
    owned in batches."""
    owned_by_documents: set = set()
    entities = []
    for graph, nodes in sorted(index.nodes_by_graph.items(), key=lambda i: str(i[0])):
        if isinstance(graph, NamedNode) and graph.value.endswith(_ENTITIES_SUFFIX):
            entities.append(nodes)
            continue
        owned_by_documents |= nodes
        yield (graph.value if isinstance(graph, NamedNode) else str(graph)), nodes
    rest = sorted({node for nodes in entities for node in nodes} - owned_by_documents, key=str)
    for start in range(0, len(rest), batch):
        yield "entities", set(rest[start:start + batch])


def _neighbourhood(index: _StoreIndex, owned: set) -> set:
    """What the shapes look at from the owned nodes: their own triples, the
    triples of the nodes they point at (types, labels), and the participations
    of owned sessions."""
    triples: set = set()
    for node in owned:
        triples |= index.out.get(node, set())
        triples |= index.during.get(node, set())
    for obj in {t.object for t in triples if not isinstance(t.object, Literal)}:
        triples |= index.out.get(obj, set())
    return triples


@dataclass
class ReferenceCache:
    """What `validate_pyshacl` may reuse between runs: the parsed SPARQL
    constraints, and each document's results keyed by a digest of the shapes,
    the triples pyshacl saw and the nodes kept. A rerun after a change thus
    re-validates only the documents whose neighbourhood changed."""

    queries: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)


def _digest(lines: Iterable[str]) -> str:
    return hashlib.sha256("\n".join(sorted(lines)).encode("utf-8")).hexdigest()


def validate_pyshacl(store: Store, shapes: Graph, cache: ReferenceCache | None = None) -> list[RawResult]:
    """The reference: pyshacl over each document's neighbourhood (see module doc)."""
    from pyshacl import validate as pyshacl_validate

    cache = cache if cache is not None else ReferenceCache()
    shapes_digest = _digest(shapes.serialize(format="nt").splitlines())
    index = _StoreIndex.of(store)
    results: set[RawResult] = set()
    for _document, owned in _units(index):
        triples = _neighbourhood(index, owned)
        key = _digest([shapes_digest, *(str(t) for t in triples), *(f"owned {n}" for n in owned)])
        if key not in cache.units:
            graph = _PreparedQueryGraph(cache.queries)
            for triple in triples:
                graph.add((_to_rdflib(triple.subject), _to_rdflib(triple.predicate), _to_rdflib(triple.object)))
            # Results for nodes owned elsewhere are dropped rather than skipped with
            # pyshacl's focus_nodes option, which tests membership in a list (quadratic).
            _conforms, report, text = pyshacl_validate(graph, shacl_graph=shapes, inplace=True, allow_warnings=True)
            if not isinstance(report, Graph):
                raise RuntimeError(f"pyshacl could not run the shapes: {text}")
            cache.units[key] = [r for r in _read_report(report) if r.focus in owned]
        results.update(cache.units[key])
    return list(results)


def validate_pyshacl_whole_graph(store: Store, shapes: Graph, cache: ReferenceCache | None = None) -> list[RawResult]:
    """pyshacl over the union of all graphs at once: the naive way, for
    comparison (it grows worse than linearly with the graph)."""
    from pyshacl import validate as pyshacl_validate

    cache = cache if cache is not None else ReferenceCache()
    graph = _PreparedQueryGraph(cache.queries)
    for quad in store:
        graph.add((_to_rdflib(quad.subject), _to_rdflib(quad.predicate), _to_rdflib(quad.object)))
    _conforms, report, text = pyshacl_validate(graph, shacl_graph=shapes, inplace=True, allow_warnings=True)
    if not isinstance(report, Graph):
        raise RuntimeError(f"pyshacl could not run the shapes: {text}")  # noqa: TRY004 (not a type error)
    return list(set(_read_report(report)))


def _read_report(report: Graph) -> Iterator[RawResult]:
    for result in report.subjects(RDF.type, SH.ValidationResult):
        shape = report.value(result, SH.sourceShape)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        component = str(report.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[-1]
        message = report.value(result, SH.resultMessage)
        yield RawResult(
            focus=_from_rdflib(report.value(result, SH.focusNode)),
            shape=str(shape), component=component,
            severity=str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1],
            message=str(message) if message is not None else "",
            path=NamedNode(str(path)) if isinstance(path, URIRef) else None,
            value=_from_rdflib(value) if value is not None else None,
        )


# -------------------------------------------- tracing results to their page


def locate_results(store: Store, raw_results: Iterable[RawResult]) -> list[ValidationResult]:
    """Each result with the document that holds its fact, that document's file
    and, when the file is readable and unchanged, the line of the fact."""
    texts = _SourceTexts()
    located = []
    for raw in raw_results:
        document = _document_of(store, raw)
        source = line = None
        if document is not None:
            source, sha256 = _document_source(store, document)
            offset = _offset_of(store, raw.focus, document)
            if source and offset is not None:
                line = texts.line(source, sha256, offset)
        located.append(_finish(raw, document.value if document is not None else None, source, line))
    return located


def _is_document_graph(graph) -> bool:
    return isinstance(graph, NamedNode) and not graph.value.endswith(_ENTITIES_SUFFIX)


def _document_of(store: Store, raw: RawResult) -> NamedNode | None:
    """The document graph holding the failing fact, else one that describes the focus node."""
    focus = raw.focus
    if isinstance(focus, Literal):
        return None
    patterns = []
    if raw.path is not None and raw.value is not None and raw.value != focus:
        patterns.append((focus, raw.path, raw.value))
    patterns += [(focus, NamedNode(str(RDF.type)), None), (focus, None, None), (None, None, focus)]
    for subject, predicate, obj in patterns:
        graphs = sorted({q.graph_name.value for q in store.quads_for_pattern(subject, predicate, obj)
                         if _is_document_graph(q.graph_name)})
        if graphs:
            return NamedNode(graphs[0])
    return None


def _document_source(store: Store, document: NamedNode) -> tuple[str | None, str | None]:
    source = sha256 = None
    for quad in store.quads_for_pattern(document, NamedNode(str(DCTERMS.source)), None, document):
        source = quad.object.value
    for quad in store.quads_for_pattern(document, NamedNode(str(IGF.sha256)), None, document):
        sha256 = quad.object.value
    return source, sha256


_OFFSET_QUERY = """
PREFIX igf: <https://w3id.org/igfkg/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX conf: <https://w3id.org/scholarlydata/ontology/conference-ontology.owl#>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT (MIN(?start) AS ?offset) WHERE {
  GRAPH $document {
    { $focus oa:start ?start }
    UNION { $focus igf:textSpan/oa:start ?start }
    UNION { ?participation conf:isHeldBy|igf:heldByOrganization|igf:affiliation $focus ;
                           igf:textSpan/oa:start ?start }
    UNION { $focus org:member ?person . ?participation conf:isHeldBy ?person ; igf:textSpan/oa:start ?start }
  }
}
"""


def _offset_of(store: Store, focus, document: NamedNode) -> int | None:
    """Character offset of the focus node's first text span in the document, if any."""
    if not isinstance(focus, NamedNode):
        return None  # spans hang off named nodes only
    query = _OFFSET_QUERY.replace("$focus", str(focus)).replace("$document", str(document))
    rows = list(store.query(query))
    offset = rows[0]["offset"] if rows else None
    try:
        return int(offset.value) if offset is not None else None
    except ValueError:
        return None


class _SourceTexts:
    """Reads each source page once; lines only when the page is unchanged."""

    def __init__(self) -> None:
        self._texts: dict[str, str | None] = {}

    def line(self, source: str, sha256: str | None, offset: int) -> int | None:
        if source not in self._texts:
            self._texts[source] = self._read(source, sha256)
        text = self._texts[source]
        if text is None or offset > len(text):
            return None
        return text.count("\n", 0, offset) + 1

    @staticmethod
    def _read(source: str, sha256: str | None) -> str | None:
        from igfkg.sources import SourceError, read_source

        try:
            text = read_source(source).text
        except (SourceError, OSError):
            return None
        # The offsets are into the text the parser read; a changed file has other lines.
        if sha256 and hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest() != sha256:
            return None
        return text
