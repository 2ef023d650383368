"""The build's output files as one unit: `out/igf.ttl` and `out/igf.trig`
are always from the same build, or both still from the previous one.

Each file is written in full to a temporary file beside its target (see
igfkg.atomic for why). Then a manifest, `igf.manifest.json`, is written
atomically naming every new file, its SHA-256 and its temporary file: that
write is the commit point. Only then are the temporary files renamed over
the targets, and the manifest rewritten without the temporary names.

- Interrupted before the commit point (Ctrl-C, kill, a crash): the old
  files and the old manifest are untouched; temporary files are removed
  (or, after SIGKILL, swept away by the next build).
- Interrupted after it, between the renames: the manifest says which
  renames are still due, and `recover_outputs` (run by every build and by
  the commands that read `out/`) completes them.

A lock file (`.igf.lock`, flock) keeps two builds from committing into the
same folder at once; it is released by the kernel when a process dies.

    >>> with output_set("out") as outputs:              # doctest: +SKIP
    ...     outputs.write("igf.ttl", turtle_bytes)
    ...     outputs.write("igf.trig", trig_bytes)
    >>> verify_outputs("out")                           # doctest: +SKIP
    []
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import signal
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO

from igfkg.atomic import TEMP_SUFFIX, atomic_write_text, fsync_directory, remove_quietly

MANIFEST_NAME = "igf.manifest.json"
LOCK_NAME = ".igf.lock"
MANIFEST_VERSION = 1
# `.igf.ttl.<16 hex digits of the build id>.tmp`
_BUILD_TEMP = re.compile(rf"\..+\.[0-9a-f]{{16}}{re.escape(TEMP_SUFFIX)}")


class OutputError(Exception):
    """The output folder cannot be written, or holds an inconsistent build."""


@dataclass
class OutputFile:
    """One file of a committed build."""

    sha256: str
    bytes: int
    # The temporary file still to be renamed over the target, while committing.
    temp: str | None = None


@dataclass
class Manifest:
    """What `igf.manifest.json` records about the last committed build."""

    build_id: str
    created: str
    files: dict[str, OutputFile] = field(default_factory=dict)
    info: dict[str, object] = field(default_factory=dict)
    committing: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "version": MANIFEST_VERSION, "build_id": self.build_id, "created": self.created,
            "state": "committing" if self.committing else "complete",
            "files": {name: {k: v for k, v in vars(f).items() if v is not None} for name, f in sorted(self.files.items())},
            "info": self.info,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Manifest":
        files = {name: OutputFile(f["sha256"], f["bytes"], f.get("temp")) for name, f in data["files"].items()}
        return cls(data["build_id"], data["created"], files, data.get("info", {}), data.get("state") == "committing")


def read_manifest(out_dir: str | os.PathLike[str]) -> Manifest | None:
    """The manifest of the build in `out_dir`, or None when there is none."""
    path = Path(out_dir) / MANIFEST_NAME
    try:
        return Manifest.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise OutputError(f"{path}: unreadable build manifest: {error}") from None


class OutputSet:
    """The files of one build, written to temporary files until `commit`."""

    def __init__(self, out_dir: Path, build_id: str) -> None:
        self.out_dir = out_dir
        self.build_id = build_id
        self.pending: dict[str, tuple[Path, OutputFile]] = {}
        self.info: dict[str, object] = {}
        self.committed = False

    def write(self, name: str, data: bytes | Iterable[bytes]) -> Path:
        """Write `data` as the new `name` (in a temporary file until commit).
        `data` may be chunks of bytes, written as they come (a large graph
        need not be held in memory whole)."""
        if name in self.pending or "/" in name or name.startswith("."):
            raise ValueError(f"bad or repeated output name: {name!r}")
        temp = self.out_dir / f".{name}.{self.build_id}{TEMP_SUFFIX}"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        try:
            with os.fdopen(fd, "wb") as handle:
                digest, size = _write_hashed(handle, [data] if isinstance(data, (bytes, bytearray, memoryview))
                                             else data)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            remove_quietly(temp)
            raise
        self.pending[name] = (temp, OutputFile(digest, size, temp.name))
        return self.out_dir / name

    def commit(self) -> Manifest:
        """Make every written file current, all together."""
        manifest = Manifest(self.build_id, datetime.now(timezone.utc).isoformat(timespec="seconds"),
                            {name: entry for name, (_, entry) in self.pending.items()}, dict(self.info),
                            committing=True)
        _write_manifest(self.out_dir, manifest)  # the commit point: from here on the new build wins
        self.committed = True
        try:
            _finish_commit(self.out_dir, manifest)
        except KeyboardInterrupt:
            _finish_commit(self.out_dir, manifest)  # Ctrl-C between two renames: finish them first
            raise
        self.pending.clear()
        return manifest

    def discard(self) -> None:
        """Remove the temporary files of an uncommitted build."""
        if not self.committed:
            for temp, _ in self.pending.values():
                remove_quietly(temp)
        self.pending.clear()


def _write_hashed(handle: BinaryIO, chunks: Iterable[bytes | memoryview]) -> tuple[str, int]:
    """Write the chunks; their SHA-256 and size. The hashing runs in a second
    thread, a few MB behind the writing (both let go of the interpreter lock:
    on two cores the 280 MB of a 10,000-page build are hashed while written)."""
    digest, size = hashlib.sha256(), 0
    batch: list[bytes | memoryview] = []
    batched = 0
    with ThreadPoolExecutor(max_workers=1) as hasher:
        hashing = None
        for chunk in chunks:
            handle.write(chunk)
            size += len(chunk)
            batch.append(chunk)
            batched += len(chunk)
            if batched >= _HASH_BATCH:
                if hashing is not None:
                    hashing.result()
                hashing = hasher.submit(_hash_all, digest, batch)
                batch, batched = [], 0
        if hashing is not None:
            hashing.result()
    _hash_all(digest, batch)
    return digest.hexdigest(), size


_HASH_BATCH = 1 << 22


def _hash_all(digest, chunks: list[bytes | memoryview]) -> None:
    for chunk in chunks:
        digest.update(chunk)


@contextmanager
def output_set(out_dir: str | os.PathLike[str]) -> Iterator[OutputSet]:
    """Write a build's files; on leaving the block without an exception they
    replace the previous build's files together. On any exception
    (KeyboardInterrupt included) nothing changes in `out_dir`."""
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"{out}: cannot create the output folder: {error.strerror or error}") from None
    with _folder_lock(out):
        _recover_locked(out)
        _sweep_stray_temps(out)
        outputs = OutputSet(out, secrets.token_hex(8))
        try:
            yield outputs
            outputs.commit()
        finally:
            outputs.discard()


def recover_outputs(out_dir: str | os.PathLike[str]) -> bool:
    """Complete a commit that was cut short (the process killed between the
    manifest and the renames). True when something was completed. Safe to
    call any time; waits while a build is committing."""
    out = Path(out_dir)
    manifest = read_manifest(out)
    if manifest is None or not manifest.committing:
        return False  # the common case: nothing to do, no lock taken
    with _folder_lock(out):
        return _recover_locked(out)


def verify_outputs(out_dir: str | os.PathLike[str]) -> list[str]:
    """Problems with the build in `out_dir` (empty when every file the
    manifest names is there with the recorded size and SHA-256)."""
    out = Path(out_dir)
    manifest = read_manifest(out)
    if manifest is None:
        return [f"{out / MANIFEST_NAME}: no build manifest"]
    problems = []
    if manifest.committing:
        problems.append(f"{out}: build {manifest.build_id} was interrupted while committing")
    for name, entry in sorted(manifest.files.items()):
        path = out / name
        try:
            digest = _sha256_file(path)
        except FileNotFoundError:
            problems.append(f"{path}: missing (build {manifest.build_id})")
            continue
        if digest != entry.sha256:
            problems.append(f"{path}: not the file build {manifest.build_id} wrote (SHA-256 differs)")
    return problems


@contextmanager
def signals_interrupt() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise KeyboardInterrupt like
    Ctrl-C does, so `finally` blocks run and temporary files are removed.
    (Only possible in the main thread; elsewhere a no-op.)"""

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"received {signal.Signals(signum).name}")

    previous = {}
    try:
        for name in ("SIGTERM", "SIGHUP"):
            if hasattr(signal, name):
                number = getattr(signal, name)
                previous[number] = signal.signal(number, interrupt)
    except ValueError:
        pass  # not the main thread
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


