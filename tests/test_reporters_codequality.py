"""GitLab Code Quality: a JSON array of issues with unique fingerprints, no BOM, no values."""

from __future__ import annotations

import json
from pathlib import Path

from test_reporters_common import make_finding, make_result, render, scan_folder, write_planted

REQUIRED = {"description", "check_name", "fingerprint", "severity", "location"}


def test_real_scan(tmp_path: Path) -> None:
    values = write_planted(tmp_path)
    result = scan_folder(tmp_path)
    text = render("codequality", result, root=str(tmp_path))
    assert not text.startswith("\ufeff")
    issues = json.loads(text)
    assert isinstance(issues, list) and len(issues) == len(result.findings) >= 3
    for issue in issues:
        assert set(issue) >= REQUIRED
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        assert issue["location"]["path"].startswith("data/")
        assert issue["location"]["lines"]["begin"] >= 1
        assert issue["check_name"].startswith("sondier/")
    assert len({issue["fingerprint"] for issue in issues}) == len(issues)
    for value in values:
        assert value not in text


def test_fingerprints_unique_even_for_the_same_value_on_one_line() -> None:
    twice = [make_finding(column=1), make_finding(column=40)]
    issues = json.loads(render("codequality", make_result(twice)))
    assert len({issue["fingerprint"] for issue in issues}) == 2


def test_fingerprints_stable_between_runs() -> None:
    first = json.loads(render("codequality", make_result([make_finding(), make_finding(path="b")])))
    second = json.loads(render("codequality", make_result([make_finding(), make_finding(path="b")])))
    assert [i["fingerprint"] for i in first] == [i["fingerprint"] for i in second]


def test_severity_mapping_keeps_the_order() -> None:
    findings = [make_finding(path=s, severity=s) for s in ("critical", "high", "medium", "low", "info")]
    issues = json.loads(render("codequality", make_result(findings)))
    assert {i["location"]["path"]: i["severity"] for i in issues} == {
        "critical": "blocker", "high": "critical", "medium": "major", "low": "minor", "info": "info"}


def test_clean_scan_is_an_empty_array() -> None:
    assert json.loads(render("codequality", make_result([]))) == []
