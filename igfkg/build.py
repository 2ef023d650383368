"""`build`: files -> parse -> resolve -> mapping -> store -> validate ->
out/igf.ttl and out/igf.trig. Each document gets an outcome (built, built
with warnings, rejected with a reason); one bad page never stops the others.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import mmap
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from igfkg.cache import BuildCache, RecordSnapshot, default_cache_dir
from igfkg.incremental import BuildState, build_graph, load_state, resolve_records, save_state
from igfkg.mapping import IriMinter
from igfkg.model import NotASessionPage, ParseWarning, SessionRecord
from igfkg.outputs import output_set
from igfkg.parse import parse_session
from igfkg.resolve import Aliases, Resolution
from igfkg.sources import DEFAULT_SUFFIXES, STDIN_PATH, SourceError, iter_source_paths, read_source
from igfkg.validate import ValidationReport, load_shapes
from igfkg.vocab import DEFAULT_BASE
from igfkg.workers import chunks, worker_pool

Progress = Callable[[str, int, int], None]
Parser = Callable[[str, str], SessionRecord]
STATUSES = ("built", "built with warnings", "rejected")


@dataclass
class DocumentOutcome:
    """What became of one input file."""

    source: str
    status: str  # "built", "built with warnings", "rejected"
    reason: str | None = None
    line: int | None = None
    warnings: list[ParseWarning] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class BuildResult:
    outcomes: list[DocumentOutcome]
    records: list[SessionRecord]
    resolution: Resolution
    stats: dict[str, int]
    validation: ValidationReport | None
    outputs: list[Path]
    strict: bool = False

    @property
    def ok(self) -> bool:
        """True when every document built, the graph conforms, and (with
        strict) no document had warnings."""
        rejected = any(o.status == "rejected" for o in self.outcomes)
        warned = self.strict and any(o.warnings for o in self.outcomes)
        conforms = self.validation is None or self.validation.conforms
        return not rejected and not warned and conforms and bool(self.records)


def default_paths() -> list[str]:
    """`data/` of the current folder, else the corpus shipped with igfkg."""
    from igfkg.resources import default_corpus

    return ["data"] if Path("data").is_dir() else [str(default_corpus())]


def find_aliases(paths: Iterable[str]) -> Aliases | None:
    """The alias file `aliases.toml` at the top of an input folder, if any
    (`data/aliases.toml` for the default corpus)."""
    from igfkg.resolve import read_aliases

    for path in paths:
        candidate = Path(path) / "aliases.toml"
        if candidate.is_file():
            return read_aliases(candidate)
    return None


def expand_paths(paths: Iterable[str], *, glob: str | None = None) -> tuple[list[str], list[DocumentOutcome]]:
    """The documents under `paths` (each once), and a rejected outcome for
    each path that names none: missing, or a folder with no documents.

        >>> expand_paths(["data/seeds", "nowhere"])[1][0].reason   # doctest: +SKIP
        'no such file or directory'
    """
    paths = list(paths)
    documents: list[str] = []
    problems: list[DocumentOutcome] = []
    seen: set[str] = set()
    for path in paths:
        try:
            found = list(iter_source_paths([path], glob=glob))
        except SourceError as error:
            problems.append(DocumentOutcome(error.path, "rejected", error.reason))
            continue
        if not found:
            wanted = glob or ", ".join(f"*{suffix}" for suffix in DEFAULT_SUFFIXES)
            problems.append(DocumentOutcome(str(path), "rejected", f"no input documents in this folder (looked for {wanted})"))
        for document in found:
            # One path: iter_source_paths has already kept each file once.
            key = document if document == STDIN_PATH or len(paths) == 1 else os.path.realpath(document)
            if key not in seen:
                seen.add(key)
                documents.append(document)
    return documents, problems


def read_document(path: str, parse: Parser = parse_session) -> tuple[SessionRecord | None, DocumentOutcome]:
    """Read and parse one document ("-" is stdin): its record (None when
    rejected) and its outcome. Never raises for a bad document: an error in
    the parser itself is reported as that document's outcome, so one page
    never stops the others.

        >>> record, outcome = read_document("data/seeds/000_e28e8dde74dde4dd.txt")   # doctest: +SKIP
        >>> outcome.status                                                           # doctest: +SKIP
        'built'
    """
    notes: list[str] = []
    try:
        source = read_source(path)
        notes = source.notes
        record = parse(source.text, source.path)
    except SourceError as error:
        return None, DocumentOutcome(error.path, "rejected", error.reason)
    except NotASessionPage as error:
        return None, DocumentOutcome(error.source, "rejected", error.reason, error.line, notes=notes)
    except Exception as error:  # noqa: BLE001 - a parser bug must not lose the other pages
        reason = f"internal error while parsing ({type(error).__name__}: {error}); this is a bug in igfkg, please report it"
        return None, DocumentOutcome(path if path != STDIN_PATH else "<stdin>", "rejected", reason, notes=notes)
    status = "built with warnings" if record.warnings else "built"
    return record, DocumentOutcome(source.path, status, None, None, record.warnings, notes)


def read_corpus(paths: Iterable[str], *, glob: str | None = None, progress: Progress | None = None,
                jobs: int = 1, cache: BuildCache | None = None, snapshot: RecordSnapshot | None = None,
                timings: dict[str, float] | None = None) -> tuple[list[SessionRecord], list[DocumentOutcome]]:
    """Read and parse every page under `paths`; failures become outcomes.

    With a `cache`, a page whose bytes were parsed before is not parsed
    again (`snapshot`, the last build's file index and records, also spares
    hashing the files whose size and mtime did not change; it is updated in
    place). The other pages are parsed in `jobs` processes, in chunks, with
    results in input order: the output does not depend on `jobs`. `timings`
    receives the seconds spent finding and reading (hashing) the files, and
    parsing."""
    timer = _Timer(timings)
    documents, outcomes = expand_paths(paths, glob=glob)
    snapshot = snapshot if snapshot is not None else RecordSnapshot()
    files: dict[str, tuple[int, int, str]] = {}
    results: list[tuple[SessionRecord | None, DocumentOutcome] | None] = [None] * len(documents)
    todo: list[tuple[int, str, str | None]] = []
    for index, path in enumerate(documents):
        digest = _known_digest(path, snapshot, files) if cache is not None else None
        if digest and digest in snapshot.records:
            record, notes = snapshot.records[digest]
            results[index] = _cached_result(path, record, notes)
        elif digest and (entry := cache.get_record(digest)):
            results[index] = _from_cache_entry(path, entry)
        if results[index] is None:
            todo.append((index, path, digest))
    timer.lap("read")
    done = len(documents) - len(todo)
    for (index, _, _), result in zip(todo, _parse_documents([(p, d) for _, p, d in todo], jobs, cache)):
        results[index] = result
        done += 1
        if progress:
            progress("parse", done, len(documents))
    records: list[SessionRecord] = []
    kept: dict[str, tuple[SessionRecord, list[str]]] = {}
    for path, (record, outcome) in zip(documents, results):
        outcomes.append(outcome)
        if record is not None:
            records.append(record)
            if path in files:
                kept[files[path][2]] = (record, outcome.notes)
    if files != snapshot.files or kept.keys() != snapshot.records.keys():
        snapshot.files, snapshot.records, snapshot.saved_at = files, kept, time.time()
        snapshot.changed = True
    timer.lap("parse")
    return records, outcomes


class _Timer:
    """Adds the seconds since the last lap to `timings[stage]` (when timings are wanted)."""

    def __init__(self, timings: dict[str, float] | None) -> None:
        self.timings = timings
        self.last = time.perf_counter()

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        if self.timings is not None:
            self.timings[stage] = self.timings.get(stage, 0.0) + now - self.last
        self.last = now


def _known_digest(path: str, snapshot: RecordSnapshot, files: dict[str, tuple[int, int, str]]) -> str | None:
    """The file's SHA-256: from the snapshot when its size and mtime are as
    then (and it was not modified in the second before the snapshot, which
    mtime cannot tell apart), else hashed. None for stdin or an unreadable file."""
    if path == STDIN_PATH:
        return None
    try:
        info = os.stat(path)
    except OSError:
        return None
    known = snapshot.files.get(path)
    if known and known[:2] == (info.st_size, info.st_mtime_ns) and info.st_mtime_ns < (snapshot.saved_at - 1) * 1e9:
        digest = known[2]
    else:
        digest = _file_sha256(path)
    if digest:
        files[path] = (info.st_size, info.st_mtime_ns, digest)
    return digest


def _file_sha256(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def _cached_result(path: str, record: SessionRecord, notes: list[str]) -> tuple[SessionRecord, DocumentOutcome]:
    record = dataclasses.replace(record, source=path) if record.source != path else record
    status = "built with warnings" if record.warnings else "built"
    return record, DocumentOutcome(path, status, None, None, record.warnings, list(notes))


def _from_cache_entry(path: str, entry: dict) -> tuple[SessionRecord, DocumentOutcome] | None:
    try:
        record = SessionRecord.from_json({**entry["record"], "source": path})
    except (KeyError, TypeError, ValueError):
        return None  # an entry from an older record layout: parse again
    status = "built with warnings" if record.warnings else "built"
    return record, DocumentOutcome(path, status, None, None, record.warnings, list(entry.get("notes", [])))


def _parse_chunk(chunk: list[tuple[str, str | None]],
                 cache: BuildCache | None) -> list[tuple[SessionRecord | None, DocumentOutcome]]:
    """Parse some documents; cache the records of those that parsed (worker process)."""
    results = []
    for path, digest in chunk:
        record, outcome = read_document(path)
        if record is not None and cache is not None and digest:
            cache.put_record(digest, {"record": record.to_json(), "notes": outcome.notes})
        results.append((record, outcome))
    return results


def _parse_documents(items: list[tuple[str, str | None]], jobs: int,
                     cache: BuildCache | None) -> Iterable[tuple[SessionRecord | None, DocumentOutcome]]:
    """`read_document` of each item, in order; in `jobs` processes when there are enough."""
    if jobs <= 1 or len(items) < 64:
        for item in items:
            yield from _parse_chunk([item], cache)
        return
    pieces = chunks(items, jobs)
    with worker_pool(jobs) as pool:
        for results in pool.map(_parse_chunk, pieces, [cache] * len(pieces)):
            yield from results


def reject_warned(records: list[SessionRecord], outcomes: list[DocumentOutcome]) -> list[SessionRecord]:
    """`--strict`: a document with warnings is rejected, not built."""
    warned = set()
    for outcome in outcomes:
        if outcome.status == "built with warnings":
            outcome.status = "rejected"
            count = len(outcome.warnings)
            outcome.reason = f"{count} warning{'s' if count != 1 else ''}, and --strict is on"
            warned.add(outcome.source)
    return [record for record in records if record.source not in warned]


def outcome_table(outcomes: list[DocumentOutcome], *, max_rows: int = 50) -> str:
    """The summary table of a run: one row per document (only the ones not
    plainly built when there are more than `max_rows`), then the totals.

        >>> print(outcome_table([DocumentOutcome("a.txt", "built"), DocumentOutcome("b.txt", "rejected", "the file is empty")]))
        document  outcome
        a.txt     built
        b.txt     rejected: the file is empty
        2 documents: 1 built, 0 built with warnings, 1 rejected
    """
    rows = []
    listed = outcomes if len(outcomes) <= max_rows else [o for o in outcomes if o.status != "built"]
    for outcome in listed:
        where = f"{outcome.source}:{outcome.line}" if outcome.line else outcome.source
        if outcome.status == "rejected":
            text = f"rejected: {outcome.reason}"
        elif outcome.status == "built with warnings":
            count = len(outcome.warnings)
            text = f"built with {count} warning{'s' if count != 1 else ''}"
        else:
            text = outcome.status
        rows.append((where, text))
    width = max([len("document")] + [len(where) for where, _ in rows])
    lines = [f"{'document':<{width}}  outcome"] + [f"{where:<{width}}  {text}" for where, text in rows] if rows else []
    if len(listed) < len(outcomes):
        lines.append(f"({len(outcomes) - len(listed)} built documents not listed)")
    counts = {status: sum(o.status == status for o in outcomes) for status in STATUSES}
    noun = "document" if len(outcomes) == 1 else "documents"
    lines.append(f"{len(outcomes)} {noun}: " + ", ".join(f"{counts[s]} {s}" for s in STATUSES))
    return "\n".join(lines)


def _unique_records(records: list[SessionRecord], outcomes: list[DocumentOutcome]) -> list[SessionRecord]:
    """The same page twice (same sha256) is built once; the copy is reported."""
    seen: dict[str, str] = {}
    unique = []
    for record in records:
        if record.sha256 in seen:
            for outcome in outcomes:
                if outcome.source == record.source:
                    outcome.status = "rejected"
                    outcome.reason = f"same content as {seen[record.sha256]} (duplicate page)"
            continue
        seen[record.sha256] = record.source
        unique.append(record)
    return unique


def build(paths: Iterable[str] | None = None, out_dir: str | Path = "out", *, base: str = DEFAULT_BASE,
          aliases: Aliases | None = None, glob: str | None = None, strict: bool = False,
          validate: bool = True, progress: Progress | None = None, jobs: int | None = None,
          cache_dir: str | Path | None = None, use_cache: bool = True,
          timings: dict[str, float] | None = None) -> BuildResult:
    """Build the knowledge graph of the pages under `paths` into `out_dir`.

    Pages are parsed and mapped in `jobs` processes (default 1: in this process).
    The build cache (`cache_dir`, default `.igfkg-cache` beside `out_dir`;
    see igfkg.cache and igfkg.incremental) keeps each page's record and each
    document's graph and validation results, so a rebuild redoes only what
    changed. The outputs depend on neither `jobs` nor the cache: the same
    pages give the same bytes. `timings`, if given, receives the seconds
    each stage took (read, parse, resolve, map, validate, serialize, write).

    >>> result = build(["data/seeds"], "out")          # doctest: +SKIP
    >>> result.stats["persons"], result.ok             # doctest: +SKIP
    (43, True)
    """
    paths = list(paths or default_paths())
    jobs = jobs or 1  # worker processes only when asked for (--jobs)
    if aliases is None:
        aliases = find_aliases(paths)
    with _gc_paused(), _build_cache(out_dir, cache_dir, use_cache) as cache:
        snapshot = cache.load_snapshot() if use_cache else RecordSnapshot()
        records, outcomes = read_corpus(paths, glob=glob, progress=progress, jobs=jobs, cache=cache,
                                        snapshot=snapshot, timings=timings)
        timer = _Timer(timings)
        if strict:
            records = reject_warned(records, outcomes)
        records = _unique_records(records, outcomes)
        state = load_state(cache) if use_cache else None
        resolution, resolution_key, features = resolve_records(records, aliases, state, cache.records_dir.name)
        timer.lap("resolve")
        if not records:
            return BuildResult(outcomes, records, resolution, _EMPTY_STATS.copy(), None, [], strict)
        outputs: list[Path] = []
        with _previous_outputs(out_dir, state) as previous:
            graph, new_state = build_graph(records, resolution, IriMinter(base), cache, load_shapes(),
                                           validate=validate, jobs=jobs, progress=progress, state=state,
                                           previous=previous, resolution_key=resolution_key, timings=timings)
            new_state.features = features
            timer = _Timer(timings)
            if graph.unchanged:  # the files there are already these bytes
                outputs = [Path(out_dir) / "igf.ttl", Path(out_dir) / "igf.trig"]
            else:
                # Both files replace the previous build's together (see igfkg.outputs),
                # written block by block, never whole in memory.
                with output_set(out_dir) as new_outputs:
                    new_outputs.info = {"documents": len(records)}
                    outputs.append(new_outputs.write("igf.ttl", graph.turtle()))
                    outputs.append(new_outputs.write("igf.trig", graph.trig()))
        if use_cache:
            if snapshot.changed:
                cache.save_snapshot(snapshot)
            if not graph.unchanged:
                new_state.outputs = {path.name: _identity(path) for path in outputs}
                save_state(cache, new_state)
            cache.prune()
        timer.lap("write")
    return BuildResult(outcomes, records, resolution, graph.stats, graph.report, outputs, strict)


_EMPTY_STATS = {"documents": 0, "sessions": 0, "persons": 0, "organizations": 0, "participations": 0, "triples": 0}


def _identity(path: Path) -> tuple[int, int]:
    info = path.stat()
    return info.st_size, info.st_mtime_ns


@contextmanager
def _previous_outputs(out_dir: str | Path, state: BuildState | None) -> Iterator[dict[str, bytes]]:
    """The last build's output files, mapped into memory, when they are the
    ones it wrote (same size and mtime as it recorded): unchanged blocks are
    copied from them."""
    opened: dict[str, mmap.mmap] = {}
    try:
        for name, identity in (state.outputs.items() if state else ()):
            path = Path(out_dir) / name
            try:
                if _identity(path) == identity and identity[0] > 0:
                    with open(path, "rb") as handle:
                        opened[name] = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
            except (OSError, ValueError):
                continue
        yield opened
    finally:
        for mapped in opened.values():
            try:
                mapped.close()
            except BufferError:  # a slice of it is still referenced (a failed build): freed with it
                pass


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while building: the build makes millions of
    small acyclic objects, and each full collection walks all of them (a
    third of the time on large corpora); reference counting still frees them.
    What is alive at the end (the result: records, resolution, report) is
    then frozen (`gc.freeze`), out of the collector's sight: the first
    collection after the build walked those millions of objects again (half a
    second at 10,000 pages) to find a few thousand in cycles, which stay
    (frozen objects are still freed by reference counting when dropped)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()
            gc.enable()


class _build_cache:
    """The build cache: the persistent one, or a temporary one (blocks are
    written to disk either way, to keep memory bounded) removed at the end."""

    def __init__(self, out_dir: str | Path, cache_dir: str | Path | None, use_cache: bool) -> None:
        # A failure to remove it must not hide why the build stopped.
        self.temp = None if use_cache else tempfile.TemporaryDirectory(prefix="igfkg-build-",
                                                                       ignore_cleanup_errors=True)
        root = self.temp.name if self.temp else (cache_dir or default_cache_dir(out_dir))
        self.cache = BuildCache(root, shapes_text=_shapes_text())

    def __enter__(self) -> BuildCache:
        return self.cache

    def __exit__(self, *exc: object) -> None:
        if self.temp:
            self.temp.cleanup()


def _shapes_text() -> str:
    from igfkg.resources import shapes_path

    return shapes_path().read_text(encoding="utf-8")
