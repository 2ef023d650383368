"""From records to the build outputs, redoing only what changed since the
last build (whose state is kept in the build cache).

The stages, each reusing what it can:

- map: a document's block (igfkg.blocks) is keyed by everything it depends
  on (its record, the entity keys of its people and organizations, the base
  IRI); unchanged documents keep their blocks, new ones are mapped in
  worker processes.
- entities and summaries graphs (igfkg.corpus_graphs): re-made only when
  the resolution or the corpus counts (igfkg.summaries) changed, and then
  only the subjects whose values changed.
- shared triples: the sorted shared N-Triples lines (documents' and the
  corpus-wide graphs') and how many give each are kept from the last build
  and updated by what came and went; the Turtle of a subject is made again
  only when its lines changed (igfkg.pieces).
- validation (igfkg.validate_blocks): a document's results are kept with
  its block; the shared part is validated again only when the shared
  triples, the entities graph or the target hints changed.
- outputs: `igf.trig` and `igf.ttl` are the blocks put together in a fixed
  order (byte-identical to a build from scratch).

The state is one pickle per code version in the cache (`state.pickle`). A
missing or damaged state just means a build from scratch.
"""

from __future__ import annotations

import bisect
import hashlib
import pickle
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from rdflib import Graph

from igfkg.atomic import atomic_writer
from igfkg.blocks import STATS_CLASSES, DocumentBlock, document_block, prefix_header
from igfkg.cache import BuildCache
from igfkg.corpus_graphs import CorpusGraph, update_graphs
from igfkg.mapping import IriMinter, entity_quads, entity_slices
from igfkg.model import SessionRecord
from igfkg.pieces import PieceLayout, assemble, chunks_length, lines_about, serialize_pieces, subject_of
from igfkg.resolve import Aliases, Resolution, resolve, resolve_theme_labels
from igfkg.summaries import (
    summarize, summary_features, summary_footprint, summary_quads, summary_slices, update_summary_slices,
)
from igfkg.validate import ValidationReport, ValidationResult, compile_shapes
from igfkg.validate_blocks import report_from, target_predicates, validate_documents, validate_shared
from igfkg.vocab import RDF
from igfkg.workers import chunks, worker_pool

Progress = Callable[[str, int, int], None]
_TYPE_LINE = {f" <{RDF.type}> <{cls}> .\n".encode(): key for cls, key in STATS_CLASSES.items()}


@dataclass
class DocumentSummary:
    """What the state keeps of a document's block between builds."""

    graph: str
    owned_triples: int
    owned_typed: dict[str, int]  # stats key -> owned nodes typed so
    results: list[ValidationResult] | None = None  # None: not validated yet
    text_lengths: tuple[int, int] = (0, 0)  # of its TriG and Turtle blocks (to tell a damaged cache file)
    # Where its TriG and Turtle blocks are in the last build's files: (offset, length).
    spans: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass
