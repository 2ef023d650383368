"""From records to the build outputs, redoing only what changed since the
last build (whose state is kept in the build cache).

The stages, each reusing what it can:

- map: a document's block (igfkg.blocks) is keyed by everything it depends
  on (its record, the entity keys of its people and organizations, the base
  IRI); unchanged documents keep their blocks, new ones are mapped in
  worker processes.
- shared triples: the multiset of shared N-Triples lines over all documents
  is kept from the last build and updated by the documents that came and
  went; its Turtle is re-made only when the set changed.
- entities and summaries graphs: re-made only when the resolution or the
  corpus counts (igfkg.summaries) changed.
- validation (igfkg.validate_blocks): a document's results are kept with
  its block; the shared part is validated again only when the shared
  triples, the entities graph or the target hints changed.
- outputs: `igf.trig` and `igf.ttl` are the blocks put together in a fixed
  order (byte-identical to a build from scratch).

The state is one pickle per code version in the cache (`state.pickle`). A
missing or damaged state just means a build from scratch.
"""

from __future__ import annotations

import hashlib
import pickle
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace

from rdflib import Graph

from igfkg.atomic import atomic_write_bytes
from igfkg.blocks import STATS_CLASSES, DocumentBlock, document_block, entities_block, prefix_header, shared_turtle
from igfkg.cache import BuildCache
from igfkg.mapping import IriMinter
from igfkg.model import SessionRecord
from igfkg.resolve import Aliases, Resolution, resolve, resolve_theme_labels
from igfkg.summaries import summarize, summary_features
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
    documents: dict[str, DocumentSummary] = field(default_factory=dict)  # block key -> summary
    shared: Counter = field(default_factory=Counter)  # shared N-Triples line -> documents giving it
    hints: Counter = field(default_factory=Counter)
    entities_key: str = ""
    entities: DocumentBlock | None = None  # without its TriG (in the last build's igf.trig)
    entities_span: tuple[int, int] = (0, 0)
    shared_key: str = ""
    shared_span: tuple[int, int] = (0, 0)  # the shared triples' Turtle in the last build's igf.ttl
    shared_typed: dict[str, int] = field(default_factory=dict)  # stats key -> shared nodes typed so
    shared_count: int = 0  # distinct shared triples (documents' and the entities graph's)
    shared_digest: int | None = None  # of the documents' shared lines (see `_update_digest`)
    # Lines whose presence changed in this build: +1 appeared, -1 went (not kept between builds).
    changed_lines: dict[bytes, int] = field(default_factory=dict)
    # The last build's output files, as (size, mtime_ns): their blocks are reused only if unchanged.
    outputs: dict[str, tuple[int, int]] = field(default_factory=dict)
    validation_key: str = ""
    shared_results: list[ValidationResult] = field(default_factory=list)


def load_state(cache: BuildCache) -> BuildState:
    try:
        with open(cache.blocks_dir / "state.pickle", "rb") as handle:
            state = pickle.load(handle)
        # A state from other code (its fingerprint is in the path, but be safe) starts afresh.
        complete = isinstance(state, BuildState) and set(vars(state)) == set(BuildState.__dataclass_fields__)
        return state if complete else BuildState()
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        return BuildState()


