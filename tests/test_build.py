"""`igfkg build` end to end on the seed corpus: counts, identities,
reproducible bytes, bad pages reported while the good ones still build."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from igfkg.build import build
from igfkg.cli import main
from igfkg.parse import parse_session
from igfkg.store import read_dataset
from seed_pages import seed_text, vary_seed

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = json.loads((Path(__file__).parent / "seeds_expected.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    return build([str(ROOT / "data")], out)


def test_build_counts_and_conforms(seed_build):
    assert seed_build.ok
    assert seed_build.validation.conforms
    assert seed_build.stats["documents"] == 5
    assert seed_build.stats["sessions"] == 5
    assert seed_build.stats["persons"] == EXPECTED["distinct_persons_in_corpus"]
    # One participation per person per role, plus the delegate's two roles (seed 003).
    roles = sum(len(p.roles) for r in seed_build.records for p in r.participants)
    assert seed_build.stats["participations"] == roles + 2


def test_same_person_pairs_share_one_iri(seed_build):
    """Every spelling pair of seeds_expected.json names the same person entity."""
    store = read_dataset(seed_build.outputs[1])
    for group in EXPECTED["cross_document_same_person"] + EXPECTED["within_document_same_person"]:
        iris = set()
        for name in group:
            found = {
                q.subject.value for q in store.quads_for_pattern(None, None, None)
                if q.predicate.value.endswith(("core#prefLabel", "core#altLabel"))
                and q.object.value.casefold() in {name.casefold(), " ".join(reversed(name.split())).casefold()}
                and "/person/" in q.subject.value
            }
            assert found, name
            iris |= found
        assert len(iris) == 1, (group, iris)


def test_turtle_is_byte_identical_across_runs(tmp_path):
    first = build([str(ROOT / "data")], tmp_path / "a")
    second = build([str(ROOT / "data")], tmp_path / "b")
    for name in ("igf.ttl", "igf.trig"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    assert first.stats == second.stats


def test_one_named_graph_per_document(seed_build):
    store = read_dataset(seed_build.outputs[1])
    graphs = sorted(g.value for g in store.named_graphs())
    documents = [g for g in graphs if "/document/" in g]
    assert len(documents) == 5
    assert sum(g.endswith("/graph/entities") for g in graphs) == 1


def test_durations_are_written_as_a_store_keeps_them(seed_build):
    """xsd:duration in canonical form ("PT1H30M", not "PT90M"): a store loaded
    from the files holds the very literals the files hold."""
    text = seed_build.outputs[0].read_text(encoding="utf-8")
    written = re.findall(r'schema:duration "([^"]+)"\^\^xsd:duration', text)
    store = ox.Store()
    store.load(path=str(seed_build.outputs[0]), format=ox.RdfFormat.TURTLE)
    stored = [q.object.value for q in store.quads_for_pattern(None, ox.NamedNode("http://schema.org/duration"), None)]
    assert "PT1H30M" in written  # seed 000: 90 minutes
    assert sorted(written) == sorted(stored)


def test_a_theme_written_two_ways_has_one_preferred_label(tmp_path):
    """Three pages file their sessions under one theme, one of them in lower
    case: one theme concept, whose prefLabel is the spelling two pages use
    and whose altLabel is the other, stated once in the entities graph."""
    seed = seed_text(4)
    names = [p.name for p in parse_session(seed).participants]
    pages = tmp_path / "pages"
    pages.mkdir()
    for n, spelling in enumerate(["Avoiding Internet Fragmentation", "Avoiding internet fragmentation",
                                  "Avoiding Internet Fragmentation"]):
        page = vary_seed(seed, 100 + n, names).replace("Avoiding Internet Fragmentation", spelling)
        (pages / f"page{n}.txt").write_text(page, encoding="utf-8")

    result = build([str(pages)], tmp_path / "out")

    store = read_dataset(result.outputs[1])
    rows = list(store.query("""
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?theme ?kind ?label ?graph WHERE {
          GRAPH ?graph { ?theme skos:inScheme <https://w3id.org/igfkg/vocab/theme> ; ?kind ?label }
          FILTER(?kind IN (skos:prefLabel, skos:altLabel)) }"""))
    assert {(r["theme"].value, r["kind"].value.split("#")[1], r["label"].value, r["graph"].value) for r in rows} == {
        ("https://w3id.org/igfkg/vocab/theme/avoiding-internet-fragmentation", "prefLabel",
         "Avoiding Internet Fragmentation", "https://w3id.org/igfkg/id/graph/entities"),
        ("https://w3id.org/igfkg/vocab/theme/avoiding-internet-fragmentation", "altLabel",
         "Avoiding internet fragmentation", "https://w3id.org/igfkg/id/graph/entities"),
        ("https://w3id.org/igfkg/vocab/theme/technical-challenges-of-internet-fragmentation", "prefLabel",
         "Technical challenges of Internet fragmentation", "https://w3id.org/igfkg/id/graph/entities"),
    }
    assert not [r for r in result.validation.results if "Theme" in r.shape]


def test_bad_pages_are_named_and_good_ones_still_build(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(ROOT / "data" / "seeds", corpus)
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    (corpus / "lorem.txt").write_text("Lorem ipsum dolor sit amet.\nConsectetur adipiscing elit.\n", encoding="utf-8")
    runner = CliRunner()
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(corpus), "--out", str(out)])
    assert result.exit_code == 1
    assert "empty.txt" in result.stderr and "the file is empty" in result.stderr
    assert "lorem.txt" in result.stderr and "no IGF session facts" in result.stderr
    assert "5 built" in result.stdout and "2 rejected" in result.stdout
    assert (out / "igf.ttl").exists()
    stats = runner.invoke(main, ["stats", "--graph", str(out / "igf.trig"), "--format", "json"])
    assert json.loads(stats.stdout)["sessions"] == 5


def test_build_then_stats_with_no_arguments(tmp_path, monkeypatch):
    """`igfkg build && igfkg stats` works in a folder holding data/."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(main, ["build"]).exit_code == 0
    result = runner.invoke(main, ["stats", "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["persons"] == EXPECTED["distinct_persons_in_corpus"]


def test_reading_commands_explain_a_missing_build(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["stats"])
    assert result.exit_code != 0
    assert "igfkg build" in result.output