class BuildState:
    """What a build leaves for the next one."""

    resolution_key: str = ""
    resolution: Resolution | None = None
    # Per record (source, sha256): the digest of what the resolver reads of it,
    # and (resolution key, base IRI, contested, block key) of its block.
    features: dict[tuple[str, str], str] = field(default_factory=dict)
    block_keys: dict[tuple[str, str], tuple[str, str, bool, str]] = field(default_factory=dict)
    summary_inputs: dict[tuple[str, str], str] = field(default_factory=dict)  # digest of its summary_features
    footprints: dict[tuple[str, str], tuple] = field(default_factory=dict)  # its summaries.summary_footprint
    documents: dict[str, DocumentSummary] = field(default_factory=dict)  # block key -> summary
    # The shared N-Triples lines (documents' and the corpus-wide graphs'), sorted, and how
    # many documents and graphs give each line given more than once.
    shared_lines: list[bytes] = field(default_factory=list)
    shared_counts: dict[bytes, int] = field(default_factory=dict)
    hints: Counter = field(default_factory=Counter)
    entities_key: str = ""
    graphs: list[CorpusGraph] = field(default_factory=list)  # the entities and summaries graphs
    entities_span: tuple[int, int] = (0, 0)  # their TriG in the last build's igf.trig
    shared_key: str = ""
    shared_span: tuple[int, int] = (0, 0)  # the shared triples' Turtle in the last build's igf.ttl
    shared_layout: PieceLayout = field(default_factory=PieceLayout)  # its pieces (igfkg.pieces)
    shared_typed: dict[str, int] = field(default_factory=dict)  # stats key -> shared nodes typed so
    shared_digest: int | None = None  # of the shared lines (see `_update_digest`)
    # The last build's output files, as (size, mtime_ns): their blocks are reused only if unchanged.
    outputs: dict[str, tuple[int, int]] = field(default_factory=dict)
    validation_key: str = ""
    shared_results: list[ValidationResult] = field(default_factory=list)
    records_code: str = ""  # the fingerprint of the parsing code that read the records (cache.records_dir)

    # Pickled, the shared lines are one bytes object (a line holds no line break
    # but its last: N-Triples escapes the others); as half a million small
    # objects they took most of the time of saving and loading the state.
    def __getstate__(self) -> dict:
        return dict(vars(self), shared_lines=b"".join(self.shared_lines))

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, shared_lines=state["shared_lines"].splitlines(keepends=True))


def load_state(cache: BuildCache) -> BuildState:
    try:
        with open(cache.blocks_dir / "state.pickle", "rb") as handle:
            state = pickle.load(handle)
        # A state from other code (its fingerprint is in the path, but be safe) starts afresh;
        # so does one made from records of other parsing code: what it keeps by page
        # (SHA-256 of the text) was read by that code.
        complete = isinstance(state, BuildState) and set(vars(state)) == set(BuildState.__dataclass_fields__)
        return state if complete and state.records_code == cache.records_dir.name else BuildState()
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        return BuildState()


def save_state(cache: BuildCache, state: BuildState) -> None:
    cache.blocks_dir.mkdir(parents=True, exist_ok=True)
    state.records_code = cache.records_dir.name
    # A cache, not an output: no fsync (a state lost in a crash means a build from scratch).
    with atomic_writer(cache.blocks_dir / "state.pickle", "wb", durable=False) as handle:
        pickle.dump(state, handle, protocol=pickle.HIGHEST_PROTOCOL)


def _digest(*parts: object) -> str:
    return hashlib.sha256(repr(parts).encode("utf-8")).hexdigest()


def resolve_records(records: Sequence[SessionRecord], aliases: Aliases | None, state: BuildState | None = None,
                    code: str = "") -> tuple[Resolution, str, dict[tuple[str, str], str]]:
    """`resolve(records, aliases)`, or the last build's resolution when its
    inputs are the same: what the resolver reads of each page (names,
    spellings, organizations, acronyms) and the aliases; theme labels, which
    need no resolving of people, are counted afresh either way. A page whose text
    changed elsewhere (a title, a takeaway) keeps its people: the resolution
    is reused, with that page's new SHA-256 in its keys. Returns the
    resolution, the key of its inputs (and of `code`, the fingerprint of the
    parsing code the resolver also uses) and each record's digest."""
    known = state.features if state is not None else {}
    features = {}
    for r in records:
        record_id = (r.source, r.sha256)
        features[record_id] = known.get(record_id) or _digest(
            [(p.name, p.name_variants, p.affiliation) for p in r.participants],
            [u.organization for u in r.unnamed_participants], r.organizing_organizations,
            sorted(r.organization_acronyms.items()))
    key = _digest(sorted((source, digest) for (source, _), digest in features.items()), aliases, code)
    if state is None or state.resolution is None or state.resolution_key != key:
        return resolve(list(records), aliases), key, features
    old_sha = {source: sha for source, sha in known}
    renamed = {old_sha[source]: sha for source, sha in features if old_sha.get(source, sha) != sha}
    resolution = replace(state.resolution, theme_labels=resolve_theme_labels(list(records)))
    if renamed:
        resolution = replace(
            resolution,
            person_by_mention={(renamed.get(doc, doc), i): v for (doc, i), v in resolution.person_by_mention.items()},
            organization_by_name={(renamed.get(doc, doc), name): v
                                  for (doc, name), v in resolution.organization_by_name.items()})
    return resolution, key, features


