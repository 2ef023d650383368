"""Who speaks where, as networks: read from the RDF store, projected with
networkx, measured with networkx on small graphs and igraph on large ones.

The participation node of the graph (one per person per session per role)
is the person-session edge. From the store we read a flat table of
participations (`read_network_data`), filter it (`filter_data`), and build:

- `bipartite_graph`: person and session nodes; each edge carries the roles,
  stakeholder group, regional group and affiliation of that participation.
- `person_graph`: people linked by co-participation, weight = number of
  sessions they share.
- `organization_graph`: organizations (participations' `igf:affiliation`)
  linked by the number of sessions both took part in.
- `group_mixing_graph`: stakeholder-group x regional-group cells, linked by
  the co-participation pairs between their members.

Node ids are IRIs; `name` is the human label. Attributes are scalars (sets
are joined with "; ") so GraphML and GEXF keep them as they are.

Measures are plain functions over a networkx graph returning
`{node: value}`, as networkx does. `engine="auto"` picks networkx below
`IGRAPH_FROM_NODES` nodes and igraph above it: networkx is the graph users
get and script against, igraph computes the heavy measures in C (exact
betweenness on a 10,000-session graph: ~45 min in networkx, ~1.5 min in
igraph). Tests check that both engines agree on small graphs.
"""

from __future__ import annotations

import csv
import io
import json
import math
import operator
import random
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

import igraph as ig
import networkx as nx
from pyoxigraph import QueryResultsFormat, Store

from igfkg.model import RegionalGroup, Role, StakeholderGroup
from igfkg.vocab import CONF, IGF, REGION_CODES, SCHEMA, SKOS, STAKEHOLDER_CODES, VOCAB, slugify

UNKNOWN = "Unknown"
SEP = "; "
SPEAKER_ROLES = frozenset({Role.SPEAKER.value})
ALL_ROLES = frozenset(r.value for r in Role)
IGRAPH_FROM_NODES = 1000
"""Graphs with at least this many nodes are measured with igraph under engine="auto"."""

SHORT_REGION = {
    RegionalGroup.AFRICAN.value: "African",
    RegionalGroup.ASIA_PACIFIC.value: "Asia-Pacific",
    RegionalGroup.EASTERN_EUROPEAN.value: "Eastern European",
    RegionalGroup.GRULAC.value: "GRULAC",
    RegionalGroup.WEOG.value: "WEOG",
    RegionalGroup.INTERGOVERNMENTAL_ORGANIZATION.value: "IGO",
}
STAKEHOLDER_LABELS = [g.value for g in StakeholderGroup]
REGION_LABELS = [g.value for g in RegionalGroup]

_STAKEHOLDER_BY_IRI = {str(VOCAB[f"stakeholder-group/{code}"]): g.value for g, code in STAKEHOLDER_CODES.items()}
_REGION_BY_IRI = {str(VOCAB[f"regional-group/{code}"]): g.value for g, code in REGION_CODES.items()}
_ROLE_BY_IRI = {str(VOCAB[f"role/{r.value.replace('_', '-')}"]): r.value for r in Role}


# --------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Participation:
    """One holder in one role in one session, as the store says."""

    holder: str  # person IRI, or organization IRI for "Delegate from <org>"
    holder_kind: str  # "person" or "organization"
    session: str
    role: str  # Role value: "speaker", "organizer", "onsite_moderator", ...
    stakeholder_group: str | None = None  # canonical label, e.g. "Civil Society"
    region: str | None = None  # canonical label, e.g. "African Group"
    affiliation: str | None = None  # organization IRI


@dataclass(frozen=True)
class SessionInfo:
    iri: str
    title: str | None = None
    year: int | None = None
    session_type: str | None = None
    themes: tuple[str, ...] = ()


@dataclass
class NetworkData:
    """The participation table plus the labels the graphs need."""

    participations: list[Participation]
    sessions: dict[str, SessionInfo]
    names: dict[str, str] = field(default_factory=dict)  # person/org IRI -> label

    def name(self, iri: str) -> str:
        return self.names.get(iri) or iri.rsplit("/", 1)[-1]


_PREFIXES = f"""PREFIX igf: <{IGF}>
PREFIX conf: <{CONF}>
PREFIX schema: <{SCHEMA}>
PREFIX skos: <{SKOS}>
"""
_PARTICIPATIONS = _PREFIXES + """
SELECT ?part ?session ?role ?person ?holder_org ?group ?region ?affiliation WHERE {
  GRAPH ?g {
    ?part conf:during ?session ; conf:withRole ?role .
    OPTIONAL { ?part conf:isHeldBy ?person }
    OPTIONAL { ?part igf:heldByOrganization ?holder_org }
    OPTIONAL { ?part igf:stakeholderGroup ?group }
    OPTIONAL { ?part igf:regionalGroup ?region }
    OPTIONAL { ?part igf:affiliation ?affiliation }
  }
}"""
_SESSIONS = _PREFIXES + """
SELECT ?session ?title ?year ?type WHERE {
  GRAPH ?g {
    ?session a igf:Session .
    OPTIONAL { ?session schema:name ?title }
    OPTIONAL { ?session igf:year ?year }
    OPTIONAL { ?session igf:sessionType ?type }
  }
}"""
_THEMES = _PREFIXES + "SELECT ?session ?theme WHERE { GRAPH ?g { ?session igf:theme ?theme } }"
_LABELS = _PREFIXES + "SELECT ?thing ?label WHERE { GRAPH ?g { ?thing skos:prefLabel ?label } }"


