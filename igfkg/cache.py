"""The build cache (`.igfkg-cache/` beside the output folder): what a build
learnt about each input, so the next build redoes only what changed.

- `records/`: the parsed record of each page, by the SHA-256 of the file's
  bytes (JSON, `SessionRecord.to_json()` plus the reader's notes), or the
  reason the page was rejected. A page whose bytes did not change is not
  read or parsed again.
- `records/.../snapshot-*.pickle`: the last build's file index (size,
  mtime, SHA-256 of each input) and records, in 17 files: a rebuild reads
  them instead of thousands of entries (and rewrites only the parts that
  changed), and hashes only the files whose size or mtime changed.
- `blocks/`: each document's serialized graph (`.trig`, `.ttl`) and the rest
  of its block (`.pickle`), by a key over everything they depend on (the
  record, the entity keys the resolver gave its people and organizations,
  the base IRI); and `state.pickle`, what the last build made of them
  (igfkg.incremental).

Every entry lives under a directory named by a fingerprint of the code that
made it (the parser's source for records; mapping, vocabulary and shapes for
blocks), so changing the code never reuses a stale entry; entries of other
fingerprints are removed by `prune`. Entries are written to a temporary
name and renamed: a build killed half way leaves whole entries or none. They
are not fsync'ed (thousands of fsyncs were a tenth of a build): an entry
damaged by a power cut reads as a miss (JSON that does not parse, a text
whose length differs from the one its pickle recorded).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CACHE_DIR_NAME = ".igfkg-cache"


@dataclass
class RecordSnapshot:
    """The last build's inputs: each file's size, mtime and SHA-256, and the
    record (with the reader's notes) of each SHA-256."""

    saved_at: float = 0.0
    files: dict[str, tuple[int, int, str]] = field(default_factory=dict)
    records: dict[str, tuple[Any, list[str]]] = field(default_factory=dict)
    changed: bool = False  # since it was loaded (so it needs saving)
    loaded: dict[str, frozenset[str]] = field(default_factory=dict)  # bucket -> the digests read from it


_BUCKETS = "0123456789abcdef"  # records are kept in 16 files by the first hex digit of their digest
_PACKAGE = Path(__file__).resolve().parent
# The code a cached record / block depends on (changing any of it invalidates the entries).
RECORD_CODE = ("parse", "model.py", "names.py", "sources.py")
BLOCK_CODE = ("mapping.py", "vocab.py", "model.py", "resolve.py", "blocks.py", "validate.py", "validate_blocks.py",
              "incremental.py", "cache.py", "summaries.py", "pieces.py", "corpus_graphs.py")


def code_fingerprint(parts: Iterable[str], extra: str = "") -> str:
    """SHA-256 (16 hex digits) over the source files of igfkg `parts` (modules or folders).

    >>> len(code_fingerprint(RECORD_CODE))
    16
    """
    digest = hashlib.sha256(extra.encode())
    for part in parts:
        path = _PACKAGE / part
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in (".py", ".ttl", ".rq")) \
            if path.is_dir() else [path]
        for file in files:
            digest.update(str(file.relative_to(_PACKAGE)).encode())
            digest.update(file.read_bytes())
    return digest.hexdigest()[:16]


def _write(path: str, data: bytes) -> None:
    """Write-then-rename (a reader never sees half a file), without fsync: a cache
    entry lost in a power cut is only a miss, and fsync per entry is the
    slowest part of writing thousands of them."""
    temp = f"{path}.{os.getpid()}.tmp"
    with open(temp, "wb") as handle:
        handle.write(data)
    os.replace(temp, path)


def default_cache_dir(out_dir: str | Path) -> Path:
    """`.igfkg-cache` next to the output folder (`out/` -> `./.igfkg-cache`)."""
    return Path(out_dir).resolve().parent / CACHE_DIR_NAME


