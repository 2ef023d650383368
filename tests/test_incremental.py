"""The fast build gives the same graph as the plain one.

- A rebuild from the cache after pages changed, appeared or went away writes
  the same bytes, statistics and validation report as a build from scratch.
- Parallel workers and the shard size do not change the outputs.
- The document-by-document validation (igfkg.validate_blocks) reports
  exactly what `validate_store` reports on the whole graph, on clean
  corpora and on pages with errors (a session ending before it starts, two
  pages for one session, a typo'd role heading).
- The files hold the same facts as the mapping of the records, and the
  statistics equal `graph_stats` of the written graph.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, Store

import igfkg.build
import igfkg.incremental
import igfkg.validate_blocks as validate_blocks
from igfkg.build import build, read_corpus
from igfkg.mapping import IriMinter, map_entities, map_record
from igfkg.resolve import resolve
from igfkg.store import graph_stats, read_dataset
from igfkg.summaries import map_summaries, summarize
from igfkg.validate import load_shapes, validate_store

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import synth  # noqa: E402 (benchmarks/ is not a package)

BROKEN_TIMES = """IGF 2023 WS #901 A Session That Ends Before It Starts

Wednesday, 11th October, 2023 (10:30 UTC) - Wednesday, 11th October, 2023 (09:00 UTC)
Room C-2

Organizer 1: Jane Doe, University of Nairobi

Speaker 1: Kofi Mensah, Civil Society, African Group
"""
# Two pages for one session (same year, type and number): a violation that spans documents.
TWIN_A = """IGF 2022 WS #77 Twin Session

Monday, 28th November, 2022 (10:00 UTC) - Monday, 28th November, 2022 (11:00 UTC)
Room A

