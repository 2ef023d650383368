"""Network projections and measures: on the seed corpus against values
worked out by hand from the seed pages, and on small hand-made graphs whose
answers are known; networkx and igraph must agree."""

from __future__ import annotations

import csv
import doctest
import io
import json
import math
import random
from itertools import combinations
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

import igfkg.network as nw
from igfkg.build import build
from igfkg.cli import main
from igfkg.store import read_dataset

ROOT = Path(__file__).resolve().parent.parent
SESSION = "https://w3id.org/igfkg/id/session/"

# The people of seed 002 (igf2023-ns-109), as listed on the page.
SEED_002 = ["Kyung Ryul Park", "Seung Hyun Kim", "Matthew Liao", "Dasom Lee", "Rafik Hadfi", "Takayaki Ito",
            "Atsushi Yamanaka", "Liming Zhu", "So Young Kim", "Junho Kwon"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = build([str(ROOT / "data")], out)
    assert result.ok
    return out / "igf.trig"


@pytest.fixture(scope="module")
def data(built):
    return nw.read_network_data(read_dataset(built))


@pytest.fixture(scope="module")
def people(data):
    return nw.person_graph(data)


def session_people(data, session):
    return {p.holder for p in data.participations if p.session == session and p.holder_kind == "person"}


def iri(data, name):
    """The person or organization IRI of a name (token order and case aside)."""
    key = sorted(name.casefold().split())
    found = {i for i, label in data.names.items() if sorted(label.casefold().split()) == key}
    assert len(found) == 1, (name, found)
    return found.pop()


def sessions_of(data, name):
    return {p.session for p in data.participations if p.holder == iri(data, name)}


def only(items):
    (item,) = items
    return item


# --------------------------------------------------------------------------- seed corpus


def test_seed_002_is_a_clique_of_ten_with_weight_one(data, people):
    members = [iri(data, name) for name in SEED_002]
    assert all(m in people for m in members)
    for a, b in combinations(members, 2):
        assert people.edges[a, b]["weight"] == 1  # they share exactly that one session
    for m in members:  # and none of them appears in another seed
        assert people.degree(m) == 9
        assert people.degree(m, weight="weight") == 9


def test_gong_ke_links_seeds_001_and_003(data, people):
    gong = iri(data, "Gong Ke")
    seed_001 = session_people(data, only(sessions_of(data, "Horst Kremers")))
    seed_003 = session_people(data, SESSION + "igf2021-of-5")
    assert seed_001 & seed_003 == {gong}
    # 001 has 6 people, 003 has 12 (11 speakers and the online moderator; the delegate is an organization)
    assert (len(seed_001), len(seed_003)) == (6, 12)
    assert people.degree(gong) == 5 + 11
    assert not nx.has_path(people.subgraph(people.nodes - {gong}), iri(data, "Horst Kremers"), iri(data, "Xue Lan"))
    # He alone lies between the 5 others of 001 and the 11 others of 003:
    # 55 of the C(42, 2) pairs of the 43 people pass through him.
    n = people.number_of_nodes()
    assert n == 43
    for engine in ("networkx", "igraph"):
        assert nw.betweenness(people, engine=engine)[gong] == pytest.approx(5 * 11 / ((n - 1) * (n - 2) / 2))
    # closeness: he reaches the 16 others of his component, all at distance 1
    reach = len(seed_001 | seed_003) - 1
    assert nw.closeness(people)[gong] == pytest.approx((reach / (n - 1)) * (reach / (16 * 1)))


def test_bipartite_edges_carry_role_group_region(data):
    graph = nw.bipartite_graph(data)
    gong = iri(data, "Gong Ke")
    assert graph.nodes[gong]["kind"] == "person" and graph.nodes[SESSION + "igf2021-of-5"]["kind"] == "session"
    assert graph.nodes[SESSION + "igf2021-of-5"]["year"] == 2021
    edge = graph.edges[gong, only(sessions_of(data, "Horst Kremers"))]
    assert edge["roles"] == "organizer; speaker"
    assert edge["stakeholder_group"] == "Technical Community"
    assert edge["region"] == "Western European and Others Group (WEOG)"
    assert edge["affiliation"] == "World Federation of Engineering Organizations"
    assert graph.edges[gong, SESSION + "igf2021-of-5"]["roles"] == "speaker"
    # one edge per person per session: 43 people, 5 sessions; Gong Ke is in two
    assert graph.number_of_edges() == 44


def test_person_attributes_come_from_the_participations(data, people):
    florian = people.nodes[iri(data, "Florian Ostmann")]
    assert (florian["stakeholder_group"], florian["region"]) == ("Civil Society", "Western European and Others Group (WEOG)")
    assert florian["affiliations"] == "The Alan Turing Institute"
    assert florian["years"] == "2023" and florian["sessions"] == 1
    # no stakeholder group stated anywhere for him
    assert people.nodes[iri(data, "Xue Lan")]["stakeholder_group"] == nw.UNKNOWN


def test_organization_graph_links_through_affiliations(data):
    orgs = nw.organization_graph(data)
    wfeo = iri(data, "World Federation of Engineering Organizations")
    # 001: WFEO, EBC, RIMMA CoE; 003: WFEO and 10 other organizations (the delegate's included)
    assert orgs.nodes[wfeo]["sessions"] == 2
    assert orgs.degree(wfeo) == 2 + 10
    assert all(w == 1 for _, _, w in orgs.edges(wfeo, data="weight"))
    assert orgs.has_edge(wfeo, iri(data, "Cyberspace Administration of China"))
    assert orgs.nodes[iri(data, "The Alan Turing Institute")]["people"] == 4


def test_filters_by_year_role_and_theme(data):
    only_2021 = nw.filter_data(data, years=[2021])
    assert set(only_2021.sessions) == {SESSION + "igf2021-of-5"}
    assert nw.person_graph(only_2021).number_of_nodes() == 12
    speakers = nw.filter_data(only_2021, roles=["speaker"])
    assert iri(data, "Li Yuxiao") not in nw.person_graph(speakers)  # the online moderator
    assert nw.person_graph(speakers).number_of_nodes() == 11
    themed = nw.filter_data(data, themes=["governing DIGITAL economy"])
    assert set(themed.sessions) == {SESSION + "igf2023-ns-109"}
    with pytest.raises(ValueError, match="unknown role"):
        nw.filter_data(data, roles=["keynote"])


def test_seed_000_speaker_diversity_by_hand(data):
    # Speakers of seed 000: Government 1, Civil Society 1, Technical Community 2,
    # Private Sector 1 (Wan Sie Lee: no group); regions WEOG 4, Asia-Pacific 2.
    groups, regions = [1, 1, 2, 1], [4, 2]

    def by_hand(counts):
        total = sum(counts)
        return (-sum(c / total * math.log(c / total) for c in counts), 1 - sum((c / total) ** 2 for c in counts))

    d = next(x for x in nw.session_diversity(data) if x.session == SESSION + "igf2023-ws-465")
    assert d.speakers == 6
    assert (d.stakeholder_shannon, d.stakeholder_blau) == pytest.approx(by_hand(groups))
    assert (d.region_shannon, d.region_blau) == pytest.approx(by_hand(regions))
    assert d.stakeholder_blau == pytest.approx(1 - 7 / 25)


def test_louvain_on_seeds_finds_the_sessions(data, people):
    found = nw.communities(people, seed=3)
    assert found == nw.communities(people, seed=3)  # a fixed seed gives a fixed answer
    for key in ("igf2023-ns-109", "igf2023-ws-465", "igf2023-ws-73"):
        assert session_people(data, SESSION + key) in found
    assert len(found) == 5
    assert nw.modularity(people, found) > 0.6


def test_group_mixing_graph_counts_people_per_cell(people):
    cells = nw.group_mixing_graph(people)
    assert cells.nodes["Technical Community | Asia-Pacific"]["people"] == 7
    assert sum(c for _, c in cells.nodes(data="people")) == people.number_of_nodes()
    assert sum(w for _, _, w in cells.edges(data="weight")) == people.size(weight="weight")


# --------------------------------------------------------------------------- hand-made graphs


def random_graph(seed=1, n=40, m=90, groups=("A", "B", "C")):
    graph = nx.gnm_random_graph(n, m, seed=seed)
    rng = random.Random(seed)
    graph.add_edges_from([(n, n + 1), (n + 1, n + 2)])  # a second component
    for u, v in graph.edges:
        graph.edges[u, v]["weight"] = rng.randint(1, 4)
    for node in graph:
        graph.nodes[node]["g"] = rng.choice(groups)
    return graph


def test_degree_and_weighted_degree():
    graph = nx.Graph()
    graph.add_edge("a", "b", weight=3)
    graph.add_edge("a", "c", weight=1)
    assert nw.degree(graph) == {"a": 2, "b": 1, "c": 1}
    assert nw.weighted_degree(graph) == {"a": 4, "b": 3, "c": 1}
    view = nw.to_igraph(graph)
    assert nw.degree(view) == nw.degree(graph) and nw.weighted_degree(view) == nw.weighted_degree(graph)


def test_betweenness_of_a_star_centre_is_one():
    star = nx.star_graph(5)
    for engine in ("networkx", "igraph"):
        values = nw.betweenness(star, engine=engine)
        assert values[0] == pytest.approx(1.0) and values[3] == 0.0


def test_betweenness_engines_agree_exact_and_sampled():
    graph = random_graph()
    exact_nx, exact_ig = nw.betweenness(graph, engine="networkx"), nw.betweenness(graph, engine="igraph")
    assert exact_ig == pytest.approx(exact_nx)
    sampled_nx = nw.betweenness(graph, k=12, seed=5, engine="networkx")
    sampled_ig = nw.betweenness(graph, k=12, seed=5, engine="igraph")
    assert sampled_ig == pytest.approx(sampled_nx)
    assert sampled_nx == pytest.approx(nx.betweenness_centrality(graph, k=12, seed=5))
    assert sampled_nx != pytest.approx(exact_nx)  # it is an estimate


def test_closeness_engines_agree_on_a_disconnected_graph():
    graph = random_graph(seed=2)
    assert nw.closeness(graph, engine="igraph") == pytest.approx(nx.closeness_centrality(graph))


def test_closeness_estimate_is_exact_where_all_distances_are_known():
    complete = nx.complete_graph(12)
    complete.add_edge(20, 21)  # a small component is measured exactly
    values = nw.closeness(complete, k=4, seed=1)
    assert values == pytest.approx(nx.closeness_centrality(complete))


def test_pagerank_of_a_star_matches_the_closed_form():
    m, d = 4, 0.85
    n = m + 1
    centre = (1 + d * m) / (n * (1 + d))  # solve C = (1-d)/n + d*m*L, L = (1-d)/n + d*C/m
    values = nw.pagerank(nx.star_graph(m))
    assert values[0] == pytest.approx(centre, rel=1e-6)
    assert values[1] == pytest.approx((1 - centre) / m, rel=1e-6)


def test_pagerank_agrees_with_networkx_python_pagerank():
    from networkx.algorithms.link_analysis.pagerank_alg import _pagerank_python

    graph = random_graph(seed=4)
    assert nw.pagerank(graph) == pytest.approx(_pagerank_python(graph, weight="weight", tol=1e-12, max_iter=10_000), abs=1e-6)


def test_louvain_finds_ring_of_cliques_in_both_engines():
    ring = nx.ring_of_cliques(4, 6)
    cliques = [set(range(i * 6, i * 6 + 6)) for i in range(4)]
    for engine in ("networkx", "igraph"):
        found = nw.communities(ring, engine=engine, seed=7)
        assert sorted(map(sorted, found)) == sorted(map(sorted, cliques))
    assert nw.modularity(ring, cliques) == pytest.approx(nx.community.modularity(ring, cliques))


def test_constraint_of_a_star_and_engines_agree():
    values = nw.constraint(nx.star_graph(4))
    assert values[0] == pytest.approx(1 / 4) and values[1] == pytest.approx(1.0)
    graph = random_graph(seed=5)
    graph.remove_nodes_from(list(nx.isolates(graph)))
    graph.add_node("alone")
    nx_values, ig_values = nw.constraint(graph, engine="networkx"), nw.constraint(graph, engine="igraph")
    assert math.isnan(nx_values["alone"]) and math.isnan(ig_values["alone"])
    del nx_values["alone"], ig_values["alone"]
    assert ig_values == pytest.approx(nx_values)


def test_brokerage_roles_by_hand():
    # B (group X) knows a1 (X), a2 (Y), a3 (Z), a4 (Y) and u (unknown); a2-a4 know each other.
    graph = nx.Graph([("B", "a1"), ("B", "a2"), ("B", "a3"), ("B", "a4"), ("B", "u"), ("a2", "a4")])
    nx.set_node_attributes(graph, {"B": "X", "a1": "X", "a2": "Y", "a3": "Z", "a4": "Y", "u": nw.UNKNOWN}, "g")
    expected = nw.BrokerageRoles(coordinator=0, consultant=0, representative=3, liaison=2)
    for engine in ("networkx", "igraph"):
        roles = nw.brokerage_roles(graph, "g", engine=engine)
        assert roles["B"] == expected
        assert roles["B"].between_groups == 5
        assert roles["a1"] == nw.BrokerageRoles()  # one neighbour: no pair to broker


def test_brokerage_engines_agree():
    graph = random_graph(seed=6, n=60, m=200)
    assert nw.brokerage_roles(graph, "g", engine="igraph") == nw.brokerage_roles(graph, "g", engine="networkx")
    some = [0, 5, 9]
    assert nw.brokerage_roles(graph, "g", nodes=some, engine="igraph") == {
        n: r for n, r in nw.brokerage_roles(graph, "g", engine="networkx").items() if n in some}


def test_mixing_matrix_and_assortativity_by_hand():
    # a-a tie, a-b tie, b-b tie twice over, and one tie to an unknown node
    graph = nx.Graph([(1, 2), (2, 3), (3, 4), (4, 5), (5, 6)])
    nx.set_node_attributes(graph, {1: "a", 2: "a", 3: "b", 4: "b", 5: "b", 6: nw.UNKNOWN}, "g")
    matrix = nw.mixing_matrix(graph, "g")
    assert matrix.labels == ["a", "b"]
    assert matrix.counts == [[2, 1], [1, 4]]
    # e = [[2, 1], [1, 4]] / 8; a = [3/8, 5/8]; r = (6/8 - 34/64) / (1 - 34/64)
    assert matrix.assortativity() == pytest.approx((6 / 8 - 34 / 64) / (1 - 34 / 64))
    assert nw.mixing_matrix(nw.to_igraph(graph), "g") == matrix
    weighted = nx.Graph(graph)
    weighted.edges[3, 4]["weight"] = 5
    assert nw.mixing_matrix(weighted, "g", weight="weight").cell("b", "b") == 2 * (5 + 1)


def test_assortativity_extremes():
    within = nx.Graph([(0, 1), (2, 3)])
    nx.set_node_attributes(within, {0: "a", 1: "a", 2: "b", 3: "b"}, "g")
    assert nw.assortativity(within, "g") == pytest.approx(1.0)
    across = nx.complete_bipartite_graph(3, 3)
    nx.set_node_attributes(across, {n: "a" if n < 3 else "b" for n in across}, "g")
    assert nw.assortativity(across, "g") == pytest.approx(-1.0)
    assert nw.mixing_matrix(across, "g", labels=["b", "a", "c"]).labels == ["b", "a", "c"]


def test_shannon_and_blau():
    assert nw.shannon([2, 2]) == pytest.approx(math.log(2))
    assert nw.blau([2, 2]) == pytest.approx(0.5)
    assert nw.shannon([3]) == 0.0 and nw.blau([3]) == 0.0
    assert nw.blau([1, 1, 1, 1]) == pytest.approx(0.75)
    assert nw.shannon([]) == 0.0 and nw.blau([]) == 0.0


def test_igraph_view_and_networkx_graph_hold_the_same_network(data):
    view = nw.person_igraph(data)
    graph = nw.person_graph(data)
    assert nx.utils.graphs_equal(nw.to_networkx(view), graph)
    assert set(view.nodes) == set(graph)


def test_doc_examples_run():
    assert doctest.testmod(nw).failed == 0


# --------------------------------------------------------------------------- export


@pytest.mark.parametrize("projection", ["person", "organization", "bipartite", "groups"])
@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_loads_back_with_same_nodes_edges_attributes(data, projection, fmt):
    graph = nw.network(data, projection)
    text = nw.export_graph(graph, fmt)
    back = (nx.read_graphml if fmt == "graphml" else nx.read_gexf)(io.BytesIO(text.encode("utf-8")))
    assert set(back) == set(graph)
    assert {frozenset(e) for e in back.edges} == {frozenset(e) for e in graph.edges}
    for node, attrs in graph.nodes(data=True):
        got = dict(back.nodes[node])
        if fmt == "gexf":
            assert got.pop("label") == attrs["name"]  # Gephi shows the name
        assert got == attrs
    for u, v, attrs in graph.edges(data=True):
        got = dict(back.edges[u, v])
        got.pop("id", None)  # GEXF's own edge id
        assert got == pytest.approx(attrs) if "weight" in attrs else got == attrs


def test_export_csv_and_json(data):
    graph = nw.person_graph(data)
    edges = list(csv.DictReader(io.StringIO(nw.export_graph(graph, "csv"))))
    assert len(edges) == graph.number_of_edges()
    gong = [e for e in edges if iri(data, "Gong Ke") in (e["source"], e["target"])]
    assert len(gong) == 16 and all(e["weight"] == "1" for e in gong)
    nodes = list(csv.DictReader(io.StringIO(nw.export_graph(graph, "csv", table="nodes"))))
    assert {n["id"] for n in nodes} == set(graph)
    doc = json.loads(nw.export_graph(graph, "json"))
    assert len(doc["nodes"]) == 43 and len(doc["edges"]) == graph.number_of_edges()
    with pytest.raises(ValueError):
        nw.export_graph(graph, "xlsx")


def test_network_command(built, tmp_path):
    runner = CliRunner()
    out = tmp_path / "people.graphml"
    result = runner.invoke(main, ["network", "--graph", str(built), "--format", "graphml", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert nx.read_graphml(out).number_of_nodes() == 43
    result = runner.invoke(main, ["network", "--graph", str(built), "--projection", "bipartite", "--format", "csv",
                                  "--roles", "speakers", "--year", "2021"])
    assert result.exit_code == 0
    assert len(result.output.strip().splitlines()) == 1 + 11  # header + the 11 speakers of 2021
    result = runner.invoke(main, ["network", "--graph", str(built), "--year", "1999"])
    assert result.exit_code != 0 and "no participation" in result.output
    result = runner.invoke(main, ["network", "--graph", str(tmp_path / "missing.trig")])
    assert result.exit_code != 0 and "igfkg build" in result.output
