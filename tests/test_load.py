"""igfkg.load against real triple stores: Oxigraph (the `oxigraph` server from
PyPI) always, Virtuoso (Debian's virtuoso-opensource, `.ci/install-virtuoso`)
when installed, and required when CI is set. Servers run on free loopback ports
with temporary databases and are stopped after the session."""

from __future__ import annotations

import base64
import json
import logging
import os
import shutil
import signal
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner

from igfkg.load import (
    MANIFEST_GRAPH,
    Credentials,
    LoadError,
    LoadProgress,
    LoadReport,
    credentials_from_environment,
    endpoints_for,
    load,
    load_command,
    read_graphs,
)
from triplestores import (
    ENTITIES_GRAPH,
    FaultProxy,
    OxigraphServer,
    SeenRequest,
    VirtuosoServer,
    free_port,
    is_write,
    igf_dataset,
    server_graph_counts,
    server_quads,
    virtuoso_executable,
    write_trig,
)

CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
VIRTUOSO_PASSWORD = "virt-Secr3t-pw"
IGF_IDS = "https://w3id.org/igfkg/id/"


@pytest.fixture(autouse=True)
def no_ambient_credentials(monkeypatch, tmp_path):
    """Tests see only the credentials they set themselves."""
    for name in ("IGFKG_USER", "IGFKG_PASSWORD", "IGFKG_TOKEN", "IGFKG_AUTH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    with OxigraphServer(tmp_path_factory.mktemp("oxigraph")) as server:
        yield server


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    if virtuoso_executable() is None:
        if CI:
            pytest.fail("CI is set but virtuoso-t is missing: .ci/install-virtuoso must run before the tests")
        pytest.skip("virtuoso-t is not installed (run .ci/install-virtuoso); with CI=true this is a failure")
    with VirtuosoServer(tmp_path_factory.mktemp("virtuoso"), password=VIRTUOSO_PASSWORD) as server:
        yield server


@dataclass
class Target:
    """One running store and how to talk to it."""

    kind: str
    url: str
    query_url: str
    update_url: str
    credentials: Credentials | None

    def load(self, source, url: str | None = None, **options) -> LoadReport:
        options.setdefault("auth", self.credentials)
        options.setdefault("backoff", 0.01)
        return load(source, url or self.url, kind=self.kind, **options)

    def counts(self) -> dict[str, int]:
        return {g: n for g, n in server_graph_counts(self.query_url).items() if g.startswith(IGF_IDS) and g != MANIFEST_GRAPH}

    def content(self, graph: str) -> set[str]:
        return server_quads(self.query_url, graph)


@pytest.fixture(params=["oxigraph", "virtuoso"])
def store(request) -> Target:
    if request.param == "oxigraph":
        server = request.getfixturevalue("oxigraph_server")
        server.clear()
        return Target("oxigraph", server.url, f"{server.url}/query", f"{server.url}/update", None)
    server = request.getfixturevalue("virtuoso_server")
    server.clear()
    return Target("virtuoso", server.url, f"{server.url}/sparql", f"{server.url}/sparql-auth",
                  Credentials("digest", "dba", VIRTUOSO_PASSWORD))


@pytest.fixture
def oxigraph(oxigraph_server) -> Target:
    oxigraph_server.clear()
    return Target("oxigraph", oxigraph_server.url, f"{oxigraph_server.url}/query", f"{oxigraph_server.url}/update", None)


def local_lines(graphs) -> dict[str, set[str]]:
    return {g.iri: set(g.lines) for g in read_graphs(graphs)}


def canonical(lines: set[str]) -> set[str]:
    """Triples with literals in canonical form, as stores keep them ("PT60M"
    becomes "PT1H", "1.0"^^xsd:decimal becomes "1")."""
    store = ox.Store()
    store.load("\n".join(lines) + "\n", format=ox.RdfFormat.N_TRIPLES)
    return {f"{q.subject} {q.predicate} {q.object} ." for q in store}


def touched_graphs(proxy: FaultProxy, graphs) -> set[str]:
    """Which of `graphs` a write request through `proxy` named (body or URL)."""
    return {iri for iri in graphs if any(iri.encode() in r.body or quote(iri, safe="") in r.path for r in proxy.writes())}


def assert_server_holds(target: Target, graphs) -> None:
    expected = local_lines(graphs)
    assert target.counts() == {iri: len(lines) for iri, lines in expected.items()}
    for iri, lines in expected.items():
        assert canonical(target.content(iri)) == canonical(lines), iri


# ---------------------------------------------------------------- both stores


def test_first_load_writes_every_graph_and_counts_match(store, tmp_path):
    data = igf_dataset(12)
    trig = write_trig(data, tmp_path / "igf.trig")

    report = store.load(trig)

    assert report.ok, report.summary()
    assert len(report.graphs) == 13 and {g.action for g in report.graphs} == {"add"}
    assert all(g.server_after == g.triples and g.done for g in report.graphs)
    assert_server_holds(store, data)
    assert "verified" in report.summary()


def test_reload_without_change_writes_nothing(store, tmp_path):
    data = igf_dataset(8)
    trig = write_trig(data, tmp_path / "igf.trig")
    store.load(trig)
    before = {iri: store.content(iri) for iri in local_lines(data)}

    with FaultProxy(store.url) as proxy:
        report = store.load(trig, proxy.url)

    assert report.ok
    assert [g.action for g in report.graphs] == ["skip"] * 9
    assert proxy.writes() == []
    assert {iri: store.content(iri) for iri in before} == before


def test_changed_document_replaces_only_its_own_graph(store, tmp_path):
    """Graphs named by path keep their IRI and are replaced in place."""
    original = igf_dataset(8, graph_names="path")
    store.load(write_trig(original, tmp_path / "v1.trig"))
    edited = igf_dataset(8, edits={3: 1}, graph_names="path")
    changed = {iri for iri, lines in local_lines(edited).items() if lines != local_lines(original)[iri]}
    assert len(changed) == 1  # the edit touches one document graph, no entity label

    with FaultProxy(store.url) as proxy:
        report = store.load(write_trig(edited, tmp_path / "v2.trig"), proxy.url)

    assert report.ok
    assert {g.graph for g in report.loaded} == changed and report.deleted == []
    assert {g.graph for g in report.skipped} == set(local_lines(edited)) - changed
    assert touched_graphs(proxy, local_lines(edited)) == changed
    assert_server_holds(store, edited)


def test_edited_page_with_a_content_named_graph_supersedes_its_old_graph(store, tmp_path):
    """As `igfkg build` names document graphs after the page's content, an edited
    page comes as a new graph; the old graph of the same source is deleted."""
    original = igf_dataset(8)
    store.load(write_trig(original, tmp_path / "v1.trig"))
    edited = igf_dataset(8, edits={3: 1})
    old, new = set(local_lines(original)) - set(local_lines(edited)), set(local_lines(edited)) - set(local_lines(original))
    assert len(old) == len(new) == 1

    with FaultProxy(store.url) as proxy:
        report = store.load(write_trig(edited, tmp_path / "v2.trig"), proxy.url)

    assert report.ok, report.summary()
    assert report.superseded == {old.pop(): next(iter(new))} and report.orphaned == []
    assert {g.graph for g in report.loaded} == new and {g.graph for g in report.deleted} == set(report.superseded)
    assert {g.graph for g in report.skipped} == set(local_lines(edited)) - new
    assert touched_graphs(proxy, local_lines(original) | local_lines(edited)) == new | set(report.superseded)
    assert_server_holds(store, edited)  # no trace of the old revision


def test_server_failing_mid_load_is_reported_and_a_rerun_completes(store, tmp_path):
    data = igf_dataset(10)
    trig = write_trig(data, tmp_path / "igf.trig")

    with FaultProxy(store.url) as proxy:
        # From the third data-writing request on, the server answers 500 until healed.
        writes = {"n": 0}

        def third_data_write(r: SeenRequest) -> bool:
            if not is_write(r) or b"load-manifest" in r.body:
                return False
            writes["n"] += 1
            return writes["n"] >= 3

        proxy.fail_on(third_data_write, "500")
        with pytest.raises(LoadError) as failure:
            store.load(trig, proxy.url, chunk_triples=150, retries=2)
        message = str(failure.value)
        assert "HTTP 500" in message and "after 3 attempts" in message
        assert "run the same load again" in message
        partial = failure.value.report
        assert partial is not None and 0 < len(partial.loaded) < len(data)
        assert partial.error

        proxy.heal()
        rerun = store.load(trig, proxy.url, chunk_triples=150)

    assert rerun.ok, rerun.summary()
    # Graphs finished before the failure were recorded in the manifest and are not sent again.
    assert {g.graph for g in rerun.skipped} == {g.graph for g in partial.loaded}
    assert_server_holds(store, data)


@pytest.mark.parametrize("graph_names, expected", [("path", ["replace", "replace"]), ("content", ["add", "add", "delete", "delete"])])
def test_update_endpoint_path_loads_reloads_and_replaces(store, tmp_path, graph_names, expected):
    def via_update(trig: Path) -> LoadReport:
        return load(trig, update_endpoint=store.update_url, query_endpoint=store.query_url, auth=store.credentials, chunk_triples=400)

    data = igf_dataset(9, graph_names=graph_names)
    first = via_update(write_trig(data, tmp_path / "v1.trig"))
    assert first.ok and first.method == "update"
    assert {g.action for g in first.graphs} == {"add"}
    assert all(r.url == store.update_url for r in first.requests)
    assert_server_holds(store, data)

    again = via_update(write_trig(data, tmp_path / "v1.trig"))
    assert {g.action for g in again.graphs} == {"skip"} and again.requests == []

    edited = igf_dataset(9, edits={2: 1, 7: 2}, graph_names=graph_names)
    changed = via_update(write_trig(edited, tmp_path / "v2.trig"))
    assert changed.ok
    assert sorted(g.action for g in changed.graphs if g.action != "skip") == expected
    assert_server_holds(store, edited)


def test_dry_run_sends_nothing_and_lists_the_plan(store, tmp_path):
    data = igf_dataset(6)
    trig = write_trig(data, tmp_path / "igf.trig")
    with FaultProxy(store.url) as proxy:
        report = store.load(trig, proxy.url, dry_run=True)
        assert proxy.writes() == []
    assert report.dry_run and report.requests
    assert sum(r.triples for r in report.requests) == sum(len(v) for v in local_lines(data).values())
    assert {g.action for g in report.graphs} == {"add"} and not any(g.done for g in report.graphs)
    assert store.counts() == {}
    assert "plan: 7 to add" in report.summary()


# ----------------------------------------------------------------- Oxigraph


def test_killed_server_is_reported_and_a_rerun_on_the_restarted_server_completes(tmp_path):
    data = igf_dataset(10)
    trig = write_trig(data, tmp_path / "igf.trig")
    server = OxigraphServer(tmp_path / "ox").start()
    try:
        def kill_after_second_request(p: LoadProgress) -> None:
            if p.requests_done == 2:
                server.process.send_signal(signal.SIGKILL)
                server.process.wait()

        with pytest.raises(LoadError) as failure:
            load(trig, server.url, kind="oxigraph", chunk_triples=100, retries=1, backoff=0.01, progress=kill_after_second_request)
        assert "no answer from" in str(failure.value)
        assert failure.value.report.loaded  # some graphs made it before the crash
    finally:
        server.stop()
    restarted = OxigraphServer(tmp_path / "ox").start()  # same database, new port
    try:
        target = Target("oxigraph", restarted.url, f"{restarted.url}/query", f"{restarted.url}/update", None)
        rerun = target.load(trig, chunk_triples=100)
        assert rerun.ok
        assert_server_holds(target, data)
    finally:
        restarted.stop()


def test_dropped_connection_is_retried_transparently(oxigraph, tmp_path):
    data = igf_dataset(5)
    trig = write_trig(data, tmp_path / "igf.trig")
    with FaultProxy(oxigraph.url) as proxy:
        proxy.fail_on(lambda r: r.method == "POST" and r.path.startswith("/store"), "drop", times=1)
        report = oxigraph.load(trig, proxy.url)
    assert report.ok and report.retries == 1
    assert_server_holds(oxigraph, data)


def test_interrupted_replace_never_leaves_a_stale_manifest_entry(oxigraph, tmp_path):
    """v1 loaded; the load of v2 dies after the first chunk of the edited graph;
    reloading v1 must restore v1 exactly (the manifest must not claim v1 is there)."""
    v1 = igf_dataset(4, people=40, graph_names="path")
    v1_trig = write_trig(v1, tmp_path / "v1.trig")
    oxigraph.load(v1_trig)
    v2 = igf_dataset(4, people=40, edits={2: 1}, graph_names="path")
    with FaultProxy(oxigraph.url) as proxy:
        proxy.fail_on(lambda r: r.method == "POST" and r.path.startswith("/store?graph="), "500")
        with pytest.raises(LoadError):
            oxigraph.load(write_trig(v2, tmp_path / "v2.trig"), proxy.url, chunk_triples=100, retries=0)
        assert any(r.method == "PUT" for r in proxy.writes())  # the first chunk did replace the graph
    report = oxigraph.load(v1_trig)
    assert report.ok
    assert [g.action for g in report.graphs if g.action != "skip"] == ["replace"]
    assert_server_holds(oxigraph, v1)


def test_large_changed_graph_is_patched_with_only_the_difference(oxigraph, tmp_path):
    v1 = igf_dataset(30, people=10)
    oxigraph.load(write_trig(v1, tmp_path / "v1.trig"))
    v2 = igf_dataset(31, people=10)  # one more page: a new graph + a few new entity labels
    old_labels, new_labels = local_lines(v1)[ENTITIES_GRAPH], local_lines(v2)[ENTITIES_GRAPH]
    assert len(old_labels) > 300
    with FaultProxy(oxigraph.url) as proxy:
        report = oxigraph.load(write_trig(v2, tmp_path / "v2.trig"), proxy.url, patch_min_triples=300)
    assert report.ok
    entities = next(g for g in report.graphs if g.graph == ENTITIES_GRAPH)
    assert entities.action == "patch" and entities.removed == 0
    assert entities.sent == len(new_labels - old_labels) > 0
    sent = b"".join(r.body for r in proxy.writes()).decode()
    assert not any(line in sent for line in old_labels)  # unchanged labels are not sent again
    assert all(line in sent for line in new_labels - old_labels)
    assert_server_holds(oxigraph, v2)


def test_chunks_and_progress_cover_every_triple(oxigraph, tmp_path):
    data = igf_dataset(6, people=30)
    seen: list[LoadProgress] = []
    report = oxigraph.load(write_trig(data, tmp_path / "igf.trig"), chunk_triples=90, progress=seen.append)
    total = sum(len(v) for v in local_lines(data).values())
    assert report.ok
    data_requests = [r for r in report.requests if r.triples]
    assert len(data_requests) == -(-total // 90) and max(r.triples for r in data_requests) <= 90
    assert [p.triples_done for p in seen] == sorted(p.triples_done for p in seen)
    assert seen[-1].triples_done == seen[-1].triples_total == total
    assert seen[-1].graphs_done == seen[-1].graphs_total == len(data)


def test_a_store_that_loses_triples_is_named_exactly(oxigraph, tmp_path):
    data = igf_dataset(5)
    victim = data[2][0]

    def lose_one_quad(r: SeenRequest) -> bytes:
        if r.method == "POST" and r.path.startswith("/store") and "graph=" not in r.path:
            lines = r.body.split(b"\n")
            drop = next(i for i, line in enumerate(lines) if line.rstrip().endswith(b"<" + victim.encode() + b"> ."))
            return b"\n".join(lines[:drop] + lines[drop + 1 :])
        return r.body

    with FaultProxy(oxigraph.url) as proxy:
        proxy.transform = lose_one_quad
        report = oxigraph.load(write_trig(data, tmp_path / "igf.trig"), proxy.url)
    assert not report.ok
    assert [(g.graph, g.triples - g.server_after) for g in report.differing] == [(victim, 1)]
    assert f"{victim}: source {report.differing[0].triples}, server {report.differing[0].server_after}" in report.summary()
    # The next load notices the count does not match and rewrites that graph.
    repaired = oxigraph.load(write_trig(data, tmp_path / "igf.trig"))
    assert repaired.ok and [g.graph for g in repaired.loaded] == [victim]
    assert_server_holds(oxigraph, data)


def test_orphaned_graphs_are_reported_and_pruned_on_request(oxigraph, tmp_path):
    oxigraph.load(write_trig(igf_dataset(5), tmp_path / "v1.trig"))
    fewer = igf_dataset(4)
    gone = set(local_lines(igf_dataset(5))) - set(local_lines(fewer))
    kept = oxigraph.load(write_trig(fewer, tmp_path / "v2.trig"))
    assert set(kept.orphaned) == gone and kept.pruned == []
    assert gone <= set(oxigraph.counts())  # still on the server
    pruned = oxigraph.load(write_trig(fewer, tmp_path / "v2.trig"), prune=True)
    assert set(pruned.pruned) == gone
    assert_server_holds(oxigraph, fewer)


def test_blank_node_graph_is_replaced_without_duplicates(oxigraph, tmp_path):
    trig = tmp_path / "bnodes.trig"
    trig.write_text(
        "@prefix schema: <http://schema.org/> .\n"
        "<https://w3id.org/igfkg/id/document/00000000000000aa> {\n"
        "  <https://w3id.org/igfkg/id/session/igf2023-ws-1> schema:location [ schema:name \"Room B-1\" ; schema:floor 2 ] .\n"
        "}\n"
    )
    oxigraph.load(trig)
    second = oxigraph.load(trig)  # blank node labels differ per parse: rewritten, never doubled
    assert second.ok
    assert oxigraph.counts() == {"https://w3id.org/igfkg/id/document/00000000000000aa": 3}


def test_source_can_be_a_store_or_graph_list(oxigraph, tmp_path):
    data = igf_dataset(3)
    trig = write_trig(data, tmp_path / "igf.trig")
    dataset = ox.Store()
    dataset.bulk_load(path=trig, format=ox.RdfFormat.TRIG)
    by_file = [(g.iri, g.content_hash) for g in read_graphs(trig)]
    assert [(g.iri, g.content_hash) for g in read_graphs(dataset)] == by_file
    assert [(g.iri, g.content_hash) for g in read_graphs(data)] == by_file
    report = oxigraph.load(dataset)
    assert report.ok and len(report.graphs) == 4


def test_default_graph_and_missing_file_are_clear_errors(oxigraph, tmp_path):
    trig = tmp_path / "default.trig"
    trig.write_text('<http://example.org/s> <http://schema.org/name> "x" .\n')
    with pytest.raises(LoadError, match="1 triples in the default graph"):
        oxigraph.load(trig)
    with pytest.raises(LoadError, match="run `igfkg build` first"):
        oxigraph.load(tmp_path / "absent.trig")
    bad = tmp_path / "bad.trig"
    bad.write_text("<http://example.org/g> { <http://a> <http://b> }\n")
    with pytest.raises(LoadError, match="cannot read"):
        oxigraph.load(bad)


# -------------------------------------------------------------- credentials


def test_credentials_from_environment_are_sent_and_never_echoed(oxigraph, tmp_path, monkeypatch, caplog):
    password = "pa55-Word-xyzzy"
    monkeypatch.setenv("IGFKG_USER", "loader")
    monkeypatch.setenv("IGFKG_PASSWORD", password)
    basic = "Basic " + base64.b64encode(f"loader:{password}".encode()).decode()
    trig = write_trig(igf_dataset(3), tmp_path / "igf.trig")
    caplog.set_level(logging.DEBUG)
    with FaultProxy(oxigraph.url) as proxy:
        proxy.require_auth = basic
        report = load(trig, proxy.url, kind="oxigraph", backoff=0.01)
        assert report.ok
        assert all(r.headers.get("Authorization") == basic for r in proxy.seen)

        monkeypatch.setenv("IGFKG_PASSWORD", "wrong-" + password)
        with pytest.raises(LoadError) as failure:
            load(trig, proxy.url, kind="oxigraph", force=True, backoff=0.01)
        assert "HTTP 401" in str(failure.value) and "IGFKG_PASSWORD" in str(failure.value)

        result = CliRunner().invoke(load_command, ["--graph", str(trig), "--endpoint", proxy.url, "--kind", "oxigraph", "--force"])
        assert result.exit_code != 0 and "HTTP 401" in result.output

        # Userinfo in the URL is used, and not shown either.
        monkeypatch.delenv("IGFKG_USER")
        monkeypatch.delenv("IGFKG_PASSWORD")
        in_url = proxy.url.replace("http://", f"http://loader:{password}@")
        proxy.require_auth = basic
        assert load(trig, in_url, kind="oxigraph").endpoint == proxy.url

    everything = "\n".join([str(failure.value), repr(failure.value), failure.value.report.summary(),
                            json.dumps(failure.value.report.to_dict()), result.output, caplog.text])
    for secret in (password, base64.b64encode(f"loader:{password}".encode()).decode(), base64.b64encode(f"loader:wrong-{password}".encode()).decode()):
        assert secret not in everything
    creds = credentials_from_environment("http://127.0.0.1", environ={"IGFKG_USER": "u", "IGFKG_PASSWORD": password})
    assert creds.secret == password
    assert password not in repr(creds) and password not in str(creds)


def test_a_server_echoing_the_secret_is_redacted(oxigraph, tmp_path):
    token = "tok-9f8e7d6c5b4a"
    trig = write_trig(igf_dataset(2), tmp_path / "igf.trig")
    with FaultProxy(oxigraph.url) as proxy:
        proxy.fail_on(lambda r: True, "500")
        proxy.echo_auth_in_errors = True
        with pytest.raises(LoadError) as failure:
            load(trig, proxy.url, kind="oxigraph", auth=Credentials("bearer", None, token), retries=0)
        assert any(r.headers.get("Authorization") == f"Bearer {token}" for r in proxy.seen)
    assert "Authorization was: Bearer ***" in str(failure.value)
    assert token not in str(failure.value)


def test_netrc_and_token_credentials(tmp_path):
    netrc_file = tmp_path / "netrc"
    netrc_file.write_text("machine 127.0.0.1 login alice password n3trc-secret\n")
    netrc_file.chmod(0o600)
    creds = credentials_from_environment("http://127.0.0.1:7878", environ={}, netrc_file=netrc_file)
    assert (creds.scheme, creds.user, creds.secret, creds.source) == ("basic", "alice", "n3trc-secret", "netrc")
    assert credentials_from_environment("http://other.example:7878", environ={}, netrc_file=netrc_file) is None
    digest = credentials_from_environment("http://127.0.0.1", environ={"IGFKG_AUTH": "digest"}, netrc_file=netrc_file)
    assert digest.scheme == "digest"
    token = credentials_from_environment("http://127.0.0.1", environ={"IGFKG_TOKEN": "t0k"}, netrc_file=netrc_file)
    assert (token.scheme, token.secret) == ("bearer", "t0k")
    with pytest.raises(LoadError, match="set both IGFKG_USER and IGFKG_PASSWORD"):
        credentials_from_environment("http://127.0.0.1", environ={"IGFKG_USER": "bob"})
    broken = tmp_path / "broken-netrc"
    broken.write_text("machine 127.0.0.1 login alice s3cr3t-in-netrc\n")  # "password" keyword forgotten
    with pytest.raises(LoadError) as failure:
        credentials_from_environment("http://127.0.0.1", environ={}, netrc_file=broken)
    assert "line" in str(failure.value) and "s3cr3t-in-netrc" not in str(failure.value)


def test_virtuoso_wrong_password_fails_clearly_without_echoing_it(virtuoso_server, tmp_path):
    virtuoso_server.clear()
    trig = write_trig(igf_dataset(2), tmp_path / "igf.trig")
    wrong = "not-the-" + VIRTUOSO_PASSWORD
    with pytest.raises(LoadError) as failure:
        load(trig, virtuoso_server.url, kind="virtuoso", auth=Credentials("digest", "dba", wrong), backoff=0.01)
    assert "HTTP 401" in str(failure.value)
    assert wrong not in str(failure.value) and VIRTUOSO_PASSWORD not in str(failure.value)


def test_virtuoso_counts_many_graphs_in_one_scan_and_falls_back_when_rows_are_capped(virtuoso_server, tmp_path):
    virtuoso_server.clear()
    data = igf_dataset(320, people=1)
    trig = write_trig(data, tmp_path / "igf.trig")
    auth = Credentials("digest", "dba", VIRTUOSO_PASSWORD)
    with FaultProxy(virtuoso_server.url) as proxy:
        first = load(trig, proxy.url, kind="virtuoso", auth=auth)
        scans = [r for r in proxy.seen if b"STRSTARTS" in r.body]
        assert first.ok and len(scans) == 2  # before and after the load, one query each

        def cap_at_50_rows(request: SeenRequest, response: requests.Response):
            """What Virtuoso does past ResultSetMaxRows: the first rows and a header."""
            if b"STRSTARTS" not in request.body:
                return None
            results = response.json()
            results["results"]["bindings"] = results["results"]["bindings"][:50]
            return json.dumps(results).encode(), {"X-SPARQL-MaxRows": "50"}

        proxy.rewrite_response = cap_at_50_rows
        again = load(trig, proxy.url, kind="virtuoso", auth=auth)
    assert [g.action for g in again.graphs] == ["skip"] * len(data)  # counted per batch instead
    target = Target("virtuoso", virtuoso_server.url, f"{virtuoso_server.url}/sparql", "", auth)
    assert_server_holds(target, data)


def test_long_texts_are_split_under_virtuosos_update_size_limit(virtuoso_server):
    """Virtuoso refuses SPARQL Update text over ~10 MB (SR578); 4,000 triples with
    3 kB abstracts make 12 MB, so requests are cut by size, not only by count."""
    virtuoso_server.clear()
    description = ox.NamedNode("http://schema.org/description")
    graphs = [
        (f"https://w3id.org/igfkg/id/document/{n:016x}",
         [ox.Triple(ox.NamedNode(f"https://w3id.org/igfkg/id/session/igf2024-ws-{n}-{i}"), description,
                    ox.Literal(f"Session {i}: " + "Policy questions on data governance and trust. " * 64, language="en"))
          for i in range(2000)])
        for n in (1, 2)
    ]
    report = load(graphs, virtuoso_server.url, kind="virtuoso", auth=Credentials("digest", "dba", VIRTUOSO_PASSWORD), backoff=0.01)
    assert report.ok
    data_requests = [r for r in report.requests if r.triples]
    assert sum(r.bytes for r in data_requests) > 10_000_000 and max(r.bytes for r in data_requests) < 5_000_000
    target = Target("virtuoso", virtuoso_server.url, f"{virtuoso_server.url}/sparql", "", None)
    assert target.counts() == {g: 2000 for g, _ in graphs}


# --------------------------------------------------------------------- CLI and URLs


def test_cli_loads_out_igf_trig_by_default_and_prints_summary_and_json(oxigraph, tmp_path, monkeypatch):
    data = igf_dataset(4)
    write_trig(data, tmp_path / "out" / "igf.trig")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    first = runner.invoke(load_command, ["--endpoint", oxigraph.url, "--kind", "oxigraph"])
    assert first.exit_code == 0, first.output
    assert "5 added" in first.output and "verified" in first.output
    assert "loading triples" in first.stderr  # the progress bar, on stderr
    again = runner.invoke(load_command, ["--endpoint", oxigraph.url, "--kind", "oxigraph", "--format", "json"])
    assert again.exit_code == 0
    parsed = json.loads(again.stdout)
    assert parsed["ok"] and len(parsed["skipped"]) == 5 and parsed["differing"] == []
    assert_server_holds(oxigraph, data)


def test_cli_fails_with_a_clear_message_when_nothing_listens(tmp_path):
    trig = write_trig(igf_dataset(1), tmp_path / "igf.trig")
    result = CliRunner().invoke(load_command, ["--graph", str(trig), "--endpoint", f"http://127.0.0.1:{free_port()}", "--kind", "oxigraph", "--retries", "0"])
    assert result.exit_code == 1
    assert "no answer from" in result.output and "ConnectionError" in result.output
    missing = CliRunner().invoke(load_command, ["--graph", str(tmp_path / "nope.trig"), "--endpoint", "http://127.0.0.1:1", "--kind", "oxigraph"])
    assert missing.exit_code == 1 and "igfkg build" in missing.output


@pytest.mark.parametrize(
    "kind, endpoint, authenticated, expected",
    [
        ("oxigraph", "http://localhost:7878", False, ("http://localhost:7878/store", "http://localhost:7878/query", "http://localhost:7878/update", "graph")),
        ("oxigraph", "http://localhost:7878/store", False, ("http://localhost:7878/store", "http://localhost:7878/query", "http://localhost:7878/update", "graph")),
        ("fuseki", "http://localhost:3030/igf", False, ("http://localhost:3030/igf/data", "http://localhost:3030/igf/sparql", "http://localhost:3030/igf/update", "graph")),
        ("fuseki", "http://localhost:3030/igf/sparql", False, ("http://localhost:3030/igf/data", "http://localhost:3030/igf/sparql", "http://localhost:3030/igf/update", "graph")),
        ("virtuoso", "http://localhost:8890", True, ("http://localhost:8890/sparql-graph-crud-auth", "http://localhost:8890/sparql", "http://localhost:8890/sparql-auth", "graph-uri")),
        ("virtuoso", "http://localhost:8890/sparql", False, ("http://localhost:8890/sparql-graph-crud", "http://localhost:8890/sparql", "http://localhost:8890/sparql", "graph-uri")),
        ("graphdb", "http://localhost:7200/repositories/igf", False, ("http://localhost:7200/repositories/igf/rdf-graphs/service", "http://localhost:7200/repositories/igf", "http://localhost:7200/repositories/igf/statements", "graph")),
    ],
)
def test_url_shapes_per_kind(kind, endpoint, authenticated, expected):
    e = endpoints_for(kind, endpoint, authenticated=authenticated)
    assert (e.graph_store, e.query, e.update, e.graph_param) == expected


def test_generic_kind_needs_a_query_endpoint():
    with pytest.raises(LoadError, match="--query-endpoint"):
        endpoints_for("generic", "http://localhost:9999/gsp")
    with pytest.raises(LoadError, match="--query-endpoint"):
        endpoints_for("generic", None, update_endpoint="http://localhost:9999/update")
    generic = endpoints_for("generic", "http://h/gsp", query_endpoint="http://h/q")
    assert (generic.graph_store, generic.query, generic.update, generic.add_with) == ("http://h/gsp", "http://h/q", None, "put")


def test_generic_graph_store_without_update_endpoint(oxigraph, tmp_path):
    """Plain GSP only: PUT per graph, manifest kept by rewriting its graph."""
    v1 = igf_dataset(4, graph_names="path")

    def generic(trig: Path) -> LoadReport:
        return load(trig, f"{oxigraph.url}/store", kind="generic", query_endpoint=oxigraph.query_url, auth=None)
    first = generic(write_trig(v1, tmp_path / "v1.trig"))
    assert first.ok and {r.method for r in first.requests} <= {"PUT", "POST"}
    assert all(r.url == f"{oxigraph.url}/store" for r in first.requests)
    v2 = igf_dataset(4, edits={1: 1}, graph_names="path")
    second = generic(write_trig(v2, tmp_path / "v2.trig"))
    assert second.ok and len(second.loaded) == 1 and len(second.skipped) == 4
    assert_server_holds(oxigraph, v2)
    third = generic(write_trig(v2, tmp_path / "v2.trig"))
    assert len(third.skipped) == 5


# ------------------------------------------------------------- the real seed corpus


def test_seed_corpus_built_by_igfkg_loads_and_an_edited_page_replaces_only_its_graph(oxigraph, tmp_path):
    from igfkg.build import build

    seeds = tmp_path / "seeds"
    shutil.copytree(Path(__file__).resolve().parent.parent / "data" / "seeds", seeds)
    first = build([str(seeds)], tmp_path / "v1", use_cache=False, jobs=1)
    assert first.ok
    v1 = tmp_path / "v1" / "igf.trig"
    report = oxigraph.load(v1)
    assert report.ok and {g.action for g in report.graphs} == {"add"}
    documents = [g.graph for g in report.graphs if "/document/" in g.graph]
    assert len(documents) == len(list(seeds.iterdir()))
    assert_server_holds(oxigraph, v1)

    page = next(p for p in seeds.iterdir() if "Ballroom B" in p.read_text())
    page.write_text(page.read_text().replace("Ballroom B", "Ballroom C"))
    assert build([str(seeds)], tmp_path / "v2", use_cache=False, jobs=1).ok
    v2 = tmp_path / "v2" / "igf.trig"
    new = {iri for iri, lines in local_lines(v2).items() if lines != local_lines(v1).get(iri)}
    old = set(local_lines(v1)) - set(local_lines(v2))
    assert len(new) == len(old) == 1 and old <= set(documents)  # the page's graph is named after its content
    with FaultProxy(oxigraph.url) as proxy:
        again = oxigraph.load(v2, proxy.url)
    assert again.ok and {g.graph for g in again.loaded} == new and again.superseded == {old.pop(): next(iter(new))}
    assert touched_graphs(proxy, local_lines(v1) | local_lines(v2)) == new | set(again.superseded)
    assert "Ballroom C" in "".join(oxigraph.content(new.pop()))
    assert_server_holds(oxigraph, v2)