def save_state(cache: BuildCache, state: BuildState) -> None:
    cache.blocks_dir.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(cache.blocks_dir / "state.pickle", pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL))


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
    keyed = []
    for record in records:
        contested = sessions[minter.session_key(record)] > 1
        record_id = (record.source, record.sha256)
        known = old.block_keys.get(record_id)
        if known and known[:3] == (new.resolution_key, minter.base, contested) and new.resolution_key:
            key = known[3]  # same record, same resolution: the same block
        else:
            key = block_key(record, resolution, minter, cache, contested)
        new.block_keys[record_id] = (new.resolution_key, minter.base, contested, key)
        keyed.append((record, key, contested))
    todo = [item for item in keyed if item[1] not in old.documents or not cache.has_document(item[1])]
    current = {key for _, key, _ in keyed}
    new.shared, new.hints = Counter(old.shared), Counter(old.hints)
    # The shared lines of the documents that came and went, for validating
    # the shared part again where they are (None: all of it, e.g. a first build).
    touched: list[bytes] | None = [] if validate and old.validation_key else None
    for key in set(old.documents) - current:  # documents that changed or went away
        touched = _apply(new, cache.get_block(key), -1, touched)
    mapped = 0
    # Blocks are folded in as they come, and dropped: memory holds summaries, not blocks.
    for block in _map_documents(todo, resolution, minter, cache, jobs, hint_predicates):
        if block.key in old.documents:  # re-mapped because its text files were lost
            touched = _apply(new, block, -1, touched)
        touched = _apply(new, block, +1, touched)
        new.documents[block.key] = _summary(block)
        mapped += 1
        if progress:
            progress("map", mapped, len(todo))
    for key in current:
        if key not in new.documents:
            new.documents[key] = old.documents[key]
    new.shared += Counter()  # drop lines no document gives any more
    new.hints += Counter()
    new.shared_digest = _update_digest(old, new)
    new.changed_lines = {}

    # Entities and summaries graphs: again only when the resolution or what summarizing
    # reads of the records changed (or their text is lost). The resolution key stands for
    # the people and organizations it yields (it is deterministic).
    people = resolution_key or (sorted(resolution.persons.items()), sorted(resolution.organizations.items()))
    summary_inputs = sorted(repr(summary_features(record, minter)) for record in records)
    new.entities_key = _digest(minter.base, people, sorted(resolution.theme_labels.items()), summary_inputs)
    entities_trig = _slice(previous.get("igf.trig"), old.entities_span) \
        if old.entities_key == new.entities_key and old.entities else None
    if entities_trig is None:
        fresh = entities_block(resolution, minter, summarize(records, resolution, minter))
        new.entities, entities_trig = fresh.light(), fresh.trig
        if touched is not None and old.entities is not None:
            touched += set(old.entities.shared).symmetric_difference(new.entities.shared)
        else:
            touched = None
    else:
        new.entities = old.entities
    entities = replace(new.entities, trig=entities_trig)

    # Shared triples: documents' shared lines and the entities graph, sorted once.
    new.shared_key = _digest(new.shared_digest, new.entities_key)
    shared_lines = _SharedLines(new)
    shared_text = _slice(previous.get("igf.ttl"), old.shared_span) if old.shared_key == new.shared_key else None
    if shared_text is None:
        shared_text, new.shared_typed = shared_turtle(shared_lines.get()), _typed_lines(shared_lines.get())
        new.shared_count = len(shared_lines.get())
    else:
        new.shared_typed, new.shared_count = old.shared_typed, old.shared_count

    mapped_at = time.perf_counter()
    report = None
    validated = 0
    if validate:
        report, validated = _validate(keyed, old, new, entities, shared_lines, cache, shapes, jobs, progress,
                                      touched)
    validated_at = time.perf_counter()

    order = sorted(current, key=lambda key: new.documents[key].graph)
    outputs = _Outputs(order, old, new, entities, shared_text, cache, previous)
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


# Past this many lines of changed documents, the shared part is validated whole.
_MOST_TOUCHED = 200_000


def _apply(state: BuildState, block: DocumentBlock | None, sign: int,
           touched: list[bytes] | None = None) -> list[bytes] | None:
    """Add (+1) or take away (-1) a document's shared lines and hints; returns
    `touched` with those lines added (None once there are too many to follow)."""
    if block is None:
        return None  # a lost block: what it held is unknown
    if touched is not None:
        touched += block.shared + block.hints
        if len(touched) > _MOST_TOUCHED:
            touched = None
    for line in block.shared:
        before = state.shared[line]
        state.shared[line] = before + sign
        if (before > 0) != (before + sign > 0):  # the line appeared in, or left, the set
            state.changed_lines[line] = state.changed_lines.get(line, 0) + (1 if sign > 0 else -1)
    for line in block.hints:
        state.hints[line] += sign
    return touched


def _summary(block: DocumentBlock) -> DocumentSummary:
    owned = set(block.owned)
    counts = {key: sum(1 for node in nodes if node in owned) for key, nodes in block.typed.items()}
    return DocumentSummary(block.graph, block.owned_triples, counts, text_lengths=block.text_lengths)


