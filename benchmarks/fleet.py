"""Throughput of `sondier fleet` on the real panel (/work/panel/*: twelve public-sector repositories),
with 1 and 2 workers, and the overhead of the Dask path (embedded LocalCluster, Client.get_executor)
against the plain process pool on the same list.

Every run writes to a fresh output folder, so nothing is skipped. The engines alternate (pool, Dask,
pool, Dask...) on the same cores; the machine is shared and noisy: quote the ratios. Two times are
reported: the whole command (Dask's cluster start included) and the scan phase alone (the runner's
own clock, from the first task submitted to the last result).

    python benchmarks/fleet.py [--panel /work/panel] [--runs 1] [--jobs 1 2]
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from _common import sondier

SUMMARY = re.compile(r"(\d+) scanned, (\d+) up to date, (\d+) could not be scanned .* ([\d.]+)s$", re.MULTILINE)


def run_once(listing: Path, engine: str, jobs: int, workdir: Path) -> dict[str, float]:
    output = workdir / f"out-{engine}-{jobs}"
    shutil.rmtree(output, ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run([*sondier(), "fleet", str(listing), "-o", str(output), "--engine", engine, "-j", str(jobs)],
                          capture_output=True, text=True)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"sondier fleet failed ({done.returncode}):\n{done.stderr}")
    match = SUMMARY.search(done.stderr)
    assert match, done.stderr
    scanned, _, failed, scan_phase = (float(x) for x in match.groups())
    results = [json.loads(p.read_text()) for p in (output / "repos").glob("*.json")]
    size = sum(r["scan"]["bytes"] for r in results)
    letters = "".join(sorted(r["grade"]["letter"] for r in results))
    return {"wall": wall, "scan": scan_phase, "repos": scanned + failed, "mb": size / 1e6, "letters": letters}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--panel", type=Path, default=Path("/work/panel"))
    parser.add_argument("--runs", type=int, default=1, help="runs per engine and worker count (best kept)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "sondier-bench-fleet")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    repos = sorted(p for p in args.panel.iterdir() if p.is_dir())
    listing = args.workdir / "panel.txt"
    listing.write_text("".join(f"{p} panel\n" for p in repos), encoding="utf-8")
    print(f"{len(repos)} repositories from {args.panel}")
    best: dict[tuple[str, int], dict[str, float]] = {}
    for jobs in args.jobs:
        for _ in range(args.runs):
            for engine in ("processes", "dask"):
                figures = run_once(listing, engine, jobs, args.workdir)
                key = (engine, jobs)
                if key not in best or figures["wall"] < best[key]["wall"]:
                    best[key] = figures
                print(f"  {engine:<9} jobs={jobs}: wall {figures['wall']:6.1f}s, scan {figures['scan']:6.1f}s")
    print(f"\n{'engine':<10}{'jobs':>5}{'wall s':>9}{'scan s':>9}{'repos/min':>11}{'MB/s':>8}  grades")
    for (engine, jobs), f in sorted(best.items(), key=lambda item: (item[0][1], item[0][0])):
        print(f"{engine:<10}{jobs:>5}{f['wall']:>9.1f}{f['scan']:>9.1f}{f['repos'] * 60 / f['wall']:>11.1f}"
              f"{f['mb'] / f['wall']:>8.2f}  {f['letters']}")
    for jobs in args.jobs:
        pool, dask = best[("processes", jobs)], best[("dask", jobs)]
        assert pool["letters"] == dask["letters"], "the two engines must grade alike"
        print(f"Dask overhead, jobs={jobs}: {dask['wall'] / pool['wall'] - 1:+.1%} whole command, "
              f"{dask['scan'] / pool['scan'] - 1:+.1%} scan phase (target < 10 %)")


if __name__ == "__main__":
    main()
