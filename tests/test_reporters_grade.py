"""The grade's small formats: `grade` text, the SVG badge, the shields.io endpoint, the JSON summary."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from conftest import make_finding, run_sondier
from gitrepo import make_repo, nir

from sondier.findings import ScanResult
from sondier.grade import METHOD, compute_grade
from sondier.reporters import ReportOptions, get
from sondier.reporters.grade_report import COLOURS, SHIELDS_COLOURS, badge_svg, text_width

SVG = "{http://www.w3.org/2000/svg}"


def render(name: str, result: ScanResult, **extra: object) -> str:
    stream = io.StringIO()
    get(name)(result, stream, ReportOptions(extra=dict(extra)))
    return stream.getvalue()


def texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return [node.text or "" for node in root.iter(f"{SVG}text")]


@pytest.mark.parametrize(("lang", "label"), [("fr", "données personnelles"), ("en", "personal data")])
def test_badge_is_valid_svg_with_label_and_letter(lang: str, label: str) -> None:
    result = ScanResult(findings=[make_finding("jeanne.12@orange.fr")])  # medium: C
    svg = render("badge", result, lang=lang)
    assert texts(svg) == [label, "C"]
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title").text == f"{label}: C ({METHOD}, 2026-12-02)"
    fills = {node.get("fill") for node in root.iter(f"{SVG}rect")}
    assert COLOURS["C"] in fills
    assert "jeanne" not in svg


def test_badge_width_follows_the_text() -> None:
    grade = compute_grade(ScanResult())
    french, english = ET.fromstring(badge_svg(grade, "fr")), ET.fromstring(badge_svg(grade, "en"))
    assert int(french.get("width")) > int(english.get("width"))
    assert int(french.get("width")) >= text_width("données personnelles") + text_width("A")


def test_badge_of_a_failed_scan_is_grey_question_mark() -> None:
    svg = render("badge", ScanResult(errors=["broken"]), lang="en")
    assert texts(svg) == ["personal data", "?"]
    assert COLOURS["?"] in svg


def test_badge_defaults_to_french(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SONDIER_LANG", raising=False)
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert texts(render("badge", ScanResult()))[0] == "données personnelles"


@pytest.mark.parametrize(("severity", "letter"), [("critical", "E"), ("low", "B")])
def test_shields_endpoint(severity: str, letter: str) -> None:
    finding = make_finding("jeanne.12@orange.fr")
    finding.severity = severity
    data = json.loads(render("shields", ScanResult(findings=[finding]), lang="en"))
    assert data == {"schemaVersion": 1, "label": "personal data", "message": letter,
                    "color": SHIELDS_COLOURS[letter]}


def test_grade_text_in_both_languages() -> None:
    result = ScanResult(findings=[make_finding("jeanne.12@orange.fr")])
    english = render("grade", result, lang="en")
    assert english.startswith("Privacy grade: C (score ")
    assert f"Method: {METHOD} (2026-12-02)" in english
    french = render("grade", ScanResult(findings=[make_finding("jeanne.12@orange.fr")]), lang="fr")
    assert french.startswith("Note de confidentialité\u00a0: C (score ")
    assert "pire constat ouvert dans HEAD\u00a0: moyenne (email)" in french


def test_every_json_report_summary_has_the_grade(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    repo.write("export.csv", f"nir\n{nir(5)}\n")
    repo.commit("export")
    done = run_sondier(["scan", "--format", "json"], cwd=repo.path)
    grade = json.loads(done.stdout)["summary"]["grade"]
    assert (grade["letter"], grade["method"]) == ("E", METHOD)
    assert 0 <= grade["score"] <= 29
    assert "_grade" not in json.loads(done.stdout)["scan"]  # the cache never leaks into reports


def test_badge_and_shields_files_from_the_cli(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    repo.write("src/app.py", "x = 1\n")
    repo.commit("code")
    done = run_sondier(["scan", "-q", "--report", "badge=out/sondier.svg", "--report", "shields=out/badge.json"],
                       cwd=repo.path)
    assert done.returncode == 0, done.stderr
    assert texts((repo.path / "out" / "sondier.svg").read_text()) == ["données personnelles", "A"]
    assert json.loads((repo.path / "out" / "badge.json").read_text())["color"] == "brightgreen"
    english = run_sondier(["scan", "-q", "--lang", "en", "--report", "badge=en.svg"], cwd=repo.path)
    assert english.returncode == 0
    assert texts((repo.path / "en.svg").read_text()) == ["personal data", "A"]
