"""GitLab secret-detection report: valid against the vendored 15.2.4 schema, stable ids, no values."""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from test_reporters_common import SCHEMAS, git, make_finding, make_result, render, scan_folder, write_planted

from sondier.chunks import CommitInfo
from sondier.pipeline import ScanResult
from sondier.reporters.common import NO_COMMIT_SHA

Validator = jsonschema.protocols.Validator


@pytest.fixture(scope="module")
def validator() -> Validator:
    path = SCHEMAS / "gitlab-secret-detection-report-format-15.2.4.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def gitlab_of(result: ScanResult, **options: Any) -> dict[str, Any]:
    return json.loads(render("gitlab", result, **options))


def test_real_scan_in_a_repository_is_valid(tmp_path: Path, validator: Validator) -> None:
    git(tmp_path, "init", "-q")
    values = write_planted(tmp_path)
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "seed")
    head = git(tmp_path, "rev-parse", "HEAD")
    result = scan_folder(tmp_path)
    report = gitlab_of(result, root=str(tmp_path))
    validator.validate(report)
    scan = report["scan"]
    assert scan["type"] == "secret_detection" and scan["status"] == "success"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", scan["start_time"])
    assert scan["start_time"] <= scan["end_time"]
    for part in ("analyzer", "scanner"):
        assert scan[part]["id"] == "sondier" and scan[part]["vendor"]["name"]
    vulnerabilities = report["vulnerabilities"]
    assert len(vulnerabilities) == len(result.findings) >= 3
    assert len({v["id"] for v in vulnerabilities}) == len(vulnerabilities)
    for vulnerability in vulnerabilities:
        uuid.UUID(vulnerability["id"])
        assert vulnerability["identifiers"][0]["type"] == "sondier_rule_id"
        assert vulnerability["location"]["commit"]["sha"] == head
        assert vulnerability["location"]["file"].startswith("data/")
        assert vulnerability["severity"] in {"Info", "Low", "Medium", "High", "Critical"}
        assert vulnerability["solution"]
        assert "raw_source_code_extract" not in vulnerability
    text = json.dumps(report)
    for value in values:
        assert value not in text


def test_ids_are_stable_across_runs_and_line_moves(validator: Validator) -> None:
    first = gitlab_of(make_result([make_finding(line=2), make_finding(line=9), make_finding(path="b.txt")]))
    second = gitlab_of(make_result([make_finding(line=5), make_finding(line=30), make_finding(path="b.txt")]))
    validator.validate(first)
    assert [v["id"] for v in first["vulnerabilities"]] == [v["id"] for v in second["vulnerabilities"]]
    assert len({v["id"] for v in first["vulnerabilities"]}) == 3


def test_outside_a_repository_uses_the_placeholder_sha(tmp_path: Path,
                                                       validator: Validator) -> None:
    report = gitlab_of(make_result([make_finding()]), root=str(tmp_path))
    validator.validate(report)
    assert report["vulnerabilities"][0]["location"]["commit"]["sha"] == NO_COMMIT_SHA


def test_history_finding_uses_its_commit_without_author_email(validator: Validator) -> None:
    commit = CommitInfo(sha="b" * 40, author="Camille Test", email="camille.test@orange.fr",
                        date="2024-05-01")
    report = gitlab_of(make_result([make_finding(commit=commit)]))
    validator.validate(report)
    location = report["vulnerabilities"][0]["location"]
    assert location["commit"] == {"sha": "b" * 40, "author": "Camille Test", "date": "2024-05-01"}
    assert "camille.test@orange.fr" not in json.dumps(report)


def test_errors_mark_the_scan_failed(validator: Validator) -> None:
    report = gitlab_of(make_result([], errors=["x.bin: cannot read: Permission denied"]))
    validator.validate(report)
    assert report["scan"]["status"] == "failure"
    assert {m["level"] for m in report["scan"]["messages"]} == {"warn", "fatal"}


def test_severity_mapping_and_schema_version_option(validator: Validator) -> None:
    severities = ("critical", "high", "medium", "low", "info")
    findings = [make_finding(path=f"{s}.txt", severity=s) for s in severities]
    report = gitlab_of(make_result(findings), extra={"gitlab_schema_version": "15.0.7"})
    validator.validate(report)
    assert report["version"] == "15.0.7"
    by_file = {v["location"]["file"]: v["severity"] for v in report["vulnerabilities"]}
    assert by_file == {f"{s}.txt": s.capitalize() for s in severities}


def test_show_values_is_ignored() -> None:
    text = render("gitlab", make_result([make_finding()]), show_values=True)
    assert "jeanne.martin@orange.fr" not in text and "je********" in text