Speaker 1: Ana Souza, Civil Society, Latin American and Caribbean Group (GRULAC)
"""
TWIN_B = TWIN_A.replace("Room A", "Room B").replace("Ana Souza", "Lucas Lima")


def outputs(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in ("igf.trig", "igf.ttl")}


def same_build(a, b) -> None:
    assert a.stats == b.stats
    assert a.validation.results == b.validation.results


@pytest.fixture()
def corpus(tmp_path) -> Path:
    pages = synth.generate_corpus(60, 4, tmp_path / "corpus")
    for path in pages.glob("*.json"):
        path.unlink()  # the ground truth is not input
    return pages


def test_rebuild_after_changes_equals_build_from_scratch(corpus, tmp_path, monkeypatch):
    monkeypatch.setattr(validate_blocks, "SHARD_DOCUMENTS", 7)  # several shards, several processes
    cached = tmp_path / "cached"
    first = build([str(corpus)], cached / "out", jobs=2)
    assert first.ok
    pages = sorted(corpus.glob("*.txt"))
    text = pages[3].read_text(encoding="utf-8")
    pages[3].write_text(text.replace("Expected Outcomes", "Expected Outcomes of the session"), encoding="utf-8")
    # A page whose people carry spellings seen on the page: the resolution is reused, re-keyed
    # to the page's new hash (which its merge evidence names).
    with_variants = next(r for r in first.records if any(p.name_variants for p in r.participants))
    variant_page = Path(with_variants.source)
    variant_page.write_text(variant_page.read_text(encoding="utf-8") + "\nHybrid Format: on site and online.\n",
                            encoding="utf-8")
    (corpus / "twin-a.txt").write_text(TWIN_A, encoding="utf-8")  # shared-part results change
    (corpus / "twin-b.txt").write_text(TWIN_B, encoding="utf-8")
    pages[5].write_text(pages[5].read_text(encoding="utf-8").replace("Speaker 1: ", "Speaker 1: Dr. Zyxwv Qwerty, "),
                        encoding="utf-8")
    pages[8].unlink()
    (corpus / "extra.txt").write_text(BROKEN_TIMES, encoding="utf-8")
    shutil.copy(pages[10], corpus / "copy-of-10.txt")  # a duplicate page is reported, built once
    for jobs in (2, 1):
        again = build([str(corpus)], cached / "out", jobs=jobs)
        fresh = build([str(corpus)], tmp_path / f"fresh{jobs}" / "out", jobs=jobs, use_cache=False)
        assert outputs(cached / "out") == outputs(tmp_path / f"fresh{jobs}" / "out")
        same_build(again, fresh)
        assert not again.validation.conforms  # the session that ends before it starts
        assert [o.status for o in again.outcomes] == [o.status for o in fresh.outcomes]
    pages[3].write_text(text, encoding="utf-8")
    (corpus / "extra.txt").unlink()
    (corpus / "twin-b.txt").unlink()
    (corpus / "copy-of-10.txt").unlink()
    shutil.copy(pages[9], pages[8])
    restored = build([str(corpus)], cached / "out", jobs=2)
    scratch = build([str(corpus)], tmp_path / "scratch" / "out", use_cache=False)
    assert outputs(cached / "out") == outputs(tmp_path / "scratch" / "out")
    same_build(restored, scratch)


def rebuild_without_resolving_equals_fresh_build(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    """Rebuild into tmp_path/out from its cache with `resolve` forbidden (the
    last resolution must be reused); the result equals a build from scratch."""

    def no_resolving(*args, **kwargs):
        raise AssertionError("the people were resolved again")

    with monkeypatch.context() as patched:
        patched.setattr(igfkg.incremental, "resolve", no_resolving)
        again = build([str(corpus)], tmp_path / "out")

    fresh = build([str(corpus)], tmp_path / "fresh" / "out", use_cache=False)
    assert outputs(tmp_path / "out") == outputs(tmp_path / "fresh" / "out")
    same_build(again, fresh)


def test_a_theme_respelt_keeps_the_resolution_and_gives_the_fresh_graph(corpus, tmp_path, monkeypatch):
    """Themes need no resolving of people: a page that writes a theme in
    other case rebuilds without resolving again, and its theme's labels
    follow (the prefLabel is the spelling most pages use)."""
    first = build([str(corpus)], tmp_path / "out")
    themed = next(r for r in first.records if r.themes)
    page = Path(themed.source)
    page.write_text(page.read_text(encoding="utf-8").replace(themed.themes[0], themed.themes[0].upper(), 1),
                    encoding="utf-8")

    rebuild_without_resolving_equals_fresh_build(corpus, tmp_path, monkeypatch)
    assert themed.themes[0].upper() in outputs(tmp_path / "out")["igf.trig"].decode()


def test_prose_edit_on_a_page_with_spelling_variants_keeps_the_resolution(corpus, tmp_path, monkeypatch):
    """A page whose people are spelt two ways (merge evidence names the
    page): an edit of its prose reuses the resolution and gives the graph
    of a fresh build."""
    first = build([str(corpus)], tmp_path / "out")
    with_variants = next(r for r in first.records if any(p.name_variants for p in r.participants))
    page = Path(with_variants.source)
    page.write_text(page.read_text(encoding="utf-8") + "\nHybrid Format: on site and online.\n", encoding="utf-8")

    rebuild_without_resolving_equals_fresh_build(corpus, tmp_path, monkeypatch)
    assert f"both spellings for one person on the page {page}".encode() in outputs(tmp_path / "out")["igf.trig"]


def test_cache_is_ignored_when_stale_or_damaged(corpus, tmp_path):
    out = tmp_path / "out"
    first = build([str(corpus)], out)
    reference = outputs(out)
    cache = tmp_path / ".igfkg-cache"
    for path in list(cache.rglob("*.pickle"))[:20] + list(cache.rglob("*.json"))[:20]:
        path.write_bytes(b"not a cache entry")
    for path in list(cache.rglob("*.trig"))[:10]:
        path.unlink()
    again = build([str(corpus)], out)
    assert outputs(out) == reference
    same_build(first, again)


@pytest.mark.parametrize("extra", [[], [("broken.txt", BROKEN_TIMES)],
                                   [("twin-a.txt", TWIN_A), ("twin-b.txt", TWIN_B)]])
def test_document_validation_equals_whole_graph_validation(corpus, tmp_path, monkeypatch, extra):
    monkeypatch.setattr(validate_blocks, "SHARD_DOCUMENTS", 9)
    for name, text in extra:
        (corpus / name).write_text(text, encoding="utf-8")
    for seed in sorted((ROOT / "data" / "seeds").glob("*.txt")):
        shutil.copy(seed, corpus / seed.name)
    result = build([str(corpus)], tmp_path / "out", jobs=2)
    whole = validate_store(read_dataset(tmp_path / "out" / "igf.trig"))
    assert result.validation.results == whole.results
    assert result.validation.results  # the warnings of the no-title pages, at least
    assert result.validation.conforms == (not extra)


# A shape every person fails (no e-mail on the pages): results about shared
# nodes, each mentioned by several documents, to be traced to the one the
# whole-graph validation names.
EVERY_PERSON_WARNED = """
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix schema: <http://schema.org/> .
<urn:test:PersonEmailShape> a sh:NodeShape ; sh:targetClass schema:Person ; sh:severity sh:Warning ;
    sh:property [ sh:path schema:email ; sh:minCount 1 ; sh:message "A person has an e-mail address." ] .
