"""GitLab secret-detection report (schema 15.2.x), for `artifacts:reports:secret_detection`.

Only the redacted form of a value appears (in the description), even with --show-values, and
there is no `raw_source_code_extract`: the report is kept as an artifact and shown in the
vulnerability report. The commit author's e-mail is left out too.
Options (ReportOptions.extra): gitlab_schema_version (default "15.2.4", for older instances)."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any, TextIO

from sondier import __version__
from sondier.reporters import ReportOptions
from sondier.reporters.common import (
    CWE_BY_CATEGORY,
    NO_COMMIT_SHA,
    TOOL_NAME,
    TOOL_URI,
    dump_json,
    head_sha,
    occurrence_keys,
    reasons_text,
    repo_relative,
    rule_infos,
)

if TYPE_CHECKING:
    from sondier.findings import Finding, ScanResult
    from sondier.reporters.common import RuleInfo

DEFAULT_SCHEMA_VERSION = "15.2.4"
# Stable ids: the same finding gets the same UUID in every pipeline.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, TOOL_URI + "/gitlab-secret-detection")
SEVERITY = {"critical": "Critical", "high": "High", "medium": "Medium", "low": "Low", "info": "Info"}
TIME_FORMAT = "%Y-%m-%dT%H:%M:%S"  # GitLab rejects a Z suffix and fractional seconds
PRIMARY_IDENTIFIER_TYPE = "sondier_rule_id"
DEFAULT_SOLUTION = "Remove the value, purge it from git history and rotate it if it is a secret."


def _identifiers(info: RuleInfo) -> list[dict[str, str]]:
    identifiers = [{"type": PRIMARY_IDENTIFIER_TYPE, "name": f"Sondier rule {info.id}", "value": info.id,
                    "url": f"{TOOL_URI}#rules"}]
    cwe = CWE_BY_CATEGORY.get(info.category)
    if cwe:
        number = cwe[0].split("-")[1]
        identifiers.append({"type": "cwe", "name": cwe[0], "value": number,
                            "url": f"https://cwe.mitre.org/data/definitions/{number}.html"})
    return identifiers


def _description(finding: Finding, info: RuleInfo) -> str:
    lines = [info.description or info.name, "",
             f"Found `{finding.redacted}` (redacted) with confidence {finding.confidence:.2f}."]
    reasons = reasons_text(finding)
    if reasons:
        lines.append(f"Why: {reasons}.")
    if finding.commit is not None:
        lines.append(f"Introduced in commit {finding.commit.sha}"
                     + (f" on {finding.commit.date}" if finding.commit.date else "") + ".")
    return "\n".join(lines)


def _vulnerability(
    finding: Finding, info: RuleInfo, key: tuple[str, int], root: str, scan_sha: str
) -> dict[str, Any]:
    base, ordinal = key
    path = repo_relative(finding.path, root)
    commit: dict[str, str] = {"sha": finding.commit.sha if finding.commit else scan_sha}
    if finding.commit is not None:
        if finding.commit.author:
            commit["author"] = finding.commit.author
        if finding.commit.date:
            commit["date"] = finding.commit.date
    return {
        "id": str(uuid.uuid5(NAMESPACE, f"{base}|{finding.rule_id}|{ordinal}")),
        "name": info.name[:255],
        "description": _description(finding, info),
        "severity": SEVERITY.get(finding.severity, "Unknown"),
        "solution": (info.remediation or DEFAULT_SOLUTION)[:7000],
        "identifiers": _identifiers(info),
        "location": {
            "file": path,
            "start_line": finding.line,
            "end_line": max(finding.end_line, finding.line),
            "commit": commit,
        },
    }


def _times(result: ScanResult) -> tuple[str, str]:
    end = datetime.now(timezone.utc).replace(microsecond=0)
    start = end - timedelta(seconds=round(result.duration))
    return start.strftime(TIME_FORMAT), end.strftime(TIME_FORMAT)


def report(result: ScanResult, options: ReportOptions) -> dict[str, Any]:
    version = str(options.extra.get("gitlab_schema_version", DEFAULT_SCHEMA_VERSION))
    infos = {info.id: info for info in rule_infos(result, result.findings)}
    findings = result.findings
    keys = occurrence_keys(findings)
    scan_sha = head_sha(options.root) or NO_COMMIT_SHA
    start, end = _times(result)
    tool = {"id": TOOL_NAME, "name": "Sondier", "url": TOOL_URI, "version": __version__,
            "vendor": {"name": "Sondier"}}
    scan: dict[str, Any] = {
        "analyzer": dict(tool),
        "scanner": dict(tool),
        "type": "secret_detection",
        "start_time": start,
        "end_time": end,
        "status": "failure" if result.errors else "success",
    }
    if result.errors:
        scan["messages"] = [{"level": "warn", "value": error} for error in result.errors if error]
        scan["messages"].append({"level": "fatal",
                                 "value": "the scan is incomplete: some input was not scanned"})
    return {
        "version": version,
        "scan": scan,
        "vulnerabilities": [_vulnerability(f, infos[f.rule_id], key, options.root, scan_sha)
                            for f, key in zip(findings, keys, strict=True)],
    }


def write(result: ScanResult, stream: TextIO, options: ReportOptions) -> None:
    dump_json(report(result, options), stream)