class BuildCache:
    """Records and blocks on disk, each kind under the fingerprint of its code."""

    def __init__(self, root: str | Path, *, shapes_text: str = "") -> None:
        self.root = Path(root)
        self.records_dir = self.root / "records" / code_fingerprint(RECORD_CODE)
        self.blocks_dir = self.root / "blocks" / code_fingerprint(BLOCK_CODE, shapes_text)
        self._blocks = str(self.blocks_dir)

    # -- parsed records (JSON)
    def get_record(self, raw_sha256: str) -> dict[str, Any] | None:
        """The cached parse of a page with these bytes: {"record": ..., "notes": [...]} or
        {"rejected": reason, "line": n}; None when not cached (or unreadable)."""
        try:
            return json.loads(self._record_path(raw_sha256).read_bytes())
        except (OSError, ValueError):
            return None

    def put_record(self, raw_sha256: str, entry: dict[str, Any]) -> None:
        path = self._record_path(raw_sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        _write(str(path), json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))

    def _record_path(self, raw_sha256: str) -> Path:
        return self.records_dir / raw_sha256[:2] / f"{raw_sha256}.json"

    # -- the records of the last build, in a few files (loading a few files beats loading thousands)
    def load_snapshot(self) -> RecordSnapshot:
        """The last build's file index and records (empty when there is none)."""
        snapshot = RecordSnapshot()
        try:
            with open(self.records_dir / "snapshot-index.pickle", "rb") as handle:
                snapshot.saved_at, snapshot.files = pickle.load(handle)
            for bucket in _BUCKETS:
                try:
                    with open(self.records_dir / f"snapshot-{bucket}.pickle", "rb") as handle:
                        records = pickle.load(handle)
                except FileNotFoundError:
                    continue
                snapshot.records.update(records)
                snapshot.loaded[bucket] = frozenset(records)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
            return RecordSnapshot()
        return snapshot

    def save_snapshot(self, snapshot: RecordSnapshot) -> None:
        """Write the index, and the buckets of records whose contents changed."""
        self.records_dir.mkdir(parents=True, exist_ok=True)
        by_bucket: dict[str, dict[str, tuple[Any, list[str]]]] = {bucket: {} for bucket in _BUCKETS}
        for digest, entry in snapshot.records.items():
            by_bucket[digest[0]][digest] = entry
        for bucket, records in by_bucket.items():
            if snapshot.loaded.get(bucket) != frozenset(records) or not records:
                _write(str(self.records_dir / f"snapshot-{bucket}.pickle"),
                       pickle.dumps(records, protocol=pickle.HIGHEST_PROTOCOL))
                snapshot.loaded[bucket] = frozenset(records)
        # The index last: it names the records the buckets now hold.
        _write(str(self.records_dir / "snapshot-index.pickle"),
               pickle.dumps((snapshot.saved_at, snapshot.files), protocol=pickle.HIGHEST_PROTOCOL))

    # -- document blocks: the block (pickle, written and read by igfkg only) and its two texts
    def _block_base(self, key: str) -> str:
        # Plain strings, not Path objects: this runs for every document of every build.
        return os.path.join(self._blocks, key[:2], key)

    def has_document(self, key: str) -> bool:
        # The pickle is written last, so it stands for all three files.
        return os.path.exists(self._block_base(key) + ".pickle")

    def put_document(self, block: Any) -> None:
        """A document block: its TriG and Turtle as plain files, the rest pickled.
        A damaged text is caught on reading by its length, kept in the pickle."""
        base = self._block_base(block.key)
        os.makedirs(os.path.dirname(base), exist_ok=True)
        _write(base + ".trig", block.trig)
        _write(base + ".ttl", block.turtle)
        _write(base + ".pickle", pickle.dumps(block.light(), protocol=pickle.HIGHEST_PROTOCOL))

    def get_block(self, key: str) -> Any | None:
        """A document block without its texts (`get_text` reads them); None when not cached."""
        try:
            with open(self._block_base(key) + ".pickle", "rb") as handle:
                return pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            return None

    def get_text(self, key: str, kind: str, length: int | None = None) -> bytes | None:
        """A document block's `trig` or `ttl` text (None when missing or not `length` long)."""
        try:
            with open(f"{self._block_base(key)}.{kind}", "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        return data if length is None or len(data) == length else None

    def prune(self) -> None:
        """Remove the entries of other code versions (the cache does not grow with every upgrade)."""
        for kind, keep in (("records", self.records_dir), ("blocks", self.blocks_dir)):
            for child in (self.root / kind).glob("*"):
                if child != keep and child.is_dir():
                    shutil.rmtree(child, ignore_errors=True)