"""


def test_results_about_shared_nodes_name_the_same_document_and_line(corpus, tmp_path, monkeypatch):
    shapes = load_shapes()
    shapes.parse(data=EVERY_PERSON_WARNED, format="turtle")
    monkeypatch.setattr(igfkg.build, "load_shapes", lambda: shapes)
    monkeypatch.setattr(validate_blocks, "SHARD_DOCUMENTS", 9)

    result = build([str(corpus)], tmp_path / "out", jobs=2)

    whole = validate_store(read_dataset(tmp_path / "out" / "igf.trig"), shapes)
    assert result.validation.results == whole.results
    warned = [r for r in whole.results if r.message == "A person has an e-mail address."]
    assert len(warned) == result.stats["persons"]
    assert all(r.document and r.line for r in warned)


def test_shared_results_after_edits_are_revalidated_only_where_the_edits_reach(corpus, tmp_path, monkeypatch):
    """With a warning on every person: renaming one, shifting a page's lines
    and removing a page give the whole-graph report (same documents and
    lines), validating again only the nodes near what changed."""
    shapes = load_shapes()
    shapes.parse(data=EVERY_PERSON_WARNED, format="turtle")
    monkeypatch.setattr(igfkg.build, "load_shapes", lambda: shapes)
    checked: list[set[str] | None] = []

    def recording(*args, **kwargs):
        outcome = validate_blocks.validate_shared(*args, **kwargs)
        checked.append(outcome.checked)
        return outcome

    monkeypatch.setattr(igfkg.incremental, "validate_shared", recording)
    first = build([str(corpus)], tmp_path / "out", jobs=2)
    assert checked == [None]  # a first build validates everything
    pages = sorted(corpus.glob("*.txt"))
    renamed = pages[2].read_text(encoding="utf-8")
    name = next(line for line in renamed.splitlines() if line.startswith("Speaker 1: "))[11:].split(",")[0]
    pages[2].write_text(renamed.replace(name, "Zofia Quennell-Abara"), encoding="utf-8")
    pages[4].write_text(pages[4].read_text(encoding="utf-8").replace("\n", "\n\n\n", 1), encoding="utf-8")
    pages[6].unlink()

    again = build([str(corpus)], tmp_path / "out", jobs=2)

    whole = validate_store(read_dataset(tmp_path / "out" / "igf.trig"), shapes)
    assert again.validation.results == whole.results
    fresh = build([str(corpus)], tmp_path / "fresh" / "out", use_cache=False)
    assert outputs(tmp_path / "out") == outputs(tmp_path / "fresh" / "out")
    assert again.validation.results == fresh.validation.results
    people = {node for node in checked[1] or () if "/person/" in node}
    assert 0 < len(people) < first.stats["persons"] // 2
    assert "<https://w3id.org/igfkg/id/person/zofia-quennell-abara>" in checked[1]
    warned = {r.focus: r for r in again.validation.results if r.message == "A person has an e-mail address."}
    shifted = [r for r in warned.values() if r.source == str(pages[4])]
    assert shifted and all(r.line for r in shifted)  # traced to the page's new lines


def test_results_traced_to_a_page_follow_its_lines_when_only_its_prose_moved(corpus, tmp_path, monkeypatch):
    """Blank lines added to a page change none of the shared triples, but the
    results about its people must name their new line numbers."""
    shapes = load_shapes()
    shapes.parse(data=EVERY_PERSON_WARNED, format="turtle")
    monkeypatch.setattr(igfkg.build, "load_shapes", lambda: shapes)
    first = build([str(corpus)], tmp_path / "out")
    traced = sorted({r.source for r in first.validation.results if r.message == "A person has an e-mail address."})
    page = Path(traced[0])
    text = page.read_text(encoding="utf-8")
    title, _, rest = text.partition("\n")
    page.write_text(title + "\n\n\n\n" + rest, encoding="utf-8")

    again = build([str(corpus)], tmp_path / "out")

    fresh = build([str(corpus)], tmp_path / "fresh" / "out", use_cache=False)
    assert again.validation.results == fresh.validation.results
    moved = [(a.line, b.line) for a, b in zip(first.validation.results, again.validation.results)
             if a.source == str(page) and a.message == "A person has an e-mail address."]
    assert moved and all(after == before + 3 for before, after in moved)


ID = "https://w3id.org/igfkg/id/"
ONTOLOGY = "https://w3id.org/igfkg/ontology#"
SHARED = sorted([
    f"<{ID}membership/ana-lima/ngo> <http://www.w3.org/ns/org#member> <{ID}person/ana-lima> .\n".encode(),
    f"<{ID}person/ana-lima> <http://www.w3.org/2004/02/skos/core#prefLabel> \"Ana Lima\" .\n".encode(),
    f"<{ID}person/rui-costa> <http://www.w3.org/2004/02/skos/core#prefLabel> \"Rui Costa\" .\n".encode(),
])


def _affected(changed: list[str]) -> set[bytes] | None:
    shapes = load_shapes()
    return validate_blocks.affected_nodes([SHARED], [line.encode() for line in changed],
                                          validate_blocks.observed_predicates(shapes),
                                          validate_blocks.target_predicates(shapes))


def test_a_changed_name_affects_the_person_and_what_points_at_them():
    changed = [f"<{ID}person/ana-lima> <http://www.w3.org/2004/02/skos/core#altLabel> \"Ana LIMA\" .\n"]
    assert _affected(changed) == {f"<{ID}person/ana-lima>".encode(), f"<{ID}membership/ana-lima/ngo>".encode()}


def test_a_changed_count_no_shape_reads_affects_nothing():
    changed = [f"<{ID}person/ana-lima> <{ONTOLOGY}position> \"7\"^^<http://www.w3.org/2001/XMLSchema#integer> .\n"]
    assert _affected(changed) == set()


def test_a_new_theme_of_a_session_makes_the_theme_a_node_to_check():
    changed = [f"<{ID}session/2023/ws/1> <{ONTOLOGY}theme> <{ID}theme/data-governance> .\n"]
    assert f"<{ID}theme/data-governance>".encode() in _affected(changed)


def test_a_blank_node_in_a_changed_line_means_checking_everything():
    assert _affected(["_:b1 <http://www.w3.org/2004/02/skos/core#prefLabel> \"x\" .\n"]) is None


def test_predicates_the_shapes_read_include_those_named_in_sparql_only():
    shapes = load_shapes()
    shapes.parse(format="turtle", data="""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix schema: <http://schema.org/> .
