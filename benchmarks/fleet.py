"""Throughput of `sondier fleet` on the real panel (/work/panel/*: twelve public-sector repositories),
with 1 and 2 workers, and the overhead of the Dask path (embedded LocalCluster, Client.get_executor)
against the plain process pool on the same list.

Every run writes to a fresh output folder, so nothing is skipped. The engines alternate (pool, Dask,
pool, Dask...) on the same cores; the machine is shared and noisy: quote the ratios. Two times are
reported: the whole command (Dask's cluster start included) and the scan phase alone (the runner's
own clock, from the first task submitted to the last result).

    python benchmarks/fleet.py [--panel /work/panel] [--runs 1] [--jobs 1 2]
    python benchmarks/fleet.py --ab 3 [--ab-repos egapro histologe]   # per-task A/B, engines warm

The per-task A/B keeps one process pool and one LocalCluster (one worker each) running and sends
them the same repositories alternately, N times: it separates the cost of a task on each engine
from the cluster's start and from the machine's noise between whole runs.
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
    tasks = sum(r["duration"] for r in results)  # time spent inside the tasks, summed over workers
    return {"wall": wall, "scan": scan_phase, "repos": scanned + failed, "mb": size / 1e6, "letters": letters,
            "tasks": tasks}


def ab(panel: Path, names: list[str], rounds: int, workdir: Path) -> None:
    import logging
    import statistics
    from concurrent.futures import ProcessPoolExecutor

    from distributed import Client, LocalCluster

    from sondier.fleet.repolist import RepoSpec
    from sondier.fleet.task import TaskOptions, run_task

    specs = [RepoSpec(source=str(panel / name), name=name) for name in names]
    times: dict[str, list[float]] = {"processes": [], "dask": []}
    cluster_options = {"n_workers": 1, "threads_per_worker": 1, "dashboard_address": None,
                       "silence_logs": logging.ERROR}
    with ProcessPoolExecutor(1) as pool, LocalCluster(**cluster_options) as cluster, Client(cluster) as client:
        executors = {"processes": pool, "dask": client.get_executor(retries=2, pure=False)}
        for name, executor in executors.items():  # warm: rules loaded and compiled in each worker
            executor.submit(run_task, specs[:1], TaskOptions(results=str(workdir / f"warm-{name}"))).result()
        for round_number in range(rounds):
            for name, executor in executors.items():
                shutil.rmtree(workdir / f"ab-{name}", ignore_errors=True)
                options = TaskOptions(results=str(workdir / f"ab-{name}"))
                started = time.perf_counter()
                for spec in specs:  # one task at a time: the same work, the same single worker
                    executor.submit(run_task, [spec], options).result()
                times[name].append(time.perf_counter() - started)
                print(f"  round {round_number + 1} {name:<9} {times[name][-1]:6.2f}s")
    pool_time, dask_time = statistics.median(times["processes"]), statistics.median(times["dask"])
    print(f"per-task A/B on {', '.join(names)}: median {pool_time:.2f}s pool, {dask_time:.2f}s Dask: "
          f"Dask overhead {dask_time / pool_time - 1:+.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--panel", type=Path, default=Path("/work/panel"))
    parser.add_argument("--runs", type=int, default=1, help="runs per engine and worker count (best kept)")
    parser.add_argument("--jobs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "sondier-bench-fleet")
    parser.add_argument("--ab", type=int, default=0, metavar="N", help="per-task A/B of the engines, N rounds")
    parser.add_argument("--ab-repos", nargs="+", default=["egapro", "histologe", "mon-suivi-justice"])
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    if args.ab:
        ab(args.panel, args.ab_repos, args.ab, args.workdir)
        return
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
              f"{dask['scan'] / pool['scan'] - 1:+.1%} scan phase (target < 10 %); outside the tasks themselves "
              f"(start, dispatch, results): {dask['wall'] - dask['tasks'] / jobs:.1f}s Dask, "
              f"{pool['wall'] - pool['tasks'] / jobs:.1f}s pool")


if __name__ == "__main__":
    main()