def _rows(store: Store, query: str) -> list[list[str]]:
    """The solutions of a SELECT as lists of strings ("" when unbound).

    Oxigraph writes the results as SPARQL CSV and Python's C csv reader
    splits them: several times faster than touching a million solution
    objects one term at a time.
    """
    text = store.query(query).serialize(format=QueryResultsFormat.CSV).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[1:]


def read_network_data(store: Store) -> NetworkData:
    """The participations, sessions and names of a built graph.

        >>> data = read_network_data(read_dataset("out/igf.trig"))  # doctest: +SKIP
        >>> data.participations[0].role  # doctest: +SKIP
        'speaker'
    """
    participations = set()
    for _, session, role, person, holder_org, group, region, affiliation in _rows(store, _PARTICIPATIONS):
        holder, kind = (person, "person") if person else (holder_org, "organization")
        role_name = _ROLE_BY_IRI.get(role)
        if not holder or role_name is None:
            continue  # an unnamed participant of no organization: no node to attach it to
        participations.add(Participation(holder, kind, session, role_name, _STAKEHOLDER_BY_IRI.get(group),
                                         _REGION_BY_IRI.get(region), affiliation or None))
    ordered = sorted(participations, key=lambda p: (p.session, p.holder, p.role))

    labels: dict[str, str] = {}
    for thing, label in _rows(store, _LABELS):
        labels.setdefault(thing, label)
    themes: dict[str, set[str]] = defaultdict(set)
    for session, theme in _rows(store, _THEMES):
        themes[session].add(labels.get(theme, theme.rsplit("/", 1)[-1]))
    used = {p.session for p in ordered}
    sessions = {}
    for session, title, year, session_type in _rows(store, _SESSIONS):
        if session in used:
            sessions[session] = SessionInfo(session, title or None, int(year) if year else None,
                                            session_type.rsplit("/", 1)[-1].replace("-", "_") if session_type else None,
                                            tuple(sorted(themes.get(session, ()))))
    for session in used - sessions.keys():  # a participation in a session typed nowhere
        sessions[session] = SessionInfo(session)
    holders = {p.holder for p in ordered} | {p.affiliation for p in ordered if p.affiliation}
    names = {iri: labels[iri] for iri in holders if iri in labels}
    return NetworkData(ordered, dict(sorted(sessions.items())), names)


def filter_data(data: NetworkData, *, years: Iterable[int] | None = None, roles: Iterable[str] | None = None,
                themes: Iterable[str] | None = None) -> NetworkData:
    """Keep the participations in the given years, roles and themes (None: all).

    Roles are Role values ("speaker", "onsite_moderator", ...); themes match
    by label, case and punctuation aside.

        >>> speakers_2023 = filter_data(data, years=[2023], roles=["speaker"])  # doctest: +SKIP
    """
    year_set = set(years) if years else None
    role_set = set(roles) if roles else None
    if role_set and not role_set <= ALL_ROLES:
        raise ValueError(f"unknown role(s): {', '.join(sorted(role_set - ALL_ROLES))}")
    theme_set = {slugify(t) for t in themes} if themes else None

    def keep_session(info: SessionInfo | None) -> bool:
        if info is None:
            return not (year_set or theme_set)
        if year_set is not None and info.year not in year_set:
            return False
        return theme_set is None or any(slugify(t) in theme_set for t in info.themes)

    kept_sessions = {iri: info for iri, info in data.sessions.items() if keep_session(info)}
    parts = [p for p in data.participations if p.session in kept_sessions
             and (role_set is None or p.role in role_set)]
    used = {p.session for p in parts}
    return replace(data, participations=parts, sessions={k: v for k, v in kept_sessions.items() if k in used})


# --------------------------------------------------------------------------- graphs


def _most_common(values: Iterable[str | None]) -> str:
    """The most frequent known value (ties: alphabetical), else UNKNOWN."""
    known = [v for v in values if v]
    if not known:
        return UNKNOWN
    if len(set(known)) == 1:
        return known[0]
    counts = Counter(known)
    return min(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0]


def _joined(values: Iterable[str | None]) -> str:
    return SEP.join(sorted({v for v in values if v}))


@dataclass
class _HolderFacts:
    """What the participations say about one person (or organization)."""

    sessions: set[str] = field(default_factory=set)
    groups_by_session: dict[str, str | None] = field(default_factory=dict)
    regions_by_session: dict[str, str | None] = field(default_factory=dict)
    affiliations: set[str] = field(default_factory=set)


def _person_facts(data: NetworkData) -> dict[str, _HolderFacts]:
    facts: dict[str, _HolderFacts] = defaultdict(_HolderFacts)
    for p in data.participations:
        if p.holder_kind != "person":
            continue
        f = facts[p.holder]
        f.sessions.add(p.session)
        # one vote per session, whatever the number of roles held in it
        if p.stakeholder_group or p.session not in f.groups_by_session:
            f.groups_by_session[p.session] = p.stakeholder_group
        if p.region or p.session not in f.regions_by_session:
            f.regions_by_session[p.session] = p.region
        if p.affiliation:
            f.affiliations.add(p.affiliation)
    return facts


