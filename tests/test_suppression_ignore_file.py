"""The ignore file: entries by fingerprint, rule and path glob, mandatory reasons, clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import make_finding as finding
from conftest import run_sondier

from sondier import fingerprints
from sondier.errors import ConfigError
from sondier.suppression import ignore_file

CONFIG = "rules:\n  enable: [email]\n"  # only the rule these files exercise
# Invented addresses under a non-reserved domain (not real people).
KEPT = "lea.garnier.31@orange.fr"
FIXTURE = "tom.henry.47@orange.fr"
DOC = "ana.lopez.52@orange.fr"


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fingerprints.KEY_ENV, raising=False)


def parse(text: str) -> list[ignore_file.IgnoreEntry]:
    return [e for n, line in enumerate(text.splitlines(), 1) if (e := ignore_file.parse_line(line, "f", n))]


def test_parse_and_match_selectors() -> None:
    fp = fingerprints.fingerprint("email", KEPT)
    entries = parse(
        "# accepted findings\n\n"
        f'fingerprint={fp} reason="test fixture"  # trailing comment\n'
        "rule=email path='tests/fixtures/**' reason=generated\n"
        "path=docs/*.md reason='documentation examples'\n"
        "rule=pii path=vendor/** reason=third-party\n"
    )
    assert [e.line for e in entries] == [3, 4, 5, 6]
    by_fp, by_rule_path, by_path, by_category = entries
    assert by_fp.matches(finding(KEPT)) and not by_fp.matches(finding(FIXTURE))
    assert by_rule_path.matches(finding(FIXTURE, "tests/fixtures/users/seed.sql"))
    assert not by_rule_path.matches(finding(FIXTURE, "src/seed.sql"))
    assert by_path.matches(finding(DOC, "docs/guide.md")) and not by_path.matches(finding(DOC, "src/guide.md"))
    assert by_category.matches(finding(DOC, "vendor/lib/x.js"))
    assert by_fp.describe() == f"f:3: fingerprint={fp}"
    assert "test fixture" not in by_fp.describe()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("rule=email", "needs a reason"),
        ("rule=email reason=", "'reason' is empty"),
        ("reason=because", "at least one of"),
        ("rule=email because", "expected KEY=VALUE"),
        ("rules=email reason=x", "unknown key 'rules'"),
        ("rule=email rule=iban reason=x", "given twice"),
        ("fingerprint=0612345678 reason=x", "is not a fingerprint"),
        ("fingerprint=email:abcde rule=iban reason=x", "belongs to rule 'email'"),
        ("path='docs/* reason=x", "cannot parse entry"),
    ],
)
def test_malformed_lines_name_file_and_line(line: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        ignore_file.parse_line(line, ".sondierignore", 7)
    assert str(error.value).startswith(".sondierignore:7: ")
    assert message in str(error.value)


@pytest.mark.parametrize(
    "line",
    [
        f"fingerprint={KEPT} reason=x",
        f"{KEPT} reason=x",
        f"{KEPT}=x reason=x",
        f"rule={KEPT} fingerprint=email:abcde reason=x",
    ],
)
def test_errors_never_echo_a_pasted_value(line: str) -> None:
    # Someone pasting a value instead of its fingerprint: the message must not copy it into CI logs.
    with pytest.raises(ConfigError) as error:
        ignore_file.parse_line(line, "f", 1)
    assert KEPT not in str(error.value)
    assert "orange" not in str(error.value)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".sondier.yml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "app.py").write_text(f"CONTACT_EMAIL = '{KEPT}'\n", encoding="utf-8")
    (tmp_path / "tests" / "fixtures").mkdir(parents=True)
    (tmp_path / "tests" / "fixtures" / "users.csv").write_text(f"email\n{FIXTURE}\n", encoding="utf-8")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "guide.md").write_text(f"Write to the e-mail {DOC}.\n", encoding="utf-8")
    return tmp_path


def scan(root: Path, *args: str) -> tuple[int, dict[str, object], str]:
    proc = run_sondier(["scan", "--format", "json", "--show-suppressed", *args], cwd=root)
    return proc.returncode, json.loads(proc.stdout) if proc.stdout.strip() else {}, proc.stderr


def test_default_ignore_file_end_to_end_with_unused_entries(repo: Path) -> None:
    code, first, _ = scan(repo)
    assert code == 1 and len(first["findings"]) == 3  # type: ignore[arg-type]
    fp = next(f["fingerprint"] for f in first["findings"] if f["path"] == "app.py")  # type: ignore[union-attr, index]
    (repo / ".sondierignore").write_text(
        f'fingerprint={fp} reason="shared support address"\n'
        "path=tests/fixtures/** reason=generated\n"
        "rule=iban reason='no IBAN here: unused'\n"
        "path=old/** reason='removed folder: unused'\n",
        encoding="utf-8",
    )
    code, data, stderr = scan(repo, "--report-unused-ignores")
    assert code == 1
    assert [f["path"] for f in data["findings"]] == ["docs/guide.md"]  # type: ignore[union-attr, index]
    assert data["summary"]["suppressed_by"] == {"ignore-file": 2}  # type: ignore[index, call-overload]
    unused = [line for line in stderr.splitlines() if "unused ignore entry" in line]
    assert len(unused) == 2
    assert ".sondierignore:3: rule=iban" in unused[0] and ".sondierignore:4: path='old/**'" in unused[1]
    # Without the flag, nothing about unused entries.
    assert "unused" not in scan(repo)[2]


def test_explicit_ignore_file_and_malformed_file_exit_2(repo: Path) -> None:
    (repo / "team.ignore").write_text("rule=email reason=ok\npath=docs/**\n", encoding="utf-8")
    code, _, stderr = scan(repo, "--ignore-file", "team.ignore")
    assert code == 2
    assert "team.ignore:2:" in stderr and "reason" in stderr
    missing = run_sondier(["scan", "--ignore-file", "absent.ignore"], cwd=repo)
    assert missing.returncode == 2 and "absent.ignore: ignore file not found" in missing.stderr


def test_ignore_add_command(repo: Path) -> None:
    _, first, _ = scan(repo)
    fp = next(f["fingerprint"] for f in first["findings"] if f["path"] == "docs/guide.md")  # type: ignore[union-attr, index]
    added = run_sondier(["ignore", "add", fp, "--reason", "documentation example"], cwd=repo)
    assert added.returncode == 0, added.stderr
    added = run_sondier(["ignore", "add", "--rule", "email", "--path", "tests/**", "--reason", "fixtures"], cwd=repo)
    assert added.returncode == 0, added.stderr
    text = (repo / ".sondierignore").read_text(encoding="utf-8")
    assert text == (f"fingerprint={fp} reason='documentation example'\nrule=email path='tests/**' reason=fixtures\n")
    _, data, _ = scan(repo)
    assert [f["path"] for f in data["findings"]] == ["app.py"]  # type: ignore[union-attr, index]
    refused = run_sondier(["ignore", "add", "--rule", "email"], cwd=repo)
    assert refused.returncode == 2  # --reason is mandatory
    bad = run_sondier(["ignore", "add", "not-a-fingerprint", "--reason", "x"], cwd=repo)
    assert bad.returncode == 2 and "not a fingerprint" in bad.stderr
