"""files.py's write semantics: atomic files with the umask's mode, output sets committed whole, no temporary
files left, output-path checks that create nothing, strict JSON, the folder lock."""

from __future__ import annotations

import json
import math
import os
import signal
import stat
import subprocess
import sys

import pytest

from rashba_diffusion import files
from rashba_diffusion.errors import NonFiniteResult, ParameterError, SweepStateError
from rashba_diffusion.files import (
    MANIFEST_NAME,
    TMP_PREFIX,
    FolderLock,
    OutputSet,
    atomic_write_text,
    atomic_write_with,
    check_output_dir,
    check_output_file,
    finite_summary,
    remove_stale_temporaries,
    strict_json,
    summary_json,
)


@pytest.fixture
def umask():
    """Set the umask for a test, and restore it."""
    old = os.umask(0o022)
    os.umask(old)
    yield lambda m: os.umask(m)
    os.umask(old)


def mode(p) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


def names(d) -> set[str]:
    return {p.name for p in d.iterdir()}


@pytest.mark.parametrize("mask, expected", [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_get_0666_minus_the_umask(mask, expected, umask, tmp_path):
    umask(mask)
    atomic_write_text(tmp_path / "a.txt", "x")
    atomic_write_with(tmp_path / "b.txt", lambda p: open(p, "w").write("y"))  # a writer's own mode is replaced
    with OutputSet(tmp_path / "set") as out:
        out.write_text("c.txt", "z")
        out.write_with("d.txt", lambda p: (open(p, "w").write("w"), os.chmod(p, 0o600)))
        out.commit()
    for p in (tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "set" / "c.txt", tmp_path / "set" / "d.txt"):
        assert mode(p) == expected, (p, oct(mode(p)))


def test_a_failed_writer_leaves_the_old_file_and_no_temporary(tmp_path):
    atomic_write_text(tmp_path / "a.txt", "old")

    def broken(path):
        open(path, "w").write("half")
        raise OSError("disk gone")

    with pytest.raises(OSError):
        atomic_write_with(tmp_path / "a.txt", broken)
    assert (tmp_path / "a.txt").read_text() == "old" and names(tmp_path) == {"a.txt"}


def test_a_set_replaces_the_previous_set_and_nothing_else(tmp_path):
    d = tmp_path / "out"
    with OutputSet(d) as out:
        for n in ("summary.json", "profile.csv", "profile.png"):
            out.write_text(n, "old " + n)
        out.commit()
    (d / "notes.txt").write_text("the user's")
    with OutputSet(d) as out:  # a run that writes fewer files (the film on a mesh: no profile)
        out.write_text("summary.json", "new")
        out.path("spin.bp").mkdir()
        (out.path("spin.bp") / "data.0").write_text("field")
        out.commit()
    assert names(d) == {"summary.json", "spin.bp", "notes.txt", MANIFEST_NAME}
    assert (d / "summary.json").read_text() == "new" and (d / "notes.txt").read_text() == "the user's"
    assert json.loads((d / MANIFEST_NAME).read_text()) == {"files": ["spin.bp", "summary.json"]}
    with OutputSet(d) as out:  # a folder replaces a folder
        out.write_text("summary.json", "newer")
        out.path("spin.bp").mkdir()
        (out.path("spin.bp") / "data.1").write_text("field 2")
        out.commit()
    assert names(d / "spin.bp") == {"data.1"} and not any(n.startswith(TMP_PREFIX) for n in names(d))


def test_an_abandoned_set_leaves_the_old_set_and_removes_the_folders_it_made(tmp_path):
    d = tmp_path / "out"
    with OutputSet(d) as out:
        out.write_text("summary.json", "old")
        out.commit()
    with pytest.raises(KeyboardInterrupt), OutputSet(d) as out:
        out.write_text("summary.json", "new")
        out.path("spin.bp").mkdir()
        raise KeyboardInterrupt
    assert names(d) == {"summary.json", MANIFEST_NAME} and (d / "summary.json").read_text() == "old"
    fresh = tmp_path / "a" / "b"
    with pytest.raises(RuntimeError), OutputSet(fresh) as out:
        out.write_text("summary.json", "x")
        raise RuntimeError
    assert not (tmp_path / "a").exists()


def test_an_interrupt_during_the_commit_waits_until_the_set_is_whole(tmp_path, monkeypatch):
    """SIGINT arrives after the first file moved: every file still moves, then KeyboardInterrupt."""
    d = tmp_path / "out"
    with OutputSet(d) as out:
        for n in ("a", "b", "c"):
            out.write_text(n, "old")
        out.commit()
    real_replace, calls = os.replace, []

    def replace_then_interrupt(src, dst):
        real_replace(src, dst)
        calls.append(dst)
        if len(calls) == 1:
            signal.raise_signal(signal.SIGINT)

    monkeypatch.setattr(files.os, "replace", replace_then_interrupt)
    with pytest.raises(KeyboardInterrupt), OutputSet(d) as out:
        for n in ("a", "b", "c"):
            out.write_text(n, "new")
        out.commit()
    assert {n: (d / n).read_text() for n in "abc"} == {"a": "new", "b": "new", "c": "new"}
    assert not any(n.startswith(TMP_PREFIX) for n in names(d))


def test_temporaries_of_a_killed_process_are_removed_by_the_next_set(tmp_path):
    """A process killed with SIGKILL cannot clean up; the next set in the folder removes its temporaries."""
    script = ("import os, signal, sys\nfrom rashba_diffusion.files import OutputSet\n"
              "out = OutputSet(sys.argv[1])\nout.write_text('summary.json', 'x')\nout.path('spin.bp').mkdir()\n"
              "os.kill(os.getpid(), signal.SIGKILL)\n")
    p = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True)
    assert p.returncode == -signal.SIGKILL
    left = [n for n in names(tmp_path) if n.startswith(TMP_PREFIX)]
    assert len(left) == 2
    mine = tmp_path / f"{TMP_PREFIX}{files.new_token()}.keep"  # a live process's (this one's) are kept
    mine.write_text("in use")
    assert sorted(remove_stale_temporaries(tmp_path)) == sorted(left)
    assert names(tmp_path) == {mine.name}


def test_output_checks_create_nothing(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ParameterError, match="existing file"):
        check_output_dir(tmp_path / "afile")
    with pytest.raises(ParameterError, match="is a file, not a folder"):
        check_output_dir(tmp_path / "afile" / "sub")
    with pytest.raises(ParameterError, match="a folder path"):
        check_output_dir("")
    with pytest.raises(ParameterError, match="not writable"):
        check_output_dir("/proc/rashba/x")
    with pytest.raises(ParameterError, match="ending in .msh"):
        check_output_file(tmp_path / "m.vtu", "-o", (".msh",))
    with pytest.raises(ParameterError, match="is a folder"):
        check_output_file(tmp_path, "-o")
    assert check_output_dir(tmp_path / "new" / "deeper") == tmp_path / "new" / "deeper"
    assert check_output_file(tmp_path / "new" / "m.msh", "-o", (".msh",)) == tmp_path / "new" / "m.msh"
    assert names(tmp_path) == {"afile"}


def test_strict_json():
    with pytest.raises(NonFiniteResult, match=r"a\.b\[1\] = inf"):
        strict_json({"a": {"b": [1.0, math.inf]}})
    assert strict_json({"x": math.nan, "y": [math.inf]}, null_non_finite=True) == '{"x": null, "y": [null]}'
    assert json.loads(strict_json({"b": 1, "a": 2.5})) == {"a": 2.5, "b": 1}


def test_undefined_torques_are_null_but_other_non_finite_results_fail():
    clean = finite_summary({"T_perp_J_per_m2": math.nan, "xi_DL": math.nan, "B_FL_T": math.nan, "dofs": 4})
    assert clean == {"T_perp_J_per_m2": None, "xi_DL": None, "B_FL_T": None, "dofs": 4}
    for bad in ({"T_perp_J_per_m2": math.inf}, {"s_bulk_hbar_per_m2": [0.0, math.nan, 1.0]},
                {"width_check_nm": math.nan}):
        with pytest.raises(NonFiniteResult, match="non-finite result"):
            summary_json(bad)


def test_the_lock_is_exclusive_and_names_its_holder(tmp_path):
    first = FolderLock(tmp_path / "o", "sweep").acquire(["rashba-diffusion", "sweep", "a.toml"])
    with pytest.raises(SweepStateError, match=rf"in use by pid {os.getpid()} on .* \(rashba-diffusion sweep a.toml\)"):
        FolderLock(tmp_path / "o", "sweep").acquire()  # a second open file description: refused
    first.release()
    assert names(tmp_path) == set()  # the lock file and the folder it made are gone
    second = FolderLock(tmp_path / "o").acquire()
    assert second.stale is None
    second.release()


def test_a_dead_holder_is_reported_and_its_lock_taken(tmp_path):
    (tmp_path / "o").mkdir()
    (tmp_path / "o" / FolderLock.NAME).write_text(json.dumps({"pid": 999999, "host": "elsewhere"}))
    lock = FolderLock(tmp_path / "o").acquire()
    assert lock.stale == {"pid": 999999, "host": "elsewhere"}
    lock.release()


def test_a_lock_in_a_new_folder_removes_the_folder_again(tmp_path):
    lock = FolderLock(tmp_path / "a" / "b").acquire()
    lock.release()
    assert names(tmp_path) == set()
