"""SHACL validation of a build, document by document, with the fast engine
(igfkg.validate), giving the same report as validating the whole graph.

The graph splits cleanly (see igfkg.blocks): the nodes a document owns (its
document node, session, participations, spans) are described in that
document alone, together with the types of everything they point at; the
shared nodes (people, organizations, memberships, themes, SDG goals) are
described by the shared triples of all documents plus the entities graph.
So:

- documents are validated in shards (a few hundred at a time, in parallel
  processes), keeping the results about the nodes each document owns;
- the shared part is validated once, as one graph: the deduplicated shared
  triples, the entities graph, and the owned triples that make a shared
  node a target (`sh:targetObjectsOf`, e.g. a session's `igf:theme`),
  keeping the results about shared nodes;
- each result is traced to its document and line (`locate_results`) in a
  store holding the documents that mention its focus node, as a
  whole-graph run would.

A document's results depend on its graph alone, so they are cached with its
block: a rebuild validates only the documents that changed, and of the
shared part only the nodes the changed lines can affect, on the triples
around them (`affected_nodes`). Memory stays bounded by the shard size, not
the corpus.
tests/test_incremental.py checks the report against `validate_store` on the
whole graph, on clean and on broken corpora.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass

from pyoxigraph import NamedNode, RdfFormat, Store
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from igfkg.blocks import DocumentBlock, prefix_header
from igfkg.cache import BuildCache
from igfkg.pieces import lines_about
from igfkg.validate import (
    SEVERITY_ORDER, CompiledCheck, RawResult, ValidationReport, ValidationResult, compile_shapes,
    declared_prefixes, locate_results, validate_fast,
)
from igfkg.workers import worker_pool

SHARD_DOCUMENTS = 400
_SHARED_GRAPH = "urn:igfkg:shared-triples"

# Per worker process: (shapes, compiled checks), set once by `_init_worker` rather than sent with each shard.
_WORKER_CONTEXT: dict[str, object] = {}


def target_predicates(shapes: Graph) -> frozenset[str]:
    """Predicates whose objects are shape targets (`sh:targetObjectsOf`): the
    owned triples with these predicates must join the shared part."""
    return frozenset(str(p) for p in shapes.objects(None, SH.targetObjectsOf))


def _init_worker(shapes: Graph, checks: list[CompiledCheck]) -> None:
    _WORKER_CONTEXT["shapes"] = shapes
    _WORKER_CONTEXT["checks"] = checks


def _load(store: Store, trig_blocks: Iterable[bytes]) -> None:
    store.bulk_load(input=prefix_header() + b"".join(trig_blocks), format=RdfFormat.TRIG)


def _validate_shard(job: tuple[BuildCache, list[str]]) -> list[list[ValidationResult]]:
    """Validate some documents together; each one's results about the nodes it owns."""
    cache, keys = job
    owned = [_block(cache, key).owned for key in keys]
    shapes, checks = _WORKER_CONTEXT["shapes"], _WORKER_CONTEXT["checks"]
    store = Store()
    _load(store, [_trig(cache, key) for key in keys])
    owner = {node: index for index, nodes in enumerate(owned) for node in nodes}
    raw = [r for r in validate_fast(store, shapes, checks)
           if isinstance(r.focus, NamedNode) and r.focus.value in owner]
    per_document: list[list[ValidationResult]] = [[] for _ in keys]
    for result, origin in zip(locate_results(store, raw), raw):
        per_document[owner[origin.focus.value]].append(result)
    return per_document


def _block(cache: BuildCache, key: str) -> DocumentBlock:
    block = cache.get_block(key)
    if block is None:
        raise RuntimeError(f"build cache entry {key} vanished during the build")
    return block


def _trig(cache: BuildCache, key: str) -> bytes:
    text = cache.get_text(key, "trig")
    if text is None:
        raise RuntimeError(f"build cache entry {key} vanished during the build")
    return text


def validate_documents(keys: Sequence[str], cache: BuildCache, shapes: Graph, *, jobs: int = 1,
                       progress: Callable[[str, int, int], None] | None = None,
                       checks: list[CompiledCheck] | None = None) -> list[list[ValidationResult]]:
    """The results about the nodes each document owns, in the order of `keys`
    (the documents' blocks, read from `cache` by the worker processes)."""
    checks = checks if checks is not None else compile_shapes(shapes)
    jobs_list = [(cache, list(keys[i:i + SHARD_DOCUMENTS])) for i in range(0, len(keys), SHARD_DOCUMENTS)]
    shards = jobs_list
    results: list[list[ValidationResult]] = []
    if jobs > 1 and len(shards) > 1:
        with worker_pool(min(jobs, len(shards)), _init_worker, (shapes, checks)) as pool:
            for done, shard_results in enumerate(pool.map(_validate_shard, jobs_list), 1):
                results.extend(shard_results)
                if progress:
                    progress("validate", done, len(shards))
    else:
        _init_worker(shapes, checks)
        for done, job in enumerate(jobs_list, 1):
            results.extend(_validate_shard(job))
            if progress:
                progress("validate", done, len(shards))
    return results


