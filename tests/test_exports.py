"""Exports: many records of personal data in one file are reported as one finding per rule, with
every location in the JSON report; below the threshold the values stay individual findings."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from faker import Faker
from stdnum import iban

from sondier import exports, pipeline
from sondier.config import Config, from_mapping
from sondier.errors import ConfigError
from sondier.reporters import ReportOptions, json_report
from tests.conftest import make_finding, run_sondier

ROWS = 1_000
SMALL = 30


def _nir(fake: Faker) -> str:
    body = (f"{fake.random_element('12')}{fake.random_int(50, 99):02d}{fake.random_int(1, 12):02d}"
            f"{fake.random_element(['75', '69', '13', '33', '59'])}{fake.random_int(1, 400):03d}"
            f"{fake.random_int(1, 999):03d}")
    return body + f"{97 - int(body) % 97:02d}"


def _french_iban(fake: Faker) -> str:
    bank, branch, account = f"{fake.random_int(10000, 39999)}", f"{fake.random_int(0, 99999):05d}", \
        f"{fake.random_int(0, 10**11 - 1):011d}"
    rib_key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    bban = f"{bank}{branch}{account}{rib_key:02d}"
    return f"FR{iban.calc_check_digits('FR00' + bban)}{bban}"


def write_export(path: Path, rows: int, seed: int = 20240501) -> None:
    """A CSV export of generated people: checksums computed, no real person."""
    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    lines = ["nom;prenom;nir;iban;telephone;email"]
    for _ in range(rows):
        lines.append(f"{fake.last_name()};{fake.first_name()};{_nir(fake)};{_french_iban(fake)};"
                     f"{fake.phone_number()};{fake.free_email()}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def scan_json(tmp_path: Path, *args: str) -> dict[str, Any]:
    done = run_sondier(["scan", ".", "--format", "json", *args], cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def small_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """30 rows: enough for an export, few values to fingerprint (each costs ~10 ms by design)."""
    root = tmp_path_factory.mktemp("small-export")
    write_export(root / "usagers.csv", SMALL)
    return root


def json_report_in_process(root: Path, threshold: int) -> dict[str, Any]:
    """The JSON report of a scan run in process, without the workers' fingerprints (slow by
    design, ~10 ms a value): only the reported findings get one, when the report is written."""
    config = Config(root=root, fingerprints=False, export_threshold=threshold)
    result = pipeline.scan_paths([root], config)
    return json.loads(json.dumps(json_report.report(result, ReportOptions())))


# Table rules judge a whole table (one finding naming its columns), not values: never aggregated.
TABLE_RULES = frozenset({"person-record", "sensitive-record"})


def test_a_large_export_is_one_finding_per_rule_with_every_location(tmp_path: Path) -> None:
    write_export(tmp_path / "extractions" / "usagers.csv", ROWS)
    aggregated = json_report_in_process(tmp_path, Config.export_threshold)
    tables = [f for f in aggregated["findings"] if f["rule_id"] in TABLE_RULES]
    assert [f["rule_id"] for f in tables] == ["person-record"] and "export" not in tables[0]
    aggregated["findings"] = [f for f in aggregated["findings"] if f["rule_id"] not in TABLE_RULES]
    individual = {"findings": [
        {"rule_id": f.rule_id, "line": f.line, "column": f.column}
        for f in pipeline.scan_paths([tmp_path], Config(root=tmp_path, fingerprints=False, export_threshold=0)).findings
        if f.rule_id not in TABLE_RULES
    ]}
    per_rule = Counter(f["rule_id"] for f in individual["findings"])
    assert per_rule["fr-nir"] == ROWS and per_rule["iban"] == ROWS and per_rule["email"] == ROWS
    assert per_rule["fr-phone"] > ROWS // 2  # Faker writes some numbers in forms that are not phones
    findings = aggregated["findings"]
    assert Counter(f["rule_id"] for f in findings) == {rule: 1 for rule in per_rule}
    assert aggregated["summary"]["exports"] == len(per_rule)
    for finding in findings:
        export = finding["export"]
        locations = [[f["line"], f["column"]] for f in individual["findings"] if f["rule_id"] == finding["rule_id"]]
        assert export["count"] == per_rule[finding["rule_id"]] == len(export["locations"])
        assert export["locations"] == locations
        assert [finding["line"], finding["column"]] == locations[0]
        assert finding["reasons"][0].startswith(f"export: {export['count']:,} values of {finding['rule_id']} in ")
        assert "value" not in finding and finding["redacted"].endswith("********")
    nir = next(f for f in findings if f["rule_id"] == "fr-nir")
    assert nir["export"]["columns"] == ["nir"] and nir["export"]["records"] == ROWS
    assert nir["column_name"] == "nir" and nir["record"] == "extractions/usagers.csv:2:1"


def _config(folder: Path, threshold: int) -> Path:
    path = folder / f"exports-{threshold}.yml"
    path.write_text(f"exports:\n  threshold: {threshold}\n")
    return path


def test_an_export_below_the_threshold_stays_individual_findings(tmp_path: Path) -> None:
    write_export(tmp_path / "petit.csv", 9)
    findings = scan_json(tmp_path)["findings"]
    assert Counter(f["rule_id"] for f in findings)["fr-nir"] == 9
    assert not any("export" in f for f in findings)
    assert len({f["record"] for f in findings}) == 9  # one record a row, each value of the row inside it


def test_an_export_under_tests_fixtures_is_still_reported_as_personal(tmp_path: Path) -> None:
    write_export(tmp_path / "tests" / "fixtures" / "import_usagers.csv", 50, seed=7)
    done = run_sondier(["scan", ".", "--format", "json"], cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    findings = json.loads(done.stdout)["findings"]
    nir = next(f for f in findings if f["rule_id"] == "fr-nir")
    assert nir["export"]["count"] == 50 and nir["path"] == "tests/fixtures/import_usagers.csv"


def test_text_report_shows_one_line_per_export(small_export: Path) -> None:
    done = run_sondier(["scan", ".", "--no-color"], cwd=small_export)
    assert done.returncode == 1
    assert f"export: {SMALL} values of fr-nir in {SMALL} rows (columns nir)" in done.stdout
    assert len([line for line in done.stdout.splitlines() if "export:" in line]) == 4


def test_sarif_has_one_result_per_export(small_export: Path) -> None:
    done = run_sondier(["scan", ".", "--format", "sarif"], cwd=small_export)
    results = json.loads(done.stdout)["runs"][0]["results"]
    assert sorted(r["ruleId"] for r in results if "export_count" in r["properties"]) == [
        "email", "fr-nir", "fr-phone", "iban"]
    assert [r["ruleId"] for r in results if "export_count" not in r["properties"]] == ["person-record"]
    nir = next(r for r in results if r["ruleId"] == "fr-nir")
    assert nir["properties"]["export_count"] == SMALL and f"export: {SMALL} values" in nir["message"]["text"]


def test_baselines_accept_exports_before_and_after(small_export: Path, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "usagers.csv").write_bytes((small_export / "usagers.csv").read_bytes())
    # A baseline written without exports (individual values) still suppresses them all.
    old = tmp_path / "old.json"
    created = run_sondier(["baseline", "create", ".", "--file", str(old), "--config",
                           str(_config(tmp_path, 0))], cwd=tree)
    assert created.returncode == 0, created.stderr
    assert scan_json(tree, "--baseline", str(old))["findings"] == []
    # A baseline written with exports holds every value of each export, not one per export.
    new = tmp_path / "new.json"
    assert run_sondier(["baseline", "create", ".", "--file", str(new)], cwd=tree).returncode == 0
    assert json.loads(new.read_text()) == json.loads(old.read_text())
    # A new row added later: the export shrinks to the unaccepted values, below the threshold.
    write_export(tree / "more.csv", 3, seed=99)
    with (tree / "usagers.csv").open("a") as handle:
        handle.write((tree / "more.csv").read_text().splitlines()[1] + "\n")
    (tree / "more.csv").unlink()
    fresh = scan_json(tree, "--baseline", str(new))["findings"]
    assert fresh and not any("export" in f for f in fresh) and {f["line"] for f in fresh} == {SMALL + 2}


def test_aggregate_groups_per_file_and_rule_and_keeps_members() -> None:
    findings = [make_finding(f"a{i}@example.org", path="a.csv") for i in range(12)]
    for line, finding in enumerate(findings, start=2):
        finding.line, finding.record = line, f"a.csv:{line}:1"
    other = make_finding("b@example.org", path="b.csv")
    result = exports.aggregate([*findings, other], threshold=10)
    assert len(result) == 2
    export = next(f for f in result if f.path == "a.csv")
    assert export.extra["export"]["count"] == 12 and export.line == 2  # type: ignore[index]
    assert list(exports.individual_findings(result)) == [*findings, other]
    assert exports.aggregate(findings, threshold=0) == findings


def test_values_outside_records_are_never_aggregated() -> None:
    findings = [make_finding(f"a{i}@example.org", path="src/contacts.py") for i in range(12)]
    for line, finding in enumerate(findings, start=1):
        finding.line = line
    assert len(exports.aggregate(findings, threshold=10)) == 12


def test_a_headerless_csv_is_still_an_export(tmp_path: Path) -> None:
    write_export(tmp_path / "full.csv", 12, seed=5)
    rows = (tmp_path / "full.csv").read_text().splitlines()[1:]
    (tmp_path / "full.csv").unlink()
    (tmp_path / "sans-entete.csv").write_text("\n".join(rows) + "\n")
    findings = json_report_in_process(tmp_path, Config.export_threshold)["findings"]
    nir = next(f for f in findings if f["rule_id"] == "fr-nir")
    assert nir["export"]["count"] == 12 and nir["export"]["columns"] == [] and "column_name" not in nir


def test_secrets_are_never_aggregated() -> None:
    secrets = [make_finding(f"k{i}", path="keys.txt") for i in range(20)]
    for line, finding in enumerate(secrets, start=1):
        finding.category, finding.line, finding.record = "secret", line, f"keys.txt:{line}:1"
    assert len(exports.aggregate(secrets, threshold=10)) == 20


@pytest.mark.parametrize("value", ["ten", True, 1, -3, 10**10, {"x": 1}])
def test_exports_threshold_is_validated(tmp_path: Path, value: object) -> None:
    with pytest.raises(ConfigError, match="exports"):
        from_mapping({"exports": {"threshold": value}}, tmp_path / ".sondier.yml", tmp_path)


def test_exports_threshold_from_the_configuration(tmp_path: Path) -> None:
    assert from_mapping({"exports": {"threshold": 50}}, tmp_path / "c.yml", tmp_path).export_threshold == 50
    assert from_mapping({}, tmp_path / "c.yml", tmp_path).export_threshold == Config.export_threshold
    with pytest.raises(ConfigError, match="unknown key"):
        from_mapping({"exports": {"limit": 3}}, tmp_path / "c.yml", tmp_path)
    (tmp_path / ".sondier.yml").write_text("exports:\n  threshold: 1\n")
    done = run_sondier(["scan", "."], cwd=tmp_path)
    assert done.returncode == 2 and "exports.threshold" in done.stderr
