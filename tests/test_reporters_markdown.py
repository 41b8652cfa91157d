"""Markdown job summary: counts, tables, escaping, the 1 MiB cap and the incomplete-scan warning."""

from __future__ import annotations

from pathlib import Path

from test_reporters_common import make_finding, make_result, render, scan_folder, write_planted

from sondier.chunks import CommitInfo
from sondier.reporters.markdown import MAX_BYTES, escape


def test_real_scan(tmp_path: Path) -> None:
    values = write_planted(tmp_path)
    result = scan_folder(tmp_path)
    text = render("markdown", result, root=str(tmp_path))
    assert f"**{len(result.findings)} finding(s)**" in text
    assert "| email | E\\-mail address | medium |" in text
    assert "data/notes with space.txt:1" in text
    assert "Values are redacted." in text
    for value in values:
        assert value not in text


def test_escaping_keeps_tables_and_blocks_html_and_mentions() -> None:
    assert escape("a|b") == "a\\|b"
    assert escape("<script>&") == "&lt;script&gt;&amp;"
    assert escape("x\ny") == "x y"
    assert escape("@team #12 *b*") == "\\@team \\#12 \\*b\\*"
    text = render("markdown", make_result([make_finding(path="a|b\n<img>@x.txt")]))
    row = next(line for line in text.splitlines() if line.startswith("| a"))
    assert row.count("|") - row.count("\\|") == 7  # six columns, nothing more


def test_commit_column_and_clean_scan() -> None:
    commit = CommitInfo(sha="c" * 40, author="Camille Test", email="camille.test@orange.fr")
    text = render("markdown", make_result([make_finding(commit=commit)]))
    assert "c" * 12 in text and "camille.test" not in text
    assert "**No finding.**" in render("markdown", make_result([]))


def test_scanned_range_from_ci() -> None:
    result = make_result([])
    result.extra.update(scanned_range="abc123..def456", scan_reason="pull request")
    assert "Scanned: abc123..def456 (pull request)." in render("markdown", result)


def test_incomplete_scan_warning() -> None:
    text = render("markdown", make_result([], errors=["big.bin: cannot read"]))
    assert "> [!WARNING]" in text and "incomplete" in text and "big.bin" in text


def test_capped_under_one_mebibyte() -> None:
    findings = [make_finding(path="d/" + "x" * 200 + f"{i}.txt") for i in range(8000)]
    text = render("markdown", make_result(findings), extra={"markdown_max_findings": 100_000})
    assert len(text.encode()) < MAX_BYTES
    assert "more finding(s) not shown" in text
    capped = render("markdown", make_result(findings[:50]), extra={"markdown_max_findings": 10})
    assert "40 more finding(s) not shown" in capped
