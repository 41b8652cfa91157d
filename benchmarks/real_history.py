"""Benchmark: `sondier scan --history` on a real repository's history (over 10,000 commits),
in each report format, against `gitleaks git` in the same run; peak RSS of each run.

Targets: <= 0.5x gitleaks in every format, peak RSS <= 200 MB.

    git clone /work/.mirror/betagouv+ma-cantine/repo /tmp/mc   # any full clone will do
    python benchmarks/real_history.py /tmp/mc [--runs 3] [--ignore-errors]

`--ignore-errors` lets Sondier go on where a mirror lacks some large blobs (gitleaks skips them
silently); the findings are then those of the blobs present, for both tools.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

from _common import compare_formats, gitleaks, print_format_ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("repo", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ignore-errors", action="store_true")
    args = parser.parse_args()
    commits = subprocess.run(["git", "-C", str(args.repo), "rev-list", "--count", "--all"], check=True,
                             capture_output=True, text=True).stdout.strip()
    report = Path(tempfile.gettempdir()) / "sondier-bench-history-gitleaks.json"
    gitleaks_cmd = [gitleaks(), "git", str(args.repo), "--no-banner", "--log-level", "error", "--exit-code", "0",
                    "--report-format", "json", "--report-path", str(report)]
    scan_args = ["--history", "--repo", str(args.repo), *(["--ignore-errors"] if args.ignore_errors else [])]
    result = compare_formats(scan_args, gitleaks_cmd, runs=args.runs)
    print(f"history: {args.repo} ({commits} commits)")
    print_format_ratios("history", result, target=0.5)
    print(f"peak RSS: {max(result.peak_rss_mb.values()):.0f} MB (target <= 200 MB)")


if __name__ == "__main__":
    main()
