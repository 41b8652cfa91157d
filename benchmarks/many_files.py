"""Opt-in benchmark: scan a tree of many small files (100,000 by default); report time and peak RSS.

    python benchmarks/many_files.py [--files 100000] [--jobs N]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EMAIL = "jeanne.martin@orange.fr"
PER_FOLDER = 1000
EVERY = 997  # one file in EVERY holds the planted value


def build_tree(root: Path, count: int) -> int:
    planted = 0
    for index in range(count):
        folder = root / f"dir{index // PER_FOLDER:03d}"
        if index % PER_FOLDER == 0:
            folder.mkdir()
        if index % EVERY == 0:
            (folder / f"f{index:06d}.txt").write_text(f"contact: {EMAIL}\n")
            planted += 1
        else:
            (folder / f"f{index:06d}.txt").write_text(f"ligne {index}\n" * 8)
    return planted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=0)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="sondier-many-"))
    try:
        started = time.perf_counter()
        planted = build_tree(root, args.files)
        print(f"built {args.files} files in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        command = [sys.executable, "-m", "sondier", "scan", ".", "--format", "json", "--rule", "email",
                   "--jobs", str(args.jobs)]
        started = time.perf_counter()
        proc = subprocess.run(command, cwd=root, capture_output=True, text=True)
        elapsed = time.perf_counter() - started
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if proc.returncode not in (0, 1):
            print(proc.stderr, file=sys.stderr)
            return 1
        report = json.loads(proc.stdout)
        result = {"files": args.files, "scanned": report["scan"]["files"], "seconds": round(elapsed, 1),
                  "files_per_second": round(args.files / elapsed), "peak_rss_mib": round(peak_kib / 1024, 1),
                  "findings": len(report["findings"]), "planted": planted}
        print(json.dumps(result, indent=2))
        return 0 if result["findings"] == planted and result["scanned"] == args.files else 1
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
