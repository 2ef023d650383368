"""Atomic file writes: an output file is either the old one or the complete
new one, never half written.

Data goes to a temporary file in the target's folder (same file system, so
the final rename is atomic), is fsync'ed, and then `os.replace`s the target.
On any exception, KeyboardInterrupt included, the temporary file is removed
and the target is untouched. A process killed outright (SIGKILL, power loss)
can leave a stray `.<name>.<random>.tmp` file behind, but the target is
still intact.

    >>> with atomic_writer("out/igf.ttl") as f:  # doctest: +SKIP
    ...     f.write(turtle)
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

TEMP_SUFFIX = ".tmp"


@contextmanager
def atomic_writer(path: str | os.PathLike[str], mode: str = "w", *, encoding: str = "utf-8",
                  newline: str | None = None, durable: bool = True) -> Iterator[IO[Any]]:
    """Open a temporary file for writing; on success it replaces `path`.

    `mode` is "w" (text, with `encoding` and `newline` as for open()) or "wb".
    An existing target keeps its permission bits; a new one gets the usual
    mode for new files (0666 minus the umask). If `path` is a symlink, the
    file it points to is replaced and the link kept. `durable`: the file is on
    disk (fsync'ed) before it replaces the target; without, a crash of the
    machine (not of the process) may leave the old file or an empty one, for
    files that are only a cache.

        >>> with atomic_writer("out/stats.json") as f:  # doctest: +SKIP
        ...     json.dump(stats, f)
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_writer mode must be 'w' or 'wb', not {mode!r}")
    target = os.path.realpath(path) if os.path.islink(path) else os.fspath(path)
    directory = os.path.dirname(os.path.abspath(target))
    temp_path, fd = _create_temp_file(directory, os.path.basename(target))
    try:
        try:
            _copy_permissions(target, fd)
            if mode == "wb":
                handle: IO[Any] = os.fdopen(fd, "wb")
            else:
                handle = os.fdopen(fd, "w", encoding=encoding, newline=newline)
        except BaseException:
            os.close(fd)
            raise
        with handle:
            yield handle
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        os.replace(temp_path, target)
    except BaseException:
        remove_quietly(temp_path)
        raise
    if durable:
        fsync_directory(directory)


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write `data` to `path` atomically.

        >>> atomic_write_bytes("out/igf.nt", graph_bytes)  # doctest: +SKIP
    """
    with atomic_writer(path, "wb") as handle:
        handle.write(data)


def atomic_write_text(path: str | os.PathLike[str], text: str, *, encoding: str = "utf-8",
                      newline: str | None = None) -> None:
    """Write `text` to `path` atomically (UTF-8 unless told otherwise).

        >>> atomic_write_text("out/report.md", report)  # doctest: +SKIP
    """
    with atomic_writer(path, "w", encoding=encoding, newline=newline) as handle:
        handle.write(text)


def _create_temp_file(directory: str, name: str) -> tuple[str, int]:
    """A new, exclusively created file beside the target. Created with 0666 so
    the process umask applies, as for any new file (mkstemp would force 0600)."""
    while True:
        temp_path = os.path.join(directory, f".{name}.{secrets.token_hex(6)}{TEMP_SUFFIX}")
        try:
            return temp_path, os.open(temp_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue


def _copy_permissions(target: str, fd: int) -> None:
    try:
        mode = os.stat(target).st_mode & 0o7777
    except FileNotFoundError:
        return
    try:
        os.fchmod(fd, mode)
    except (AttributeError, OSError):
        pass  # no fchmod (Windows) or not allowed: keep the default mode


def remove_quietly(path: str | os.PathLike[str]) -> None:
    """Remove a file if it is there; a temporary file may already be gone."""
    try:
        os.unlink(path)
    except OSError:
        pass


def fsync_directory(directory: str | os.PathLike[str]) -> None:
    """Make the rename itself durable. Not possible on every platform."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