def _rekeyed_documents(old: Resolution, new: Resolution) -> set[str]:
    """The documents (by SHA-256) some of whose people or organizations have
    another entity key in `new` than in `old`: the others keep their blocks."""
    documents = {mention[0] for mention, key in new.person_by_mention.items()
                 if old.person_by_mention.get(mention) != key}
    documents.update(name[0] for name, key in new.organization_by_name.items()
                     if old.organization_by_name.get(name) != key)
    return documents


def block_key(record: SessionRecord, resolution: Resolution, minter: IriMinter, cache: BuildCache,
              contested: bool) -> str:
    """The cache key of a document's block: everything its mapping depends on."""
    people = [resolution.person_key(record, i) for i in range(len(record.participants))]
    names = sorted({p.affiliation for p in record.participants if p.affiliation}
                   | {u.organization for u in record.unnamed_participants if u.organization}
                   | set(record.organizing_organizations))
    organizations = [(name, resolution.organization_key(record, name)) for name in names]
    return _digest(cache.records_dir.name, minter.base, record.sha256, record.source, contested, people,
                   organizations)


@dataclass
class GraphBuild:
    """The outputs of one build, and how they were made. `trig()` and
    `turtle()` give each file as chunks, read from the cache (or the last
    build's files) while they are written: call them while `previous` is open,
    before saving the state."""

    trig: Callable[[], Iterator[bytes]]
    turtle: Callable[[], Iterator[bytes]]
    stats: dict[str, int]
    report: ValidationReport | None
    mapped: int  # documents mapped in this build (the others came from the cache)
    validated: int  # documents validated in this build
    # The same documents, blocks, entities and shared part as the last build, whose
    # files are in `previous`: the outputs would be the same bytes.
    unchanged: bool = False


