"""Baselines on a real git repository: accept, move lines and files, add new items, update."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from conftest import run_sondier
from faker import Faker

from sondier import fingerprints

BASELINE = ".sondier-baseline.json"
CONFIG = "rules:\n  enable: [email]\n"


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fingerprints.KEY_ENV, raising=False)


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", *args],
        cwd=root,
        check=True,
        capture_output=True,
        env={
            "GIT_AUTHOR_NAME": "Test",
            "GIT_AUTHOR_EMAIL": "test@example.com",
            "GIT_COMMITTER_NAME": "Test",
            "GIT_COMMITTER_EMAIL": "test@example.com",
            "HOME": str(root),
            "PATH": "/usr/bin:/bin:/usr/local/bin",
        },
    )


def commit_all(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def fake_emails(count: int, seed: int) -> list[str]:
    """Generated addresses under a non-reserved domain (so the scanner reports them)."""
    faker = Faker("fr_FR")
    faker.seed_instance(seed)
    found: list[str] = []
    while len(found) < count:
        address = f"{faker.user_name()}.{faker.random_int(10, 99)}@orange.fr"
        if address not in found:
            found.append(address)
    return found


def scan(root: Path, *args: str) -> dict[str, object]:
    proc = run_sondier(["scan", "--format", "json", "--show-values", "--show-suppressed", *args], cwd=root)
    assert proc.returncode in (0, 1), proc.stderr
    data: dict[str, object] = json.loads(proc.stdout)
    return data


def reported_values(data: dict[str, object]) -> list[str]:
    return sorted(f["value"] for f in data["findings"])  # type: ignore[union-attr, index]


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, list[str]]:
    values = fake_emails(8, seed=5)
    git(tmp_path, "init", "-q", ".")
    # Only the e-mail rule: these tests are about suppression, not about other detectors.
    (tmp_path / ".sondier.yml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "users.csv").write_text("email,nom\n" + "".join(f"{v},X\n" for v in values[:3]), encoding="utf-8")
    (tmp_path / "app.py").write_text(f"CONTACT_EMAIL = '{values[3]}'\n", encoding="utf-8")
    commit_all(tmp_path, "initial")
    return tmp_path, values


def test_round_trip_moves_are_accepted_and_only_new_items_reported(repo: tuple[Path, list[str]]) -> None:
    root, values = repo
    created = run_sondier(["baseline", "create"], cwd=root)
    assert created.returncode == 0, created.stderr
    assert "4 entries" in created.stderr
    commit_all(root, "baseline")

    clean = scan(root, "--baseline", BASELINE)
    assert clean["findings"] == []
    assert clean["summary"]["suppressed_by"] == {"baseline": 4}  # type: ignore[index, call-overload]

    # Move lines (insert above), move a file, move one value to another file, reformat nothing else.
    (root / "users.csv").write_text("email,nom\n" + f"{values[2]},X\n" + f"{values[0]},X\n", encoding="utf-8")
    (root / "contacts").mkdir()
    (root / "contacts" / "more.csv").write_text(f"email,nom\n{values[1]},Y\n{values[4]},New\n", encoding="utf-8")
    git(root, "mv", "app.py", "main_app.py")
    (root / "main_app.py").write_text(
        f"# header\n\n\nCONTACT_EMAIL = '{values[3]}'\nSUPPORT_EMAIL = '{values[5]}'\n", encoding="utf-8"
    )
    commit_all(root, "move things around, add two addresses")

    moved = scan(root, "--baseline", BASELINE)
    assert reported_values(moved) == sorted([values[4], values[5]])
    assert moved["summary"]["suppressed_by"] == {"baseline": 4}  # type: ignore[index, call-overload]


def test_another_copy_of_a_known_value_is_new(repo: tuple[Path, list[str]]) -> None:
    root, values = repo
    assert run_sondier(["baseline", "create"], cwd=root).returncode == 0
    (root / "export.csv").write_text(f"email\n{values[0]}\n", encoding="utf-8")
    data = scan(root, "--baseline", BASELINE)
    assert reported_values(data) == [values[0]]


def test_regeneration_is_byte_stable_sorted_and_without_lines(repo: tuple[Path, list[str]]) -> None:
    root, values = repo
    assert run_sondier(["baseline", "create"], cwd=root).returncode == 0
    first = (root / BASELINE).read_bytes()
    # Same findings in a different layout: same file.
    (root / "users.csv").write_text("email,nom\n" + "".join(f"{v},X\n" for v in reversed(values[:3])), encoding="utf-8")
    again = run_sondier(["baseline", "create", "--force", "--jobs", "1"], cwd=root)
    assert again.returncode == 0, again.stderr
    assert (root / BASELINE).read_bytes() == first
    data = json.loads(first)
    assert set(data) == {"version", "fingerprints", "entries"}
    entries = data["entries"]
    assert entries == sorted(entries, key=lambda e: (e["rule_id"], e["fingerprint"]))
    assert all(set(e) == {"rule_id", "fingerprint", "count"} for e in entries)
    text = first.decode()
    assert "line" not in text and "users.csv" not in text and "app.py" not in text
    assert first.endswith(b"\n") and b"\r" not in first


def test_create_refuses_to_overwrite(repo: tuple[Path, list[str]]) -> None:
    root, _ = repo
    assert run_sondier(["baseline", "create"], cwd=root).returncode == 0
    again = run_sondier(["baseline", "create"], cwd=root)
    assert again.returncode == 2
    assert "baseline update" in again.stderr


def test_update_adds_and_prunes(repo: tuple[Path, list[str]]) -> None:
    root, values = repo
    assert run_sondier(["baseline", "create"], cwd=root).returncode == 0
    (root / "users.csv").write_text(f"email,nom\n{values[0]},X\n{values[6]},X\n", encoding="utf-8")
    updated = run_sondier(["baseline", "update"], cwd=root)
    assert updated.returncode == 0, updated.stderr
    assert "1 added, 2 pruned, 3 entries" in updated.stderr
    assert scan(root, "--baseline", BASELINE)["findings"] == []
    # --no-prune keeps what matches nothing any more.
    (root / "app.py").unlink()
    kept = run_sondier(["baseline", "update", "--no-prune"], cwd=root)
    assert "0 added, 0 pruned, 3 entries" in kept.stderr


def test_stale_entries_are_reported_as_unused(repo: tuple[Path, list[str]]) -> None:
    root, _ = repo
    assert run_sondier(["baseline", "create"], cwd=root).returncode == 0
    (root / "app.py").unlink()
    proc = run_sondier(["scan", "-q", "--baseline", BASELINE, "--report-unused-ignores"], cwd=root)
    assert proc.returncode == 0
    assert "1 baseline entry matches nothing" in proc.stderr


def test_baseline_from_configuration_and_show(repo: tuple[Path, list[str]]) -> None:
    root, _ = repo
    (root / ".sondier.yml").write_text(CONFIG + "baseline: accepted.json\n", encoding="utf-8")
    assert run_sondier(["baseline", "create"], cwd=root).returncode == 0
    assert (root / "accepted.json").is_file()
    assert scan(root)["findings"] == []
    shown = run_sondier(["baseline", "show", "--file", "accepted.json"], cwd=root)
    assert shown.returncode == 0
    assert "4 entries" in shown.stdout and "email" in shown.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "invalid JSON at line 1"),
        ("[]", "not a Sondier baseline"),
        ('{"version": 3, "fingerprints": {}, "entries": []}', "version 3 is not supported"),
        ('{"version": 1, "fingerprints": {"scheme": "sha1"}, "entries": []}', "other parameters"),
    ],
)
def test_malformed_baseline_is_a_usage_error(repo: tuple[Path, list[str]], content: str, message: str) -> None:
    root, _ = repo
    (root / "bad.json").write_text(content, encoding="utf-8")
    proc = run_sondier(["scan", "--baseline", "bad.json"], cwd=root)
    assert proc.returncode == 2
    assert "bad.json" in proc.stderr and message in proc.stderr


def test_bad_entry_and_missing_file(repo: tuple[Path, list[str]]) -> None:
    root, _ = repo
    assert run_sondier(["baseline", "create"], cwd=root).returncode == 0
    data = json.loads((root / BASELINE).read_text())
    data["entries"][0]["fingerprint"] = "email:not-hex"
    (root / BASELINE).write_text(json.dumps(data), encoding="utf-8")
    proc = run_sondier(["scan", "--baseline", BASELINE], cwd=root)
    assert proc.returncode == 2 and "entry #1" in proc.stderr
    missing = run_sondier(["scan", "--baseline", "nowhere.json"], cwd=root)
    assert missing.returncode == 2 and "not found" in missing.stderr


def test_key_mismatch_fails_clearly(repo: tuple[Path, list[str]]) -> None:
    root, _ = repo
    keyed = run_sondier(["baseline", "create"], cwd=root, env={fingerprints.KEY_ENV: "ci secret"})
    assert keyed.returncode == 0
    assert json.loads((root / BASELINE).read_text())["fingerprints"]["key_id"]
    without = run_sondier(["scan", "--baseline", BASELINE], cwd=root)
    assert without.returncode == 2 and "created with a fingerprint key" in without.stderr
    other = run_sondier(["scan", "--baseline", BASELINE], cwd=root, env={fingerprints.KEY_ENV: "other"})
    assert other.returncode == 2 and "not the key" in other.stderr
    same = run_sondier(["scan", "--baseline", BASELINE], cwd=root, env={fingerprints.KEY_ENV: "ci secret"})
    assert same.returncode == 0, same.stderr


def test_baseline_commands_through_click_runner(repo: tuple[Path, list[str]], monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from sondier.cli import main

    root, _ = repo
    monkeypatch.chdir(root)
    runner = CliRunner()
    created = runner.invoke(main, ["baseline", "create", "--file", "b.json", "--jobs", "1"])
    assert created.exit_code == 0, created.output
    shown = runner.invoke(main, ["baseline", "show", "--file", "b.json"])
    assert shown.exit_code == 0 and "4 entries, 4 findings accepted" in shown.output
    missing = runner.invoke(main, ["baseline", "update", "--file", "absent.json"])
    assert missing.exit_code == 2 and "absent.json" in missing.output
    scanned = runner.invoke(main, ["scan", "-q", "--baseline", "b.json", "--jobs", "1"])
    assert scanned.exit_code == 0, scanned.output


def test_history_baseline_accepts_moves_in_later_commits(repo: tuple[Path, list[str]]) -> None:
    root, values = repo
    created = run_sondier(["baseline", "create", "--history"], cwd=root)
    assert created.returncode == 0, created.stderr
    assert scan(root, "--history", "--baseline", BASELINE)["findings"] == []
    # A later commit moves an accepted value to another file (an added line in git's eyes)
    # and adds a new one: only the new one is reported.
    (root / "users.csv").write_text(f"email,nom\n{values[1]},X\n{values[2]},X\n", encoding="utf-8")
    (root / "admins.csv").write_text(f"email,nom\n{values[0]},X\n{values[7]},New\n", encoding="utf-8")
    commit_all(root, "move one address, add one")
    data = scan(root, "--history", "--baseline", BASELINE)
    assert reported_values(data) == [values[7]]
