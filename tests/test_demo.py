"""End to end: `sondier scan demo/` finds every planted item of demo/EXPECTED.json and nothing
else (the real command, in a subprocess, JSON report).

The demo folder is copied to a temporary directory first: the repository's own .sondier.yml
allowlists demo/** so that CI scanning sondier itself stays green. Only the PII rules run
(the demo is about personal data; it also keeps the test fast)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "demo"


def _sondier() -> list[str]:
    found = shutil.which("sondier", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "sondier"]


def _scan(cwd: Path, *extra: str) -> dict[str, Any]:
    result = subprocess.run(
        [*_sondier(), "scan", "demo", "--format", "json", "--rule", "pii", *extra],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 1, result.stderr  # findings -> exit code 1
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def demo_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("demo-scan")
    shutil.copytree(DEMO, root / "demo")
    return root


@pytest.fixture(scope="module")
def report(demo_copy: Path) -> dict[str, Any]:
    return _scan(demo_copy)


def _key(path: str) -> str:
    return path.removeprefix("demo/")


def test_demo_scan_finds_exactly_the_planted_items(report: dict[str, Any]) -> None:
    expected = Counter(
        (item["rule_id"], item["path"], item["line"]) for item in json.loads((DEMO / "EXPECTED.json").read_text())
    )
    found = Counter((f["rule_id"], _key(f["path"]), f["line"]) for f in report["findings"])
    assert len(expected) > 50
    assert not expected - found, f"planted items not found: {sorted(expected - found)}"
    assert not found - expected, f"unexpected findings: {sorted(found - expected)}"


def test_demo_report_never_contains_the_values(report: dict[str, Any]) -> None:
    text = json.dumps(report)
    rows = (DEMO / "users.csv").read_text(encoding="utf-8").splitlines()[1:]
    for row in rows:
        for value in row.split(",")[3:7]:  # email, phone, NIR, IBAN
            assert value not in text
    assert all("value" not in f for f in report["findings"])


def test_demo_documentation_examples_are_annotated_test_data(report: dict[str, Any]) -> None:
    annotated = {(f["rule_id"], _key(f["path"])) for f in report["annotated"] if f["verdict"] == "test-data"}
    assert {("iban", "db/seed.sql"), ("fr-phone", "logs/app.log")} <= annotated
    assert all(f["verdict"] == "personal" for f in report["findings"])
    assert report["summary"]["by_verdict"] == {"personal": len(report["findings"]), "test-data": len(annotated)}