def build_graph(records: Sequence[SessionRecord], resolution: Resolution, minter: IriMinter, cache: BuildCache,
                shapes: Graph, *, validate: bool = True, jobs: int = 1, progress: Progress | None = None,
                state: BuildState | None = None, previous: dict[str, bytes] | None = None,
                resolution_key: str = "", timings: dict[str, float] | None = None) -> tuple[GraphBuild, BuildState]:
    """The build outputs of these records (and the state for the next build).

    `previous` holds the last build's `igf.trig` and `igf.ttl` (when they are
    the files that build wrote): unchanged blocks are copied from them, one
    sequential read instead of thousands of small ones. `timings` receives
    the seconds spent mapping, validating and serializing."""
    previous = previous or {}
    started = time.perf_counter()
    old = state if state is not None else BuildState()
    new = BuildState(resolution_key=resolution_key, resolution=resolution)
    hint_predicates = target_predicates(shapes)

    # Map: the documents whose key is new.
    sessions = Counter(minter.session_key(record) for record in records)
    rekeyed = _rekeyed_documents(old.resolution, resolution) if old.resolution is not None else None
    keyed = []
    for record in records:
        contested = sessions[minter.session_key(record)] > 1
        record_id = (record.source, record.sha256)
        known = old.block_keys.get(record_id)
        if known and known[1:3] == (minter.base, contested) and (
                known[0] == new.resolution_key and new.resolution_key
                or rekeyed is not None and record.sha256 not in rekeyed):
            key = known[3]  # same record, same entity keys: the same block
        else:
            key = block_key(record, resolution, minter, cache, contested)
        new.block_keys[record_id] = (new.resolution_key, minter.base, contested, key)
        keyed.append((record, key, contested))
    todo = [item for item in keyed if item[1] not in old.documents or not cache.has_document(item[1])]
    current = {key for _, key, _ in keyed}
    new.hints = Counter(old.hints)
    delta: Counter = Counter()  # shared line -> givers it gained (+) or lost (-) in this build
    # The shared lines of the documents that came and went, for validating
    # the shared part again where they are (None: all of it, e.g. a first build).
    touched: list[bytes] | None = [] if validate and old.validation_key else None
    for key in set(old.documents) - current:  # documents that changed or went away
        touched = _apply(new, delta, cache.get_block(key), -1, touched)
    mapped = 0
    # Blocks are folded in as they come, and dropped: memory holds summaries, not blocks.
    for block in _map_documents(todo, resolution, minter, cache, jobs, hint_predicates):
        if block.key in old.documents:  # re-mapped because its text files were lost
            touched = _apply(new, delta, block, -1, touched)
        touched = _apply(new, delta, block, +1, touched)
        new.documents[block.key] = _summary(block)
        mapped += 1
        if progress:
            progress("map", mapped, len(todo))
    for key in current:
        if key not in new.documents:
            new.documents[key] = old.documents[key]

    # Entities and summaries graphs: again only when the resolution or what summarizing
    # reads of the records changed (or their text is lost), and then only the subjects
    # whose values changed. The resolution key stands for the people and organizations
    # it yields (it is deterministic).
    people = resolution_key or (sorted(resolution.persons.items()), sorted(resolution.organizations.items()))
    # The footprints of the records that came (new, changed, or whose entity keys changed) and went.
    came, went = [], []
    for record in records:
        record_id = (record.source, record.sha256)
        new.summary_inputs[record_id] = old.summary_inputs.get(record_id) or _digest(summary_features(record, minter))
        footprint = was = old.footprints.get(record_id)
        if footprint is None or rekeyed is None or record.sha256 in rekeyed:
            footprint = summary_footprint(record, resolution, minter)
            if footprint != was:
                came.append(footprint)
                if was is not None:
                    went.append(was)
        new.footprints[record_id] = footprint
    went += (footprint for record_id, footprint in old.footprints.items() if record_id not in new.footprints)
    new.entities_key = _digest(minter.base, people, sorted(resolution.theme_labels.items()),
                               sorted(new.summary_inputs.values()))
    old_entities = _view(previous.get("igf.trig"), old.entities_span)
    if old.entities_key == new.entities_key and old.graphs and old_entities is not None:
        new.graphs, entity_chunks = old.graphs, [old_entities]
    else:
        summaries = minter.summaries_graph().value
        old_summaries = next((graph.slices for graph in old.graphs if graph.iri == summaries), None)
        if old_summaries is not None and old.resolution is not None and rekeyed is not None \
                and len(came) + len(went) <= _MOST_FOOTPRINTS:
            summary_slices_now = update_summary_slices(
                old_summaries, records, [new.footprints[(r.source, r.sha256)] for r in records], came, went,
                resolution, minter, _changed_entities(old.resolution, resolution))
        else:
            summary_slices_now = summary_slices(summarize(records, resolution, minter), minter)
        update = update_graphs(old.graphs, [
            (minter.entities_graph().value, entity_slices(resolution, minter), entity_quads),
            (summaries, summary_slices_now, summary_quads),
        ], old_entities if old.graphs else None)
        new.graphs, entity_chunks = update.graphs, update.chunks
        delta.subtract(update.removed)
        delta.update(update.added)
        if touched is not None and old.graphs:
            touched += update.added + update.removed
        else:
            touched = None
    new.hints += Counter()  # drop hints no document gives any more

    # Shared triples: documents' shared lines and the corpus-wide graphs', sorted; their
    # Turtle is made again only for the subjects whose lines changed.
    new.shared_lines, new.shared_counts, changed_lines = _apply_delta(old.shared_lines, old.shared_counts, delta)
    new.shared_digest = _update_digest(old.shared_digest, new.shared_lines, changed_lines)
    first = old.shared_digest is None or not old.documents or not old.graphs
    new.shared_key = _digest(new.shared_digest, new.entities_key)
    old_shared = _view(previous.get("igf.ttl"), old.shared_span)
    if old.shared_key == new.shared_key and old_shared is not None:
        shared_chunks, new.shared_layout = [old_shared], old.shared_layout
        new.shared_typed = old.shared_typed
    else:
        changed = None if first or old_shared is None else changed_lines
        shared_chunks, new.shared_layout = _shared_turtle(new.shared_lines, changed, old.shared_layout, old_shared)
        new.shared_typed = _typed_lines(new.shared_lines) if first else _typed_lines(changed_lines, old.shared_typed)

    mapped_at = time.perf_counter()
    report = None
    validated = 0
    if validate:
        report, validated = _validate(keyed, old, new, lambda: b"".join(entity_chunks), cache, shapes, jobs,
                                      progress, touched)
    validated_at = time.perf_counter()

    order = sorted(current, key=lambda key: new.documents[key].graph)
    outputs = _Outputs(order, old, new, (minter.entities_graph().value, entity_chunks), shared_chunks, cache,
                       previous)
    stats = _stats(new, order)
    if timings is not None:
        for stage, seconds in (("map", mapped_at - started), ("validate", validated_at - mapped_at),
                               ("serialize", time.perf_counter() - validated_at)):
            timings[stage] = timings.get(stage, 0.0) + seconds
    unchanged = (mapped == 0 and current == set(old.documents) and len(previous) == 2
                 and old.entities_key == new.entities_key and old.shared_key == new.shared_key
                 and (not validate or old.validation_key == new.validation_key))
    if unchanged:  # the spans stay those of the files already there
        new.entities_span, new.shared_span, new.outputs = old.entities_span, old.shared_span, old.outputs
    return GraphBuild(outputs.trig, outputs.turtle, stats, report, mapped, validated, unchanged), new