def _person_attributes(data: NetworkData, iri: str, f: _HolderFacts, year_of: dict[str, int | None]) -> dict:
    years = sorted({y for y in map(year_of.get, f.sessions) if y})
    return {
        "kind": "person",
        "name": data.name(iri),
        "stakeholder_group": _most_common(f.groups_by_session.values()),
        "stakeholder_groups": _joined(f.groups_by_session.values()),
        "region": _most_common(f.regions_by_session.values()),
        "regions": _joined(f.regions_by_session.values()),
        "affiliations": _joined(data.name(a) for a in f.affiliations),
        "sessions": len(f.sessions),
        "years": SEP.join(str(y) for y in years),
    }


def _year_of(data: NetworkData) -> dict[str, int | None]:
    return {iri: info.year for iri, info in data.sessions.items()}


def _session_attributes(info: SessionInfo | None, iri: str) -> dict:
    attrs = {"kind": "session", "name": (info.title if info and info.title else iri.rsplit("/", 1)[-1])}
    if info:
        if info.title:
            attrs["title"] = info.title
        if info.year is not None:
            attrs["year"] = info.year
        if info.session_type:
            attrs["session_type"] = info.session_type
        attrs["themes"] = SEP.join(info.themes)
    return attrs


def _session_members(data: NetworkData, kind: str = "person") -> dict[str, set[str]]:
    """session IRI -> the persons (kind "person") or organizations ("organization") in it."""
    members: dict[str, set[str]] = defaultdict(set)
    for p in data.participations:
        if kind == "person" and p.holder_kind == "person":
            members[p.session].add(p.holder)
        elif kind == "organization":
            org = p.affiliation or (p.holder if p.holder_kind == "organization" else None)
            if org:
                members[p.session].add(org)
    return members


@dataclass
class IGraphView:
    """An undirected igraph graph (edge attribute `weight`) with the node id
    and attribute dict of each vertex: the form the heavy measures run on."""

    graph: ig.Graph
    nodes: list[Hashable]
    attributes: list[dict] = field(default_factory=list)

    def values(self, values: Iterable) -> dict[Hashable, float]:
        """{node: value} from per-vertex values."""
        return dict(zip(self.nodes, values))

    def index(self) -> dict[Hashable, int]:
        return {node: i for i, node in enumerate(self.nodes)}

    def attribute(self, name: str, default=None) -> list:
        return [attrs.get(name, default) for attrs in self.attributes] if self.attributes else [default] * len(self.nodes)

    def weights(self) -> list[float] | None:
        return self.graph.es["weight"] if "weight" in self.graph.es.attributes() else None

    def number_of_nodes(self) -> int:
        return len(self.nodes)

    def number_of_edges(self) -> int:
        return self.graph.ecount()


Graph = nx.Graph | IGraphView


def _coparticipation(members: dict[str, set[str]], nodes: list[str]) -> ig.Graph:
    """Nodes linked by the number of sessions they share: a bipartite
    node-session graph projected onto the nodes, in C."""
    index = {n: i for i, n in enumerate(nodes)}
    sessions = sorted(members)
    offset = len(nodes)
    edges = [(index[h], offset + j) for j, s in enumerate(sessions) for h in members[s]]
    two_mode = ig.Graph(n=offset + len(sessions), edges=edges)
    projected = two_mode.bipartite_projection(types=[False] * offset + [True] * len(sessions),
                                              multiplicity=True, which=0)
    if "weight" not in projected.es.attributes():
        projected.es["weight"] = []
    return projected


def person_igraph(data: NetworkData) -> IGraphView:
    """The co-participation graph of `person_graph`, as an igraph view (no
    networkx graph built: the fast road for large corpora)."""
    facts = _person_facts(data)
    nodes = sorted(facts)
    year_of = _year_of(data)
    attributes = [_person_attributes(data, iri, facts[iri], year_of) for iri in nodes]
    return IGraphView(_coparticipation(_session_members(data, "person"), nodes), nodes, attributes)


def organization_igraph(data: NetworkData) -> IGraphView:
    """The organization graph of `organization_graph`, as an igraph view."""
    sessions_of: dict[str, set[str]] = defaultdict(set)
    people_of: dict[str, set[str]] = defaultdict(set)
    groups_of: dict[str, list[str | None]] = defaultdict(list)
    regions_of: dict[str, list[str | None]] = defaultdict(list)
    for p in data.participations:
        org = p.affiliation or (p.holder if p.holder_kind == "organization" else None)
        if org is None:
            continue
        sessions_of[org].add(p.session)
        if p.holder_kind == "person":
            people_of[org].add(p.holder)
        groups_of[org].append(p.stakeholder_group)
        regions_of[org].append(p.region)
    nodes = sorted(sessions_of)
    attributes = [{"kind": "organization", "name": data.name(org), "sessions": len(sessions_of[org]),
                   "people": len(people_of[org]), "stakeholder_group": _most_common(groups_of[org]),
                   "region": _most_common(regions_of[org])} for org in nodes]
    return IGraphView(_coparticipation(_session_members(data, "organization"), nodes), nodes, attributes)


def to_networkx(view: IGraphView) -> nx.Graph:
    """The networkx graph of a view: same nodes, attributes and weights."""
    graph = nx.Graph()
    for node, attrs in zip(view.nodes, view.attributes or ({} for _ in view.nodes)):
        graph.add_node(node, **attrs)
    weights = view.weights() or [1] * view.graph.ecount()
    nodes = view.nodes
    graph.add_weighted_edges_from((nodes[a], nodes[b], w) for (a, b), w in zip(view.graph.get_edgelist(), weights))
    return graph


