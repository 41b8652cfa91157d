"""Terminal report: findings grouped by file, then a summary by rule."""

from __future__ import annotations

import re
import sys
from collections import Counter
from itertools import groupby
from typing import TYPE_CHECKING, TextIO

from sondier.i18n import _, active_language
from sondier.reasons import localized, localized_all
from sondier.reporters import ReportOptions
from sondier.scan_errors import localized_error

if TYPE_CHECKING:
    from sondier.findings import Finding, ScanResult

SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}


def _console(stream: TextIO, options: ReportOptions):  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(file=stream, force_terminal=options.color, no_color=options.color is False,
                   highlight=False, soft_wrap=True)


def _finding_line(finding: Finding, options: ReportOptions) -> str:
    from rich.markup import escape

    from sondier.reporters.common import severity_label

    shown = finding.value if options.show_values else finding.redacted
    if "export" in finding.extra:  # one line for a whole export: its first reason describes it
        shown = localized(finding.reasons[0])
    style = SEVERITY_STYLE.get(finding.severity, "")
    where = f"{finding.line}:{finding.column}"
    commit = f" [dim]{finding.commit.sha[:10]}[/dim]" if finding.commit else ""
    # Reasons are English in the finding (the JSON report prints them so): translated here.
    reasons = localized_all(finding.reasons[1:] if "export" in finding.extra else finding.reasons)
    separator = _("; ")  # French puts a no-break space before the semicolon
    why = f" [dim]({escape(separator.join(reasons))})[/dim]" if reasons else ""
    suppressed = (" [dim]" + _("suppressed by {reason}").format(reason=escape(finding.suppressed_by)) + "[/dim]"
                  if finding.suppressed_by else "")
    verdict = ""
    if not finding.actionable:
        because = (_(": {reasons}").format(reasons=escape(separator.join(localized_all(finding.verdict_reasons))))
                   if finding.verdict_reasons else "")
        verdict = f" [magenta]\\[{finding.verdict}{because}][/magenta]"
    return (
        f"  [bold]{where:>9}[/bold]  [{style}]{severity_label(finding.severity):<8}[/{style}] "
        f"{escape(finding.rule_id):<24} {escape(shown)}  [dim]"
        + _("confidence {value}").format(value=f"{finding.confidence:.2f}")
        + f"[/dim]{commit}{why}{verdict}{suppressed}"
    )


def _group(console, findings: list[Finding], options: ReportOptions) -> None:  # type: ignore[no-untyped-def]
    from rich.markup import escape

    for path, items in groupby(findings, key=lambda f: f.path):
        console.print(f"[bold underline]{escape(path)}[/bold underline]")
        for finding in items:
            console.print(_finding_line(finding, options))
            _other_locations(console, finding)
        console.print()


SHOWN_LOCATIONS = 5


def _other_locations(console, finding: Finding) -> None:  # type: ignore[no-untyped-def]
    """A value written at several places is one finding: its other places follow it, indented."""
    from rich.markup import escape

    from sondier.repeats import other_locations

    others = other_locations(finding)
    also_at = _("also at {place}")  # outside the f-string: Babel does not read calls inside one
    for path, line, column in others[:SHOWN_LOCATIONS]:
        where = f"{line}:{column}" if path == finding.path else f"{path}:{line}:{column}"
        console.print(f"             [dim]{escape(also_at.format(place=where))}[/dim]")
    if len(others) > SHOWN_LOCATIONS:
        more = _("and {count} more (the JSON report lists them all)").format(count=len(others) - SHOWN_LOCATIONS)
        console.print(f"             [dim]{more}[/dim]")


def _summary(console, result: ScanResult) -> None:  # type: ignore[no-untyped-def]
    from rich.markup import escape

    counts = Counter(f.rule_id for f in result.findings)
    severity = {f.rule_id: f.severity for f in result.findings}
    if counts:
        from rich.table import Table

        from sondier.reporters.common import localized_rule_names, severity_label

        names = localized_rule_names(result, active_language())
        table = Table(title=_("Findings by rule"), title_justify="left")
        table.add_column(_("rule"))
        table.add_column(_("name"))
        table.add_column(_("severity"))
        table.add_column(_("count"), justify="right")
        for rule_id, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            table.add_row(rule_id, names.get(rule_id, rule_id), severity_label(severity[rule_id]), str(count))
        console.print(table)
    console.print(_totals_line(result))
    verdicts = _verdict_line(result)
    if verdicts is not None:
        console.print(verdicts)
    for error in result.errors:
        shown = escape(localized_error(str(error)))
        console.print("[bold red]" + _("scan error:") + f"[/bold red] {shown}", markup=True)
    if result.errors:
        incomplete = _("The scan is incomplete: the result above does not cover everything.")
        console.print(f"[bold red]{incomplete}[/bold red]")


def _totals_line(result: ScanResult) -> str:
    files = len({f.path for f in result.findings})
    parts = [
        _("{count} finding(s) in {files} file(s)").format(count=len(result.findings), files=files),
        _("{files} file(s) scanned, {size} MB in {seconds}s").format(
            files=result.files_scanned, size=f"{result.bytes_scanned / 1e6:.1f}", seconds=f"{result.duration:.2f}"),
    ]
    if result.suppressed:
        parts.append(_("{count} suppressed").format(count=len(result.suppressed)))
    if result.below_threshold:
        parts.append(_("{count} below the confidence threshold").format(count=result.below_threshold))
    return ", ".join(parts)


def _verdict_line(result: ScanResult) -> str | None:
    """One line counting every verdict, so what does not fail is still seen."""
    from sondier.verdict import count_by_verdict

    counts = count_by_verdict((result.findings, result.annotated))
    if not result.annotated:
        return None
    shown = ", ".join(f"{verdict} {count}" for verdict, count in counts.items())
    return _("By verdict: {counts} ({annotated} not failing; --show-all lists them)").format(
        counts=shown, annotated=len(result.annotated))


# What rich would change in a line: markup (`[`), emoji codes (`:name:`), tabs and control
# characters. A line without any prints as it is, on a terminal or not, coloured or not.
_RICH_SYNTAX = re.compile(r"[\[\x00-\x1f\x7f-\x9f]|:\S*:")


def _plain_report(result: ScanResult, options: ReportOptions) -> str | None:
    """The whole report when it is only the summary lines and rich would print them unchanged
    (a clean scan): importing rich costs ~35 ms, a third of a small staged scan. None otherwise."""
    if result.findings or result.errors or (options.show_all and result.annotated) or (
            options.show_suppressed and result.suppressed) or "IPython" in sys.modules:  # rich renders in Jupyter
        return None
    lines = [_totals_line(result)]
    verdicts = _verdict_line(result)
    if verdicts is not None:
        lines.append(verdicts)
    if any(_RICH_SYNTAX.search(line) for line in lines):
        return None
    return "".join(line + "\n" for line in lines)


def write(result: ScanResult, stream: TextIO, options: ReportOptions) -> None:
    plain = _plain_report(result, options)
    if plain is not None:
        stream.write(plain)
        return
    console = _console(stream, options)
    _group(console, result.findings, options)
    if options.show_all and result.annotated:
        console.print("[bold]" + _("Not failing (annotated with their verdict)") + "[/bold]")
        _group(console, result.annotated, options)
    if options.show_suppressed and result.suppressed:
        console.print("[bold]" + _("Suppressed") + "[/bold]")
        _group(console, result.suppressed, options)
    _summary(console, result)
