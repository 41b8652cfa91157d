"""Shared builders for the CI report tests, and tests of sondier.reporters.common.

Other test_reporters_* modules import the builders from here (pytest puts tests/ on sys.path)."""

from __future__ import annotations

import io
import json
import random
import string
import subprocess
import sys
from pathlib import Path

import pytest

from sondier.chunks import CommitInfo
from sondier.config import Config
from sondier.findings import Finding
from sondier.pipeline import ScanResult, scan_paths
from sondier.reporters import ReportOptions, get
from sondier.reporters.common import (
    by_severity,
    head_sha,
    occurrence_keys,
    repo_relative,
    scrub,
)

SCHEMAS = Path(__file__).resolve().parent / "schemas"  # vendored, see tests/schemas/README.md
CI_FORMATS = ("sarif", "gitlab", "codequality", "junit", "github")
ALL_FORMATS = (*CI_FORMATS, "markdown")
# Non-reserved domains so the e-mail rule does not treat them as test data; no real person.
PLANTED_EMAILS = ("jeanne.martin@orange.fr", "l.dupont@laposte.net")


def generated_emails(count: int, seed: int = 7) -> list[str]:
    from faker import Faker

    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    return [fake.free_email() for _ in range(count)]


def generated_github_token(seed: int = 3) -> str:
    rng = random.Random(seed)
    return "ghp_" + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(36))


def planted_values() -> list[str]:
    return [*PLANTED_EMAILS, *generated_emails(3), generated_github_token()]


def make_finding(path: str = "src/app.py", line: int = 3, value: str = "jeanne.martin@orange.fr",
                 rule_id: str = "email", severity: str = "medium", category: str = "pii",
                 commit: CommitInfo | None = None, column: int = 5,
                 reasons: list[str] | None = None) -> Finding:
    return Finding(rule_id=rule_id, rule_name="E-mail address" if rule_id == "email" else rule_id.title(),
                   category=category, severity=severity, confidence=0.9, path=path, line=line, column=column,
                   end_line=line, end_column=column + len(value), value=value, commit=commit,
                   reasons=reasons or ["context word 'mail'"])


def make_result(findings: list[Finding], errors: list[str] | None = None) -> ScanResult:
    result = ScanResult(findings=sorted(findings, key=Finding.sort_key), errors=errors or [])
    result.files_scanned = len({f.path for f in findings}) or 1
    result.duration = 0.25
    return result


def write_planted(folder: Path) -> list[str]:
    """Files with generated personal data and a generated token; returns the planted values."""
    values = planted_values()
    (folder / "data").mkdir(parents=True, exist_ok=True)
    (folder / "data" / "clients.csv").write_text(
        "nom,email\n" + "".join(f"client{i},{v}\n" for i, v in enumerate(values[:5])), encoding="utf-8")
    (folder / "data" / "notes with space.txt").write_text(
        f"contact: {PLANTED_EMAILS[0]}\nGITHUB_TOKEN={values[-1]}\n", encoding="utf-8")
    return values


# The planted values need only these rules; scanning with all of them would tie these tests to the
# speed of compiling every rule (test_reporters_sarif checks every rule's descriptor separately).
SCAN_RULES = ("pii", "github-*")


def scan_folder(folder: Path) -> ScanResult:
    return scan_paths([folder], Config(root=folder, enable=SCAN_RULES, group_repeats=False))  # each planted place


def render(fmt: str, result: ScanResult, **options: object) -> str:
    stream = io.StringIO()
    extra = options.pop("extra", {})
    get(fmt)(result, stream, ReportOptions(extra=dict(extra), **options))  # type: ignore[arg-type]
    return stream.getvalue()


def git(cwd: Path, *args: str) -> str:
    env = {"GIT_AUTHOR_NAME": "Camille Test", "GIT_AUTHOR_EMAIL": "camille@example.org",
           "GIT_COMMITTER_NAME": "Camille Test", "GIT_COMMITTER_EMAIL": "camille@example.org",
           "HOME": str(cwd), "PATH": "/usr/bin:/bin:/usr/local/bin"}
    done = subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout.strip()


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScanResult, list[str], Path]:
    folder = tmp_path_factory.mktemp("planted")
    values = write_planted(folder)
    return scan_folder(folder), values, folder


