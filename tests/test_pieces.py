"""Graphs serialized subject by subject (igfkg.pieces, igfkg.corpus_graphs):
the pieces put together are the bytes of serializing the whole graph, and a
graph updated from changed slices is the graph made from scratch."""

from __future__ import annotations

from dataclasses import replace

import pyoxigraph
import pytest
from pyoxigraph import NamedNode, Quad, RdfFormat

from igfkg.blocks import without_prefixes
from igfkg.corpus_graphs import update_graphs
from igfkg.mapping import IriMinter, entity_quads, entity_slices
from igfkg.parse import parse_session
from igfkg.pieces import PieceLayout, assemble, graph_head, lines_about, serialize_pieces
from igfkg.resolve import resolve
from igfkg.sources import read_source
from igfkg.summaries import summarize, summary_quads, summary_slices
from igfkg.vocab import PREFIX_MAP
from seed_pages import SEED_PATHS

GRAPH = "https://w3id.org/igfkg/id/graph/entities"


@pytest.fixture(scope="module")
def records():
    return [parse_session(read_source(path).text, str(path)) for path in SEED_PATHS]


@pytest.fixture(scope="module")
def lines(records) -> list[bytes]:
    """The entities and summaries graphs of the seeds, as sorted N-Triples lines."""
    minter = IriMinter()
    resolution = resolve(records)
    quads = [*_quads(entity_slices(resolution, minter), entity_quads),
             *_quads(summary_slices(summarize(records, resolution, minter), minter), summary_quads)]
    text = pyoxigraph.serialize([pyoxigraph.Triple(q.subject, q.predicate, q.object) for q in quads],
                                format=RdfFormat.N_TRIPLES)
    return sorted(set(text.splitlines(keepends=True)))


def _quads(slices, quads_of, graph=GRAPH):
    return [q for subject, about in slices.items() for q in quads_of(subject, about, NamedNode(graph))]


def _whole(lines: list[bytes], graph: str | None) -> bytes:
    triples = list(pyoxigraph.parse(b"".join(lines), format=RdfFormat.N_TRIPLES))
    if graph is None:
        return without_prefixes(pyoxigraph.serialize(triples, format=RdfFormat.TURTLE, prefixes=PREFIX_MAP))
    quads = [Quad(t.subject, t.predicate, t.object, NamedNode(graph)) for t in triples]
    return without_prefixes(pyoxigraph.serialize(quads, format=RdfFormat.TRIG, prefixes=PREFIX_MAP))


def test_turtle_pieces_put_together_are_the_whole_turtle(lines):
    pieces = serialize_pieces(lines)
    assert len(pieces) > 100
    assert b"".join(pieces.values()) == _whole(lines, None)


def test_trig_pieces_inside_their_graph_are_the_whole_trig(lines):
    pieces = serialize_pieces(lines, GRAPH)
    assert graph_head(GRAPH) + b"".join(pieces.values()) + b"}\n" == _whole(lines, GRAPH)


def test_a_piece_holds_its_subject_and_only_its_subject(lines):
    pieces = serialize_pieces(lines)
    subject = next(iter(pieces))
    assert serialize_pieces(lines_about(lines, subject)) == {subject: pieces[subject]}


def test_assembled_text_after_changes_is_the_text_serialized_whole(lines):
    """Subjects changed, removed and added: the reused pieces (slices of the
    last text) and the fresh ones make the text of the new lines."""
    first_text, layout = assemble(PieceLayout(), None, serialize_pieces(lines))
    previous = memoryview(b"".join(first_text))
    subjects = list(serialize_pieces(lines))
    removed, changed = subjects[3], subjects[10]
    added = b"<https://w3id.org/igfkg/id/person/zz-new>"
    new_lines = sorted([line for line in lines if not line.startswith(removed + b" ")]
                       + [changed + b' <http://schema.org/name> "Changed" .\n',
                          added + b' <http://schema.org/name> "Added" .\n'])
    fresh = {removed: None, **serialize_pieces(lines_about(new_lines, changed) + lines_about(new_lines, added))}
    chunks, new_layout = assemble(layout, previous, fresh)
    assert b"".join(chunks) == _whole(new_lines, None)
    assert new_layout.subjects == list(serialize_pieces(new_lines))
    # The three changes cut the unchanged subjects into four runs, one slice of the last text each.
    assert sum(isinstance(chunk, memoryview) for chunk in chunks) == 4


def test_assemble_needs_the_last_text_for_pieces_it_does_not_make(lines):
    _, layout = assemble(PieceLayout(), None, serialize_pieces(lines))
    with pytest.raises(ValueError):
        assemble(layout, None, {})


def test_updated_graphs_are_the_graphs_made_from_scratch(records):
    """One person renamed on one page: a handful of subjects are mapped again;
    the text, and the lines that came and went, are those of a fresh build."""
    minter = IriMinter()

    def graphs(pages):
        resolution = resolve(pages)
        summary = summarize(pages, resolution, minter)
        return [(minter.entities_graph().value, entity_slices(resolution, minter), entity_quads),
                (minter.summaries_graph().value, summary_slices(summary, minter), summary_quads)]

    before = update_graphs([], graphs(records), None)
    renamed = list(records)
    person = renamed[0].participants[0]
    renamed[0] = replace(renamed[0], participants=[replace(person, name="Zofia Quennell-Abara", name_variants=[]),
                                                   *renamed[0].participants[1:]])
    after = update_graphs(before.graphs, graphs(renamed), memoryview(b"".join(before.chunks)))
    scratch = update_graphs([], graphs(renamed), None)
    assert b"".join(after.chunks) == b"".join(scratch.chunks)
    assert [g.layout.subjects for g in after.graphs] == [g.layout.subjects for g in scratch.graphs]
    assert any(b"Zofia Quennell-Abara" in line for line in after.added)
    assert any(person.name.encode() in line for line in after.removed)
    old_lines = set(before.added)
    assert old_lines - set(after.removed) | set(after.added) == set(scratch.added)
    # Reused pieces are slices of the last text, not made again.
    assert sum(len(c) for c in after.chunks if isinstance(c, memoryview)) > len(b"".join(after.chunks)) // 2