# ------------------------------------------------------------------ helpers

def _write_manifest(out: Path, manifest: Manifest) -> None:
    atomic_write_text(out / MANIFEST_NAME, json.dumps(manifest.to_json(), indent=2) + "\n")


def _finish_commit(out: Path, manifest: Manifest) -> None:
    """Rename the committed temporary files over their targets, then record
    the build as complete."""
    for name, entry in sorted(manifest.files.items()):
        if entry.temp is None:
            continue
        temp = out / entry.temp
        if temp.exists():
            os.replace(temp, out / name)
        elif not (out / name).exists():
            raise OutputError(f"{out / name}: lost during an interrupted build; run `igfkg build` again")
        entry.temp = None
    fsync_directory(out)
    manifest.committing = False
    _write_manifest(out, manifest)


def _recover_locked(out: Path) -> bool:
    manifest = read_manifest(out)
    if manifest is None or not manifest.committing:
        return False
    _finish_commit(out, manifest)
    return True


def _sweep_stray_temps(out: Path) -> None:
    """Temporary files left by a build killed before its commit point (the
    lock is held, so no build is writing them now). Other commands' atomic
    temporary files (12 hex digits, not under the lock) are left alone."""
    for path in out.glob(f".*{TEMP_SUFFIX}"):
        if _BUILD_TEMP.fullmatch(path.name) or path.name.startswith(f".{MANIFEST_NAME}."):
            remove_quietly(path)


@contextmanager
def _folder_lock(out: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # Windows: no flock; builds must not overlap there
        yield
        return
    try:
        fd = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError as error:
        raise OutputError(f"{out}: cannot write to the output folder: {error.strerror or error}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
