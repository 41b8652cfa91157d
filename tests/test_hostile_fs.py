"""The file system as CI finds it: symlink loops, dangling links, FIFOs and devices, unreadable
files and folders, files that change or vanish mid-scan, very deep and very wide trees."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sondier import pipeline
from sondier.config import Config
from sondier.sources import files
from tests.conftest import run_sondier, sondier_command

EMAIL = "jeanne.martin@orange.fr"
LINE = f"mail {EMAIL}\n"


def scan(root: Path, **overrides: object) -> pipeline.ScanResult:
    config = Config(root=root, enable=("email",), jobs=1).with_overrides(**overrides)
    return pipeline.scan_paths([root], config)


def json_scan(args: list[str], cwd: Path, timeout: float = 60) -> tuple[int, dict, str]:
    proc = run_sondier(["scan", *args, "--format", "json", "--rule", "email", "--no-group-repeats"], cwd=cwd,
                       timeout=timeout)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc.returncode, json.loads(proc.stdout) if proc.stdout.strip() else {}, proc.stderr


# --- links, FIFOs, devices ----------------------------------------------------------------


def test_symlink_loops_terminate_and_find_each_value_once(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "data.txt").write_text(LINE)
    (tmp_path / "a" / "b" / "up").symlink_to("../..")  # loop back to the root
    (tmp_path / "a" / "self").symlink_to("self")  # a link to itself
    (tmp_path / "x").symlink_to("y")
    (tmp_path / "y").symlink_to("x")  # two links pointing at each other
    for follow in ([], ["--follow-symlinks"]):
        code, report, _ = json_scan([".", *follow], tmp_path)
        assert code == 1
        assert [f["path"] for f in report["findings"]] == ["a/b/data.txt"]
        assert report["scan"]["complete"] is True


def test_dangling_symlink_is_skipped_not_an_error(tmp_path: Path) -> None:
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "ok.txt").write_text(LINE)
    code, report, _ = json_scan([".", "--follow-symlinks"], tmp_path)
    assert code == 1
    assert report["scan"]["complete"] is True


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifos_and_devices_are_never_opened(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "zero").symlink_to("/dev/zero")
    (tmp_path / "pipe-link").symlink_to("pipe")
    (tmp_path / "ok.txt").write_text(LINE)
    # A FIFO nobody writes to blocks open() forever; /dev/zero never ends: both must be skipped,
    # walked into, named explicitly or reached through a followed link.
    for args in (["."], [".", "--follow-symlinks"], ["pipe", "ok.txt"], ["zero", "ok.txt"], ["/dev/null", "ok.txt"]):
        code, report, _ = json_scan(args, tmp_path, timeout=30)
        assert code == 1, args
        assert [f["path"] for f in report["findings"]] == ["ok.txt"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_file_replaced_by_a_fifo_after_the_walk_does_not_block(tmp_path: Path) -> None:
    target = tmp_path / "soon-a-fifo.txt"
    target.write_text(LINE)
    (tmp_path / "ok.txt").write_text(LINE)
    items = list(files.walk([tmp_path], tmp_path))
    target.unlink()
    os.mkfifo(target)
    outcome: dict[str, pipeline.ScanResult] = {}
    config = Config(root=tmp_path, enable=("email",), jobs=1)
    rules = pipeline.load_selected_rules(config)
    worker = threading.Thread(target=lambda: outcome.setdefault("r", pipeline.scan_files(items, rules, config)),
                              daemon=True)
    worker.start()
    worker.join(20)
    if worker.is_alive():  # unblock the thread before failing
        with open(target, "wb"):
            pass
        pytest.fail("the scan blocked on a FIFO")
    result = outcome["r"]
    assert [f.path for f in result.findings] == ["ok.txt"]
    assert any("soon-a-fifo.txt" in error for error in result.errors)  # reported, not silently clean


# --- unreadable files and folders ---------------------------------------------------------


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder another user can enter (pytest's tmp_path is private to root)."""
    path = Path(tempfile.mkdtemp(prefix="sondier-fs-"))
    path.chmod(0o777)
    try:
        yield path
    finally:
        for sub in path.rglob("*"):
            if not sub.is_symlink():
                sub.chmod(0o777)
        shutil.rmtree(path)


def _as_nobody(args: list[str], cwd: Path, cache: Path) -> subprocess.CompletedProcess[str]:
    setpriv = shutil.which("setpriv")
    if os.geteuid() != 0:
        prefix: list[str] = []  # already unprivileged: chmod 000 is enough
    elif setpriv:
        prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    else:
        pytest.skip("running as root without setpriv: cannot make a file unreadable")
    env = {**os.environ, "SONDIER_CACHE_DIR": str(cache), "HOME": str(cache)}
    if prefix and subprocess.run([*prefix, sys.executable, "-c", "pass"], env=env, capture_output=True).returncode:
        # e.g. an interpreter whose shared library sits under /root: not a sondier behaviour
        pytest.skip("this Python interpreter cannot run as an unprivileged user")
    return subprocess.run([*prefix, *sondier_command(), *args], cwd=cwd, capture_output=True, text=True,
                          env=env, timeout=120)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_unreadable_files_and_folders_are_scan_errors(shared_dir: Path, tmp_path_factory: pytest.TempPathFactory
                                                      ) -> None:
    tree = shared_dir / "tree"
    tree.mkdir()
    (tree / "ok.txt").write_text(LINE)
    (tree / "locked.txt").write_text(LINE)
    (tree / "locked.txt").chmod(0)
    (tree / "closed").mkdir()
    (tree / "closed" / "inside.txt").write_text(LINE)
    (tree / "closed").chmod(0)
    tree.chmod(0o777)
    cache = shared_dir / "cache"
    cache.mkdir(mode=0o777)
    cache.chmod(0o777)

    proc = _as_nobody(["scan", ".", "--rule", "email", "--format", "json"], tree, cache)
    assert proc.returncode == 3, proc.stderr
    report = json.loads(proc.stdout)
    assert [f["path"] for f in report["findings"]] == ["ok.txt"]  # the scan went on
    errors = " ".join(report["scan"]["errors"])
    assert "locked.txt" in errors and "closed" in errors
    assert report["scan"]["complete"] is False

    text = _as_nobody(["scan", ".", "--rule", "email"], tree, cache)
    assert text.returncode == 3
    assert "locked.txt" in text.stdout + text.stderr

    ignored = _as_nobody(["scan", ".", "--rule", "email", "--ignore-errors"], tree, cache)
    assert ignored.returncode == 1  # the finding still fails the build
    assert "locked.txt" in ignored.stdout + ignored.stderr  # and the error is still shown


