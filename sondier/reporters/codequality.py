"""GitLab Code Quality report (`artifacts:reports:codequality`): a JSON array, no BOM.

The merge request widget that shows it is available on every GitLab tier, so `sondier ci`
always writes it next to the secret-detection report. GitLab collapses entries with the same
fingerprint, so each finding gets its own (fingerprint + path + line, plus an ordinal for the
rare case of the same value twice on one line). Values are always redacted here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TextIO

from sondier.reporters import ReportOptions
from sondier.reporters.common import dump_json, repo_relative, stable_hash

if TYPE_CHECKING:
    from sondier.findings import Finding, ScanResult

# Five Sondier severities onto GitLab's five, in order.
SEVERITY = {"critical": "blocker", "high": "critical", "medium": "major", "low": "minor", "info": "info"}


def _entry(finding: Finding, path: str, ordinal: int) -> dict[str, Any]:
    description = f"{finding.rule_name or finding.rule_id}: {finding.redacted}"
    if finding.commit is not None:
        description += f" (commit {finding.commit.sha[:12]})"
    return {
        "type": "issue",
        "description": description,
        "check_name": f"sondier/{finding.rule_id}",
        "categories": ["Security"],
        "fingerprint": stable_hash(finding.fingerprint or finding.rule_id, path, str(finding.line),
                                   str(ordinal)),
        "severity": SEVERITY.get(finding.severity, "major"),
        "location": {"path": path,
                     "lines": {"begin": finding.line, "end": max(finding.end_line, finding.line)}},
    }


def report(result: ScanResult, options: ReportOptions) -> list[dict[str, Any]]:
    seen: dict[tuple[str, str, int], int] = {}
    entries = []
    for finding in result.findings:
        path = repo_relative(finding.path, options.root)
        key = (finding.fingerprint or finding.rule_id, path, finding.line)
        seen[key] = seen.get(key, 0) + 1
        entries.append(_entry(finding, path, seen[key]))
    return entries


def write(result: ScanResult, stream: TextIO, options: ReportOptions) -> None:
    dump_json(report(result, options), stream)
