"""Benchmark: real repositories with many findings, `sondier scan DIR` in each report format
against `gitleaks dir DIR`, in the same run.

Targets: median ratio <= 0.5x gitleaks, none above 1x, in every format.

    python benchmarks/real_repos.py /work/panel/ma-cantine /work/panel/trackdechets ... [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

from _common import FORMATS, compare_formats, gitleaks, print_format_ratios


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("repos", nargs="+", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    report = Path(tempfile.gettempdir()) / "sondier-bench-gitleaks.json"
    ratios: dict[str, list[float]] = {fmt: [] for fmt in FORMATS}
    for repo in args.repos:
        gitleaks_cmd = [gitleaks(), "dir", str(repo), "--no-banner", "--exit-code", "0", "--report-format", "json",
                        "--report-path", str(report), "--log-level", "error"]
        result = compare_formats([str(repo)], gitleaks_cmd, runs=args.runs)
        print_format_ratios(repo.name, result, target=1.0)
        for fmt in FORMATS:
            ratios[fmt].append(result.ratios[fmt])
    for fmt in FORMATS:
        print(f"{fmt}: median {statistics.median(ratios[fmt]):.2f}x (target <= 0.50x), "
              f"worst {max(ratios[fmt]):.2f}x (target <= 1.00x)")


if __name__ == "__main__":
    main()