def bipartite_graph(data: NetworkData) -> nx.Graph:
    """People and sessions; one edge per person per session.

    Node attribute `kind` is "person" or "session" (and `bipartite` 0 or 1,
    as networkx.bipartite expects). Edge attributes: `roles` ("organizer;
    speaker"), `stakeholder_group`, `region`, `affiliation` (as stated in
    that session).

        >>> B = bipartite_graph(data)  # doctest: +SKIP
        >>> B.edges["…/person/ke-gong", "…/session/igf2021-of-5"]["roles"]  # doctest: +SKIP
        'speaker'
    """
    graph = nx.Graph()
    year_of = _year_of(data)
    for iri, f in sorted(_person_facts(data).items()):
        graph.add_node(iri, bipartite=0, **_person_attributes(data, iri, f, year_of))
    edges: dict[tuple[str, str], list[Participation]] = defaultdict(list)
    for p in data.participations:
        if p.holder_kind == "person":
            edges[(p.holder, p.session)].append(p)
    for session in sorted({s for _, s in edges}):
        graph.add_node(session, bipartite=1, **_session_attributes(data.sessions.get(session), session))
    for (person, session), parts in sorted(edges.items()):
        attrs = {"roles": _joined(p.role for p in parts),
                 "stakeholder_group": _most_common(p.stakeholder_group for p in parts),
                 "region": _most_common(p.region for p in parts)}
        affiliation = _most_common(p.affiliation for p in parts)
        if affiliation != UNKNOWN:
            attrs["affiliation"] = data.name(affiliation)
        graph.add_edge(person, session, **attrs)
    return graph


def person_graph(data: NetworkData) -> nx.Graph:
    """People linked when they took part in the same session; `weight` is the
    number of sessions they share. Node attributes: name, stakeholder_group
    and region (the most frequent in their sessions), stakeholder_groups,
    regions, affiliations (all seen), sessions (count), years.

        >>> P = person_graph(filter_data(data, roles=["speaker"]))  # doctest: +SKIP
        >>> P.edges[a, b]["weight"]  # doctest: +SKIP
        1
    """
    return to_networkx(person_igraph(data))


def organization_graph(data: NetworkData) -> nx.Graph:
    """Organizations (the participations' `igf:affiliation`, delegates'
    organizations included) linked by the number of sessions both were in.

        >>> O = organization_graph(data)  # doctest: +SKIP
        >>> O.nodes[org]["people"]  # doctest: +SKIP
        4
    """
    return to_networkx(organization_igraph(data))


def group_mixing_graph(person: nx.Graph) -> nx.Graph:
    """Stakeholder-group x regional-group cells of a person graph.

    A node per (stakeholder group, region) pair present, with `people`; an
    edge between two cells weighs the co-participation weight between their
    members (a self-loop for pairs inside one cell).

        >>> M = group_mixing_graph(person_graph(data))  # doctest: +SKIP
        >>> M.nodes["Civil Society | WEOG"]["people"]  # doctest: +SKIP
        2
    """
    def cell(node: str) -> str:
        attrs = person.nodes[node]
        return f"{attrs['stakeholder_group']} | {SHORT_REGION.get(attrs['region'], attrs['region'])}"

    graph = nx.Graph()
    counts = Counter(cell(n) for n in person)
    for node in sorted(person):
        name = cell(node)
        if name not in graph:
            attrs = person.nodes[node]
            graph.add_node(name, kind="group", name=name, stakeholder_group=attrs["stakeholder_group"],
                           region=attrs["region"], people=counts[name])
    for a, b, w in person.edges(data="weight", default=1):
        ca, cb = sorted((cell(a), cell(b)))
        if graph.has_edge(ca, cb):
            graph.edges[ca, cb]["weight"] += w
        else:
            graph.add_edge(ca, cb, weight=w)
    return graph


PROJECTIONS = {
    "person": person_graph,
    "organization": organization_graph,
    "bipartite": bipartite_graph,
    "groups": lambda data: group_mixing_graph(person_graph(data)),
}


def network(data: NetworkData, projection: str = "person") -> nx.Graph:
    """One of the projections by name: person, organization, bipartite, groups."""
    try:
        return PROJECTIONS[projection](data)
    except KeyError:
        raise ValueError(f"unknown projection {projection!r}; choose from {', '.join(PROJECTIONS)}") from None


# --------------------------------------------------------------------------- engines


def to_igraph(graph: Graph, weight: str | None = "weight") -> IGraphView:
    """Copy an undirected networkx graph into igraph (edge attribute `weight`,
    1 where missing); a view is returned as it is."""
    if isinstance(graph, IGraphView):
        return graph
    nodes = list(graph)
    index = {n: i for i, n in enumerate(nodes)}
    edges, weights = [], []
    for u, v, w in graph.edges(data=weight or "weight", default=1):
        edges.append((index[u], index[v]))
        weights.append(w if weight else 1)
    g = ig.Graph(n=len(nodes), edges=edges, directed=False)
    g.es["weight"] = weights
    return IGraphView(g, nodes, [graph.nodes[n] for n in nodes])


def _use_igraph(graph: Graph, engine: str) -> bool:
    if engine not in ("auto", "networkx", "igraph"):
        raise ValueError(f"engine must be auto, networkx or igraph, not {engine!r}")
    if isinstance(graph, IGraphView):
        return True
    return engine == "igraph" or (engine == "auto" and graph.number_of_nodes() >= IGRAPH_FROM_NODES)


