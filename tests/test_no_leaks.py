"""No leaks, anywhere: planted values never appear in stdout, stderr, reports, baselines, ignore
files or CI outputs unless --show-values; and Sondier never opens a network connection.

Values are generated (valid checksums computed here) or documented examples; the set of
values checked is what the scanner itself reports with --show-values, so new rules join in."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from sondier.reporters import FORMATS
from tests.conftest import run_sondier

EMAIL = "jeanne.martin@orange.fr"
AUTHOR = {"GIT_AUTHOR_NAME": "Dev", "GIT_AUTHOR_EMAIL": "dev@example.org",
          "GIT_COMMITTER_NAME": "Dev", "GIT_COMMITTER_EMAIL": "dev@example.org"}


def make_nir(rng: random.Random) -> str:
    body = f"{rng.choice('12')}{rng.randrange(50, 99):02d}{rng.randrange(1, 13):02d}75{rng.randrange(1, 120):03d}" \
           f"{rng.randrange(1, 999):03d}"
    return f"{body} {97 - int(body) % 97:02d}"


def make_iban(rng: random.Random) -> str:
    bank, branch, account = f"{rng.randrange(10000, 99999)}", f"{rng.randrange(1, 99999):05d}", \
        f"{rng.randrange(10**10, 10**11)}"
    rib_key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    bban = f"{bank}{branch}{account}{rib_key:02d}"
    check = 98 - int(bban + "152700") % 97  # "FR00" as digits: F=15 R=27
    compact = f"FR{check:02d}{bban}"
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def make_github_token(rng: random.Random) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
    return "ghp_" + "".join(rng.choice(alphabet) for _ in range(36))


def planted_text(seed: int) -> str:
    rng = random.Random(seed)
    return (
        f"contact: {EMAIL}\n"
        f"numero de securite sociale (NIR) : {make_nir(rng)}\n"
        f"IBAN : {make_iban(rng)}\n"
        f"Téléphone : 06 {rng.randrange(10, 99)} {rng.randrange(10, 99)} {rng.randrange(10, 99)} "
        f"{rng.randrange(10, 99)}\n"
        f"GITHUB_TOKEN={make_github_token(rng)}\n"
    )


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, env={**os.environ, **AUTHOR})


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("leaky")
    git(root, "init", "-q", "-b", "main")
    (root / "clients.csv").write_text(planted_text(1))
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "first")
    (root / "more.txt").write_text(planted_text(2))
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "second")
    (root / "staged.txt").write_text(planted_text(3))
    git(root, "add", "staged.txt")
    return root


@pytest.fixture(scope="module")
def secrets(repo: Path) -> list[str]:
    """Every value the scanner finds in the repository (history + staged), from --show-values."""
    values: set[str] = set()
    for args in (["scan", "."], ["scan", "--history"], ["scan", "--staged"]):
        proc = run_sondier([*args, "--format", "json", "--show-values", "--min-confidence", "0"], cwd=repo)
        assert proc.returncode == 1, proc.stderr
        values |= {f["value"] for f in json.loads(proc.stdout)["findings"]}
    assert EMAIL in values
    return sorted(values)


def leaks(text: str, values: list[str]) -> list[str]:
    """The values (or a long enough piece of one) present in ``text``."""
    found = []
    squashed = "".join(text.split())
    for value in values:
        compact = "".join(value.split())
        middle = compact[3:-3] if len(compact) >= 12 else compact
        if value in text or compact in squashed or middle in squashed:
            found.append(value)
    return found


def all_text(proc: subprocess.CompletedProcess[str], folder: Path) -> str:
    """stdout, stderr and every file written under ``folder``."""
    parts = [proc.stdout, proc.stderr]
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            parts.append(path.read_text(errors="replace"))
    return "\n".join(parts)


SCAN_MODES = {
    "paths": ["scan", "."],
    "stdin": ["scan", "-"],
    "staged": ["scan", "--staged"],
    "diff": ["scan", "--diff", "HEAD~1..HEAD"],
    "history": ["scan", "--history"],
}


@pytest.mark.parametrize("mode", sorted(SCAN_MODES))
@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_no_value_in_any_format_or_mode(repo: Path, secrets: list[str], tmp_path: Path, mode: str, fmt: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    stdin = (repo / "clients.csv").read_bytes() if mode == "stdin" else None
    args = [*SCAN_MODES[mode], "--format", fmt, "--report", f"{fmt}={out / 'report'}", "--min-confidence", "0",
            "--show-suppressed"]
    proc = run_sondier(args, cwd=repo, input=stdin)
    assert proc.returncode == 1, proc.stderr
    assert (out / "report").stat().st_size > 0
    assert leaks(all_text(proc, out), secrets) == []


def test_show_values_does_show_them(repo: Path, secrets: list[str], tmp_path: Path) -> None:
    """The leak detector above works: with --show-values the values are there."""
    proc = run_sondier(["scan", "--history", "--format", "text", "--show-values", "--min-confidence", "0"],
                       cwd=repo)
    assert EMAIL in leaks(proc.stdout, secrets)


def test_errors_and_verbose_paths_do_not_leak(repo: Path, secrets: list[str], tmp_path: Path) -> None:
    # A user rule that times out on the planted text: the error names the rule, not the text.
    rule = tmp_path / "slow.yaml"
    rule.write_text(
        "id: slow\nname: slow\ncategory: secret\nseverity: low\ndescription: d\nremediation: r\n"
        "regex: '(?P<value>(a|aa)+b)'\nexamples:\n  positive: ['aab']\n"
    )
    (tmp_path / "victim.txt").write_text("ab " + "a" * 60 + "c " + planted_text(1))
    (tmp_path / ".sondier.yml").write_text("regex-timeout: 0.2\n")
    proc = run_sondier(["scan", ".", "--rules", str(rule), "--format", "json", "--report-unused-ignores"],
                       cwd=tmp_path)
    assert proc.returncode == 3, proc.stderr
    assert "slow" in proc.stdout + proc.stderr
    assert leaks(proc.stdout + proc.stderr, secrets) == []


def test_baseline_and_ignore_files_hold_no_values(repo: Path, secrets: list[str], tmp_path: Path) -> None:
    baseline = tmp_path / "baseline.json"
    history_baseline = tmp_path / "history-baseline.json"
    ignore = tmp_path / ".sondierignore"
    runs = [
        run_sondier(["baseline", "create", ".", "--file", str(baseline), "--min-confidence", "0"], cwd=repo),
        run_sondier(["baseline", "create", "--history", "--file", str(history_baseline), "--min-confidence", "0"],
                    cwd=repo),
        run_sondier(["baseline", "show", "--file", str(baseline)], cwd=repo),
    ]
    report = run_sondier(["scan", ".", "--format", "json"], cwd=repo)
    for finding in json.loads(report.stdout)["findings"]:
        runs.append(run_sondier(["ignore", "add", finding["fingerprint"], "--reason", "accepted risk",
                                 "--file", str(ignore)], cwd=repo))
    runs.append(run_sondier(["scan", ".", "--baseline", str(baseline), "--ignore-file", str(ignore),
                             "--show-suppressed", "--report-unused-ignores"], cwd=repo))
    for proc in runs:
        assert proc.returncode in (0, 1), (proc.args, proc.stderr)
        assert leaks(proc.stdout + proc.stderr, secrets) == []
    assert baseline.exists() and history_baseline.exists()
    for path in tmp_path.iterdir():
        assert leaks(path.read_text(), secrets) == [], path.name


@pytest.mark.parametrize("host", ["github", "gitlab"])
def test_ci_outputs_hold_no_values(repo: Path, secrets: list[str], tmp_path: Path, host: str) -> None:
    env = {"RUNNER_TEMP": str(tmp_path), "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
           "GITHUB_OUTPUT": str(tmp_path / "output.txt"), "CI_PROJECT_DIR": str(tmp_path),
           "GITHUB_ACTIONS": "", "GITLAB_CI": ""}
    for mode in ("history", "tree"):
        proc = run_sondier(["ci", host, "--scan-mode", mode, "--no-fetch", "--dotenv", str(tmp_path / "ci.env"),
                            "--report", f"json={tmp_path / f'{mode}.json'}", "--min-confidence", "0"],
                           cwd=repo, env=env)
        assert proc.returncode in (1, 3), proc.stderr
        assert leaks(all_text(proc, tmp_path), secrets) == []


# --- no network --------------------------------------------------------------------------

NO_NETWORK = """
import socket, sys
def refuse(*args, **kwargs):
    raise RuntimeError("sondier tried to use the network")