# Past this many changed footprints, the summaries are made again from every record.
_MOST_FOOTPRINTS = 2_000


def _changed_entities(old: Resolution, new: Resolution) -> set[str]:
    """The keys of the persons and organizations that came, went or changed."""
    return {key for before, after in ((old.persons, new.persons), (old.organizations, new.organizations))
            for key in before.keys() | after.keys() if before.get(key) != after.get(key)}


# Past this many lines of changed documents, the shared part is validated whole.
_MOST_TOUCHED = 200_000


def _apply(state: BuildState, delta: Counter, block: DocumentBlock | None, sign: int,
           touched: list[bytes] | None = None) -> list[bytes] | None:
    """Add (+1) or take away (-1) a document's shared lines (to `delta`) and
    hints; returns `touched` with those lines added (None once there are too
    many to follow)."""
    if block is None:
        return None  # a lost block: what it held is unknown
    if touched is not None:
        touched += block.shared + block.hints
        if len(touched) > _MOST_TOUCHED:
            touched = None
    (delta.update if sign > 0 else delta.subtract)(block.shared)
    for line in block.hints:
        state.hints[line] += sign
    return touched


def _apply_delta(lines: list[bytes], counts: dict[bytes, int],
                 delta: Counter) -> tuple[list[bytes], dict[bytes, int], dict[bytes, int]]:
    """The sorted shared `lines` and their `counts` (of lines given more than
    once) after `delta` (line -> givers gained or lost), and the lines that
    came (+1) into the set or left it (-1)."""
    counts = dict(counts)
    changed: dict[bytes, int] = {}
    for line, change in delta.items():
        if not change:
            continue
        at = bisect.bisect_left(lines, line)
        before = counts.get(line, 1) if at < len(lines) and lines[at] == line else 0
        after = before + change
        if after > 1:
            counts[line] = after
        else:
            counts.pop(line, None)
        if (before > 0) != (after > 0):
            changed[line] = 1 if after > 0 else -1
    return _update_sorted(lines, changed), counts, changed


