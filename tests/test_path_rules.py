"""Path rules: a file whose name is the leak (a `.p12` keystore), in folders and in git."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_sondier
from gitrepo import make_repo

from sondier.chunks import Chunk, path_chunk
from sondier.detection import Detector
from sondier.errors import RuleError
from sondier.rules import load_rules, parse_rule

KEYSTORE = b"0\x82\x0a\x00\x02\x01\x03" + bytes(range(256)) * 4  # binary, DER-like bytes, no real key


def base_rule(**fields: object) -> dict[str, object]:
    return {"id": "demo", "name": "Demo", "category": "secret", "severity": "high", "description": "d",
            "remediation": "r", "examples": {"positive": ["x.p12"]}, **fields}


def test_a_rule_needs_a_regex_or_a_path() -> None:
    assert parse_rule(base_rule(path=["*.p12"]), "r.yaml").path_only
    with pytest.raises(RuleError, match="regex"):
        parse_rule(base_rule(), "r.yaml")


def test_path_rule_judges_names_not_text() -> None:
    detector = Detector([r for r in load_rules() if r.id == "pkcs12-file"])
    found = detector.detect(path_chunk("deploy/prod/server.pfx")).findings
    assert [(f.rule_id, f.line, f.column) for f in found] == [("pkcs12-file", 1, 1)]
    assert not detector.detect(Chunk("see server.pfx for the key", "docs/howto.md")).findings


def test_regex_rule_restricted_to_some_paths() -> None:
    rule = parse_rule(base_rule(regex=r"token=(?P<value>[a-z]{8})", path=["*.tf"]), "r.yaml")
    detector = Detector([rule])
    assert detector.detect(Chunk("token=abcdefgh", "infra/main.tf")).findings
    assert not detector.detect(Chunk("token=abcdefgh", "src/app.py")).findings


def test_binary_keystore_in_a_folder_is_reported(tmp_path: Path) -> None:
    (tmp_path / "certs").mkdir()
    (tmp_path / "certs" / "client.p12").write_bytes(KEYSTORE)
    (tmp_path / "notes.md").write_text("the p12 format is described in RFC 7292\n")
    done = run_sondier(["scan", str(tmp_path), "--format", "json", "--rule", "pkcs12-file"])
    assert done.returncode == 1, done.stderr
    assert [f["path"] for f in json.loads(done.stdout)["findings"]] == ["certs/client.p12"]


def test_staged_keystore_is_reported_and_its_deletion_is_not(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    repo.write("README.md", "project\n")
    repo.commit("init")
    repo.write("certs/client.p12", KEYSTORE)
    repo.stage()
    added = run_sondier(["scan", "--staged", "--repo", str(repo.path), "--format", "json", "--rule", "pkcs12-file"])
    assert added.returncode == 1, added.stderr
    assert [f["path"] for f in json.loads(added.stdout)["findings"]] == ["certs/client.p12"]
    repo.commit("add keystore")
    repo.remove("certs/client.p12")
    removed = run_sondier(["scan", "--staged", "--repo", str(repo.path), "--rule", "pkcs12-file", "-q"])
    assert removed.returncode == 0, removed.stdout + removed.stderr


def test_history_reports_the_keystore_once_and_knows_it_left_head(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    repo.write("README.md", "project\n")
    repo.commit("init")
    repo.write("certs/client.p12", KEYSTORE)
    introduced = repo.commit("add keystore")
    repo.write("README.md", "project, v2\n")
    repo.commit("unrelated")
    repo.remove("certs/client.p12")
    repo.commit("remove keystore")
    done = run_sondier(["scan", "--history", "--repo", str(repo.path), "--format", "json", "--rule", "pkcs12-file"])
    assert done.returncode == 1, done.stderr
    [finding] = json.loads(done.stdout)["findings"]
    assert finding["commit"] == introduced
    assert finding["in_head"] is False
    assert finding["commits_carrying"] == 2
