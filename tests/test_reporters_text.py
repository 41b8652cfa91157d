"""The terminal report's plain path: a clean scan's summary is written without importing rich,
and must be byte for byte what rich prints, on a terminal or not, in every language."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Iterator

import pytest
from conftest import make_finding

from sondier import i18n
from sondier.findings import TEST_DATA, ScanResult
from sondier.reporters import ReportOptions
from sondier.reporters import text as text_report


@pytest.fixture(params=["en", "fr"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    before = i18n.active_language()
    i18n.activate(request.param)
    yield request.param
    i18n.activate(before)


def _annotated(count: int) -> list:
    found = []
    for index in range(count):
        finding = make_finding(f"test{index}@example.com")
        finding.verdict = TEST_DATA
        found.append(finding)
    return found


CLEAN_RESULTS = {
    "nothing": ScanResult(files_scanned=10, bytes_scanned=12_345, duration=0.0423),
    "annotated": ScanResult(annotated=_annotated(3), files_scanned=2, bytes_scanned=800, duration=1.5),
    "suppressed and below": ScanResult(
        suppressed=[make_finding("jeanne.martin@orange.fr")], below_threshold=4, files_scanned=1, duration=12.0
    ),
}


def _with_rich(result: ScanResult, options: ReportOptions) -> str:
    stream = io.StringIO()
    console = text_report._console(stream, options)
    text_report._group(console, result.findings, options)
    text_report._summary(console, result)
    return stream.getvalue()


@pytest.mark.parametrize("name", sorted(CLEAN_RESULTS))
@pytest.mark.parametrize("color", [None, True, False])
def test_the_plain_summary_is_what_rich_prints(name: str, color: bool | None, language: str) -> None:
    result = CLEAN_RESULTS[name]
    options = ReportOptions(color=color)
    plain = text_report._plain_report(result, options)
    assert plain is not None
    assert plain == _with_rich(result, options)
    stream = io.StringIO()
    text_report.write(result, stream, options)
    assert stream.getvalue() == plain
    assert plain.splitlines()[0].startswith("0 ")
    if name == "annotated":
        assert "test-data 3" in plain.splitlines()[1]


def test_reports_with_more_than_a_summary_go_through_rich() -> None:
    finding = make_finding("jeanne.martin@orange.fr")
    assert text_report._plain_report(ScanResult(findings=[finding]), ReportOptions()) is None
    assert text_report._plain_report(ScanResult(errors=["a.txt: cannot read"]), ReportOptions()) is None
    annotated = ScanResult(annotated=_annotated(1))
    assert text_report._plain_report(annotated, ReportOptions(show_all=True)) is None
    suppressed = ScanResult(suppressed=[finding])
    assert text_report._plain_report(suppressed, ReportOptions(show_suppressed=True)) is None
    assert text_report._plain_report(suppressed, ReportOptions()) is not None


@pytest.mark.parametrize("line", ["[bold]x", "a :smile: b", "tab\there", "carriage\rreturn"])
def test_lines_rich_would_change_are_left_to_rich(line: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_report, "_totals_line", lambda result: line)
    result = ScanResult()
    assert text_report._plain_report(result, ReportOptions()) is None
    assert _with_rich(result, ReportOptions()) != line + "\n"  # rich indeed prints it otherwise


def test_a_clean_report_does_not_import_rich() -> None:
    code = (
        "import io, sys\n"
        "from sondier.findings import ScanResult\n"
        "from sondier.reporters import ReportOptions, get\n"
        "stream = io.StringIO()\n"
        "get('text')(ScanResult(files_scanned=3), stream, ReportOptions())\n"
        "assert stream.getvalue().startswith('0 finding(s) in 0 file(s), 3 file(s) scanned'), stream.getvalue()\n"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'rich'], 'rich imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