@dataclass
class SharedValidation:
    """The shared part's results, and which nodes were validated (None: all)."""

    results: list[ValidationResult]
    checked: set[str] | None = None  # nodes in N-Triples form (`<iri>`)


def validate_shared(shared_lines: Sequence[bytes], hints: Sequence[bytes], entities_trig: Callable[[], bytes],
                    blocks: Iterable[DocumentBlock], cache: BuildCache, shapes: Graph, *,
                    checks: list[CompiledCheck] | None = None,
                    changed: Collection[bytes] | None = None) -> SharedValidation:
    """The results about shared nodes: validated on the shared triples
    (`shared_lines`, sorted: the documents' and the entities graph's), and
    the documents' target hints (owned triples that make a shared node a
    target); located in the documents that mention each focus node and in
    the corpus-wide graphs (`entities_trig()`, asked for only when there are
    results), as on the whole graph.

    `changed`: the N-Triples lines that came or went since a validation of
    this shared part, and the lines of the documents that changed (where
    results may now be located): only the nodes they can affect are
    validated (`affected_nodes`), on the triples around them; the caller
    keeps the earlier results about the others."""
    checks = checks if checks is not None else compile_shapes(shapes)
    # Hints are about owned nodes (validated with their documents): drop results about them.
    owned = {line.partition(b" ")[0] for line in hints}
    focus = None
    if changed is not None:
        focus = affected_nodes([shared_lines, hints], changed, observed_predicates(shapes),
                               target_predicates(shapes))
    store = Store()
    if focus is None:
        store.bulk_load(input=b"".join(shared_lines) + b"".join(hints), format=RdfFormat.N_TRIPLES,
                        to_graph=NamedNode(_SHARED_GRAPH))
    else:
        focus -= owned
        store.bulk_load(input=b"".join(_neighbourhood(shared_lines, hints, focus)), format=RdfFormat.N_TRIPLES,
                        to_graph=NamedNode(_SHARED_GRAPH))
    raw = [r for r in validate_fast(store, shapes, checks)
           if (term := str(r.focus).encode()) not in owned and (focus is None or term in focus)]
    checked = {node.decode() for node in focus} if focus is not None else None
    if not raw:
        return SharedValidation([], checked)
    where = Store()
    _load(where, [entities_trig(), *(_trig(cache, key) for key in _locating_documents(raw, blocks))])
    return SharedValidation(locate_results(where, raw), checked)


# Past this many, validating the nodes one by one costs more than validating them all.
_MOST_AFFECTED = 20_000


def affected_nodes(lines: Iterable[Iterable[bytes]], changed: Collection[bytes], observed: frozenset[str],
                   targeting: frozenset[str]) -> set[bytes] | None:
    """The nodes (N-Triples terms) whose results can differ after `changed`
    lines came or went, among the graph's `lines` (None: too many to tell,
    validate all). The shapes read a node's own triples, the triples of the
    nodes it points at (their class, a member's `org:memberOf`) and the
    triples that make it a target; and they see a triple only through a
    predicate they name (`observed`). So: the subject of each such line, its
    object if the predicate makes targets of objects (`targeting`,
    `sh:targetObjectsOf`), and every node pointing at its subject."""
    observed_terms = {f"<{iri}>".encode() for iri in observed}
    targeting_terms = {f"<{iri}>".encode() for iri in targeting}
    nodes: set[bytes] = set()
    subjects: set[bytes] = set()
    for line in changed:
        subject, predicate, rest = line.split(b" ", 2)
        if predicate not in observed_terms:
            continue
        obj = rest[:-3]  # the whole object, a literal's spaces and all (drop " .\n")
        if subject.startswith(b"_:") or obj.startswith(b"_:"):
            return None  # a blank node's label differs from graph to graph
        subjects.add(subject)
        nodes.add(subject)
        if predicate in targeting_terms:
            nodes.add(obj)
    if subjects:
        # Lines ending in ` <subject> .`: bytes.endswith over a few suffixes scans
        # half a million lines much faster than cutting out each line's object.
        endings = tuple(b" " + subject + b" .\n" for subject in subjects)
        for part in lines:
            if len(endings) <= 64:
                nodes.update(line[:line.index(b" ")] for line in part if line.endswith(endings))
            else:
                nodes.update(line[:line.index(b" ")] for line in part if _object(line) in subjects)
    return nodes if len(nodes) <= _MOST_AFFECTED else None


