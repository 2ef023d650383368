"""igfkg.serve: the local read-only SPARQL endpoint, queried over real HTTP on loopback."""

from __future__ import annotations

import csv
import io
import threading

import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner

from igfkg.serve import ServeError, make_server, serve_command
from triplestores import ENTITIES_GRAPH, SCHEMA, free_port, igf_dataset, write_trig

PERSONS = f"PREFIX schema: <{SCHEMA}> SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p a schema:Person }}"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    data = igf_dataset(5)
    trig = write_trig(data, tmp_path_factory.mktemp("serve") / "igf.trig")
    server = make_server(trig, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    persons = {t.subject.value for _, triples in data for t in triples if t.object == ox.NamedNode(SCHEMA + "Person")}
    yield server.url, persons
    server.shutdown()
    server.server_close()


def test_get_select_answers_json_over_the_union_of_graphs(endpoint):
    url, persons = endpoint
    response = requests.get(url, params={"query": PERSONS}, headers={"Accept": "application/sparql-results+json"}, timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/sparql-results+json")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert int(response.json()["results"]["bindings"][0]["n"]["value"]) == len(persons)


def test_post_form_and_sparql_query_body_with_csv_and_tsv(endpoint):
    url, persons = endpoint
    form = requests.post(url, data={"query": PERSONS}, headers={"Accept": "text/csv"}, timeout=10)
    assert form.headers["Content-Type"].startswith("text/csv")
    assert list(csv.DictReader(io.StringIO(form.text))) == [{"n": str(len(persons))}]
    body = requests.post(url, data=PERSONS.encode(), headers={"Content-Type": "application/sparql-query", "Accept": "text/tab-separated-values"}, timeout=10)
    assert body.headers["Content-Type"].startswith("text/tab-separated-values")
    assert body.text.splitlines() == ["?n", str(len(persons))]


def test_named_graph_selection_and_construct_as_turtle(endpoint):
    url, _ = endpoint
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    only_entities = requests.get(url, params={"query": count, "default-graph-uri": ENTITIES_GRAPH}, timeout=10).json()
    everything = requests.get(url, params={"query": count}, timeout=10).json()
    n_entities = int(only_entities["results"]["bindings"][0]["n"]["value"])
    assert 0 < n_entities < int(everything["results"]["bindings"][0]["n"]["value"])
    construct = requests.get(url, params={"query": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{ENTITIES_GRAPH}> {{ ?s ?p ?o }} }}"}, headers={"Accept": "text/turtle"}, timeout=10)
    assert construct.headers["Content-Type"].startswith("text/turtle")
    assert len(list(ox.parse(construct.content, format=ox.RdfFormat.TURTLE))) == n_entities


def test_updates_are_refused_and_errors_are_clear(endpoint):
    url, persons = endpoint
    update = requests.post(url, data={"update": "DROP ALL"}, timeout=10)
    assert update.status_code == 403 and "read-only" in update.text
    update_body = requests.post(url, data=b"DROP ALL", headers={"Content-Type": "application/sparql-update"}, timeout=10)
    assert update_body.status_code == 403
    still = requests.get(url, params={"query": PERSONS}, timeout=10).json()
    assert int(still["results"]["bindings"][0]["n"]["value"]) == len(persons)
    bad = requests.get(url, params={"query": "SELEC ?x"}, timeout=10)
    assert bad.status_code == 400 and "syntax" in bad.text
    unacceptable = requests.get(url, params={"query": PERSONS}, headers={"Accept": "image/png"}, timeout=10)
    assert unacceptable.status_code == 406


def test_cors_preflight(endpoint):
    url, _ = endpoint
    response = requests.options(url, headers={"Origin": "https://yasgui.triply.cc", "Access-Control-Request-Method": "POST"}, timeout=10)
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]


def test_binds_to_loopback_by_default_and_reports_missing_graph(tmp_path):
    server = make_server(write_trig(igf_dataset(1), tmp_path / "igf.trig"), port=0)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()
    with pytest.raises(ServeError, match="igfkg build"):
        make_server(tmp_path / "absent.trig", port=0)
    result = CliRunner().invoke(serve_command, ["--graph", str(tmp_path / "absent.trig"), "--port", str(free_port())])
    assert result.exit_code == 1 and "graph file not found" in result.output
