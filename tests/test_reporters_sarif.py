"""SARIF 2.1.0: the OASIS schema plus GitHub code scanning's extra requirements (ci-conventions §4.1)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from test_reporters_common import SCHEMAS, git, make_finding, make_result, render, scan_folder, write_planted

from sondier.chunks import CommitInfo
from sondier.config import Config
from sondier.pipeline import ScanResult, load_selected_rules

Sarif = dict[str, Any]


@pytest.fixture(scope="module")
def validator() -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[ScanResult, list[str], Path]:
    folder = tmp_path_factory.mktemp("sarif")
    values = write_planted(folder)
    return scan_folder(folder), values, folder


def sarif_of(result: ScanResult, **options: Any) -> Sarif:
    return json.loads(render("sarif", result, **options))


def check_github_rules(sarif: Sarif) -> None:
    """What GitHub requires beyond the schema (or silently mishandles)."""
    assert sarif["$schema"] and sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"]
    rules = driver["rules"]
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids)), "rule ids must be unique"
    for rule in rules:
        assert rule["name"] and len(rule["name"]) <= 255
        for key in ("shortDescription", "fullDescription"):
            assert 0 < len(rule[key]["text"]) <= 1024
        assert rule["help"]["text"] and rule["help"]["markdown"]
        assert "Remediation" in rule["help"]["text"]
        assert rule["defaultConfiguration"]["level"] in {"error", "warning", "note"}
        props = rule["properties"]
        assert "security" in props["tags"] and len(props["tags"]) <= 20
        assert 0.1 <= float(props["security-severity"]) <= 10
        assert props["precision"] in {"very-high", "high", "medium", "low"}
    assert run["automationDetails"]["id"]
    assert len(run["results"]) <= 25_000
    invocation = run["invocations"][0]
    assert isinstance(invocation["executionSuccessful"], bool)
    assert invocation["workingDirectory"]["uri"].startswith("file://")
    for result in run["results"]:
        assert result["message"]["text"]
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["level"] in {"error", "warning", "note"}
        assert result["partialFingerprints"]["primaryLocationLineHash"]
        assert 1 <= len(result["locations"]) <= 10
        location = result["locations"][0]["physicalLocation"]
        uri = location["artifactLocation"]["uri"]
        assert not uri.startswith(("/", "file:", "..")) and not re.search(r"[ \\#?]", uri)
        region = location["region"]
        assert {"startLine", "startColumn", "endLine", "endColumn"} <= set(region)
        assert region["endLine"] >= region["startLine"] >= 1


def test_real_scan_is_valid_sarif_for_github(validator: jsonschema.protocols.Validator,
                                             scanned: tuple[ScanResult, list[str], Path]) -> None:
    result, values, folder = scanned
    sarif = sarif_of(result, root=str(folder))
    validator.validate(sarif)
    check_github_rules(sarif)
    run = sarif["runs"][0]
    assert {r["ruleId"] for r in run["results"]} >= {"email"}
    assert len(run["results"]) == len(result.findings)
    assert run["invocations"][0]["executionSuccessful"] is True
    assert len(run["tool"]["driver"]["rules"]) == len({r.id for r in result.rules})
    text = json.dumps(sarif)
    for value in values:
        assert value not in text


def test_uri_is_percent_encoded_and_repo_relative(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    sub = tmp_path / "sub dir"
    sub.mkdir()
    finding = make_finding(path="a b/100%#?.txt")
    sarif = sarif_of(make_result([finding]), root=str(sub))
    location = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "sub%20dir/a%20b/100%25%23%3F.txt"
    assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert sarif["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tmp_path.as_uri() + "/"


def test_region_is_complete_and_columns_are_code_points() -> None:
    finding = make_finding(line=4, column=7)
    sarif = sarif_of(make_result([finding]))
    region = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 4, "startColumn": 7, "endLine": 4, "endColumn": 7 + len(finding.value)}
    assert sarif["runs"][0]["columnKind"] == "unicodeCodePoints"


def test_partial_fingerprints_are_stable_unique_and_not_the_value(
        validator: jsonschema.protocols.Validator) -> None:
    same_twice = [make_finding(line=1), make_finding(line=8), make_finding(path="b.py")]
    first = sarif_of(make_result(same_twice))
    moved = [make_finding(line=3), make_finding(line=12), make_finding(path="b.py", line=40)]
    second = sarif_of(make_result(moved))
    validator.validate(first)
    hashes = [r["partialFingerprints"]["primaryLocationLineHash"] for r in first["runs"][0]["results"]]
    assert len(set(hashes)) == 3
    again = [r["partialFingerprints"]["primaryLocationLineHash"] for r in second["runs"][0]["results"]]
    assert hashes == again
    assert all(re.fullmatch(r"[0-9a-f]{16}:\d+", h) for h in hashes)
    assert "orange" not in json.dumps(first["runs"][0]["results"][0]["partialFingerprints"])


def test_errors_make_the_invocation_unsuccessful(validator: jsonschema.protocols.Validator) -> None:
    sarif = sarif_of(make_result([make_finding()], errors=["big.bin: cannot read: Permission denied"]))
    validator.validate(sarif)
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert "Permission denied" in invocation["toolExecutionNotifications"][0]["message"]["text"]


def test_history_findings_carry_commit_properties_without_author_email(
        validator: jsonschema.protocols.Validator) -> None:
    commit = CommitInfo(sha="a" * 40, author="Camille Test", email="camille.test@orange.fr",
                        date="2024-05-01T10:00:00+02:00", message="add seed")
    sarif = sarif_of(make_result([make_finding(commit=commit)]))
    validator.validate(sarif)
    result = sarif["runs"][0]["results"][0]
    assert result["properties"]["commit"] == "a" * 40
    assert result["properties"]["author"] == "Camille Test"
    assert result["properties"]["date"] == "2024-05-01T10:00:00+02:00"
    assert "camille.test@orange.fr" not in json.dumps(sarif)


def test_results_are_capped_most_severe_first(validator: jsonschema.protocols.Validator) -> None:
    findings = [make_finding(path=f"f{i}.txt", severity="low") for i in range(5)]
    findings.append(make_finding(path="z.txt", rule_id="github-pat", severity="critical", category="secret",
                                 value="ghp_" + "Ab1" * 12))
    sarif = sarif_of(make_result(findings), extra={"sarif_max_results": 3})
    validator.validate(sarif)
    run = sarif["runs"][0]
    assert len(run["results"]) == 3
    assert run["results"][0]["ruleId"] == "github-pat" and run["results"][0]["level"] == "error"
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert "3 finding(s) left out" in notes[0]["message"]["text"]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert rules["github-pat"]["properties"]["security-severity"] == "9.5"
    assert rules["email"]["properties"]["security-severity"] == "3.0"


def test_unknown_rule_gets_a_descriptor_and_category_is_configurable(
        validator: jsonschema.protocols.Validator) -> None:
    sarif = sarif_of(make_result([make_finding()]), extra={"sarif_category": "sondier-history"})
    validator.validate(sarif)
    check_github_rules(sarif)
    assert sarif["runs"][0]["automationDetails"]["id"] == "sondier-history/"


def test_suppressed_findings_only_on_request(validator: jsonschema.protocols.Validator) -> None:
    kept = make_finding()
    hidden = make_finding(path="ignored.txt")
    hidden.suppressed_by = "baseline"
    result = make_result([kept])
    result.suppressed = [hidden]
    assert len(sarif_of(result)["runs"][0]["results"]) == 1
    sarif = sarif_of(result, show_suppressed=True)
    validator.validate(sarif)
    suppressed = [r for r in sarif["runs"][0]["results"] if "suppressions" in r]
    assert len(suppressed) == 1 and suppressed[0]["suppressions"][0]["kind"] == "external"


def test_every_builtin_rule_meets_githubs_descriptor_limits(validator: jsonschema.protocols.Validator) -> None:
    result = make_result([make_finding()])
    result.rules = load_selected_rules(Config())
    sarif = sarif_of(result)
    validator.validate(sarif)
    check_github_rules(sarif)
    assert len(sarif["runs"][0]["tool"]["driver"]["rules"]) == len({r.id for r in result.rules})


def test_empty_scan_is_valid(validator: jsonschema.protocols.Validator) -> None:
    sarif = sarif_of(make_result([]))
    validator.validate(sarif)
    assert sarif["runs"][0]["results"] == []


def test_history_scan_end_to_end(tmp_path: Path, validator: jsonschema.protocols.Validator) -> None:
    """A value committed then deleted: the report points at the commit that introduced it."""
    git(tmp_path, "init", "-q")
    (tmp_path / "seed.txt").write_text("contact: jeanne.martin@orange.fr\n", encoding="utf-8")
    git(tmp_path, "add", "seed.txt")
    git(tmp_path, "commit", "-q", "-m", "seed")
    introduced = git(tmp_path, "rev-parse", "HEAD")
    git(tmp_path, "rm", "-q", "seed.txt")
    git(tmp_path, "commit", "-q", "-m", "remove")
    out = tmp_path.parent / f"{tmp_path.name}-history.sarif"
    done = subprocess.run([sys.executable, "-m", "sondier", "scan", "--history", "--rule", "email", "--quiet",
                           "--report", f"sarif={out}"], cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 1, done.stderr
    sarif = json.loads(out.read_text(encoding="utf-8"))
    validator.validate(sarif)
    check_github_rules(sarif)
    result = sarif["runs"][0]["results"][0]
    assert result["properties"]["commit"] == introduced
    assert result["properties"]["author"] == "Camille Test"
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "seed.txt"
    assert "jeanne.martin" not in out.read_text(encoding="utf-8")


@pytest.mark.skipif(not os.environ.get("SARIF_MULTITOOL"), reason="set SARIF_MULTITOOL to the Sarif.Multitool binary")
def test_sarif_multitool_finds_nothing(tmp_path: Path, scanned: tuple[ScanResult, list[str], Path]) -> None:
    """Optional: Microsoft's validator with its SARIF and GitHub (GH*) rules
    (npm @microsoft/sarif-multitool)."""
    result, _values, folder = scanned
    source = tmp_path / "in.sarif"
    source.write_text(render("sarif", result, root=str(folder)), encoding="utf-8")
    output = tmp_path / "out.sarif"
    subprocess.run([os.environ["SARIF_MULTITOOL"], "validate", "--rule-kind", "Gh;Sarif", "-o", str(output),
                    str(source)], check=True, capture_output=True, timeout=300)
    problems = json.loads(output.read_text(encoding="utf-8"))["runs"][0].get("results", [])
    assert problems == [], [(p["ruleId"], p["message"]) for p in problems]