def test_unreadable_file_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The same contract without privileges: open() refused for one file."""
    (tmp_path / "ok.txt").write_text(LINE)
    (tmp_path / "locked.txt").write_text(LINE)
    real_open = os.open

    def refusing_open(path: str | bytes | os.PathLike[str], flags: int, *args: int) -> int:
        if os.fspath(path).endswith("locked.txt"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, flags, *args)

    monkeypatch.setattr(files.os, "open", refusing_open)
    result = scan(tmp_path)
    assert [f.path for f in result.findings] == ["ok.txt"]
    assert result.errors and "locked.txt" in result.errors[0]
    assert not result.complete


# --- files that change during the scan -----------------------------------------------------


def test_files_vanishing_or_changing_between_walk_and_read(tmp_path: Path) -> None:
    for name in ("gone.txt", "grown.txt", "shrunk.txt", "now-a-dir.txt", "stays.txt"):
        (tmp_path / name).write_text(LINE)
    items = list(files.walk([tmp_path], tmp_path))
    (tmp_path / "gone.txt").unlink()
    (tmp_path / "grown.txt").write_text(LINE * 5000)
    (tmp_path / "shrunk.txt").write_text("")
    (tmp_path / "now-a-dir.txt").unlink()
    (tmp_path / "now-a-dir.txt").mkdir()
    config = Config(root=tmp_path, enable=("email",), jobs=1)
    result = pipeline.scan_files(items, pipeline.load_selected_rules(config), config)
    paths = [f.path for f in result.findings]
    assert paths.count("grown.txt") == 5000
    assert "stays.txt" in paths and "gone.txt" not in paths and "shrunk.txt" not in paths
    assert any("now-a-dir.txt" in error for error in result.errors)  # could not be read: reported


def test_files_appearing_and_disappearing_during_a_real_scan(tmp_path: Path) -> None:
    """A writer churns files while the real command scans: it ends, with a sane exit code."""
    for index in range(300):
        (tmp_path / f"f{index:03d}.txt").write_text(LINE * 50)
    stop = threading.Event()

    def churn() -> None:
        index = 0
        while not stop.is_set():
            victim = tmp_path / f"f{index % 300:03d}.txt"
            victim.unlink(missing_ok=True)
            victim.write_text(LINE * (index % 7))
            index += 1

    writer = threading.Thread(target=churn, daemon=True)
    writer.start()
    try:
        proc = run_sondier(["scan", ".", "--rule", "email", "--format", "json"], cwd=tmp_path, timeout=120)
    finally:
        stop.set()
        writer.join()
    assert proc.returncode in (1, 3), proc.stderr
    assert "Traceback" not in proc.stderr
    json.loads(proc.stdout)


# --- deep and wide trees --------------------------------------------------------------------


def test_very_deep_tree(tmp_path: Path) -> None:
    depth = 1200  # deeper than Python's recursion limit; 2,400 characters fit in PATH_MAX
    cwd = os.getcwd()
    try:
        os.chdir(tmp_path)
        for _ in range(depth):
            os.mkdir("d")
            os.chdir("d")
        Path("deep.txt").write_text(LINE)
    finally:
        os.chdir(cwd)
    try:
        code, report, _ = json_scan(["."], tmp_path, timeout=120)
        assert code == 1
        [finding] = report["findings"]
        assert finding["path"] == "d/" * depth + "deep.txt"
    finally:
        _remove_deep_tree(tmp_path / "d", depth)


def _remove_deep_tree(top: Path, depth: int) -> None:
    """Bottom-up, without recursion: pytest's own clean-up (shutil.rmtree) recurses once per
    level and overflows the interpreter's stack on this tree."""
    os.remove(top.joinpath(*["d"] * (depth - 1), "deep.txt"))
    for level in range(depth - 1, -1, -1):
        os.rmdir(top.joinpath(*["d"] * level))


def test_many_small_files(tmp_path: Path) -> None:
    count = 20_000
    for index in range(count):
        folder = tmp_path / f"dir{index // 1000:02d}"
        if index % 1000 == 0:
            folder.mkdir()
        (folder / f"f{index:05d}.txt").write_text(LINE if index % 997 == 0 else f"ligne {index}\n" * 10)
    started = time.perf_counter()
    code, report, _ = json_scan(["."], tmp_path, timeout=120)
    elapsed = time.perf_counter() - started
    assert code == 1
    assert report["scan"]["files"] == count
    assert len(report["findings"]) == len(range(0, count, 997))
    assert elapsed < 30, f"{count} small files took {elapsed:.1f}s"

