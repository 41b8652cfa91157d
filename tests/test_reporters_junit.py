"""JUnit XML: well-formed whatever the paths hold, a failure per finding, a pass when clean."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from test_reporters_common import make_finding, make_result, render, scan_folder, write_planted


def parse(text: str) -> ET.Element:
    return ET.fromstring(text.encode("utf-8"))


def test_real_scan(tmp_path: Path) -> None:
    values = write_planted(tmp_path)
    result = scan_folder(tmp_path)
    text = render("junit", result, root=str(tmp_path))
    root = parse(text)
    assert root.tag == "testsuites"
    failures = root.findall(".//failure")
    assert len(failures) == len(result.findings) >= 3
    assert int(root.get("failures", "0")) == len(failures)
    assert int(root.get("tests", "0")) == len(root.findall(".//testcase"))
    email_suite = root.find("testsuite[@name='sondier.email']")
    assert email_suite is not None and int(email_suite.get("failures", "0")) >= 3
    for value in values:
        assert value not in text


def test_clean_scan_has_a_passing_test_case() -> None:
    root = parse(render("junit", make_result([])))
    cases = root.findall(".//testcase")
    assert len(cases) == 1 and not root.findall(".//failure")


def test_hostile_paths_and_control_characters_stay_well_formed() -> None:
    hostile = 'a<b>&"c\'\x01\x1b]8;;\n/é 😀.txt'
    text = render("junit", make_result([make_finding(path=hostile)]))
    root = parse(text)
    case = root.find(".//testcase[@file]")
    assert case is not None and "<b>&" in case.get("file", "")
    assert "\x01" not in text and "\x1b" not in text


def test_errors_are_test_cases_in_error() -> None:
    root = parse(render("junit", make_result([make_finding()], errors=["big.bin: cannot read"])))
    errors = root.findall(".//error")
    assert len(errors) == 1 and "big.bin" in (errors[0].text or "")
    assert root.get("errors") == "1"


def test_show_values_is_ignored() -> None:
    text = render("junit", make_result([make_finding()]), show_values=True)
    assert "jeanne.martin@orange.fr" not in text and "je********" in text