def _summary(block: DocumentBlock) -> DocumentSummary:
    owned = set(block.owned)
    counts = {key: sum(1 for node in nodes if node in owned) for key, nodes in block.typed.items()}
    return DocumentSummary(block.graph, block.owned_triples, counts, text_lengths=block.text_lengths)


def _line_hash(line: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(line, digest_size=8).digest(), "big")


def _update_digest(digest: int | None, lines: list[bytes], changed: dict[bytes, int]) -> int:
    """A digest of the set of shared `lines`, kept up to date line by line (the
    sum of the lines' hashes) from the last one and the lines that came and went."""
    if digest is None:
        return sum(_line_hash(line) for line in lines) % (1 << 64)
    for line, change in changed.items():
        digest += change * _line_hash(line)
    return digest % (1 << 64)


def _update_sorted(lines: list[bytes], changed: dict[bytes, int]) -> list[bytes]:
    """The sorted `lines` with the lines that came (+1 in `changed`) and went (-1)."""
    gone = {line for line, change in changed.items() if change < 0}
    kept = [line for line in lines if line not in gone] if gone else list(lines)
    kept += (line for line, change in changed.items() if change > 0)
    kept.sort()  # two sorted runs: one merge
    return kept


def _shared_turtle(lines: list[bytes], changed: dict[bytes, int] | None, layout: PieceLayout,
                   previous: memoryview | None) -> tuple[list[bytes | memoryview], PieceLayout]:
    """The Turtle of the shared triples (sorted `lines`), as chunks, and its
    layout: the subjects of the `changed` lines are serialized again, the
    others sliced from `previous` (the text `layout` describes). `changed`
    None: all of it is serialized."""
    if changed is None:
        return assemble(PieceLayout(), None, serialize_pieces(lines))
    dirty = sorted({subject_of(line) for line, change in changed.items() if change})
    fresh: dict[bytes, bytes | None] = dict.fromkeys(dirty)
    fresh.update(serialize_pieces([line for subject in dirty for line in lines_about(lines, subject)]))
    return assemble(layout, previous, fresh)


def _map_chunk(chunk: list[tuple[SessionRecord, str, bool]], resolution: Resolution, minter: IriMinter,
               cache: BuildCache, hint_predicates: frozenset[str]) -> list[DocumentBlock]:
    """Blocks of some documents, written to the cache (worker process)."""
    blocks = []
    for record, key, contested in chunk:
        block = document_block(record, resolution, minter, key, contested=contested,
                               hint_predicates=hint_predicates)
        cache.put_document(block)
        blocks.append(block.light())
    return blocks


def _map_documents(items, resolution: Resolution, minter: IriMinter, cache: BuildCache, jobs: int,
                   hint_predicates: frozenset[str]) -> Iterator[DocumentBlock]:
    """The blocks of `items` (written to the cache), in order, as they are made."""
    if jobs <= 1 or len(items) < 64:
        yield from _map_chunk(items, resolution, minter, cache, hint_predicates)
        return
    pieces = chunks(items, jobs)
    by_document = _resolution_by_document(resolution)
    with worker_pool(jobs) as pool:
        # Each worker gets only its documents' entity keys, not the whole resolution.
        parts = (_resolution_for([record for record, _, _ in chunk], by_document) for chunk in pieces)
        results = pool.map(_map_chunk, pieces, parts, [minter] * len(pieces), [cache] * len(pieces),
                           [hint_predicates] * len(pieces))
        for chunk_blocks in results:
            yield from chunk_blocks


_Keys = tuple[dict[tuple[str, int], str], dict[tuple[str, str], str]]


