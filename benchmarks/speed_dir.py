"""Speed of `sondier scan DIR` against `gitleaks dir DIR` on a copy of the Python stdlib.

Both tools run in the same session on the same cores, alternately (median of paired ratios), for
the terminal report, --format sarif and --format json; the ratio is what to quote (the machine
is shared and noisy: absolute times mean little). Target: <= 0.5x gitleaks in every format.

    python benchmarks/speed_dir.py [--runs 3] [--jobs 0]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from _common import (
    compare_formats,
    copy_stdlib,
    gitleaks,
    print_format_ratios,
    run_once,
    sondier_format_command,
    tree_size,
)


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
    gitleaks_cmd = [leaks, "dir", str(tree), "--no-banner", "--exit-code", "0", "--report-format", "json",
                    "--report-path", str(report), "--log-level", "error"]
    result = compare_formats([str(tree)], gitleaks_cmd, runs=args.runs, jobs=args.jobs)
    print(f"tree: {tree} ({size_mb:.1f} MB)")
    print_format_ratios("stdlib dir", result, target=0.5)
    json_report = run_once(sondier_format_command([str(tree)], "json", args.jobs))
    their_findings = len(json.loads(report.read_text() or "[]"))
    print(f"findings: sondier {len(json.loads(json_report.stdout)['findings'])}, gitleaks {their_findings}")

if __name__ == "__main__":
    main()
