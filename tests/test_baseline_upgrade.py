"""Files written before v2 fingerprints: still read (slow path, only for their rules), and
`sondier baseline upgrade` rewrites them from a scan, accepting nothing new."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from conftest import run_sondier
from test_baseline import BASELINE, commit_all, fake_emails, git, reported_values, scan

from sondier import fingerprints
from sondier.findings import Finding
from sondier.suppression import ignore_file

CONFIG = "rules:\n  enable: [email]\n"


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fingerprints.KEY_ENV, raising=False)


def v1_baseline(values: list[str]) -> str:
    """A baseline as Sondier wrote it before v2 (version 1, one scrypt per value)."""
    counts = Counter(fingerprints.legacy_fingerprint("email", v) for v in values)
    entries = [{"rule_id": "email", "fingerprint": fp, "count": n} for fp, n in sorted(counts.items())]
    data = {"version": 1, "fingerprints": fingerprints.legacy_scheme(), "entries": entries}
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, list[str]]:
    values = fake_emails(6, seed=21)
    git(tmp_path, "init", "-q", ".")
    (tmp_path / ".sondier.yml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "users.csv").write_text("email\n" + "".join(f"{v}\n" for v in values[:4]), encoding="utf-8")
    commit_all(tmp_path, "initial")
    return tmp_path, values


def test_a_version_1_baseline_still_suppresses(repo: tuple[Path, list[str]]) -> None:
    root, values = repo
    (root / BASELINE).write_text(v1_baseline(values[:3]), encoding="utf-8")
    assert reported_values(scan(root, "--baseline", BASELINE)) == [values[3]]


def test_upgrade_rewrites_version_1_and_accepts_nothing_new(repo: tuple[Path, list[str]]) -> None:
    root, values = repo
    # values[2] was accepted but is gone since: its entry is dropped, not carried over.
    (root / BASELINE).write_text(v1_baseline([values[0], values[1], values[5]]), encoding="utf-8")
    proc = run_sondier(["baseline", "upgrade"], cwd=root)
    assert proc.returncode == 0, proc.stderr
    data = json.loads((root / BASELINE).read_text(encoding="utf-8"))
    assert data["version"] == 2 and data["fingerprints"]["scheme"] == fingerprints.SCHEME
    assert sorted(e["fingerprint"] for e in data["entries"]) == sorted(
        fingerprints.fingerprint("email", v) for v in values[:2]
    )
    assert reported_values(scan(root, "--baseline", BASELINE)) == sorted(values[2:4])
    show = run_sondier(["baseline", "show"], cwd=root)
    assert "sondier-hmac-v2" in show.stdout and "version 1" not in show.stdout


def test_upgrade_of_a_version_2_baseline_alone_is_refused(repo: tuple[Path, list[str]]) -> None:
    root, _ = repo
    assert run_sondier(["baseline", "create"], cwd=root).returncode == 0
    proc = run_sondier(["baseline", "upgrade"], cwd=root)
    assert proc.returncode == 2 and "nothing to upgrade" in proc.stderr


def test_version_1_ignore_entries_match_and_are_upgraded(repo: tuple[Path, list[str]]) -> None:
    root, values = repo
    old = fingerprints.legacy_fingerprint("email", values[1])
    (root / ".sondierignore").write_text(
        f'# reviewed\nfingerprint={old} reason="the DPO said yes"\nrule=email path="none/**" reason="other"\n',
        encoding="utf-8",
    )
    assert values[1] not in reported_values(scan(root))
    assert run_sondier(["baseline", "upgrade"], cwd=root).returncode == 0
    text = (root / ".sondierignore").read_text(encoding="utf-8")
    assert f'fingerprint={fingerprints.fingerprint("email", values[1])} reason="the DPO said yes"' in text
    assert old not in text and text.startswith("# reviewed\n") and 'path="none/**"' in text
    assert values[1] not in reported_values(scan(root))


def test_upgrade_text_writes_one_line_per_value_sharing_a_v1_fingerprint(monkeypatch: pytest.MonkeyPatch) -> None:
    def finding(value: str) -> Finding:
        return Finding("email", "E-mail", "pii", "high", 0.9, "a.csv", 1, 1, 1, 2, value)

    one, two = finding("anne.1@orange.fr"), finding("bruno.2@orange.fr")
    shared = fingerprints.legacy_fingerprint("email", one.value)
    text = f"fingerprint={shared} reason=x\n"
    # Pretend both values share the v1 fingerprint (a 2^-20 accident).
    digest = shared.rpartition(":")[2]
    monkeypatch.setattr(fingerprints, "_legacy_digest", lambda rule, value, key: digest)
    upgraded, unmatched = ignore_file.upgrade_text(text, [one, two])
    assert unmatched == 0
    assert sorted(upgraded.splitlines()) == sorted(f"fingerprint={f.fingerprint} reason=x" for f in (one, two))
