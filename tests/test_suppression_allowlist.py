"""Allowlists in the configuration: path globs, value regexes, extra test-data values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import make_finding as finding
from conftest import run_sondier

from sondier.config import Allowlist, from_mapping
from sondier.errors import ConfigError
from sondier.suppression.allowlist import AllowlistMatcher

# Invented addresses under a non-reserved domain (not real people).
SEED = "seed.user.11@orange.fr"
SUPPORT = "support.team@orange.fr"
REAL_LOOKING = "marc.vidal.83@orange.fr"


def test_global_and_per_rule_entries() -> None:
    matcher = AllowlistMatcher(
        Allowlist(
            paths=("vendor/**",),
            rules={
                "email": Allowlist(values=(r"^support\.",), test_data=("SEED.USER.11@ORANGE.FR",)),
                "iban": Allowlist(paths=("fixtures/**",)),
            },
        )
    )
    assert matcher.reason(finding(REAL_LOOKING, "vendor/lib.js")) == "allowlist"
    assert matcher.reason(finding(SUPPORT)) == "allowlist"
    assert matcher.reason(finding(SEED)) == "allowlist"  # test data: compared without case
    assert matcher.reason(finding(REAL_LOOKING)) is None
    assert matcher.reason(finding(REAL_LOOKING, "fixtures/x.csv")) is None  # the iban entry only
    assert matcher.reason(finding("FR7630006000011234567890189", "fixtures/x.csv", "iban")) == "allowlist"


def test_test_data_values_ignore_separators() -> None:
    matcher = AllowlistMatcher(Allowlist(test_data=("06 39 98 00 01",)))
    assert matcher.reason(finding("0639980001", rule_id="fr-phone")) == "allowlist"
    assert matcher.reason(finding("06.39.98.00.01", rule_id="fr-phone")) == "allowlist"
    assert matcher.reason(finding("06.39.98.00.02", rule_id="fr-phone")) is None


def test_configuration_keys_are_validated(tmp_path: Path) -> None:
    config = from_mapping(
        {"allowlist": {"test-data": ["a"], "rules": {"email": {"test-data": ["b"]}}}},
        tmp_path / ".sondier.yml",
        tmp_path,
    )
    assert config.allowlist.test_data == ("a",)
    assert config.allowlist.rules["email"].test_data == ("b",)
    with pytest.raises(ConfigError, match="test-data"):
        from_mapping({"allowlist": {"test-data": "a"}}, tmp_path / ".sondier.yml", tmp_path)
    with pytest.raises(ConfigError, match="unknown key 'testdata'"):
        from_mapping({"allowlist": {"testdata": ["a"]}}, tmp_path / ".sondier.yml", tmp_path)


def test_allowlist_end_to_end_counts_suppressed(tmp_path: Path) -> None:
    (tmp_path / ".sondier.yml").write_text(
        "rules:\n  enable: [email]\n"
        "allowlist:\n  paths: ['third_party/**']\n"
        "  rules:\n    email:\n      values: ['^support\\.']\n"
        f"      test-data: ['{SEED}']\n",
        encoding="utf-8",
    )
    (tmp_path / "third_party").mkdir()
    (tmp_path / "third_party" / "x.csv").write_text(f"email\n{REAL_LOOKING}\n", encoding="utf-8")
    (tmp_path / "app.csv").write_text(f"email\n{SUPPORT}\n{SEED}\n{REAL_LOOKING}\n", encoding="utf-8")
    proc = run_sondier(["scan", "--format", "json"], cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    assert [(f["path"], f["line"]) for f in data["findings"]] == [("app.csv", 4)]
    # The fourth is the test-data value written in .sondier.yml itself.
    assert data["summary"]["suppressed_by"] == {"allowlist": 4}
    listed = json.loads(run_sondier(["scan", "--format", "json", "--show-suppressed"], cwd=tmp_path).stdout)
    assert len(listed["suppressed"]) == 4
