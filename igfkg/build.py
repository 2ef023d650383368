"""`build`: files -> parse -> resolve -> mapping -> store -> validate ->
out/igf.ttl and out/igf.trig. Each document gets an outcome (built, built
with warnings, rejected with a reason); one bad page never stops the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from igfkg.mapping import IriMinter, map_entities, map_record
from igfkg.model import NotASessionPage, ParseWarning, SessionRecord
from igfkg.parse import parse_session
from igfkg.resolve import Aliases, Resolution, resolve
from igfkg.sources import SourceError, iter_source_paths, read_source
from igfkg.store import graph_stats, load_quads, open_store, write_serialization
from igfkg.validate import ValidationReport, validate_store
from igfkg.vocab import DEFAULT_BASE

Progress = Callable[[str, int, int], None]


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


def read_corpus(paths: Iterable[str], *, glob: str | None = None,
                progress: Progress | None = None) -> tuple[list[SessionRecord], list[DocumentOutcome]]:
    """Read and parse every page under `paths`; failures become outcomes."""
    records: list[SessionRecord] = []
    outcomes: list[DocumentOutcome] = []
    try:
        sources = list(iter_source_paths(paths, glob=glob))
    except SourceError as error:
        return [], [DocumentOutcome(error.path, "rejected", error.reason)]
    for done, path in enumerate(sources, 1):
        try:
            source = read_source(path)
            record = parse_session(source.text, source.path)
        except SourceError as error:
            outcomes.append(DocumentOutcome(path, "rejected", error.reason))
        except NotASessionPage as error:
            outcomes.append(DocumentOutcome(path, "rejected", error.reason, error.line))
        else:
            records.append(record)
            status = "built with warnings" if record.warnings else "built"
            outcomes.append(DocumentOutcome(path, status, None, None, record.warnings, source.notes))
        if progress:
            progress("parse", done, len(sources))
    return records, outcomes


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
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        for name, fmt in (("igf.ttl", "ttl"), ("igf.trig", "trig")):
            write_serialization(store, fmt, out / name)
            outputs.append(out / name)
    stats = graph_stats(store)
    return BuildResult(outcomes, records, resolution, stats, report, outputs, strict)
