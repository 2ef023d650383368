"""The corpus-wide graphs (`id/graph/entities`, `id/graph/summaries`), kept
subject by subject between builds.

Each subject of those graphs is made from a few plain values, its *slice*
(`mapping.entity_slices`, `summaries.summary_slices`). A rebuild compares
the slices with the last build's and maps again only the subjects whose
slice changed (renaming one person changes a handful of subjects, and the
positions of the people sorted after it); their TriG pieces are made afresh
and the others are copied from the last build's `igf.trig` (igfkg.pieces).
The text is the same bytes as serializing both graphs whole.

    >>> update = update_graphs([], [(graph_iri, slices, quads_of)], None)   # doctest: +SKIP
    >>> trig = b"".join(update.chunks)                                       # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

import pyoxigraph
from pyoxigraph import NamedNode, Quad, RdfFormat

from igfkg.pieces import PieceLayout, assemble, chunks_length, graph_head, serialize_pieces, subject_of

QuadsOf = Callable[[str, tuple, NamedNode], Iterator[Quad]]


@dataclass
class CorpusGraph:
    """One corpus-wide graph as the last build left it."""

    iri: str
    slices: dict[str, tuple] = field(default_factory=dict)  # subject IRI -> what its triples are made from
    layout: PieceLayout = field(default_factory=PieceLayout)  # its pieces, in the TriG of all the graphs


@dataclass
class GraphsUpdate:
    """The graphs after a build, their TriG (as chunks), and the N-Triples lines that came and went."""

    graphs: list[CorpusGraph]
    chunks: list[bytes | memoryview]
    added: list[bytes]
    removed: list[bytes]


def update_graphs(old: list[CorpusGraph], graphs: list[tuple[str, dict[str, tuple], QuadsOf]],
                  previous: memoryview | None) -> GraphsUpdate:
    """The graphs `(IRI, slices, quads_of)` after the `old` ones: subjects
    whose slice is new or changed are mapped (`quads_of(subject, slice,
    graph)`) and serialized; the others keep their pieces, sliced from
    `previous` (the TriG the old graphs' layouts describe; None: every piece
    is made afresh). A graph with no triples is left out. A changed subject's
    old lines are those of its old slice, mapped again (the state keeps
    slices, much smaller than lines)."""
    update = GraphsUpdate([], [], [], [])
    position = 0
    before_by_iri = {graph.iri: graph for graph in old}
    for iri, slices, quads_of in graphs:
        before = before_by_iri.get(iri) or CorpusGraph(iri)
        name = NamedNode(iri)
        changed = [s for s, about in slices.items() if previous is None or before.slices.get(s) != about]
        changed += [s for s in before.slices if s not in slices]
        made = _lines_by_subject(q for s in changed if s in slices for q in quads_of(s, slices[s], name))
        had = _lines_by_subject(q for s in changed if s in before.slices
                                for q in quads_of(s, before.slices[s], name))
        fresh: dict[bytes, bytes | None] = {}
        for subject in changed:
            term = f"<{subject}>".encode()
            was, now = had.get(term, ()), made.get(term, ())
            if was != now or previous is None:
                fresh[term] = None  # gone, unless serialized below
                update.added += set(now).difference(was)
                update.removed += set(was).difference(now)
        fresh.update(serialize_pieces([line for term in sorted(fresh) for line in made.get(term, ())], iri))
        graph = CorpusGraph(iri, slices)
        if slices:
            head = graph_head(iri)
            update.chunks.append(head)
            position += len(head)
            body, graph.layout = assemble(before.layout, previous, fresh, start=position)
            update.chunks += body
            position += chunks_length(body)
            update.chunks.append(b"}\n")
            position += 2
        update.graphs.append(graph)
    return update


def _lines_by_subject(quads: Iterable[Quad]) -> dict[bytes, tuple[bytes, ...]]:
    """The quads as N-Triples lines (their graph dropped), sorted and deduplicated, by subject."""
    text = pyoxigraph.serialize(list(quads), format=RdfFormat.N_QUADS)
    by_subject: dict[bytes, set[bytes]] = {}
    for line in text.splitlines():
        triple = line.rsplit(b" ", 2)[0] + b" .\n"
        by_subject.setdefault(subject_of(triple), set()).add(triple)
    return {subject: tuple(sorted(lines)) for subject, lines in by_subject.items()}
