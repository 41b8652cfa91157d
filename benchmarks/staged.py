"""Latency of `sondier scan --staged` on a 10-file change, against `gitleaks git --staged`.

A throw-away repository is built in a temporary folder: a few dozen commits of Python standard
library modules (real code, edited from commit to commit), then 10 staged files: seven modules
edited in place and three new files holding generated personal data (Faker fr_FR names, NIR and
IBAN with computed check digits) and a generated token. Never real people's data.

Each run is the real console script in a subprocess, interpreter start-up included, as a
pre-commit hook pays it. Sondier is timed twice per round:

- with byte-code: PYTHONDONTWRITEBYTECODE unset and a private PYTHONPYCACHEPREFIX, as an
  installed wheel runs (its modules come compiled);
- without: the environment as it is (this sandbox sets PYTHONDONTWRITEBYTECODE=1, so an editable
  install recompiles sondier's own modules at every start).

Both use a private, warm SONDIER_CACHE_DIR (parsed rules, verdict and name lists, hyperscan
databases), as every commit but the first after an install does; cold-cache runs (an empty cache
folder each, byte-code present) are shown apart. gitleaks runs alternately in the same rounds:
ratios are medians of paired runs (the machine is shared). A second scenario stages the same
edits with three clean files instead (a commit with nothing to report, the usual case).

    python benchmarks/staged.py [--runs 15] [--scenario both|planted|clean] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import string
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from _common import gitleaks, run_once, sondier
from git_history import _french_iban as _iban
from git_history import _nir

TARGET_MS = 100
STAGED_FILES = 10
PLANTED_FILES = 3
HISTORY_COMMITS = 30
SEED = 20261203


# --- generated personal data and secrets (never real) ----------------------------------------


def _token(rng: random.Random) -> str:
    """A GitHub personal-access-token shape, random characters (matches no real account)."""
    return "ghp_" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(36))


def planted_files(rng: random.Random) -> dict[str, str]:
    from faker import Faker

    fake = Faker("fr_FR")
    fake.seed_instance(SEED)
    rows = ["nom;prenom;email;telephone;nir;iban"]
    for _ in range(6):
        rows.append(
            f"{fake.last_name()};{fake.first_name()};{fake.free_email()};{fake.phone_number()};{_nir(rng)};{_iban(rng)}"
        )
    contact = f"{fake.first_name().lower()}.{fake.last_name().lower()}@{fake.free_email_domain()}"
    settings = (
        '"""Settings of the billing export."""\n\nimport os\n\n'
        'EXPORT_DIR = os.environ.get("EXPORT_DIR", "/var/lib/billing")\n'
        f'SUPPORT_CONTACT = {{"name": "{fake.name()}", "email": "{contact}", "phone": "{fake.phone_number()}"}}\n'
        f'FALLBACK_IBAN = "{_iban(rng)}"\n'
        "TIMEOUT_SECONDS = 30\n"
    )
    client = _release_client(f"'{_token(rng)}'")
    return {
        "data/export_clients.csv": "\n".join(rows) + "\n",
        "billing/settings.py": settings,
        "web/release_client.js": client,
    }


def _release_client(token_expression: str) -> str:
    """A small JavaScript API client whose token is ``token_expression`` (a literal or the environment)."""
    return (
        "// Client for the release API.\n"
        "const API = 'https://api.github.com';\n"
        f"const TOKEN = {token_expression};\n\n"
        "export async function latest(repo) {\n"
        "  const response = await fetch(`${API}/repos/${repo}/releases/latest`, {\n"
        "    headers: { Authorization: `token ${TOKEN}` },\n"
        "  });\n"
        "  return response.json();\n"
        "}\n"
    )


def clean_files(rng: random.Random) -> dict[str, str]:
    """The same three files without anything to report: a product export, settings reading the
    environment, a client taking its token from the environment."""
    rows = ["sku;libelle;prix;stock"]
    for number in range(6):
        rows.append(f"SKU-{rng.randint(1000, 9999)};article {number};{rng.randint(100, 9999) / 100:.2f};{number * 7}")
    settings = (
        '"""Settings of the billing export."""\n\nimport os\n\n'
        'EXPORT_DIR = os.environ.get("EXPORT_DIR", "/var/lib/billing")\n'
        'SUPPORT_CONTACT = os.environ.get("SUPPORT_CONTACT", "")\n'
        "TIMEOUT_SECONDS = 30\n"
    )
    client = _release_client("process.env.GITHUB_TOKEN")
    return {
        "data/export_articles.csv": "\n".join(rows) + "\n",
        "billing/settings.py": settings,
        "web/release_client.js": client,
    }


# --- the throw-away repository -----------------------------------------------------------------


def _stdlib_modules() -> list[Path]:
    root = Path(sysconfig.get_paths()["stdlib"])
    return sorted(p for p in root.glob("*.py") if 4_000 <= p.stat().st_size <= 40_000)


def _edit(rng: random.Random, text: str, number: int) -> str:
    """A plausible edit: a helper function inserted at a random line, a few lines dropped."""
    lines = text.split("\n")
    at = rng.randrange(max(1, len(lines)))
    helper = [
        f"def _helper_{number}(values, limit={rng.randint(2, 99)}):",
        f'    """Keep the first values under the limit (change {number})."""',
        "    return [v for v in values if v < limit][:limit]",
        "",
    ]
    return "\n".join(lines[:at] + helper + lines[at + rng.randint(0, 3) :])


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, stdout=subprocess.DEVNULL)


def build_repository(repo: Path, planted: bool = True) -> list[str]:
    """The repository with its history and 10 staged files (three of them with generated
    personal data and a token when ``planted``); returns the staged paths."""
    rng = random.Random(SEED)
    modules = rng.sample(_stdlib_modules(), 60)
    repo.mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "config", "user.name", "Bench Author")
    _git(repo, "config", "user.email", "bench@example.org")
    _git(repo, "config", "commit.gpgsign", "false")
    tree: dict[str, str] = {}
    per_commit = len(modules) // (HISTORY_COMMITS // 2)
    for number in range(HISTORY_COMMITS):
        if number < HISTORY_COMMITS // 2:
            for module in modules[number * per_commit : (number + 1) * per_commit]:
                tree[f"lib/{module.name}"] = module.read_text(encoding="utf-8", errors="replace")
            changed = list(tree)[-per_commit:]
        else:
            changed = rng.sample(sorted(tree), 5)
            for path in changed:
                tree[path] = _edit(rng, tree[path], number)
        for path in changed:
            (repo / path).parent.mkdir(parents=True, exist_ok=True)
            (repo / path).write_text(tree[path], encoding="utf-8")
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", f"change {number}")
    staged = rng.sample(sorted(tree), STAGED_FILES - PLANTED_FILES)
    for path in staged:
        (repo / path).write_text(_edit(rng, tree[path], 999), encoding="utf-8")
    for path, text in (planted_files(rng) if planted else clean_files(rng)).items():
        (repo / path).parent.mkdir(parents=True, exist_ok=True)
        (repo / path).write_text(text, encoding="utf-8")
        staged.append(path)
    _git(repo, "add", "-A")
    return staged


# --- measuring ---------------------------------------------------------------------------------


def environments(workdir: Path, cache: str = "cache") -> dict[str, dict[str, str]]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SONDIER_")}
    base["SONDIER_CACHE_DIR"] = str(workdir / cache)
    compiled = {k: v for k, v in base.items() if k != "PYTHONDONTWRITEBYTECODE"}
    compiled["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    return {"bytecode": compiled, "no bytecode": base}


def _timed(command: list[str], repo: Path, env: dict[str, str]) -> float:
    timing = run_once(command, repo, env)
    if timing.returncode not in (0, 1):
        raise SystemExit(f"{command[0]} failed with exit code {timing.returncode}")
    return timing.seconds


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]


def _line(label: str, times: list[float], theirs: list[float] | None = None) -> str:
    text = f"{label:<36} median {statistics.median(times) * 1000:6.0f} ms   p90 {_p90(times) * 1000:6.0f} ms"
    if theirs is not None:
        ratio = statistics.median(o / t for o, t in zip(times, theirs, strict=True))
        text += f"   {ratio:5.2f}x gitleaks"
    return text


def findings(repo: Path, env: dict[str, str], leaks: str, workdir: Path) -> tuple[dict[str, int], int]:
    run = subprocess.run(
        [*sondier(), "scan", "--staged", "--format", "json", "--exit-code", "0"],
        cwd=repo,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    by_rule: dict[str, int] = {}
    for finding in json.loads(run.stdout)["findings"]:
        by_rule[finding["rule_id"]] = by_rule.get(finding["rule_id"], 0) + 1
    report = workdir / "gitleaks.json"
    subprocess.run(
        [
            leaks,
            "git",
            "--staged",
            "--no-banner",
            "--log-level",
            "error",
            "--exit-code",
            "0",
            "--report-format",
            "json",
            "--report-path",
            str(report),
            ".",
        ],
        cwd=repo,
        check=True,
    )
    return by_rule, len(json.loads(report.read_text() or "[]"))


def measure(name: str, repo: Path, planted: bool, runs: int, leaks: str, workdir: Path) -> float:
    """Build one scenario's repository, time it, print its lines; returns the bytecode median."""
    staged = build_repository(repo, planted)
    envs = environments(workdir)
    ours = [*sondier(), "scan", "--staged"]
    theirs_cmd = [leaks, "git", "--staged", "--no-banner", "--log-level", "error", "--exit-code", "0", "."]
    what = f"{PLANTED_FILES} with generated personal data or a token" if planted else "nothing to report"
    print(f"\n{name}: {repo} ({HISTORY_COMMITS} commits; {len(staged)} staged files, {what})")
    _timed(ours, repo, envs["bytecode"])  # writes the byte-code and the caches
    _timed(ours, repo, envs["no bytecode"])
    _timed(theirs_cmd, repo, envs["no bytecode"])
    cold = [_timed(ours, repo, environments(workdir, f"cold-{name}-{n}")["bytecode"]) for n in range(3)]
    times: dict[str, list[float]] = {label: [] for label in envs}
    theirs: list[float] = []
    for _ in range(runs):
        theirs.append(_timed(theirs_cmd, repo, envs["no bytecode"]))
        for label, env in envs.items():
            times[label].append(_timed(ours, repo, env))
    print(f"{runs} runs each, alternating; warm cache (SONDIER_CACHE_DIR in {workdir})")
    print(_line("sondier scan --staged (bytecode)", times["bytecode"], theirs))
    print(_line("sondier scan --staged (no bytecode)", times["no bytecode"], theirs))
    print(_line("gitleaks git --staged", theirs))
    print(
        f"{'cold cache, with bytecode':<36} median {statistics.median(cold) * 1000:6.0f} ms (3 runs, empty cache each)"
    )
    by_rule, their_count = findings(repo, envs["bytecode"], leaks, workdir)
    listed = ", ".join(f"{rule} {count}" for rule, count in sorted(by_rule.items())) or "none"
    print(f"findings: sondier {sum(by_rule.values())} ({listed}); gitleaks {their_count} (secrets only)")
    return statistics.median(times["bytecode"]) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--scenario", choices=["both", "planted", "clean"], default="both")
    parser.add_argument("--keep", type=Path, help="Build the repositories under this folder and keep them.")
    args = parser.parse_args()
    leaks = gitleaks()
    workdir = Path(tempfile.mkdtemp(prefix="sondier-staged-"))
    base = args.keep or workdir
    scenarios = [(n, n == "planted") for n in ("planted", "clean") if args.scenario in (n, "both")]
    try:
        medians = {}
        for name, planted in scenarios:
            repo = base / name
            if repo.exists():
                shutil.rmtree(repo)
            medians[name] = measure(name, repo, planted, args.runs, leaks, workdir)
        python = [_timed([sys.executable, "-c", "pass"], workdir, environments(workdir)["bytecode"]) for _ in range(9)]
        print(f"\n{'bare interpreter (python -c pass)':<36} median {statistics.median(python) * 1000:6.0f} ms")
        for name, median_ms in medians.items():
            verdict = "met" if median_ms <= TARGET_MS else "not met"
            print(
                f"target ({name}): sondier scan --staged <= {TARGET_MS} ms wall with bytecode, interpreter start-up "
                f"included: {verdict} ({median_ms:.0f} ms)"
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