def _object(line: bytes) -> bytes:
    """The object of an N-Triples line if it is an IRI or blank node; of a
    literal with spaces, its tail (never equal to an IRI, which cannot hold
    a quote). Faster than splitting the line, for scans of every line."""
    return line[line.rfind(b" ", 0, len(line) - 3) + 1:-3]


def _neighbourhood(sorted_lines: Sequence[bytes], hints: Sequence[bytes], focus: set[bytes]) -> list[bytes]:
    """What validating `focus` reads: the focus nodes' triples, the triples of
    the nodes they point at, and the hints about either or making them targets."""
    picked: list[bytes] = []
    pointed_at: set[bytes] = set()
    for node in sorted(focus):
        about = lines_about(sorted_lines, node)
        picked += about
        pointed_at.update(obj for line in about if (obj := _object(line)).startswith(b"<"))
    for node in sorted(pointed_at - focus):
        picked += lines_about(sorted_lines, node)
    near = focus | pointed_at
    picked += [line for line in hints if line[:line.index(b" ")] in near or line.split(b" ", 2)[2][:-3] in focus]
    return picked



def observed_predicates(shapes: Graph) -> frozenset[str]:
    """The predicates the shapes can read: `rdf:type`, every IRI of the shapes
    graph (paths, targets) and every IRI a SPARQL constraint names (prefixed
    with the shapes' declared prefixes, or in full)."""
    names = {str(RDF.type)} | {str(node) for node in shapes.all_nodes() if isinstance(node, URIRef)}
    prefixes = dict(sorted(declared_prefixes(shapes)))
    for text in shapes.objects(None, SH.select):
        names.update(re.findall(r"<([^<>\s]+)>", str(text)))
        for prefix, local in re.findall(r"(?<![\w?$])([A-Za-z][\w-]*):([A-Za-z_][\w-]*)", str(text)):
            if prefix in prefixes:
                names.add(prefixes[prefix] + local)
    return frozenset(names)


_TYPE_TERM = f"<{RDF.type}>".encode()


def _locating_documents(raw: Sequence[RawResult], blocks: Iterable[DocumentBlock]) -> list[str]:
    """The blocks (keys) `locate_results` picks a document from for these
    results: for each, the first document by graph IRI among those whose
    shared triples match the first of its patterns any document matches
    (the failing fact, the focus node's type, the focus as subject, as
    object: see validate._document_of). Loading these alone, not every
    document that mentions a focus node, keeps the memory this takes
    bounded by the results, not by the corpus (at 100,000 sessions nearly
    every document mentions someone a warning is about)."""
    by_focus: dict[bytes, list[tuple[int, bytes | None, bytes | None]]] = {}
    for index, result in enumerate(raw):
        fact = result.path is not None and result.value is not None and result.value != result.focus
        by_focus.setdefault(str(result.focus).encode(), []).append(
            (index, str(result.path).encode() if fact else None, str(result.value).encode() if fact else None))
    best: dict[tuple[int, int], tuple[str, str]] = {}  # (result, pattern rank) -> (graph, block key)

    def offer(index: int, rank: int, block: DocumentBlock) -> None:
        if (index, rank) not in best or block.graph < best[(index, rank)][0]:
            best[(index, rank)] = (block.graph, block.key)

    for block in blocks:
        for line in block.shared:
            subject, _, rest = line.partition(b" ")
            predicate, _, obj = rest.partition(b" ")
            obj = obj[:-3]  # drop " .\n"
            for index, path, value in by_focus.get(subject, ()):
                if path is not None and (predicate, obj) == (path, value):
                    offer(index, 0, block)
                if predicate == _TYPE_TERM:
                    offer(index, 1, block)
                offer(index, 2, block)
            for index, _, _ in by_focus.get(obj, ()):
                offer(index, 3, block)
    keys = set()
    for index in range(len(raw)):
        ranks = [rank for rank in range(4) if (index, rank) in best]
        if ranks:
            keys.add(best[(index, ranks[0])][1])
    return sorted(keys)


def report_from(results: Iterable[ValidationResult]) -> ValidationReport:
    """A report in `validate_store`'s order."""
    ordered = sorted(results, key=lambda r: (SEVERITY_ORDER.get(r.severity, 9), r.shape, r.focus, r.path or "",
                                             r.value or ""))
    return ValidationReport(ordered, "fast")
