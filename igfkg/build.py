"""`build`: files -> parse -> resolve -> mapping -> store -> validate ->
out/igf.ttl and out/igf.trig. Each document gets an outcome (built, built
with warnings, rejected with a reason); one bad page never stops the others.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from igfkg.mapping import IriMinter, map_entities, map_record
from igfkg.model import NotASessionPage, ParseWarning, SessionRecord
from igfkg.outputs import output_set
from igfkg.parse import parse_session
from igfkg.resolve import Aliases, Resolution, resolve
from igfkg.sources import DEFAULT_SUFFIXES, STDIN_PATH, SourceError, iter_source_paths, read_source
from igfkg.store import graph_stats, load_quads, open_store, serialize
from igfkg.validate import ValidationReport, validate_store
from igfkg.vocab import DEFAULT_BASE

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
            key = document if document == STDIN_PATH else os.path.realpath(document)
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


def read_corpus(paths: Iterable[str], *, glob: str | None = None,
                progress: Progress | None = None) -> tuple[list[SessionRecord], list[DocumentOutcome]]:
    """Read and parse every page under `paths`; failures become outcomes."""
    documents, outcomes = expand_paths(paths, glob=glob)
    records: list[SessionRecord] = []
    for done, path in enumerate(documents, 1):
        record, outcome = read_document(path)
        outcomes.append(outcome)
        if record is not None:
            records.append(record)
        if progress:
            progress("parse", done, len(documents))
    return records, outcomes


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
          validate: bool = True, progress: Progress | None = None) -> BuildResult:
    """Build the knowledge graph of the pages under `paths` into `out_dir`.

    >>> result = build(["data/seeds"], "out")          # doctest: +SKIP
    >>> result.stats["persons"], result.ok             # doctest: +SKIP
    (43, True)
    """
    paths = list(paths or default_paths())
    if aliases is None:
        aliases = find_aliases(paths)
    records, outcomes = read_corpus(paths, glob=glob, progress=progress)
    if strict:
        records = reject_warned(records, outcomes)
    records = _unique_records(records, outcomes)
    resolution = resolve(records, aliases)
    minter = IriMinter(base)
    store = open_store()
    for record in records:
        load_quads(store, map_record(record, resolution, minter))
    load_quads(store, map_entities(resolution, minter))
    report = validate_store(store) if validate and records else None
    outputs: list[Path] = []
    if records:
        # Both files replace the previous build's together (see igfkg.outputs).
        with output_set(out_dir) as new_outputs:
            new_outputs.info = {"documents": len(records)}
            for name, fmt in (("igf.ttl", "ttl"), ("igf.trig", "trig")):
                outputs.append(new_outputs.write(name, serialize(store, fmt)))
    stats = graph_stats(store)
    return BuildResult(outcomes, records, resolution, stats, report, outputs, strict)