@contextmanager
def _igraph_seeded(seed: int) -> Iterator[None]:
    """Run igraph's randomized algorithms from a fixed seed.

    igraph draws from one process-wide generator; we swap in a seeded one
    and put the default back after.
    """
    ig.set_random_number_generator(random.Random(seed))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


# --------------------------------------------------------------------------- measures
#
# Each takes a networkx graph (or an IGraphView, always measured by igraph)
# and returns {node: value}.


def degree(graph: Graph) -> dict[Hashable, int]:
    """Number of neighbours.

        >>> degree(nx.path_graph(3))
        {0: 1, 1: 2, 2: 1}
    """
    if isinstance(graph, IGraphView):
        return graph.values(graph.graph.degree())
    return dict(graph.degree())


def weighted_degree(graph: Graph, weight: str = "weight") -> dict[Hashable, float]:
    """Sum of edge weights (in a person graph: the number of co-participations).

        >>> G = nx.Graph(); G.add_edge("a", "b", weight=2); G.add_edge("b", "c", weight=1)
        >>> weighted_degree(G)
        {'a': 2, 'b': 3, 'c': 1}
    """
    if isinstance(graph, IGraphView):
        return graph.values(graph.graph.strength(weights="weight"))
    return dict(graph.degree(weight=weight))


def betweenness(graph: Graph, *, k: int | None = None, seed: int = 0, engine: str = "auto") -> dict[Hashable, float]:
    """Normalized shortest-path betweenness, hop distance (weights ignored).

    Exact when `k` is None; otherwise estimated from `k` source nodes drawn
    with `random.Random(seed).sample(list(graph), k)`, the same sample and
    scaling as `networkx.betweenness_centrality(graph, k=k, seed=seed)`, so
    both engines give the same numbers.

        >>> betweenness(nx.path_graph(3))
        {0: 0.0, 1: 1.0, 2: 0.0}
    """
    n = graph.number_of_nodes()
    if k is not None and k >= n:
        k = None
    if not _use_igraph(graph, engine):
        return nx.betweenness_centrality(graph, k=k, seed=random.Random(seed) if k else None)
    view = to_igraph(graph, weight=None)
    if n < 3:
        return dict.fromkeys(view.nodes, 0.0)
    if k is None:
        raw = view.graph.betweenness(directed=False)
        return view.values(2 * b / ((n - 1) * (n - 2)) for b in raw)
    sources = random.Random(seed).sample(range(n), k)
    raw = view.graph.betweenness(directed=False, sources=sources)
    # igraph counts each sampled undirected path once, networkx twice; a
    # source cannot lie between itself and a target, hence k-1 for sources.
    source_set = set(sources)
    return view.values(2 * b / (((k - 1) if i in source_set else k) * (n - 2)) for i, b in enumerate(raw))


def pagerank(graph: Graph, *, weight: str | None = "weight", damping: float = 0.85) -> dict[Hashable, float]:
    """PageRank (weighted by co-participation), summing to 1; computed by
    igraph (networkx's own needs scipy, which igfkg does not depend on).

        >>> round(pagerank(nx.star_graph(2))[0], 4)
        0.4865
    """
    if graph.number_of_nodes() == 0:
        return {}
    view = to_igraph(graph, weight=weight)
    return view.values(view.graph.pagerank(directed=False, damping=damping,
                                           weights="weight" if weight else None))


def closeness(graph: Graph, *, k: int | None = None, seed: int = 0, engine: str = "auto") -> dict[Hashable, float]:
    """Closeness with the Wasserman-Faust correction for disconnected graphs,
    as `networkx.closeness_centrality(graph)`: ((r-1)/(n-1)) / mean distance
    to the r-1 nodes a node reaches.

    With `k`, components larger than `k` nodes use the mean distance to `k`
    pivot nodes drawn with `random.Random(seed)` (Eppstein-Wang estimate);
    smaller components are exact. igraph only.

        >>> closeness(nx.path_graph(3))
        {0: 0.6666666666666666, 1: 1.0, 2: 0.6666666666666666}
    """
    n = graph.number_of_nodes()
    if k is None and not _use_igraph(graph, engine):
        return nx.closeness_centrality(graph)
    view = to_igraph(graph, weight=None)
    if n < 2:
        return dict.fromkeys(view.nodes, 0.0)
    g = view.graph
    result = [0.0] * n
    rng = random.Random(seed)
    for component in g.connected_components():
        size = len(component)
        if size < 2:
            continue
        if k is None or size <= k:
            sub = g.induced_subgraph(component)
            # igraph's closeness is over the reached nodes: 1 / mean distance
            for vertex, value in zip(component, sub.closeness()):
                result[vertex] = value * (size - 1) / (n - 1)
            continue
        pivots = rng.sample(sorted(component), k)
        totals = [0] * n  # entries outside this component collect inf and are never read
        for pivot in pivots:
            totals = list(map(operator.add, totals, g.distances(source=[pivot])[0]))
        pivot_set = set(pivots)
        for vertex in component:
            mean = totals[vertex] / (k - (1 if vertex in pivot_set else 0))
            result[vertex] = (size - 1) / (n - 1) / mean if mean else 0.0
    return view.values(result)


