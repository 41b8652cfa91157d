"""Opt-in benchmark: scan one huge one-line file (1 GiB by default) and report time and peak RSS.

The file is written in blocks (never held in memory), with the documentation e-mail planted at
the start, in the middle and at the end; the scan must find exactly those three, with the right
columns, in bounded memory (streamed, overlapping chunks).

    python benchmarks/huge_file.py [--size-mb 1024] [--keep FILE]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EMAIL = "jeanne.martin@orange.fr"
BLOCK = 8 * 1024 * 1024


def write_file(path: Path, size: int) -> list[int]:
    """Write ``size`` bytes of one line; return the 0-based offsets of the planted values."""
    planted = [100, size // 2 + 12_345, size - 200]
    block = bytearray(b"a" * BLOCK)
    with open(path, "wb") as handle:
        written = 0
        while written < size:
            length = min(BLOCK, size - written)
            data = bytearray(block[:length])
            for offset in planted:
                if written <= offset - 1 and offset + len(EMAIL) + 1 <= written + length:
                    local = offset - written
                    data[local - 1 : local + len(EMAIL) + 1] = f" {EMAIL} ".encode()
            handle.write(data)
            written += length
    return planted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--keep", type=Path, help="write the file here and keep it")
    args = parser.parse_args()
    size = args.size_mb * 1024 * 1024
    folder = Path(tempfile.mkdtemp(prefix="sondier-huge-"))
    path = args.keep or folder / "huge.txt"
    started = time.perf_counter()
    planted = write_file(path, size)
    print(f"wrote {size / 2**20:.0f} MiB in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    command = [sys.executable, "-m", "sondier", "scan", str(path), "--format", "json", "--rule", "email",
               "--max-file-size", f"{size + 1}"]
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB on Linux
    if not args.keep:
        path.unlink()
        folder.rmdir()
    if proc.returncode not in (0, 1):
        print(proc.stderr, file=sys.stderr)
        return 1
    found = [(f["line"], f["column"]) for f in json.loads(proc.stdout)["findings"]]
    expected = [(1, offset + 1) for offset in planted]
    print(json.dumps({"size_mib": args.size_mb, "seconds": round(elapsed, 1),
                      "mib_per_second": round(args.size_mb / elapsed, 1), "peak_rss_mib": round(peak_kib / 1024, 1),
                      "found": found, "expected": expected, "ok": found == expected}, indent=2))
    return 0 if found == expected else 1


if __name__ == "__main__":
    sys.exit(main())