def _resolution_by_document(resolution: Resolution) -> dict[str, _Keys]:
    """The resolution's mention keys grouped by document (one pass, so that
    cutting it into chunks costs the corpus once, not once per chunk)."""
    by_document: dict[str, _Keys] = {}
    for mention, key in resolution.person_by_mention.items():
        by_document.setdefault(mention[0], ({}, {}))[0][mention] = key
    for name, key in resolution.organization_by_name.items():
        by_document.setdefault(name[0], ({}, {}))[1][name] = key
    return by_document


def _resolution_for(records: Sequence[SessionRecord], by_document: dict[str, _Keys]) -> Resolution:
    """The part of a resolution that mapping these records reads."""
    persons: dict[tuple[str, int], str] = {}
    organizations: dict[tuple[str, str], str] = {}
    for record in records:
        found = by_document.get(record.sha256, ({}, {}))
        persons.update(found[0])
        organizations.update(found[1])
    return Resolution({}, {}, persons, organizations, [], [])


def _validate(keyed, old: BuildState, new: BuildState, entities_trig: Callable[[], bytes],
              cache: BuildCache, shapes: Graph, jobs: int, progress: Progress | None,
              touched: list[bytes] | None) -> tuple[ValidationReport, int]:
    """The report; the shared part is validated again only where `touched`
    (the lines that changed since the last build validated it) reaches."""
    checks = compile_shapes(shapes)
    todo = [key for _, key, _ in keyed if new.documents[key].results is None]
    for key, found in zip(todo, validate_documents(todo, cache, shapes, jobs=jobs, progress=progress,
                                                   checks=checks)):
        new.documents[key].results = found
    hints = sorted(line for line, count in new.hints.items() if count > 0)
    new.validation_key = _digest(new.shared_key, hints)
    # A result stays as it was unless its node's triples changed, or a page
    # that changed mentions it (it may now be traced to another line or page).
    relocated = touched is None or bool(old.shared_results) and bool(
        {r.focus for r in old.shared_results} & _terms(touched))
    if old.validation_key == new.validation_key and not relocated:
        new.shared_results = old.shared_results
    else:
        mentioning = _ShardSource(cache, [key for _, key, _ in keyed])
        outcome = validate_shared(new.shared_lines, hints, entities_trig, mentioning, cache, shapes, checks=checks,
                                  changed=touched)
        kept = [] if outcome.checked is None else [r for r in old.shared_results if r.focus not in outcome.checked]
        new.shared_results = kept + outcome.results
    results = [r for summary in new.documents.values() for r in summary.results or []] + new.shared_results
    return report_from(results), len(todo)


def _terms(lines: Iterable[bytes]) -> set[str]:
    """The subjects and objects of N-Triples lines (in N-Triples form)."""
    terms = set()
    for line in lines:
        subject, _, rest = line.decode().partition(" ")
        terms.update((subject, rest.partition(" ")[2].rstrip("\n")[:-2]))
    return terms


class _ShardSource:
    """The documents' blocks, read from the cache when the shared part needs them (locating results)."""

    def __init__(self, cache: BuildCache, keys: list[str]) -> None:
        self.cache, self.keys = cache, keys

    def __iter__(self):
        for key in self.keys:
            block = self.cache.get_block(key)
            if block is not None:
                yield block


def _view(data: bytes | None, span: tuple[int, int]) -> memoryview | None:
    """`data[offset:offset + length]` (not copied), or None when there is no such part."""
    offset, length = span
    if data is None or length <= 0 or offset + length > len(data):
        return None
    return memoryview(data)[offset:offset + length]


