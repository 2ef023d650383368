"""Named SPARQL queries (`queries/*.rq`): their header comments, finding
one by name or file, binding parameters as RDF terms, and the Python API
`igfkg.query(...)`.

A query file starts with a header of comment lines:

    # title: Speakers per stakeholder group per year
    # description: Distinct people with the role speaker, per stakeholder
    #   group (as their line on the page states it) and IGF year.
    # param: year (xsd:integer) -- one IGF year; every year when not given
    # param: group = sg:civil-society (iri) -- a stakeholder-group concept

A query best planned from its parameters' values says `# plan: parameters
first` (see igfkg.store.with_values_hint).

A parameter is `NAME [= DEFAULT] (TYPE) [-- what it means]`. TYPE is `iri`,
`string` or an XSD datatype (`xsd:integer`, `xsd:date`, ...). Without a
default the variable stays unbound (the query then covers every value).
Values are bound with pyoxigraph substitutions, never pasted into the query
text, so a value full of SPARQL syntax is just a value. A bound variable
must appear in the SELECT projection (SEP-0007), which is why parameters
show up as result columns.

(The module is not called `query.py`: a submodule of that name would shadow
the function `igfkg.query`.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Store

from igfkg.resources import queries_dir
from igfkg.store import (
    QueryAnswer, execute_query, open_dataset, read_answer, serialize_results,
)
from igfkg.vocab import DEFAULT_BASE, PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"
_HEADER_FIELD = re.compile(r"^#\s*(title|description|param|plan)\s*:\s*(.*)$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*(?:=\s*(?P<default>.*?))?\s*"
                    r"\((?P<type>[^()]+)\)\s*(?:--\s*(?P<doc>.*))?$")
_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)


class QueryError(ValueError):
    """A query that cannot be found, read, bound or run; the message says why."""


@dataclass(frozen=True)
class QueryParameter:
    """One declared parameter: `type` is "iri", "string" or an XSD datatype IRI."""

    name: str
    type: str
    default: str | None = None
    description: str = ""

    @property
    def type_label(self) -> str:
        return "xsd:" + self.type[len(XSD):] if self.type.startswith(XSD) else self.type


@dataclass(frozen=True)
class NamedQuery:
    """A SPARQL query with what its header says about it."""

    name: str
    sparql: str
    title: str = ""
    description: str = ""
    parameters: list[QueryParameter] = field(default_factory=list)
    path: Path | None = None
    parameters_first: bool = False  # `# plan: parameters first`

    def parameter(self, name: str) -> QueryParameter | None:
        return next((p for p in self.parameters if p.name == name), None)


def parse_query(sparql: str, name: str = "query", path: Path | None = None) -> NamedQuery:
    """Read the header comments of a query text.

    >>> q = parse_query("# title: T\\n# param: year = 2023 (xsd:integer)\\nSELECT ?year WHERE {}")
    >>> q.title, q.parameters[0].default
    ('T', '2023')
    """
    fields: dict[str, str] = {"title": "", "description": "", "plan": ""}
    params: list[QueryParameter] = []
    last = None
    for line in sparql.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        match = _HEADER_FIELD.match(stripped)
        if match:
            key, value = match.groups()
            if key == "param":
                params.append(_parse_param(value, name))
            else:
                fields[key] = (fields[key] + " " + value).strip()
            last = key
        elif last in ("title", "description") and stripped.lstrip("#").strip():
            fields[last] += " " + stripped.lstrip("#").strip()  # a continuation line
        elif last == "param" and stripped.lstrip("#").strip():
            p = params[-1]
            params[-1] = QueryParameter(p.name, p.type, p.default,
                                        (p.description + " " + stripped.lstrip("#").strip()).strip())
    return NamedQuery(name, sparql, fields["title"], fields["description"], params, path,
                      parameters_first=" ".join(fields["plan"].split()).lower() == "parameters first")


def _parse_param(text: str, query_name: str) -> QueryParameter:
    match = _PARAM.match(text.strip())
    if not match:
        raise QueryError(f"{query_name}: cannot read parameter line {text!r} "
                         "(expected: NAME [= DEFAULT] (TYPE) [-- description])")
    type_text = match["type"].strip()
    if type_text in ("iri", "string"):
        value_type = type_text
    elif type_text.startswith("xsd:"):
        value_type = XSD + type_text[4:]
    elif type_text.startswith(XSD):
        value_type = type_text
    else:
        raise QueryError(f"{query_name}: parameter {match['name']}: unknown type {type_text!r} "
                         "(use iri, string or xsd:...)")
    default = match["default"]
    if default is not None and len(default) >= 2 and default[0] == default[-1] == '"':
        default = default[1:-1]
    return QueryParameter(match["name"], value_type, default or None, (match["doc"] or "").strip())


def named_queries(directory: str | Path | None = None) -> dict[str, NamedQuery]:
    """Every `*.rq` file of `directory` (default: the project's `queries/`), by name."""
    directory = Path(directory) if directory else queries_dir()
    return {path.stem: load_query_file(path) for path in sorted(directory.glob("*.rq"))}


def load_query_file(path: str | Path) -> NamedQuery:
    """A query file with its header read."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise QueryError(f"{path}: cannot read query file: {error}") from error
    return parse_query(text, path.stem, path)


def find_query(name_or_file: str, directory: str | Path | None = None) -> NamedQuery:
    """A named query (`co-speakers` or `co-speakers.rq`) or a query file path.

    An unknown name raises QueryError listing the available names.
    """
    path = Path(name_or_file)
    if path.suffix == ".rq" and path.is_file():
        return load_query_file(path)
    available = named_queries(directory)
    name = name_or_file[:-3] if name_or_file.endswith(".rq") else name_or_file
    if name in available:
        return available[name]
    listing = ", ".join(available) or "(none)"
    raise QueryError(f"{name_or_file}: no such query file or named query; named queries: {listing}")


def _looks_like_sparql(text: str) -> bool:
    return any(ch in text for ch in "{\n") or bool(re.match(r"\s*(PREFIX|BASE|SELECT|ASK|CONSTRUCT|DESCRIBE)\b",
                                                            text, re.IGNORECASE))


def _prefixes_of(query: NamedQuery) -> dict[str, str]:
    """Prefixes an IRI parameter may use: the project's, `id:` for instance
    data under the default base, and those the query declares."""
    prefixes = {name: str(ns) for name, ns in PREFIXES.items()}
    prefixes["id"] = DEFAULT_BASE
    prefixes.update({(name or ""): iri for name, iri in _PREFIX_DECL.findall(query.sparql)})
    return prefixes


def to_term(value: Any, value_type: str, prefixes: dict[str, str] | None = None) -> NamedNode | Literal:
    """An RDF term for a parameter value of a declared type; the text is
    checked against the type (QueryError if it does not fit).

    >>> to_term("2023", XSD + "integer")
    <Literal value=2023 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
    >>> to_term("sg:government", "iri", {"sg": "https://w3id.org/igfkg/vocab/stakeholder-group/"}).value
    'https://w3id.org/igfkg/vocab/stakeholder-group/government'
    """
    if isinstance(value, (NamedNode, Literal, BlankNode)):
        return value
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, datetime | date):
        text = value.isoformat()
    else:
        text = str(value)
    if value_type == "string":
        return Literal(text)
    if value_type == "iri":
        return NamedNode(_expand_iri(text.strip(), prefixes or {}))
    return Literal(_check_lexical(text.strip(), value_type), datatype=NamedNode(value_type))


def _expand_iri(text: str, prefixes: dict[str, str]) -> str:
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    prefix, colon, local = text.partition(":")
    if colon and prefix in prefixes and not local.startswith("//"):
        text = prefixes[prefix] + local
    if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$", text):
        raise QueryError(f"{text!r} is not an IRI (give a full IRI or a known prefix such as igfv:)")
    return text


def _check_lexical(text: str, datatype: str) -> str:
    name = datatype[len(XSD):] if datatype.startswith(XSD) else datatype
    checks = {
        "integer": lambda t: re.fullmatch(r"[+-]?\d+", t),
        "decimal": lambda t: re.fullmatch(r"[+-]?(\d+(\.\d*)?|\.\d+)", t),
        "double": lambda t: float(t) is not None,
        "float": lambda t: float(t) is not None,
        "boolean": lambda t: t in ("true", "false", "1", "0"),
        "date": lambda t: date.fromisoformat(t),
        "dateTime": lambda t: "T" in t and datetime.fromisoformat(t),
    }
    check = checks.get(name)
    try:
        ok = check is None or check(text)
    except (ValueError, InvalidOperation):
        ok = False
    if not ok:
        raise QueryError(f"{text!r} is not a valid xsd:{name}")
    return text


def _python_type(value: Any) -> str:
    """The parameter type an undeclared Python value gets."""
    if isinstance(value, bool):
        return XSD + "boolean"
    if isinstance(value, int):
        return XSD + "integer"
    if isinstance(value, Decimal):
        return XSD + "decimal"
    if isinstance(value, float):
        return XSD + "double"
    if isinstance(value, datetime):
        return XSD + "dateTime"
    if isinstance(value, date):
        return XSD + "date"
    return "string"


def bind_parameters(query: NamedQuery, params: dict[str, Any] | None = None) -> dict[str, NamedNode | Literal]:
    """RDF terms for the query's variables: the given values, else the
    declared defaults. A query that declares parameters accepts only those;
    one that declares none (ad-hoc SPARQL) accepts any variable it mentions,
    typed from the Python value.
    """
    params = dict(params or {})
    prefixes = _prefixes_of(query)
    bound: dict[str, NamedNode | Literal] = {}
    declared = {p.name for p in query.parameters}
    for name, value in params.items():
        parameter = query.parameter(name)
        if parameter is None:
            if declared:
                raise QueryError(f"{query.name}: unknown parameter {name!r}; it takes: {', '.join(sorted(declared))}")
            if not re.search(rf"[?$]{re.escape(name)}\b", query.sparql):
                raise QueryError(f"{query.name}: the query has no variable ?{name}")
            value_type = _python_type(value)
        else:
            value_type = parameter.type
        try:
            bound[name] = to_term(value, value_type, prefixes)
        except QueryError as error:
            raise QueryError(f"{query.name}: parameter {name}: {error}") from error
    for parameter in query.parameters:
        if parameter.name not in bound and parameter.default is not None:
            try:
                bound[parameter.name] = to_term(parameter.default, parameter.type, prefixes)
            except QueryError as error:
                raise QueryError(f"{query.name}: default of parameter {parameter.name}: {error}") from error
    return bound


def run_query(store: Store, query: NamedQuery, params: dict[str, Any] | None = None):
    """Execute a NamedQuery on a store with its parameters bound; the raw
    pyoxigraph result (see igfkg.store.execute_query). A malformed query
    raises QueryError naming the query and the line:column."""
    substitutions = bind_parameters(query, params)
    try:
        return execute_query(store, query.sparql, substitutions, values_first=query.parameters_first)
    except SyntaxError as error:
        raise QueryError(f"{query.path or query.name}: malformed SPARQL: {_with_position(str(error))}") from error
    except ValueError as error:
        raise QueryError(f"{query.name}: {error} (a parameter must be a projected variable)") from error


def _with_position(message: str) -> str:
    """pyoxigraph's "error at 3:2: expected OPTIONAL" as "line 3, column 2: expected OPTIONAL"."""
    match = re.match(r"error at (\d+):(\d+)(?:-\d+:\d+)?:\s*(.*)", message, re.DOTALL)
    if not match:
        return message
    detail = "unknown prefix" if "Prefix not found" in match[3] else match[3].splitlines()[0]
    if len(detail) > 160:  # the parser's list of what it expected can be very long
        detail = detail[:160].rsplit(",", 1)[0] + ", ..."
    return f"line {match[1]}, column {match[2]}: {detail}"


def resolve_query(name_or_sparql: str | NamedQuery) -> NamedQuery:
    """A NamedQuery for a query name, a `.rq` path or SPARQL text."""
    if isinstance(name_or_sparql, NamedQuery):
        return name_or_sparql
    if _looks_like_sparql(name_or_sparql):
        return parse_query(name_or_sparql)
    return find_query(name_or_sparql)


def answer(name_or_sparql: str | NamedQuery, params: dict[str, Any] | None = None, *,
           graph: str | Path = "out/igf.trig", store: Store | str | Path | None = None) -> QueryAnswer:
    """Like `query` but the answer keeps RDF terms (see igfkg.store.QueryAnswer)."""
    named = resolve_query(name_or_sparql)
    if not isinstance(store, Store):
        store = open_dataset(graph, store)
    return read_answer(run_query(store, named, params))


def query(name_or_sparql: str | NamedQuery, params: dict[str, Any] | None = None, *,
          graph: str | Path = "out/igf.trig", store: Store | str | Path | None = None) -> list[dict]:
    """Run a named query, a `.rq` file or SPARQL text; rows as dicts of
    Python values (IRIs as str, numbers, dates, booleans; unbound as None).

    `store` is an open pyoxigraph Store (reuse it for many queries), or a
    folder for a persisted store kept in step with `graph`; without it the
    graph file is read into memory for this one query. ASK gives
    [{"result": bool}], CONSTRUCT one {"subject", "predicate", "object"} per triple.

    >>> from igfkg import query                                        # doctest: +SKIP
    >>> query("speakers-in-stakeholder-group", {"year": 2023})[0]["name"]  # doctest: +SKIP
    'Ashley Casovan'
    """
    return answer(name_or_sparql, params, graph=graph, store=store).records()


def format_answer(results, fmt: str) -> bytes:
    """Raw pyoxigraph results in json/csv/tsv/xml (or an RDF syntax for CONSTRUCT)."""
    try:
        return serialize_results(results, fmt)
    except ValueError as error:
        raise QueryError(str(error)) from error