def communities(graph: Graph, *, weight: str | None = "weight", seed: int = 0, resolution: float = 1.0,
                engine: str = "auto") -> list[set[Hashable]]:
    """Louvain communities from a fixed seed, largest first.

        >>> two_triangles = nx.Graph([(0, 1), (1, 2), (0, 2), (3, 4), (4, 5), (3, 5), (2, 3)])
        >>> communities(two_triangles)
        [{0, 1, 2}, {3, 4, 5}]
    """
    if graph.number_of_nodes() == 0:
        return []
    if not _use_igraph(graph, engine):
        found = nx.community.louvain_communities(graph, weight=weight, resolution=resolution, seed=seed)
    else:
        view = to_igraph(graph, weight=weight)
        with _igraph_seeded(seed):
            clustering = view.graph.community_multilevel(weights="weight" if weight else None,
                                                         resolution=resolution)
        groups: dict[int, set] = defaultdict(set)
        for node, label in zip(view.nodes, clustering.membership):
            groups[label].add(node)
        found = list(groups.values())
    return sorted((set(c) for c in found), key=lambda c: (-len(c), min(map(str, c))))


def modularity(graph: Graph, parts: list[set[Hashable]], *, weight: str | None = "weight") -> float:
    """Newman modularity of a partition (igraph computes it).

        >>> G = nx.Graph([(0, 1), (2, 3)])
        >>> modularity(G, [{0, 1}, {2, 3}])
        0.5
    """
    if graph.number_of_edges() == 0:
        return 0.0
    view = to_igraph(graph, weight=weight)
    label = {node: i for i, part in enumerate(parts) for node in part}
    return view.graph.modularity([label[n] for n in view.nodes], weights="weight" if weight else None)


def constraint(graph: Graph, *, weight: str | None = "weight", engine: str = "auto",
               nodes: Iterable[Hashable] | None = None) -> dict[Hashable, float]:
    """Burt's constraint: low when a node's contacts are not tied to each
    other (a broker across structural holes), up to 1 or more when they are.
    Isolated nodes get NaN, as in networkx. Pass `nodes` on large graphs:
    the cost grows with the square of the degree.

        >>> constraint(nx.star_graph(2))[0]
        0.5
    """
    if not _use_igraph(graph, engine):
        return nx.constraint(graph, nodes=nodes, weight=weight)
    view = to_igraph(graph, weight=weight)
    index = view.index()
    chosen = list(view.nodes) if nodes is None else list(nodes)
    vertices = [index[n] for n in chosen]
    values = view.graph.constraint(vertices, weights="weight" if weight else None)
    degrees = view.graph.degree(vertices)
    return {node: (math.nan if d == 0 else value) for node, d, value in zip(chosen, degrees, values)}


@dataclass(frozen=True)
class BrokerageRoles:
    """Gould-Fernandez brokerage of one node on an undirected graph: counts of
    unlinked neighbour pairs (a, c) by the groups of a, broker b and c.

    coordinator: a, b, c in one group; consultant: a, c in one group, b in
    another; representative: b shares its group with exactly one of a, c
    (on undirected ties the representative and gatekeeper roles coincide);
    liaison: all three groups differ.
    """

    coordinator: int = 0
    consultant: int = 0
    representative: int = 0
    liaison: int = 0

    @property
    def between_groups(self) -> int:
        """Pairs from two different groups that meet only through this node."""
        return self.representative + self.liaison

    @property
    def total(self) -> int:
        return self.coordinator + self.consultant + self.representative + self.liaison


_ROLES = ("coordinator", "consultant", "representative", "liaison")


def _role_of(group_a, group_broker, group_c) -> str:
    if group_a == group_c:
        return "coordinator" if group_a == group_broker else "consultant"
    if group_broker in (group_a, group_c):
        return "representative"
    return "liaison"


def _brokerage_from_counts(broker_group, neighbours: Counter, linked: Counter) -> BrokerageRoles:
    """Roles from the broker's neighbour counts per group and the linked
    neighbour pairs per (group, group) (each unordered pair once)."""
    pairs: Counter[str] = Counter()
    labels = sorted(neighbours)
    for i, ga in enumerate(labels):
        pairs[_role_of(ga, broker_group, ga)] += neighbours[ga] * (neighbours[ga] - 1) // 2
        for gc in labels[i + 1:]:
            pairs[_role_of(ga, broker_group, gc)] += neighbours[ga] * neighbours[gc]
    for (ga, gc), count in linked.items():
        pairs[_role_of(ga, broker_group, gc)] -= count
    return BrokerageRoles(**{role: pairs[role] for role in _ROLES})


def brokerage_roles(graph: Graph, attribute: str, *, nodes: Iterable[Hashable] | None = None,
                    unknown: str = UNKNOWN, engine: str = "auto") -> dict[Hashable, BrokerageRoles]:
    """Gould-Fernandez brokerage roles by a node attribute (e.g.
    "stakeholder_group" or "region"). Nodes or neighbours whose attribute is
    `unknown` are left out. Cost grows with the square of the degree: pass
    `nodes` to measure a few candidates on a large graph.

        >>> G = nx.Graph([("gov", "bridge"), ("bridge", "cs")])
        >>> nx.set_node_attributes(G, {"gov": "Government", "bridge": "Private Sector", "cs": "Civil Society"}, "group")
        >>> brokerage_roles(G, "group")["bridge"].liaison
        1
    """
    if _use_igraph(graph, engine):
        return brokerage_by_attributes(to_igraph(graph), [attribute], nodes=nodes, unknown=unknown)[attribute]
    group = {n: g for n, g in graph.nodes(data=attribute, default=unknown) if g != unknown}
    result = {}
    for broker in (graph if nodes is None else nodes):
        if broker not in group:
            result[broker] = BrokerageRoles()
            continue
        neighbours = {n for n in graph[broker] if n in group and n != broker}
        linked: Counter[tuple[str, str]] = Counter()
        for a in neighbours:
            for c in graph[a]:
                if c in neighbours and str(a) < str(c):
                    linked[tuple(sorted((group[a], group[c])))] += 1
        result[broker] = _brokerage_from_counts(group[broker], Counter(group[n] for n in neighbours), linked)
    return result


