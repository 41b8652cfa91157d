"""Speed of `sondier scan DIR` against `gitleaks dir DIR` on a copy of the Python stdlib.

Both tools run in the same session on the same cores, alternately, best of N; the ratio is
what to quote (the machine is shared and noisy: absolute times mean little).
Target (issue "core"): sondier wall time <= 0.5x gitleaks', all built-in rules enabled.

    python benchmarks/speed_dir.py [--runs 3] [--jobs 0]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from _common import best_of, copy_stdlib, gitleaks, sondier, timed, tree_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=0, help="sondier --jobs (0 = all cores)")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "sondier-bench")
    args = parser.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    tree = copy_stdlib(args.workdir)
    size_mb = tree_size(tree) / 1e6
    leaks = gitleaks()
    report = args.workdir / "gitleaks.json"
    sondier_cmd = [*sondier(), "scan", str(tree), "--format", "json", "--jobs", str(args.jobs), "--exit-code", "0"]
    gitleaks_cmd = [leaks, "dir", str(tree), "--no-banner", "--exit-code", "0", "--report-format", "json",
                    "--report-path", str(report), "--log-level", "error"]
    # The terminal report needs no fingerprints; the JSON report computes one per finding
    # (deliberately slow, see the README's threat model): both are measured.
    terminal_cmd = [*sondier(), "scan", str(tree), "--quiet", "--jobs", str(args.jobs), "--exit-code", "0"]
    timed(sondier_cmd)  # warm the page cache and sondier's compiled-rules cache for both tools
    timed(gitleaks_cmd)
    ours = best_of(args.runs, sondier_cmd)
    terminal = best_of(args.runs, terminal_cmd)
    theirs = best_of(args.runs, gitleaks_cmd)
    findings = len(json.loads(ours.stdout)["findings"])
    their_findings = len(json.loads(report.read_text() or "[]"))
    rules = json.loads(ours.stdout)["scan"]["rules"]
    print(f"tree: {tree} ({size_mb:.1f} MB)")
    print(f"sondier : {ours.seconds:6.2f} s  {size_mb / ours.seconds:6.1f} MB/s  {findings} findings ({rules} rules), "
          "--format json")
    print(f"sondier : {terminal.seconds:6.2f} s  {size_mb / terminal.seconds:6.1f} MB/s  terminal report "
          "(no fingerprints)")
    print(f"gitleaks: {theirs.seconds:6.2f} s  {size_mb / theirs.seconds:6.1f} MB/s  {their_findings} findings")
    print(f"ratio sondier/gitleaks wall time: {ours.seconds / theirs.seconds:.2f}x with --format json, "
          f"{terminal.seconds / theirs.seconds:.2f}x with the terminal report (target <= 0.50x)")


if __name__ == "__main__":
    main()
