"""Long fuzz run: every atheris target for a while, then a summary of executions and crashes.

    pip install atheris          # wheels for Linux x86_64/aarch64; otherwise needs clang
    python fuzz/run_fuzz.py [--seconds 60] [--only config,decode] [--jobs 2]

Corpora are kept in fuzz/corpus/<target>/ (seeded with the repository's own rule and config
files) so later runs continue where earlier ones stopped; crashes land in fuzz/crashes/."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

SEEDS = {
    "rule_file": [*sorted((ROOT / "rules").rglob("*.yaml"))[:40]],
    "config": [ROOT / ".sondier.yml", ROOT / "pyproject.toml"],
    "decode": [*sorted((ROOT / "tests").glob("*.py"))[:10]],
    "detect": [*sorted((ROOT / "tests").glob("*.py"))[:10]],
}


def seed_corpus(name: str) -> Path:
    corpus = HERE / "corpus" / name
    corpus.mkdir(parents=True, exist_ok=True)
    for index, path in enumerate(SEEDS.get(name, [])):
        if path.is_file():
            prefix = b"\x01" if name == "config" and path.suffix == ".yml" else b"\x00" if name == "config" else b""
            (corpus / f"seed-{index}").write_bytes(prefix + path.read_bytes()[:20_000])
    return corpus


def run_target(name: str, seconds: int) -> dict[str, object]:
    crashes = HERE / "crashes" / name
    crashes.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, str(HERE / "fuzz_target.py"), name, f"-max_total_time={seconds}", "-rss_limit_mb=2048",
               "-timeout=20", f"-artifact_prefix={crashes}/", "-print_final_stats=1", str(seed_corpus(name))]
    proc = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    log = proc.stdout + proc.stderr
    execs = re.findall(r"stat::number_of_executed_units:\s*(\d+)", log)
    found = sorted(p.name for p in crashes.iterdir())
    return {"target": name, "executions": int(execs[-1]) if execs else None, "exit": proc.returncode,
            "crashes": found, "tail": log.strip().splitlines()[-3:] if proc.returncode else []}


def main() -> int:
    from fuzz.targets import TARGETS

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60, help="per target")
    parser.add_argument("--only", help="comma-separated targets")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    try:
        import atheris  # noqa: F401
    except ImportError:
        print("atheris is not installed (pip install atheris); the hypothesis suite still runs: "
              "pytest tests/test_fuzz_properties.py", file=sys.stderr)
        return 2
    names = args.only.split(",") if args.only else list(TARGETS)
    with ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda n: run_target(n, args.seconds), names))
    print(json.dumps(results, indent=2))
    total = sum(r["executions"] or 0 for r in results)  # type: ignore[misc]
    crashed = [r["target"] for r in results if r["crashes"] or r["exit"]]
    print(f"{total} executions over {len(results)} targets; crashes in: {', '.join(crashed) or 'none'}",
          file=sys.stderr)
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())