# --- tests of common.py -------------------------------------------------------------------------

def test_planted_emails_are_found(scanned: tuple[ScanResult, list[str], Path]) -> None:
    result, _values, _folder = scanned
    assert len([f for f in result.findings if f.rule_id == "email"]) >= 3


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_every_format_is_registered(fmt: str) -> None:
    assert callable(get(fmt))


@pytest.mark.parametrize("fmt", ALL_FORMATS)
def test_no_format_leaks_a_planted_value(fmt: str, scanned: tuple[ScanResult, list[str], Path]) -> None:
    result, values, folder = scanned
    output = render(fmt, result, root=str(folder))
    assert result.findings
    for value in values:
        assert value not in output
        local = value.split("@")[0]
        if len(local) >= 6:  # not even the local part of an address (short ones occur by chance)
            assert local not in output


@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_show_values_does_not_reach_ci_formats(fmt: str, scanned: tuple[ScanResult, list[str], Path]) -> None:
    result, values, folder = scanned
    output = render(fmt, result, root=str(folder), show_values=True, show_suppressed=True)
    for value in values:
        assert value not in output


def test_show_values_reaches_markdown(scanned: tuple[ScanResult, list[str], Path]) -> None:
    result, _values, folder = scanned
    output = render("markdown", result, root=str(folder), show_values=True)
    assert "jeanne.martin@orange.fr" in output.replace("\\", "")  # shown, Markdown-escaped


def test_reasons_holding_the_value_are_scrubbed() -> None:
    finding = make_finding(reasons=["documented value jeanne.martin@orange.fr"])
    result = make_result([finding])
    for fmt in ALL_FORMATS:
        assert "jeanne.martin@orange.fr" not in render(fmt, result)
    assert "jeanne" not in scrub("x jeanne.martin@orange.fr y", finding)


def test_occurrence_keys_are_unique_and_follow_file_order() -> None:
    a = make_finding(line=9)
    b = make_finding(line=2)
    c = make_finding(path="other.py", line=1)
    keys = occurrence_keys([a, b, c])
    assert keys[1][1] == 1 and keys[0][1] == 2 and keys[2][1] == 1
    assert len(set(keys)) == 3


def test_by_severity_puts_critical_first() -> None:
    low = make_finding(severity="low", path="a")
    critical = make_finding(severity="critical", path="z")
    assert by_severity([low, critical])[0] is critical


def test_repo_relative_uses_the_repository_top(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "sub").mkdir()
    assert repo_relative("a/b.txt", str(tmp_path / "sub")) == "sub/a/b.txt"
    assert repo_relative("../x.txt", str(tmp_path / "sub")) == "x.txt"
    assert repo_relative("-", str(tmp_path)) == "-"


def test_head_sha_in_and_out_of_a_repository(tmp_path: Path) -> None:
    outside = tmp_path / "plain"
    outside.mkdir()
    assert head_sha(str(outside)) is None
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    assert head_sha(str(repo)) is None  # no commit yet
    (repo / "f.txt").write_text("x\n")
    git(repo, "add", "f.txt")
    git(repo, "commit", "-q", "-m", "first")
    assert head_sha(str(repo)) == git(repo, "rev-parse", "HEAD")


def test_cli_writes_every_ci_report_without_values(tmp_path: Path) -> None:
    values = write_planted(tmp_path)
    reports = [f"--report={fmt}={tmp_path / 'out' / fmt}" for fmt in ALL_FORMATS]
    command = [sys.executable, "-m", "sondier", "scan", ".", "--show-values", "--quiet", *reports,
               "--format", "json"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr
    assert "jeanne.martin@orange.fr" in done.stdout  # json honours --show-values...
    for fmt in CI_FORMATS:  # ...CI formats do not
        text = (tmp_path / "out" / fmt).read_text(encoding="utf-8")
        assert text.strip()
        for value in values:
            assert value not in text, fmt
    sarif = json.loads((tmp_path / "out" / "sarif").read_text(encoding="utf-8"))
    assert sarif["runs"][0]["results"]
