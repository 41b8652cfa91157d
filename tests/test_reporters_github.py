"""GitHub workflow-command annotations: escaping, levels, the cap and the closing notice."""

from __future__ import annotations

import re
from pathlib import Path

from test_reporters_common import make_finding, make_result, render, scan_folder, write_planted

from sondier.reporters.github import command, escape_data, escape_property

LINE = re.compile(r"^::(error|warning|notice) ((?:[A-Za-z]+=[^,:]*)(?:,[A-Za-z]+=[^,:]*)*)::(.*)$")


def unescape(text: str) -> str:
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def parse(line: str) -> tuple[str, dict[str, str], str]:
    match = LINE.match(line)
    assert match, line
    props = dict(item.split("=", 1) for item in match.group(2).split(","))
    return match.group(1), {k: unescape(v) for k, v in props.items()}, unescape(match.group(3))


def test_escaping_rules() -> None:
    assert escape_data("100% a\r\nb:c,d") == "100%25 a%0D%0Ab:c,d"
    assert escape_property("100% a\r\nb:c,d") == "100%25 a%0D%0Ab%3Ac%2Cd"
    assert command("notice", "hi") == "::notice::hi"


def test_hostile_path_cannot_break_or_inject_a_command() -> None:
    hostile = "dir,line=99:x/evil%0A\n::error file=pwn::owned,.txt"
    lines = render("github", make_result([make_finding(path=hostile)])).splitlines()
    assert len(lines) == 1
    level, props, message = parse(lines[0])
    assert level == "warning"
    assert props["file"] == hostile
    assert props["line"] == "3" and props["endLine"] == "3" and props["col"] == "5"
    assert "je********" in message


def test_levels_follow_severity() -> None:
    findings = [make_finding(path=s, severity=s) for s in ("critical", "high", "medium", "low", "info")]
    lines = render("github", make_result(findings)).splitlines()
    levels = {parse(line)[1]["file"]: parse(line)[0] for line in lines}
    assert levels == {"critical": "error", "high": "error", "medium": "warning", "low": "notice",
                      "info": "notice"}


def test_cap_keeps_the_most_severe_and_says_how_many_more() -> None:
    findings = [make_finding(path=f"f{i:03}.txt", severity="low") for i in range(60)]
    findings.append(make_finding(path="zz.txt", severity="critical"))
    lines = render("github", make_result(findings)).splitlines()
    assert len(lines) == 51
    assert parse(lines[0])[0] == "error"
    level, _props, message = parse(lines[-1])
    assert level == "notice" and message.startswith("11 more finding(s)")
    few = render("github", make_result(findings), extra={"github_max_annotations": 5}).splitlines()
    assert len(few) == 6


def test_scan_errors_are_error_annotations() -> None:
    lines = render("github", make_result([], errors=["a,b:c.bin: cannot read\nsecond line"])).splitlines()
    assert len(lines) == 2 and all(parse(line)[0] == "error" for line in lines)
    assert parse(lines[0])[2] == "a,b:c.bin: cannot read\nsecond line"


def test_real_scan_and_show_values(tmp_path: Path) -> None:
    values = write_planted(tmp_path)
    result = scan_folder(tmp_path)
    text = render("github", result, root=str(tmp_path), show_values=True)
    lines = text.splitlines()
    assert len(lines) == len(result.findings)
    files = {parse(line)[1]["file"] for line in lines}
    assert "data/notes with space.txt" in files
    for value in values:
        assert value not in text
