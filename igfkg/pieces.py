"""Serialized graphs kept subject by subject, so that a rebuild writes again
only the subjects whose triples changed.

Oxigraph's Turtle and TriG writers describe each subject in one run of
lines (`ex:a schema:name "A" ;` then its other predicates, indented): given
N-Triples lines sorted (so each subject's lines are together), the text of
the whole graph is the texts of its subjects one after the other. A
subject's text is its *piece*; `serialize_pieces` cuts one serialization into
pieces, and `assemble` puts a graph's text together again from the last
build's pieces (slices of the last output file, found by a `PieceLayout`)
and the pieces made afresh for the subjects that changed. The bytes are
those of serializing the whole graph at once (tests/test_pieces.py).

    >>> lines = [b'<http://ex.org/a> <http://ex.org/p> "A" .\\n', b'<http://ex.org/b> <http://ex.org/p> "B" .\\n']
    >>> pieces = serialize_pieces(lines)
    >>> [subject.decode() for subject in pieces]
    ['<http://ex.org/a>', '<http://ex.org/b>']
"""

from __future__ import annotations

import bisect
import re
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pyoxigraph
from pyoxigraph import NamedNode, Quad, RdfFormat

from igfkg.blocks import PREFIX_MAP, without_prefixes

# A subject's first line starts at the margin (Turtle) or one tab in (inside a TriG graph);
# the lines that go on describing it are indented once more. Literals never hold a raw
# newline (the writers escape it), so every line of the text is one of those two kinds.
_SUBJECT_START = {False: re.compile(rb"(?<=\n)(?=[^\t])"), True: re.compile(rb"(?<=\n)(?=\t[^\t])")}


def subject_of(line: bytes) -> bytes:
    """The subject of an N-Triples line, as written there (`<iri>`)."""
    return line[:line.index(b" ")]


def lines_about(sorted_lines: Sequence[bytes], subject: bytes) -> list[bytes]:
    """The lines whose subject is `subject`, found by bisection in sorted N-Triples lines."""
    head = subject + b" "
    start = bisect.bisect_left(sorted_lines, head)
    end = start
    while end < len(sorted_lines) and sorted_lines[end].startswith(head):
        end += 1
    return list(sorted_lines[start:end])


def serialize_pieces(lines: Sequence[bytes], graph: str | None = None) -> dict[bytes, bytes]:
    """Each subject's piece of the Turtle of these sorted N-Triples lines, or
    of the body of a TriG graph `graph` (between `<graph> {` and `}`), in
    subject order."""
    if not lines:
        return {}
    triples = pyoxigraph.parse(b"".join(lines), format=RdfFormat.N_TRIPLES)
    if graph is None:
        body = without_prefixes(pyoxigraph.serialize(triples, format=RdfFormat.TURTLE, prefixes=PREFIX_MAP))
    else:
        name = NamedNode(graph)
        quads = (Quad(t.subject, t.predicate, t.object, name) for t in triples)
        text = without_prefixes(pyoxigraph.serialize(quads, format=RdfFormat.TRIG, prefixes=PREFIX_MAP))
        body = text[text.index(b"\n") + 1:-2]  # without `<graph> {` and `}`
    pieces = _SUBJECT_START[graph is not None].split(body)
    subjects = list(dict.fromkeys(subject_of(line) for line in lines))
    if len(pieces) != len(subjects):
        raise ValueError(f"{len(subjects)} subjects serialized as {len(pieces)} pieces")
    return dict(zip(subjects, pieces))


def graph_head(graph: str) -> bytes:
    """The line a TriG graph block opens with (`igfid:graph/entities {`); it ends with `}\\n`."""
    name = NamedNode(graph)
    text = without_prefixes(pyoxigraph.serialize([Quad(name, name, name, name)], format=RdfFormat.TRIG,
                                                 prefixes=PREFIX_MAP))
    return text[:text.index(b"\n") + 1]


@dataclass
class PieceLayout:
    """Where each subject's piece is in a text: subjects sorted, with the
    offset and length of their pieces."""

    subjects: list[bytes] = field(default_factory=list)
    offsets: array = field(default_factory=lambda: array("q"))
    lengths: array = field(default_factory=lambda: array("q"))


def chunks_length(chunks: Iterable[bytes | memoryview]) -> int:
    """The length of the text these chunks make."""
    return sum(len(chunk) for chunk in chunks)


def assemble(layout: PieceLayout, previous: memoryview | None, fresh: dict[bytes, bytes | None],
             start: int = 0) -> tuple[list[bytes | memoryview], PieceLayout]:
    """The text of a graph as chunks, and its layout: the pieces of `layout`
    (slices of `previous`, the text it describes), with those of `fresh` in
    their place (None: the subject is gone) or added in subject order.
    Unchanged pieces next to each other go out as one slice. `start`: where
    the text will begin, added to the new layout's offsets."""
    if previous is None and any(subject not in fresh for subject in layout.subjects):
        raise ValueError("the previous text is needed for the pieces not made afresh")
    chunks: list[bytes | memoryview] = []
    new = PieceLayout()
    position = start
    run_start = run_end = -1  # the pending run of reused bytes in `previous`

    def flush() -> None:
        nonlocal run_start, run_end
        if run_end > run_start >= 0:
            chunks.append(previous[run_start:run_end])
        run_start = run_end = -1

    def add(subject: bytes, length: int) -> None:
        nonlocal position
        new.subjects.append(subject)
        new.offsets.append(position)
        new.lengths.append(length)
        position += length

    changed = sorted(fresh)
    old_subjects, offsets, lengths = layout.subjects, layout.offsets, layout.lengths
    i = j = 0
    while i < len(old_subjects) or j < len(changed):
        if j < len(changed) and (i >= len(old_subjects) or changed[j] <= old_subjects[i]):
            subject = changed[j]
            j += 1
            if i < len(old_subjects) and old_subjects[i] == subject:
                i += 1  # replaced
            piece = fresh[subject]
            if piece:
                flush()
                chunks.append(piece)
                add(subject, len(piece))
            continue
        offset, length = offsets[i], lengths[i]
        if offset != run_end:
            flush()
            run_start = offset
        run_end = offset + length
        add(old_subjects[i], length)
        i += 1
    flush()
    return chunks, new