<urn:test:prefixes> sh:declare [ sh:prefix "ex" ; sh:namespace "urn:test:ex#" ] .
<urn:test:Shape> a sh:NodeShape ; sh:targetClass schema:Person ; sh:sparql [ sh:prefixes <urn:test:prefixes> ;
    sh:select "SELECT $this WHERE { $this ex:email ?e . ?e <urn:test:verifiedBy> ?who }" ] .
""")
    observed = validate_blocks.observed_predicates(shapes)
    assert {"urn:test:ex#email", "urn:test:verifiedBy", "http://schema.org/name"} <= observed
    # The corpus counts of the summaries graph are read by no shape: changing them revalidates nothing.
    assert "https://w3id.org/igfkg/ontology#position" not in observed


def test_files_hold_the_mapped_facts_and_stats_match_the_store(corpus, tmp_path):
    result = build([str(corpus)], tmp_path / "out")
    records, _ = read_corpus([str(corpus)])
    resolution = resolve(records)
    minter = IriMinter()
    expected = Store()
    expected.bulk_extend([q for r in records for q in map_record(r, resolution, minter)])
    expected.bulk_extend(map_entities(resolution, minter))
    expected.bulk_extend(map_summaries(summarize(records, resolution, minter), minter))
    written = read_dataset(tmp_path / "out" / "igf.trig")
    assert set(written) == set(expected)
    union = Store()
    union.bulk_load(path=str(tmp_path / "out" / "igf.ttl"), format=RdfFormat.TURTLE)
    assert {(q.subject, q.predicate, q.object) for q in union} == {(q.subject, q.predicate, q.object)
                                                                   for q in expected}
    assert result.stats == graph_stats(written)


def test_cli_jobs_and_no_cache(corpus, tmp_path, monkeypatch):
    from click.testing import CliRunner

    from igfkg.cli import main

    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    plain = runner.invoke(main, ["build", str(corpus), "--out", "plain", "--no-cache", "--jobs", "1"])
    assert plain.exit_code == 0, plain.output
    assert not (tmp_path / ".igfkg-cache").exists()
    cached = runner.invoke(main, ["build", str(corpus), "--out", "cached", "--jobs", "2"])
    assert cached.exit_code == 0, cached.output
    assert (tmp_path / ".igfkg-cache").is_dir()
    assert outputs(tmp_path / "plain") == outputs(tmp_path / "cached")
    assert runner.invoke(main, ["build", str(corpus), "--jobs", "0"]).exit_code != 0


# Modules whose code makes no cached content: process pools, file writing, finding
# the shapes file (whose text is in the fingerprint).
_NOT_CACHED = {"workers.py", "atomic.py", "resources.py"}


def test_the_block_cache_fingerprint_covers_every_module_a_rebuild_reuses_the_work_of():
    """A change to any module the cached blocks and build state are made by
    must start the next build afresh (a stale state once kept summaries made
    by older code): every igfkg module incremental.py imports, directly or
    not, is in BLOCK_CODE, or in RECORD_CODE (whose fingerprint is part of
    every block key and of the resolution key)."""
    import ast

    from igfkg.cache import BLOCK_CODE, RECORD_CODE

    package = Path(igfkg.incremental.__file__).parent
    covered = set(BLOCK_CODE) | _NOT_CACHED
    todo, seen = ["incremental.py"], set()
    while todo:
        module = todo.pop()
        if module in seen or module.split("/")[0] in RECORD_CODE:
            continue
        seen.add(module)
        for node in ast.walk(ast.parse((package / module).read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("igfkg."):
                name = node.module.split(".")[1]
                todo.append(f"{name}.py" if (package / f"{name}.py").exists() else name)
    assert seen - covered == set()


def test_a_state_made_from_records_of_other_parsing_code_starts_afresh(corpus, tmp_path):
    """The state keeps what it learnt by page (the text's SHA-256); a parser
    that reads the same text otherwise must not inherit it."""
    from igfkg.cache import BuildCache, default_cache_dir
    from igfkg.incremental import load_state

    build([str(corpus)], tmp_path / "out")
    cache = BuildCache(default_cache_dir(tmp_path / "out"), shapes_text=igfkg.build._shapes_text())
    assert len(load_state(cache).documents) == 60
    cache.records_dir = cache.records_dir.with_name("0123456789abcdef")  # another parser's records
    assert load_state(cache).documents == {}
