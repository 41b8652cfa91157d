"""GitHub Actions workflow commands: one annotation per finding, shown on the run and on the
pull request's changed files.

GitHub displays only about ten annotations of each level per step, so at most
`github_max_annotations` (ReportOptions.extra, default 50) are written, most severe first,
followed by a notice that points to the job summary and the SARIF report for the rest.
Values are always redacted here: workflow logs are readable by anyone who can read the repository."""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from sondier.i18n import _, active_language
from sondier.reporters import ReportOptions
from sondier.reporters.common import by_severity, localized_rule_names, repo_relative, severity_label

if TYPE_CHECKING:
    from sondier.findings import Finding, ScanResult

DEFAULT_MAX_ANNOTATIONS = 50
COMMAND = {"critical": "error", "high": "error", "medium": "warning", "low": "notice", "info": "notice"}


# The escaping rules of @actions/core (toCommandValue/escapeData/escapeProperty): no library
# on PyPI implements them, so they are written here.
def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: str | int) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{name} {props}::{escape_data(message)}" if props else f"::{name}::{escape_data(message)}"


def _annotation(finding: Finding, root: str, names: dict[str, str]) -> str:
    name = names.get(finding.rule_id) or finding.rule_name or finding.rule_id
    message = _("{name}: {value} (confidence {confidence})").format(
        name=name, value=finding.redacted, confidence=f"{finding.confidence:.2f}")
    if finding.commit is not None:
        message += _(", commit {sha}").format(sha=finding.commit.sha[:12])
    properties: dict[str, str | int] = {
        "file": repo_relative(finding.path, root),
        "line": finding.line,
        "endLine": max(finding.end_line, finding.line),
    }
    if finding.end_line <= finding.line:  # GitHub ignores columns on multi-line annotations
        properties["col"] = finding.column
        properties["endColumn"] = finding.end_column
    properties["title"] = _("Sondier {severity}: {rule}").format(severity=severity_label(finding.severity),
                                                                 rule=finding.rule_id)
    return command(COMMAND.get(finding.severity, "warning"), message, **properties)


def write(result: ScanResult, stream: TextIO, options: ReportOptions) -> None:
    limit = max(int(options.extra.get("github_max_annotations", DEFAULT_MAX_ANNOTATIONS)), 0)  # type: ignore[call-overload]
    ordered = by_severity(result.findings)
    names = localized_rule_names(result, active_language())
    for finding in ordered[:limit]:
        stream.write(_annotation(finding, options.root, names) + "\n")
    hidden = len(ordered) - min(limit, len(ordered))
    if hidden:
        notice = _("{count} more finding(s) not annotated; see the job summary or the SARIF report for the "
                   "full list").format(count=hidden)
        stream.write(command("notice", notice, title="Sondier") + "\n")
    for error in result.errors:
        stream.write(command("error", error, title=_("Sondier scan error")) + "\n")
    if result.errors:
        stream.write(command("error", _("The scan is incomplete: the result does not cover everything."),
                             title=_("Sondier scan error")) + "\n")