def _group_ids(view: IGraphView, attribute: str, unknown: str) -> tuple[list[str], list[int]]:
    """Known values of `attribute` (sorted) and each vertex's index in them (-1 unknown)."""
    values = view.attribute(attribute, unknown)
    labels = sorted({v for v in values if v != unknown})
    index = {label: i for i, label in enumerate(labels)}
    return labels, [index.get(v, -1) for v in values]


def _edges_between_groups(g: ig.Graph, group_ids: list[int], n_groups: int, weight: str | None) -> Counter:
    """{(i, j): edge count or weight sum} between groups i <= j, in C: the
    vertices are contracted by group and parallel edges summed."""
    h = g.copy()
    h.es["_w"] = h.es[weight] if weight else 1
    h.contract_vertices([n_groups if i < 0 else i for i in group_ids])
    h.simplify(multiple=True, loops=False, combine_edges={"_w": "sum"})
    result: Counter = Counter()
    for (a, b), w in zip(h.get_edgelist(), h.es["_w"]):
        if a < n_groups and b < n_groups:
            result[(min(a, b), max(a, b))] += w
    return result


def brokerage_by_attributes(view: IGraphView, attributes: list[str], *, nodes: Iterable[Hashable] | None = None,
                            unknown: str = UNKNOWN) -> dict[str, dict[Hashable, BrokerageRoles]]:
    """`brokerage_roles` for several attributes at once on an igraph view:
    each broker's ego network is cut out once (in C) and counted per attribute.

        >>> both = brokerage_by_attributes(view, ["stakeholder_group", "region"], nodes=top)  # doctest: +SKIP
    """
    groups = {a: _group_ids(view, a, unknown) for a in attributes}
    index = view.index()
    g = view.graph
    result: dict[str, dict] = {a: {} for a in attributes}
    for broker in (view.nodes if nodes is None else nodes):
        b = index[broker]
        around = [v for v in g.neighbors(b) if v != b]
        ego = g.induced_subgraph(around)
        for attribute, (labels, gid) in groups.items():
            if gid[b] < 0:
                result[attribute][broker] = BrokerageRoles()
                continue
            ids = [gid[v] for v in around]
            linked = _edges_between_groups(ego, ids, len(labels), None)
            result[attribute][broker] = _brokerage_from_counts(
                labels[gid[b]], Counter(labels[i] for i in ids if i >= 0),
                Counter({(labels[i], labels[j]): c for (i, j), c in linked.items()}))
    return result


@dataclass(frozen=True)
class MixingMatrix:
    """Edge counts (or weights) between attribute values; symmetric, each
    undirected edge counted once in each direction (twice on the diagonal)."""

    labels: list[str]
    counts: list[list[float]]

    def cell(self, a: str, b: str) -> float:
        return self.counts[self.labels.index(a)][self.labels.index(b)]

    def assortativity(self) -> float:
        """Newman's assortativity r = (sum e_ii - sum a_i^2) / (1 - sum a_i^2)."""
        total = sum(map(sum, self.counts))
        if total == 0:
            return math.nan
        e = [[c / total for c in row] for row in self.counts]
        a = [sum(row) for row in e]
        expected = sum(x * x for x in a)
        trace = sum(e[i][i] for i in range(len(e)))
        return math.nan if expected == 1 else (trace - expected) / (1 - expected)


def mixing_matrix(graph: Graph, attribute: str, *, weight: str | None = None,
                  labels: list[str] | None = None, unknown: str = UNKNOWN) -> MixingMatrix:
    """Ties between values of a node attribute; edges touching an `unknown`
    node are left out. With `weight`, sums weights instead of counting edges.
    `labels` fixes the row order (values not in it follow, sorted).

        >>> G = nx.Graph([(0, 1), (1, 2)]); nx.set_node_attributes(G, {0: "a", 1: "a", 2: "b"}, "g")
        >>> mixing_matrix(G, "g").counts
        [[2, 1], [1, 0]]
    """
    if isinstance(graph, IGraphView):
        present, gid = _group_ids(graph, attribute, unknown)
        between = _edges_between_groups(graph.graph, gid, len(present), weight)
        ties = Counter({(present[i], present[j]): w for (i, j), w in between.items()})
    else:
        value = dict(graph.nodes(data=attribute, default=unknown))
        present = sorted({v for v in value.values() if v != unknown})
        ties = Counter()
        for u, v, w in graph.edges(data=weight or "weight", default=1):
            if u != v and value[u] != unknown and value[v] != unknown:
                ties[tuple(sorted((value[u], value[v])))] += w if weight else 1
    order = list(labels or [])
    order += [v for v in present if v not in order]
    index = {label: i for i, label in enumerate(order)}
    counts = [[0] * len(order) for _ in order]
    for (a, b), w in ties.items():
        counts[index[a]][index[b]] += w
        counts[index[b]][index[a]] += w
    return MixingMatrix(order, counts)


