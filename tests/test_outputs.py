"""igfkg.outputs: the build's files replace the previous ones together, or
not at all; a commit cut short is completed; stray temporary files go."""

from __future__ import annotations

import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from igfkg import outputs
from igfkg.outputs import (
    LOCK_NAME, MANIFEST_NAME, OutputError, output_set, read_manifest, recover_outputs, signals_interrupt,
    verify_outputs,
)


def write_build(out: Path, ttl: bytes, trig: bytes, **info) -> None:
    with output_set(out) as files:
        files.info = dict(info)
        files.write("igf.ttl", ttl)
        files.write("igf.trig", trig)


def contents(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.name != LOCK_NAME}


def test_both_files_and_the_manifest_are_written(tmp_path):
    write_build(tmp_path / "out", b"ttl one", b"trig one", documents=3)

    out = tmp_path / "out"
    assert (out / "igf.ttl").read_bytes() == b"ttl one" and (out / "igf.trig").read_bytes() == b"trig one"
    manifest = json.loads((out / MANIFEST_NAME).read_text())
    assert manifest["state"] == "complete" and manifest["info"] == {"documents": 3}
    assert set(manifest["files"]) == {"igf.ttl", "igf.trig"} and "temp" not in manifest["files"]["igf.ttl"]
    assert verify_outputs(out) == []
    assert sorted(p.name for p in out.iterdir()) == sorted([LOCK_NAME, MANIFEST_NAME, "igf.trig", "igf.ttl"])


@pytest.mark.parametrize("failure", [RuntimeError("serializer failed"), KeyboardInterrupt()])
def test_a_build_failing_before_the_commit_changes_nothing(tmp_path, failure):
    out = tmp_path / "out"
    write_build(out, b"old ttl", b"old trig")
    before = contents(out)

    with pytest.raises(type(failure)):
        with output_set(out) as files:
            files.write("igf.ttl", b"new ttl")
            raise failure

    assert contents(out) == before
    assert verify_outputs(out) == []


def test_a_build_killed_between_the_renames_is_completed_by_recovery(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_build(out, b"old ttl", b"old trig")
    real_replace = os.replace

    def die_after_first_output(source, target):
        real_replace(source, target)
        if str(target).endswith(("igf.ttl", "igf.trig")):
            raise SystemExit("killed")  # stands for the process dying here

    monkeypatch.setattr(outputs.os, "replace", die_after_first_output)
    with pytest.raises(SystemExit):
        write_build(out, b"new ttl", b"new trig")
    monkeypatch.setattr(outputs.os, "replace", real_replace)

    # On disk: one file new, one old; the manifest knows the commit is unfinished.
    on_disk = sorted((out / name).read_bytes()[:3] for name in ("igf.ttl", "igf.trig"))
    assert on_disk == [b"new", b"old"]
    assert any("interrupted while committing" in problem for problem in verify_outputs(out))

    assert recover_outputs(out) is True

    assert (out / "igf.ttl").read_bytes() == b"new ttl" and (out / "igf.trig").read_bytes() == b"new trig"
    assert verify_outputs(out) == [] and not read_manifest(out).committing
    assert not list(out.glob(".*.tmp"))


def test_ctrl_c_between_the_renames_finishes_the_commit_first(tmp_path, monkeypatch):
    out = tmp_path / "out"
    write_build(out, b"old ttl", b"old trig")
    real_replace = os.replace
    interrupted = []

    def interrupt_once(source, target):
        real_replace(source, target)
        if not interrupted and str(target).endswith("igf.trig"):
            interrupted.append(target)
            raise KeyboardInterrupt

    monkeypatch.setattr(outputs.os, "replace", interrupt_once)
    with pytest.raises(KeyboardInterrupt):
        write_build(out, b"new ttl", b"new trig")

    assert interrupted and verify_outputs(out) == []
    assert (out / "igf.ttl").read_bytes() == b"new ttl" and (out / "igf.trig").read_bytes() == b"new trig"


def test_stray_temporary_files_of_a_killed_build_are_swept_by_the_next(tmp_path):
    out = tmp_path / "out"
    write_build(out, b"ttl", b"trig")
    (out / ".igf.ttl.0123456789abcdef.tmp").write_bytes(b"half a file")  # a build killed mid-write
    (out / f".{MANIFEST_NAME}.0123456789ab.tmp").write_bytes(b"{")
    other = out / ".report.md.0123456789ab.tmp"  # another command's atomic write, not the build's
    other.write_bytes(b"someone else's")

    write_build(out, b"ttl 2", b"trig 2")

    assert sorted(p.name for p in out.glob(".*.tmp")) == [other.name]
    assert verify_outputs(out) == []


def test_recovery_of_a_complete_build_does_nothing(tmp_path):
    out = tmp_path / "out"
    write_build(out, b"ttl", b"trig")
    os.unlink(out / LOCK_NAME)

    assert recover_outputs(out) is False
    assert recover_outputs(tmp_path / "no-build-here") is False
    assert not (out / LOCK_NAME).exists()  # no lock taken: read-only folders work too


def test_verify_names_a_file_that_is_not_the_one_the_build_wrote(tmp_path):
    out = tmp_path / "out"
    write_build(out, b"ttl", b"trig")
    (out / "igf.trig").write_bytes(b"edited by hand")
    (out / "igf.ttl").unlink()

    problems = verify_outputs(out)

    assert any("igf.trig: not the file build" in p for p in problems)
    assert any("igf.ttl: missing" in p for p in problems)
    assert verify_outputs(tmp_path) == [f"{tmp_path / MANIFEST_NAME}: no build manifest"]


def test_a_damaged_manifest_is_reported(tmp_path):
    (tmp_path / MANIFEST_NAME).write_text("{not json")
    with pytest.raises(OutputError, match="unreadable build manifest"):
        read_manifest(tmp_path)


def test_two_builds_commit_one_after_the_other(tmp_path):
    out = tmp_path / "out"
    first_inside, second_started = threading.Event(), threading.Event()
    first_done = []
    second_saw_first_done = []

    def first():
        with output_set(out) as files:
            files.write("igf.ttl", b"first")
            first_inside.set()
            second_started.wait(5)
            time.sleep(0.2)  # room for the second build to (wrongly) get in
            first_done.append(True)

    def second():
        first_inside.wait(5)
        second_started.set()
        with output_set(out) as files:
            second_saw_first_done.append(bool(first_done))
            files.write("igf.ttl", b"second")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert second_saw_first_done == [True]
    assert (out / "igf.ttl").read_bytes() == b"second" and verify_outputs(out) == []


def test_bad_output_names_are_refused(tmp_path):
    with pytest.raises(ValueError):
        with output_set(tmp_path) as files:
            files.write("../escape", b"x")
    assert not list(tmp_path.glob(".*.tmp"))


def test_sigterm_inside_signals_interrupt_raises_keyboard_interrupt():
    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(KeyboardInterrupt, match="SIGTERM"):
        with signals_interrupt():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(5)  # the handler interrupts this
    assert signal.getsignal(signal.SIGTERM) == before