def _line_hash(line: bytes) -> int:
    return int.from_bytes(hashlib.blake2b(line, digest_size=8).digest(), "big")


def _update_digest(old: BuildState, new: BuildState) -> int:
    """A digest of the set of the documents' shared lines, kept up to date line by
    line (the sum of the lines' hashes), so an unchanged set costs no sorting."""
    if old.shared_digest is None or not old.documents:
        return sum(_line_hash(line) for line, count in new.shared.items() if count > 0) % (1 << 64)
    digest = old.shared_digest
    for line, change in new.changed_lines.items():
        digest += change * _line_hash(line)
    return digest % (1 << 64)


class _SharedLines:
    """The sorted shared lines (documents' and the entities graph's), made only when needed."""

    def __init__(self, state: BuildState) -> None:
        self.state, self.lines = state, None

    def get(self) -> list[bytes]:
        if self.lines is None:
            self.lines = sorted(set(self.state.shared) | set(self.state.entities.shared))
        return self.lines


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


def _validate(keyed, old: BuildState, new: BuildState, entities: DocumentBlock, shared_lines: _SharedLines,
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
        outcome = validate_shared(shared_lines.get(), hints, entities, mentioning, cache, shapes, checks=checks,
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


def _slice(data: bytes | None, span: tuple[int, int]) -> bytes | None:
    """`data[offset:offset + length]`, or None when there is no such part."""
    offset, length = span
    if data is None or length <= 0 or offset + length > len(data):
        return None
    return bytes(data[offset:offset + length])


class _Outputs:
    """`igf.trig` (every graph in IRI order) and `igf.ttl` (the shared triples,
    then each document's own), as chunks to write one after the other; records
    where each block went, for the next build. Blocks that are unchanged and
    were next to each other last time go out as one slice of the last file."""

    def __init__(self, order: list[str], old: BuildState, new: BuildState, entities: DocumentBlock,
                 shared_text: bytes, cache: BuildCache, previous: dict[str, bytes]) -> None:
        self.order, self.old, self.new, self.entities = order, old, new, entities
        self.shared_text, self.cache, self.previous = shared_text, cache, previous

    def _cached(self, key: str, kind: str) -> bytes:
        length = self.new.documents[key].text_lengths[0 if kind == "trig" else 1]
        found = self.cache.get_text(key, kind, length)
        if found is None:
            raise RuntimeError(f"build cache entry {key} vanished during the build")
        return found

    def _blocks(self, name: str, kind: str, start: int, before: list[bytes],
                insert: tuple[str, bytes] | None = None) -> Iterator[bytes | memoryview]:
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
                self.new.entities_span = (position, len(insert[1]))
                position += len(insert[1])
                yield insert[1]
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
            self.new.entities_span = (position, len(insert[1]))
            yield insert[1]

    def trig(self) -> Iterator[bytes | memoryview]:
        header = prefix_header()
        return self._blocks("igf.trig", "trig", len(header), [header], (self.entities.graph, self.entities.trig))

    def turtle(self) -> Iterator[bytes | memoryview]:
        header = prefix_header()
        self.new.shared_span = (len(header), len(self.shared_text))
        return self._blocks("igf.ttl", "ttl", len(header) + len(self.shared_text), [header, self.shared_text])


def _typed_lines(shared_lines: list[bytes]) -> dict[str, int]:
    """How many shared nodes have each counted type (one `rdf:type` line each)."""
    counts = dict.fromkeys(STATS_CLASSES.values(), 0)
    for line in shared_lines:
        _, _, tail = line.partition(b" ")
        if (name := _TYPE_LINE.get(b" " + tail)) is not None:
            counts[name] += 1
    return counts


def _stats(state: BuildState, order: list[str]) -> dict[str, int]:
    """The counts `store.graph_stats` gives: owned nodes per document, shared ones from their type lines."""
    stats = dict(state.shared_typed)
    for key in order:
        for name, count in state.documents[key].owned_typed.items():
            stats[name] += count
    stats["triples"] = sum(state.documents[key].owned_triples for key in order) + state.shared_count
    return {name: stats[name] for name in ("documents", "sessions", "persons", "organizations", "participations",
                                           "triples")}