def assortativity(graph: Graph, attribute: str, *, unknown: str = UNKNOWN) -> float:
    """Attribute assortativity (Newman 2003): 1 when ties stay inside groups,
    0 when they mix as by chance, negative when they prefer other groups.
    Nodes with `unknown` value are left out. Same value as
    `networkx.attribute_assortativity_coefficient` on the known nodes.

        >>> G = nx.Graph([(0, 1), (2, 3)]); nx.set_node_attributes(G, {0: "a", 1: "a", 2: "b", 3: "b"}, "g")
        >>> assortativity(G, "g")
        1.0
    """
    return mixing_matrix(graph, attribute, unknown=unknown).assortativity()


# --------------------------------------------------------------------------- diversity


def shannon(counts: Iterable[int]) -> float:
    """Shannon entropy (natural log) of a distribution given by counts.

        >>> round(shannon([1, 1]), 4)
        0.6931
        >>> shannon([5])
        0.0
    """
    values = [c for c in counts if c > 0]
    total = sum(values)
    return -sum(c / total * math.log(c / total) for c in values) + 0.0 if total else 0.0


def blau(counts: Iterable[int]) -> float:
    """Blau's index 1 - sum p_i^2: the chance two people drawn (with
    replacement) belong to different groups.

        >>> blau([1, 1])
        0.5
        >>> blau([3])
        0.0
    """
    values = list(counts)
    total = sum(values)
    return 1.0 - sum((c / total) ** 2 for c in values) if total else 0.0


@dataclass(frozen=True)
class SessionDiversity:
    """How varied a session's speakers are (people of unknown group left out)."""

    session: str
    title: str | None
    year: int | None
    speakers: int
    stakeholder_counts: dict[str, int]
    region_counts: dict[str, int]
    stakeholder_shannon: float
    stakeholder_blau: float
    region_shannon: float
    region_blau: float


def session_diversity(data: NetworkData, *, roles: Iterable[str] = SPEAKER_ROLES) -> list[SessionDiversity]:
    """Shannon and Blau diversity of each session's speakers' stakeholder
    groups and regions; one vote per person per session. Sessions with no
    speaker are left out.

        >>> worst = min(session_diversity(data), key=lambda d: d.stakeholder_blau)  # doctest: +SKIP
    """
    role_set = set(roles)
    people: dict[str, dict[str, tuple[str | None, str | None]]] = defaultdict(dict)
    for p in data.participations:
        if p.holder_kind == "person" and p.role in role_set:
            known = people[p.session].get(p.holder, (None, None))
            people[p.session][p.holder] = (p.stakeholder_group or known[0], p.region or known[1])
    result = []
    for session, speakers in sorted(people.items()):
        groups = Counter(g for g, _ in speakers.values() if g)
        regions = Counter(r for _, r in speakers.values() if r)
        info = data.sessions.get(session) or SessionInfo(session)
        result.append(SessionDiversity(
            session, info.title, info.year, len(speakers), dict(sorted(groups.items())),
            dict(sorted(regions.items())), shannon(groups.values()), blau(groups.values()),
            shannon(regions.values()), blau(regions.values())))
    return result


# --------------------------------------------------------------------------- export


def graph_to_json(graph: nx.Graph) -> dict:
    """Node-link JSON: {"nodes": [{"id": ..., attrs}], "edges": [{"source", "target", attrs}]}."""
    return nx.node_link_data(graph, edges="edges")


def export_graph(graph: nx.Graph, fmt: str, *, table: str = "edges") -> str:
    """The graph as GraphML, GEXF, CSV (the `edges` or `nodes` table) or JSON text.

        >>> print(export_graph(nx.Graph([("a", "b")]), "csv"))  # doctest: +NORMALIZE_WHITESPACE
        source,target,source_name,target_name
        a,b,,
    """
    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(graph)) + "\n"
    if fmt == "gexf":
        labelled = graph.copy()  # Gephi shows a node's GEXF label: make it the name, not the IRI
        for node, attrs in labelled.nodes(data=True):
            attrs.setdefault("label", attrs.get("name", str(node)))
        return "\n".join(nx.generate_gexf(labelled)) + "\n"
    if fmt == "json":
        return json.dumps(graph_to_json(graph), ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        return _csv_table(graph, table)
    raise ValueError(f"unknown format {fmt!r}; choose graphml, gexf, csv or json")


def _csv_table(graph: nx.Graph, table: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    if table == "nodes":
        keys = sorted({k for _, attrs in graph.nodes(data=True) for k in attrs})
        writer.writerow(["id", *keys])
        for node, attrs in graph.nodes(data=True):
            writer.writerow([node, *(attrs.get(k, "") for k in keys)])
    elif table == "edges":
        keys = sorted({k for _, _, attrs in graph.edges(data=True) for k in attrs})
        writer.writerow(["source", "target", "source_name", "target_name", *keys])
        for u, v, attrs in graph.edges(data=True):
            writer.writerow([u, v, graph.nodes[u].get("name", ""), graph.nodes[v].get("name", ""),
                             *(attrs.get(k, "") for k in keys)])
    else:
        raise ValueError(f"table must be nodes or edges, not {table!r}")
    return out.getvalue()