class NoSocket(socket.socket):
    def __init__(self, *args, **kwargs):
        refuse()
socket.socket = NoSocket
socket.create_connection = refuse
socket.getaddrinfo = refuse
socket.socketpair = refuse
from sondier.cli import main
sys.argv = ["sondier", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_no_network_access(repo: Path, tmp_path: Path, jobs: str) -> None:
    for args in (["scan", "--history"], ["scan", "."], ["scan", "--staged"]):
        proc = subprocess.run([sys.executable, "-c", NO_NETWORK, *args, "--jobs", jobs, "--format", "json"],
                              cwd=repo, capture_output=True, text=True, timeout=120, env={**os.environ,
                                                                                           "SONDIER_DEBUG": "1"})
        assert "network" not in proc.stderr, proc.stderr
        assert proc.returncode == 1, proc.stderr
        assert json.loads(proc.stdout)["findings"]



CRASHING_VALIDATOR = """
import sys
from sondier import validators
def explode(value):
    raise RuntimeError(f"validator bug on {value!r}")
validators.get("email")
validators._loaded["email"] = explode
from sondier.cli import run
sys.argv = ["sondier", *sys.argv[1:]]
run()
"""


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_internal_error_tracebacks_do_not_leak(repo: Path, secrets: list[str], jobs: str) -> None:
    """A bug whose exception message holds a found value: exit 3, message withheld."""
    proc = subprocess.run([sys.executable, "-c", CRASHING_VALIDATOR, "scan", "--history", "--jobs", jobs],
                          cwd=repo, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3, proc.stderr
    assert "RuntimeError" in proc.stderr
    assert leaks(proc.stdout + proc.stderr, secrets) == []
