"""Each document's part of the build outputs, made on its own (so in worker
processes, and cached), then put together in a fixed order.

A document's graph is serialized once, as a TriG block of its named graph.
For the Turtle file (the union of all graphs) the document's triples are
split by subject: the nodes the document *owns* (its document node, its
session, the session's participations, its text spans) are described by
this document alone, so their triples go out as the document's Turtle
block as they are; triples about shared nodes (people, organizations,
memberships, themes, SDG goals) recur across documents and are merged,
deduplicated and sorted once, with the corpus-wide graphs (igfkg.incremental).

The outputs are a function of the input alone: blocks come out in the
order of their graph IRIs, triples inside a block in the order of their
N-Triples form, and the prefix header is written from a sorted list. So the
same pages give the same bytes, and a rebuild that changed one page rewrites
the files from the cached blocks of all the others.

    >>> block = document_block(record, resolution, IriMinter())   # doctest: +SKIP
    >>> trig = prefix_header() + block.trig                        # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pyoxigraph
from pyoxigraph import Quad, RdfFormat, Triple

from igfkg.mapping import IriMinter, map_record
from igfkg.model import SessionRecord
from igfkg.resolve import Resolution
from igfkg.vocab import IGF, PREFIX_MAP, RDF, SCHEMA

_RDF_TYPE = str(RDF.type)
# The classes `igfkg stats` counts (store.graph_stats): class IRI -> stats key.
STATS_CLASSES = {
    str(IGF.SourceDocument): "documents", str(IGF.Session): "sessions", str(SCHEMA.Person): "persons",
    str(SCHEMA.Organization): "organizations", str(IGF.Participation): "participations",
}


@dataclass
class DocumentBlock:
    """One document's share of the outputs."""

    graph: str  # the document's graph IRI
    key: str  # its entry in the build cache (igfkg.cache.BuildCache.block_path)
    trig: bytes  # TriG of its named graph, without @prefix lines
    turtle: bytes  # Turtle of the triples about the nodes it owns, without @prefix lines
    owned_triples: int  # how many triples that is
    shared: tuple[bytes, ...]  # its other triples, one N-Triples line each
    owned: tuple[str, ...]  # the IRIs of the nodes it owns
    typed: dict[str, tuple[str, ...]] = field(default_factory=dict)  # stats key -> nodes typed so
    # Owned triples the shared part's validation needs: those that make shared nodes
    # targets, and the types of owned nodes that shared triples point at (N-Triples lines).
    hints: tuple[bytes, ...] = ()
    text_lengths: tuple[int, int] = (0, 0)  # of `trig` and `turtle`, kept when they are dropped

    def light(self) -> DocumentBlock:
        """The block without its serialized text (kept on disk, read back when written out)."""
        if not self.trig and not self.turtle:
            return self
        return replace(self, trig=b"", turtle=b"", text_lengths=(len(self.trig), len(self.turtle)))


def prefix_header() -> bytes:
    """The `@prefix` lines every output (Turtle and TriG alike) starts with, in name order."""
    return "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in sorted(PREFIX_MAP.items())).encode()


def without_prefixes(data: bytes) -> bytes:
    """Oxigraph's output minus its @prefix lines (the file has one header of its own)."""
    position = 0
    while data.startswith(b"@prefix ", position):
        position = data.index(b"\n", position) + 1
    return data[position:]


def _canonical(quads: list[Quad]) -> list[tuple[bytes, Quad]]:
    """(N-Quads line without its newline, quad), deduplicated, ordered by the
    line. Oxigraph writes the lines (one per quad, in order), which is much
    faster than asking each term for its text."""
    lines = pyoxigraph.serialize(quads, format=RdfFormat.N_QUADS).split(b"\n")
    return sorted(dict(zip(lines, quads)).items(), key=lambda pair: pair[0])


def owned_prefixes(record: SessionRecord, minter: IriMinter, *, contested: bool = False) -> tuple[str, ...]:
    """IRIs (exact, or prefixes ending in `/`) of the nodes a document owns.
    `contested`: another document maps to the same session, so the session
    and its participations are shared, not owned."""
    document = minter.document(record).value
    span_prefix = minter.span(record, 0, 0).value.rsplit("/", 1)[0] + "/"
    if contested:
        return document, span_prefix
    session = minter.session(record).value
    participation_prefix = f"{minter.base}participation/{minter.session_key(record)}/"
    return document, session, span_prefix, participation_prefix


def document_block(record: SessionRecord, resolution: Resolution, minter: IriMinter, key: str = "", *,
                   contested: bool = False, hint_predicates: frozenset[str] = frozenset()) -> DocumentBlock:
    """The document's TriG block, the Turtle block of what it owns, and its
    shared triples; owned triples whose predicate is in `hint_predicates`
    are also given as shared lines (they make shared nodes SHACL targets)."""
    pairs = _canonical(list(map_record(record, resolution, minter)))
    graph = minter.document(record).value
    trig = without_prefixes(pyoxigraph.serialize([q for _, q in pairs], format=RdfFormat.TRIG, prefixes=PREFIX_MAP))
    owned_iris = owned_prefixes(record, minter, contested=contested)
    exact = {f"<{iri}>".encode() for iri in owned_iris if not iri.endswith("/")}
    prefixes = tuple(f"<{iri}".encode() for iri in owned_iris if iri.endswith("/"))
    hint_terms = {f"<{p}>".encode() for p in hint_predicates}
    type_term = f"<{_RDF_TYPE}>".encode()
    classes = {f"<{iri}>".encode(): name for iri, name in STATS_CLASSES.items()}
    owned: list[Triple] = []
    shared: list[bytes] = []
    hints: list[bytes] = []
    owned_nodes: set[bytes] = set()
    typed: dict[str, set[bytes]] = {}
    referenced: set[bytes] = set()  # owned nodes that shared triples point at
    type_lines: dict[bytes, list[bytes]] = {}
    for line, quad in pairs:
        subject, predicate, rest = line.split(b" ", 2)
        triple_line = line.rsplit(b" ", 2)[0] + b" .\n"  # drop the graph
        obj = rest.rsplit(b" ", 2)[0]
        if predicate == type_term:
            type_lines.setdefault(subject, []).append(triple_line)
            if (stat := classes.get(obj)) is not None:
                typed.setdefault(stat, set()).add(subject)
        if subject in exact or subject.startswith(prefixes):
            owned.append(Triple(quad.subject, quad.predicate, quad.object))
            owned_nodes.add(subject)
            if predicate in hint_terms:
                hints.append(triple_line)
        else:
            shared.append(triple_line)
            if obj in exact or obj.startswith(prefixes):
                referenced.add(obj)
    # The shared part checks the class of what it points at (`prov:wasDerivedFrom` a document).
    hints += [line for node in sorted(referenced) for line in type_lines.get(node, [])]
    turtle = without_prefixes(pyoxigraph.serialize(owned, format=RdfFormat.TURTLE, prefixes=PREFIX_MAP))
    return DocumentBlock(graph, key, trig, turtle, len(owned), tuple(shared),
                         tuple(sorted(_iri(n) for n in owned_nodes)),
                         {name: tuple(sorted(_iri(n) for n in nodes)) for name, nodes in typed.items()}, tuple(hints))


def _iri(term: bytes) -> str:
    return term[1:-1].decode()
