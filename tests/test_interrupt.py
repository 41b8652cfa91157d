"""Ctrl-C during a parallel scan: stops promptly, leaves no worker behind, exits 130 and writes
no partial report (reports are written via a temporary file + rename after the scan)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sondier import pipeline
from tests.conftest import sondier_command

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="uses /proc to find worker processes")

EMAIL_LINE = "contact: jeanne.martin{n}@orange.fr\n"


def children(pid: int) -> set[int]:
    """Direct children of ``pid`` (all threads), from /proc."""
    found: set[int] = set()
    task_dir = Path(f"/proc/{pid}/task")
    try:
        tasks = list(task_dir.iterdir())
    except FileNotFoundError:
        return found
    for task in tasks:
        try:
            found |= {int(p) for p in (task / "children").read_text().split()}
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")  # a zombie has already stopped


@pytest.fixture(scope="module")
def big_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough bytes for worker processes, and enough findings (each costs a slow fingerprint)
    that the scan runs for many seconds."""
    root = tmp_path_factory.mktemp("big")
    lines = "".join(EMAIL_LINE.format(n=n) for n in range(400))
    filler = "ligne sans donnée personnelle\n" * 2000
    for index in range(60):
        (root / f"f{index:02d}.txt").write_text(filler + lines.replace("martin", f"martin{index}x"))
    total = sum(p.stat().st_size for p in root.iterdir())
    assert total > pipeline.PARALLEL_MIN_BYTES
    return root


def start_scan(root: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*sondier_command(), "scan", ".", "--jobs", "2", "--output", str(out / "report.json"), "--format", "json",
         "--report", f"sarif={out / 'report.sarif'}"],
        cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )


def wait_for_workers(proc: subprocess.Popen[str], count: int = 2, timeout: float = 60) -> set[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        workers = children(proc.pid)
        if len(workers) >= count:
            return workers
        if proc.poll() is not None:
            pytest.fail(f"the scan ended before using workers: {proc.communicate()}")
        time.sleep(0.05)
    pytest.fail("no worker processes appeared")


@pytest.mark.parametrize("target", ["process", "group"])
def test_sigint_during_parallel_scan(big_tree: Path, tmp_path: Path, target: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    proc = start_scan(big_tree, out)
    try:
        workers = wait_for_workers(proc)
        time.sleep(1.0)  # let the workers get busy
        assert proc.poll() is None, "the scan finished too fast to be interrupted"
        sent = time.monotonic()
        if target == "group":  # a terminal's Ctrl-C reaches every process of the group
            os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(proc.pid, signal.SIGINT)
        _, stderr = proc.communicate(timeout=15)
        stopped_after = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, stderr
    assert stopped_after < 5, f"took {stopped_after:.1f}s to stop"
    assert "Traceback" not in stderr
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in workers if alive(pid)], "worker processes survived the interrupt"
    assert list(out.iterdir()) == [], "a partial report (or its temporary file) was left behind"


def test_uninterrupted_scan_writes_the_reports(tmp_path: Path) -> None:
    """The control: a parallel scan left alone writes both reports and nothing else."""
    tree = tmp_path / "tree"
    tree.mkdir()
    for index in range(4):
        (tree / f"f{index}.txt").write_text("ligne sans donnée personnelle\n" * 25_000 + EMAIL_LINE.format(n=index))
    assert sum(p.stat().st_size for p in tree.iterdir()) > pipeline.PARALLEL_MIN_BYTES
    out = tmp_path / "out"
    out.mkdir()
    proc = start_scan(tree, out)
    _, stderr = proc.communicate(timeout=600)
    assert proc.returncode == 1, stderr
    assert sorted(p.name for p in out.iterdir()) == ["report.json", "report.sarif"]
