"""Markdown job summary, for $GITHUB_STEP_SUMMARY and GitLab merge request notes.

GitHub shows at most 1 MiB per step summary, so the findings table is cut before that (and at
`markdown_max_findings` rows, ReportOptions.extra, default 1000) with a line saying how many
were left out. Every cell is escaped: paths and rule texts can hold Markdown, HTML or @mentions.
The raw value appears only with --show-values (a summary is visible to everyone who can see the run)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, TextIO

from sondier.i18n import _, active_language
from sondier.reporters import ReportOptions
from sondier.reporters.common import (
    by_severity,
    localized_rule_names,
    repo_relative,
    rule_infos,
    severity_label,
    severity_rank,
    shown_value,
)
from sondier.scan_errors import localized_error

if TYPE_CHECKING:
    from sondier.findings import Finding, ScanResult

MAX_BYTES = 1024 * 1024  # GitHub's limit per step summary
BUDGET_BYTES = MAX_BYTES - 16 * 1024  # room for the closing lines
DEFAULT_MAX_FINDINGS = 1000
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
# What Markdown (CommonMark + GFM) gives a meaning to inside a table cell, plus @ and # so that
# paths do not mention users or link issues; `.`, `/`, `:` stay readable.
_ESCAPED = set("\\`*_{}[]()#+-!|~@$")


def escape(text: str) -> str:
    """Inline Markdown that renders as the literal text: Markdown punctuation is backslash-escaped
    (CommonMark allows it for any ASCII punctuation), HTML-significant characters become
    entities, and line breaks become spaces so that a cell cannot end the table."""
    out = []
    for char in text:
        if char in _ENTITIES:
            out.append(_ENTITIES[char])
        elif char in _ESCAPED:
            out.append("\\" + char)
        elif char in "\r\n\t\v\f":
            out.append(" ")
        elif ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0:
            out.append("\ufffd")
        else:
            out.append(char)
    return "".join(out)


def _headline(result: ScanResult) -> list[str]:
    findings = result.findings
    files = len({f.path for f in findings})
    if findings:
        counts = Counter(f.severity for f in findings)
        parts = ", ".join(f"{counts[s]} {severity_label(s)}" for s in sorted(counts, key=severity_rank))
        head = _("**{count} finding(s)** in {files} file(s)").format(count=len(findings), files=files) + f" ({parts})."
    else:
        head = "**" + _("No finding.") + "**"
    details = _("{files} file(s) scanned, {rules} rule(s)").format(files=result.files_scanned,
                                                                    rules=len(result.rules))
    if result.suppressed:
        details += ", " + _("{count} suppressed").format(count=len(result.suppressed))
    if result.below_threshold:
        details += ", " + _("{count} below the confidence threshold").format(count=result.below_threshold)
    lines = ["## " + _("Sondier scan"), "", head, f"{details}."]
    if result.annotated:
        from sondier.verdict import count_by_verdict

        counts = count_by_verdict((result.findings, result.annotated))
        lines.append(_("By verdict: {counts} ({annotated} not failing).").format(
            counts=", ".join(f"{v} {n}" for v, n in counts.items()), annotated=len(result.annotated)))
    scanned = result.extra.get("scanned_range")  # set by `sondier ci`
    if scanned:
        from sondier.ci import localized_reason

        reason = result.extra.get("scan_reason")  # English, as the JSON report records it
        lines.append(_("Scanned: {range}").format(range=escape(str(scanned)))
                     + (f" ({escape(localized_reason(str(reason)))})" if reason else "") + ".")
    return [*lines, ""]


def _grade(result: ScanResult, options: ReportOptions) -> list[str]:
    """The privacy grade with its badge: an offline SVG as a data: image (alt text where a viewer
    drops data: images), so that the summary needs nothing fetched from anywhere."""
    import base64

    from sondier.grade import grade_for_report
    from sondier.reporters.grade_report import badge_svg, report_language

    grade = grade_for_report(result, options.root)
    language = report_language(options)
    svg = base64.b64encode(badge_svg(grade, language).encode("utf-8")).decode("ascii")
    score = "" if grade.score is None else _(", score {score}/100").format(score=grade.score)
    heading = _("**Privacy grade: {letter}**{score} ({method}, {date}; see `sondier grade --explain`).").format(
        letter=escape(grade.letter), score=score, method=escape(grade.method), date=escape(grade.method_date))
    lines = [f"![{escape(grade.method)}: {escape(grade.letter)}](data:image/svg+xml;base64,{svg})", "", heading, ""]
    lines += [f"- {escape(reason)}" for reason in grade.localized_reasons(_)]
    return [*lines, ""]


def _errors(result: ScanResult) -> list[str]:
    if not result.errors:
        return []
    lines = ["> [!WARNING]", "> " + _("**The scan is incomplete**: the result above does not cover everything."), ">"]
    lines += [f"> - {escape(localized_error(error))}" for error in result.errors[:50]]
    if len(result.errors) > 50:
        more = len(result.errors) - 50
        lines.append("> - " + _("… and {count} more error(s)").format(count=more))
    return [*lines, ""]


def _by_rule(result: ScanResult) -> list[str]:
    if not result.findings:
        return []
    names = {info.id: info.name for info in rule_infos(result, result.findings)}
    names.update(localized_rule_names(result, active_language()))
    counts = Counter((f.rule_id, f.severity) for f in result.findings)
    lines = ["### " + _("By rule"), "", _("| Rule | Name | Severity | Count |"), "| --- | --- | --- | ---: |"]
    ordered = sorted(counts.items(), key=lambda kv: (severity_rank(kv[0][1]), -kv[1], kv[0][0]))
    for (rule_id, severity), count in ordered:
        name = names.get(rule_id, rule_id)
        lines.append(f"| {escape(rule_id)} | {escape(name)} | {escape(severity_label(severity))} | {count} |")
    return [*lines, ""]


def _row(finding: Finding, options: ReportOptions) -> str:
    where = f"{repo_relative(finding.path, options.root)}:{finding.line}"
    commit = finding.commit.sha[:12] if finding.commit else ""
    value = shown_value(finding, options.show_values)
    severity = severity_label(finding.severity)
    return (f"| {escape(where)} | {escape(finding.rule_id)} | {escape(severity)} | {escape(value)} "
            f"| {finding.confidence:.2f} | {escape(commit)} |")


def _findings(result: ScanResult, options: ReportOptions, used: int) -> list[str]:
    if not result.findings:
        return []
    limit = max(int(options.extra.get("markdown_max_findings", DEFAULT_MAX_FINDINGS)), 0)  # type: ignore[call-overload]
    lines = ["### " + _("Findings"), "", _("| Location | Rule | Severity | Value | Confidence | Commit |"),
             "| --- | --- | --- | --- | ---: | --- |"]
    used += sum(len(line.encode()) + 1 for line in lines)
    ordered = by_severity(result.findings)
    shown = 0
    for finding in ordered[:limit]:
        row = _row(finding, options)
        size = len(row.encode()) + 1
        if used + size > BUDGET_BYTES:
            break
        lines.append(row)
        used += size
        shown += 1
    if shown < len(ordered):
        left = len(ordered) - shown
        lines += ["", _("… {count} more finding(s) not shown here: see the SARIF or JSON report.").format(count=left)]
    if not options.show_values:
        lines += ["", _("Values are redacted.")]
    return [*lines, ""]


def render(result: ScanResult, options: ReportOptions) -> str:
    lines = _headline(result) + _grade(result, options) + _errors(result) + _by_rule(result)
    used = sum(len(line.encode()) + 1 for line in lines)
    lines += _findings(result, options, used)
    return "\n".join(lines)


def write(result: ScanResult, stream: TextIO, options: ReportOptions) -> None:
    stream.write(render(result, options))
