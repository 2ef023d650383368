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
block: a rebuild validates only the documents that changed, plus the shared
part. Memory stays bounded by the shard size, not the corpus.
tests/test_incremental.py checks the report against `validate_store` on the
whole graph, on clean and on broken corpora.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from pyoxigraph import NamedNode, RdfFormat, Store
from rdflib import Graph
from rdflib.namespace import RDF, SH

from igfkg.blocks import DocumentBlock, prefix_header
from igfkg.cache import BuildCache
from igfkg.validate import (
    SEVERITY_ORDER, CompiledCheck, RawResult, ValidationReport, ValidationResult, compile_shapes,
    locate_results, validate_fast,
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


def validate_shared(shared_lines: Sequence[bytes], hints: Sequence[bytes], entities: DocumentBlock,
                    blocks: Iterable[DocumentBlock], cache: BuildCache, shapes: Graph, *,
                    checks: list[CompiledCheck] | None = None) -> list[ValidationResult]:
    """The results about shared nodes: validated on the shared triples, the
    entities graph and the documents' target hints (owned triples that make
    a shared node a target); located in the documents that mention each
    focus node, as on the whole graph."""
    checks = checks if checks is not None else compile_shapes(shapes)
    store = Store()
    _load(store, [entities.trig])
    store.bulk_load(input=b"".join(shared_lines) + b"".join(hints), format=RdfFormat.N_TRIPLES,
                    to_graph=NamedNode(_SHARED_GRAPH))
    # Hints are about owned nodes (validated with their documents): drop results about them.
    owned = {line.partition(b" ")[0].decode() for line in hints}
    raw = [r for r in validate_fast(store, shapes, checks) if str(r.focus) not in owned]
    if not raw:
        return []
    where = Store()
    _load(where, [entities.trig, *(_trig(cache, key) for key in _locating_documents(raw, blocks))])
    return locate_results(where, raw)


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