class _Outputs:
    """`igf.trig` (every graph in IRI order) and `igf.ttl` (the shared triples,
    then each document's own), as chunks to write one after the other; records
    where each block went, for the next build. Blocks that are unchanged and
    were next to each other last time go out as one slice of the last file."""

    def __init__(self, order: list[str], old: BuildState, new: BuildState,
                 entities: tuple[str, list[bytes | memoryview]], shared: list[bytes | memoryview],
                 cache: BuildCache, previous: dict[str, bytes]) -> None:
        # entities: the first corpus-wide graph's IRI, and the graphs' TriG.
        self.order, self.old, self.new, self.entities = order, old, new, entities
        self.shared, self.cache, self.previous = shared, cache, previous

    def _cached(self, key: str, kind: str) -> bytes:
        length = self.new.documents[key].text_lengths[0 if kind == "trig" else 1]
        found = self.cache.get_text(key, kind, length)
        if found is None:
            raise RuntimeError(f"build cache entry {key} vanished during the build")
        return found

    def _blocks(self, name: str, kind: str, start: int, before: list[bytes],
                insert: tuple[str, list[bytes | memoryview]] | None = None) -> Iterator[bytes | memoryview]:
        """`before`, then each document's block (and `insert` before the first
        graph IRI above it), coalescing runs of reused blocks."""
        previous = self.previous.get(name)
        view = memoryview(previous) if previous is not None else None
        position = start
        run_start = run_end = -1  # the pending run of reused bytes in the last file
        yield from before

        def flush() -> Iterator[memoryview]:
            nonlocal run_start, run_end
            if run_end > run_start >= 0:
                yield view[run_start:run_end]
            run_start = run_end = -1

        for key in self.order:
            summary = self.new.documents[key]
            if insert is not None and insert[0] < summary.graph:
                yield from flush()
                length = chunks_length(insert[1])
                self.new.entities_span = (position, length)
                position += length
                yield from insert[1]
                insert = None
            old = self.old.documents.get(key)
            offset, length = old.spans.get(name, (0, 0)) if old is not None else (0, 0)
            reusable = view is not None and length > 0 and offset + length <= len(view)
            if reusable:
                if offset != run_end:
                    yield from flush()
                    run_start = offset
                run_end = offset + length
            else:
                yield from flush()
                text = self._cached(key, kind)
                length = len(text)
                yield text
            summary.spans = {**summary.spans, name: (position, length)}
            position += length
        yield from flush()
        if insert is not None:
            self.new.entities_span = (position, chunks_length(insert[1]))
            yield from insert[1]

    def trig(self) -> Iterator[bytes | memoryview]:
        header = prefix_header()
        return self._blocks("igf.trig", "trig", len(header), [header], self.entities)

    def turtle(self) -> Iterator[bytes | memoryview]:
        header = prefix_header()
        length = chunks_length(self.shared)
        self.new.shared_span = (len(header), length)
        return self._blocks("igf.ttl", "ttl", len(header) + length, [header, *self.shared])



def _typed_lines(lines: Iterable[bytes] | dict[bytes, int], counts: dict[str, int] | None = None) -> dict[str, int]:
    """How many shared nodes have each counted type (one `rdf:type` line
    each): of these lines, or `counts` updated by the lines that came (+1)
    and went (-1)."""
    counts = dict(counts) if counts is not None else dict.fromkeys(STATS_CLASSES.values(), 0)
    changes = lines.items() if isinstance(lines, dict) else ((line, 1) for line in lines)
    for line, change in changes:
        _, _, tail = line.partition(b" ")
        if (name := _TYPE_LINE.get(b" " + tail)) is not None:
            counts[name] += change
    return counts


def _stats(state: BuildState, order: list[str]) -> dict[str, int]:
    """The counts `store.graph_stats` gives: owned nodes per document, shared ones from their type lines."""
    stats = dict(state.shared_typed)
    for key in order:
        for name, count in state.documents[key].owned_typed.items():
            stats[name] += count
    stats["triples"] = sum(state.documents[key].owned_triples for key in order) + len(state.shared_lines)
    return {name: stats[name] for name in ("documents", "sessions", "persons", "organizations", "participations",
                                           "triples")}
