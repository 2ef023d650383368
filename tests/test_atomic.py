"""Atomic writes: an interrupted write (exception, Ctrl-C, SIGKILL) leaves the
previous output byte-identical."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from igfkg.atomic import atomic_write_bytes, atomic_write_text, atomic_writer

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED_PATHS = sorted((REPO_ROOT / "data" / "seeds").glob("*.txt"))


def temp_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".tmp"))


@pytest.fixture
def old_output(tmp_path: Path) -> Path:
    """An existing output file holding a real seed page."""
    path = tmp_path / "igf.ttl"
    path.write_bytes(SEED_PATHS[0].read_bytes())
    return path


def test_text_write_replaces_the_file_and_leaves_no_temp_file(old_output):
    new_text = SEED_PATHS[1].read_text(encoding="utf-8")

    atomic_write_text(old_output, new_text)

    assert old_output.read_text(encoding="utf-8") == new_text
    assert old_output.read_bytes() == new_text.encode("utf-8")
    assert temp_files(old_output.parent) == []


def test_bytes_write_creates_a_new_file(tmp_path):
    data = SEED_PATHS[2].read_bytes()
    path = tmp_path / "new.nt"

    atomic_write_bytes(path, data)

    assert path.read_bytes() == data
    assert os.listdir(tmp_path) == ["new.nt"]


def test_text_write_with_other_encoding_and_newline(tmp_path):
    path = tmp_path / "report.csv"

    atomic_write_text(path, "Fundação\nGetulio\n", encoding="cp1252", newline="\r\n")

    assert path.read_bytes() == "Fundação\r\nGetulio\r\n".encode("cp1252")


def test_exception_inside_the_writer_keeps_the_old_file_byte_identical(old_output):
    before = old_output.read_bytes()

    with pytest.raises(RuntimeError, match="serializer failed"):
        with atomic_writer(old_output) as handle:
            handle.write(SEED_PATHS[1].read_text(encoding="utf-8"))
            handle.flush()
            raise RuntimeError("serializer failed")

    assert old_output.read_bytes() == before
    assert os.listdir(old_output.parent) == ["igf.ttl"]


def test_keyboard_interrupt_inside_the_writer_keeps_the_old_file(old_output):
    before = old_output.read_bytes()

    with pytest.raises(KeyboardInterrupt):
        with atomic_writer(old_output, "wb") as handle:
            handle.write(b"half a graph")
            raise KeyboardInterrupt

    assert old_output.read_bytes() == before
    assert os.listdir(old_output.parent) == ["igf.ttl"]


def test_failed_first_write_creates_nothing(tmp_path):
    path = tmp_path / "igf.trig"

    with pytest.raises(ValueError):
        with atomic_writer(path) as handle:
            handle.write("partial")
            raise ValueError("bad record")

    assert os.listdir(tmp_path) == []


def test_data_goes_to_a_temp_file_until_the_writer_closes(old_output):
    before = old_output.read_bytes()

    with atomic_writer(old_output, "wb") as handle:
        handle.write(b"new content")
        handle.flush()
        assert old_output.read_bytes() == before
        [temp] = temp_files(old_output.parent)
        assert (old_output.parent / temp).read_bytes() == b"new content"

    assert old_output.read_bytes() == b"new content"
    assert temp_files(old_output.parent) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_existing_file_keeps_its_permissions(old_output):
    old_output.chmod(0o640)

    atomic_write_text(old_output, "new")

    assert stat.S_IMODE(old_output.stat().st_mode) == 0o640


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permission bits")
def test_new_file_gets_the_same_mode_as_a_plainly_created_file(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("x")

    atomic_write_text(tmp_path / "atomic.txt", "x")

    # Not the 0600 a mkstemp-based writer would leave.
    assert stat.S_IMODE((tmp_path / "atomic.txt").stat().st_mode) == stat.S_IMODE(plain.stat().st_mode)


@pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")
def test_writing_through_a_symlink_replaces_the_target_and_keeps_the_link(old_output):
    link = old_output.parent / "latest.ttl"
    link.symlink_to(old_output.name)

    atomic_write_text(link, "replaced")

    assert link.is_symlink()
    assert old_output.read_text() == "replaced"


def test_missing_directory_fails_without_creating_anything(tmp_path):
    with pytest.raises(FileNotFoundError):
        atomic_write_text(tmp_path / "no-such-dir" / "igf.ttl", "x")

    assert os.listdir(tmp_path) == []


def test_only_write_modes_are_accepted(old_output):
    for mode in ("a", "r", "w+", "ab"):
        with pytest.raises(ValueError, match="mode"):
            with atomic_writer(old_output, mode):
                pass
    assert old_output.read_bytes() == SEED_PATHS[0].read_bytes()


# A writer that announces it is mid-write, then keeps writing until killed.
SLOW_WRITER = textwrap.dedent("""
    import sys, time
    from igfkg.atomic import atomic_writer

    with atomic_writer(sys.argv[1], "wb") as handle:
        handle.write(b"NEW PARTIAL GRAPH\\n" * 1000)
        handle.flush()
        print("mid-write", flush=True)
        while True:
            handle.write(b"<s> <p> <o> .\\n")
            handle.flush()
            time.sleep(0.01)
""")


def start_slow_writer(tmp_path: Path, target: Path) -> subprocess.Popen[bytes]:
    script = tmp_path / "slow_writer.py"
    script.write_text(SLOW_WRITER, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]))
    # SIGINT as a terminal gives it, even when the tests run as a background job (SIGINT ignored, inherited).
    process = subprocess.Popen([sys.executable, str(script), str(target)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    line = process.stdout.readline()
    if line != b"mid-write\n":
        process.kill()
        process.wait()
        pytest.fail(f"writer did not start: {line!r} {process.stderr.read()!r}")
    return process


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_process_killed_mid_write_leaves_the_old_file_intact(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    target = out / "igf.ttl"
    target.write_bytes(SEED_PATHS[3].read_bytes())
    before = target.read_bytes()

    process = start_slow_writer(tmp_path, target)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    process.stdout.close()
    process.stderr.close()

    assert process.returncode == -signal.SIGKILL
    assert target.read_bytes() == before
    # The half-written data went to a temp file beside the target, which a
    # SIGKILL gives no chance to remove; the next write is not disturbed by it.
    [temp] = temp_files(out)
    assert (out / temp).read_bytes().startswith(b"NEW PARTIAL GRAPH\n")
    atomic_write_text(target, "rebuilt")
    assert target.read_text() == "rebuilt"


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT delivery differs on Windows")
def test_ctrl_c_mid_write_keeps_the_old_file_and_cleans_up(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    target = out / "igf.ttl"
    target.write_bytes(SEED_PATHS[4].read_bytes())
    before = target.read_bytes()

    process = start_slow_writer(tmp_path, target)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)

    assert process.returncode != 0
    assert b"KeyboardInterrupt" in stderr
    assert target.read_bytes() == before
    assert sorted(os.listdir(out)) == ["igf.ttl"]
