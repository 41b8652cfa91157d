"""No file Sondier writes for suppression, and no message about it, holds a planted value or a
fast hash of one (plain or salted MD5, SHA-1, SHA-256), nor more than 20 bits of the v2 MAC,
whose no-key form anyone can compute."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
from pathlib import Path

import pytest
from conftest import run_sondier
from faker import Faker

from sondier import fingerprints

# Regex-only rules, so the test plants NIR- and phone-shaped values whatever the state of the
# built-in validators; values are generated, not real people's data.
PLANTED_RULES = """\
- id: planted-nir
  name: Planted NIR-shaped number
  category: pii
  severity: high
  description: Test rule, 15 digits starting with 1 or 2.
  remediation: None, test only.
  regex: '(?P<value>[12]\\d{14})'
  context:
    words: [nir]
  examples:
    positive: ['nir 1 in doc']
    negative: ['nir 3 in doc']
- id: planted-phone
  name: Planted phone-shaped number
  category: pii
  severity: medium
  description: Test rule, 10 digits starting with 06 or 07.
  remediation: None, test only.
  regex: '(?P<value>0[67]\\d{8})'
  context:
    words: [telephone]
  examples:
    positive: ['telephone 06 in doc']
    negative: ['telephone 05 in doc']
"""
CONFIG = "rules:\n  enable: [email, planted-nir, planted-phone]\n  extra: [rules-extra]\n"
SALTS = ("", "sondier", "sondier/v1", "sondier/v1//", "sondier/v2", ":", "email", "planted-nir", "planted-phone")
RULES = ("email", "planted-nir", "planted-phone")


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fingerprints.KEY_ENV, raising=False)


def planted_rows(seed: int, count: int) -> list[tuple[str, str, str]]:
    faker = Faker("fr_FR")
    faker.seed_instance(seed)
    rows = []
    for i in range(count):
        body = (
            f"{faker.random_int(1, 2)}{faker.random_int(50, 99):02d}{faker.random_int(1, 12):02d}"
            f"{faker.random_int(1, 95):02d}{faker.random_int(1, 900):03d}{faker.random_int(1, 999):03d}"
        )
        nir = body + f"{97 - int(body) % 97:02d}"
        phone = f"0{faker.random_int(6, 7)}{faker.random_int(10_000_000, 99_999_999)}"
        rows.append((f"{faker.user_name()}.{seed}{i}@orange.fr", phone, nir))
    return rows


def forbidden_strings(values: list[str]) -> set[str]:
    """Each value in its usual forms, and plain or salted MD5/SHA-1/SHA-256 digests of them
    (whole, and their first 8 hex digits, as a truncated fast hash would be written)."""
    forms = {form for v in values for form in (v, fingerprints.normalize(v), v.lower(), v.upper())}
    found = set(forms)
    for form in forms:
        for salt in SALTS:
            for data in {form, salt + form, form + salt, f"{salt}:{form}", f"{form}:{salt}"}:
                for algorithm in ("md5", "sha1", "sha256"):
                    digest = hashlib.new(algorithm, data.encode()).hexdigest()
                    found.update((digest, digest[:8]))
        # The v2 MAC without a key is a fast keyed hash under a public key: more than the
        # fingerprint's 20 bits of it (6 hex digits and up) would let an enumeration single
        # out the value.
        for rule in RULES:
            mac = hmac.new(fingerprints.stretched_key(""), f"{rule}\0{form}".encode(), hashlib.sha256).hexdigest()
            found.update((mac, mac[:6], mac[:8]))
    return found


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=T", "-c", "user.email=t@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


def test_written_files_and_messages_hold_no_value_nor_fast_hash(tmp_path: Path) -> None:
    rows = planted_rows(seed=11, count=4)
    extra = planted_rows(seed=12, count=2)
    (tmp_path / "rules-extra").mkdir()
    (tmp_path / "rules-extra" / "planted.yaml").write_text(PLANTED_RULES, encoding="utf-8")
    (tmp_path / ".sondier.yml").write_text(CONFIG, encoding="utf-8")
    lines = ["email,telephone,nir", *(",".join(row) for row in rows)]
    (tmp_path / "clients.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    git(tmp_path, "init", "-q", ".")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "planted")
    before = {p for p in tmp_path.rglob("*") if ".git" not in p.parts}

    outputs: list[str] = []

    def sondier(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        proc = run_sondier(list(args), cwd=tmp_path, env=env)
        outputs.extend((proc.stdout, proc.stderr))
        return proc

    assert sondier("baseline", "create").returncode == 0
    baseline = json.loads((tmp_path / ".sondier-baseline.json").read_text())
    assert len(baseline["entries"]) == 12
    fp = baseline["entries"][0]["fingerprint"]
    assert sondier("ignore", "add", fp, "--reason", "accepted by the DPO").returncode == 0
    assert (
        sondier("ignore", "add", "--rule", "planted-phone", "--path", "legacy/**", "--reason", "legacy").returncode == 0
    )
    # New values arrive, the baseline is updated, reports list what is suppressed.
    with open(tmp_path / "clients.csv", "a", encoding="utf-8") as handle:
        handle.write("".join(",".join(row) + "\n" for row in extra))
    assert (
        sondier(
            "scan", "--baseline", ".sondier-baseline.json", "--show-suppressed", "--report-unused-ignores"
        ).returncode
        == 1
    )
    assert (
        sondier("scan", "--baseline", ".sondier-baseline.json", "--show-suppressed", "--format", "json").returncode == 1
    )
    assert sondier("baseline", "update").returncode == 0
    assert sondier("baseline", "show").returncode == 0
    assert (
        sondier(
            "baseline",
            "create",
            "--force",
            "--file",
            "keyed.json",
            env={fingerprints.KEY_ENV: "a team secret"},
        ).returncode
        == 0
    )

    written = [p for p in tmp_path.rglob("*") if ".git" not in p.parts and p.is_file() and p not in before]
    assert {p.name for p in written} == {".sondier-baseline.json", ".sondierignore", "keyed.json"}
    values = [v for row in (*rows, *extra) for v in row]
    forbidden = forbidden_strings(values)
    texts = {str(p.relative_to(tmp_path)): p.read_text(encoding="utf-8") for p in written}
    texts.update({f"output #{i}": text for i, text in enumerate(outputs)})
    for name, text in texts.items():
        leaked = [s for s in forbidden if s.lower() in text.lower()]
        assert not leaked, f"{name} holds a planted value or a fast hash of one"
    # The files are really in use: 18 values (6 rows x 3 rules), one accepted by the ignore file,
    # the other 17 by the updated baseline.
    assert sum(e["count"] for e in json.loads(texts[".sondier-baseline.json"])["entries"]) == 17


def test_the_check_would_catch_a_fast_hash() -> None:
    """The forbidden list really holds what a careless implementation would write."""
    value = "184057511234567"
    forbidden = forbidden_strings([value])
    assert value in forbidden
    assert hashlib.sha1(value.encode()).hexdigest() in forbidden
    assert hashlib.sha256(("planted-nir" + value).encode()).hexdigest() in forbidden
    assert hashlib.md5((value + "sondier").encode()).hexdigest()[:8] in forbidden
    public_mac = hmac.new(fingerprints.stretched_key(""), f"planted-nir\0{value}".encode(), hashlib.sha256)
    assert public_mac.hexdigest()[:6] in forbidden
