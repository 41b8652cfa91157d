"""Terminal report: findings grouped by file, then a summary by rule."""

from __future__ import annotations

from collections import Counter
from itertools import groupby
from typing import TYPE_CHECKING, TextIO

from sondier.reporters import ReportOptions

if TYPE_CHECKING:
    from sondier.findings import Finding, ScanResult

SEVERITY_STYLE = {"critical": "bold red", "high": "red", "medium": "yellow", "low": "cyan", "info": "dim"}


def _console(stream: TextIO, options: ReportOptions):  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(file=stream, force_terminal=options.color, no_color=options.color is False,
                   highlight=False, soft_wrap=True)


def _finding_line(finding: Finding, options: ReportOptions) -> str:
    from rich.markup import escape

    shown = finding.value if options.show_values else finding.redacted
    if "export" in finding.extra:  # one line for a whole export: its first reason describes it
        shown = finding.reasons[0]
    style = SEVERITY_STYLE.get(finding.severity, "")
    where = f"{finding.line}:{finding.column}"
    commit = f" [dim]{finding.commit.sha[:10]}[/dim]" if finding.commit else ""
    reasons = finding.reasons[1:] if "export" in finding.extra else finding.reasons
    why = f" [dim]({escape('; '.join(reasons))})[/dim]" if reasons else ""
    suppressed = f" [dim]suppressed by {finding.suppressed_by}[/dim]" if finding.suppressed_by else ""
    verdict = ""
    if not finding.actionable:
        because = f": {escape('; '.join(finding.verdict_reasons))}" if finding.verdict_reasons else ""
        verdict = f" [magenta]\\[{finding.verdict}{because}][/magenta]"
    return (
        f"  [bold]{where:>9}[/bold]  [{style}]{finding.severity:<8}[/{style}] {escape(finding.rule_id):<24} "
        f"{escape(shown)}  [dim]confidence {finding.confidence:.2f}[/dim]{commit}{why}{verdict}{suppressed}"
    )


def _group(console, findings: list[Finding], options: ReportOptions) -> None:  # type: ignore[no-untyped-def]
    from rich.markup import escape

    for path, items in groupby(findings, key=lambda f: f.path):
        console.print(f"[bold underline]{escape(path)}[/bold underline]")
        for finding in items:
            console.print(_finding_line(finding, options))
        console.print()


def _summary(console, result: ScanResult) -> None:  # type: ignore[no-untyped-def]
    from rich.table import Table

    counts = Counter(f.rule_id for f in result.findings)
    severity = {f.rule_id: f.severity for f in result.findings}
    if counts:
        table = Table(title="Findings by rule", title_justify="left")
        table.add_column("rule")
        table.add_column("severity")
        table.add_column("count", justify="right")
        for rule_id, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            table.add_row(rule_id, severity[rule_id], str(count))
        console.print(table)
    files = len({f.path for f in result.findings})
    parts = [
        f"{len(result.findings)} finding(s) in {files} file(s)",
        f"{result.files_scanned} file(s) scanned, {result.bytes_scanned / 1e6:.1f} MB in {result.duration:.2f}s",
    ]
    if result.suppressed:
        parts.append(f"{len(result.suppressed)} suppressed")
    if result.below_threshold:
        parts.append(f"{result.below_threshold} below the confidence threshold")
    console.print(", ".join(parts))
    _verdict_line(console, result)
    for error in result.errors:
        console.print(f"[bold red]scan error:[/bold red] {error}", markup=True)
    if result.errors:
        console.print("[bold red]The scan is incomplete: the result above does not cover everything.[/bold red]")


def _verdict_line(console, result: ScanResult) -> None:  # type: ignore[no-untyped-def]
    """One line counting every verdict, so what does not fail is still seen."""
    from sondier.verdict import count_by_verdict

    counts = count_by_verdict((result.findings, result.annotated))
    if not result.annotated:
        return
    shown = ", ".join(f"{verdict} {count}" for verdict, count in counts.items())
    console.print(f"By verdict: {shown} ({len(result.annotated)} not failing; --show-all lists them)")


def write(result: ScanResult, stream: TextIO, options: ReportOptions) -> None:
    console = _console(stream, options)
    _group(console, result.findings, options)
    if options.show_all and result.annotated:
        console.print("[bold]Not failing (annotated with their verdict)[/bold]")
        _group(console, result.annotated, options)
    if options.show_suppressed and result.suppressed:
        console.print("[bold]Suppressed[/bold]")
        _group(console, result.suppressed, options)
    _summary(console, result)
