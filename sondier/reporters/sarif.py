"""SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer).

Besides the OASIS schema, GitHub requires or uses: unique rules with descriptions and help,
repo-relative URIs, full regions, partialFingerprints, security-severity and tags, and
automationDetails to tell several uploads apart. Values are always redacted here, even with
--show-values: a SARIF file is uploaded and kept by a service.
Options (ReportOptions.extra): sarif_category (default "sondier"), sarif_max_results (25000)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import quote

from sondier import __version__
from sondier.reporters import ReportOptions
from sondier.reporters.common import (
    CWE_BY_CATEGORY,
    TOOL_NAME,
    TOOL_URI,
    RuleInfo,
    by_severity,
    commit_properties,
    dump_json,
    occurrence_keys,
    reasons_text,
    repo_relative,
    rule_infos,
    stable_hash,
)

if TYPE_CHECKING:
    from sondier.findings import Finding, ScanResult

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
MAX_RESULTS = 25_000  # GitHub rejects runs with more results
MAX_TEXT = 1024  # GitHub's limit for short and full descriptions
MAX_TAGS = 20
SRCROOT = "%SRCROOT%"
HISTORY_KEYS = ("in_head", "commits_carrying", "occurrences")  # from the git source, when present
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
# GitHub buckets security-severity: > 9 critical, >= 7 high, >= 4 medium, else low.
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0", "info": "1.0"}


def _truncate(text: str, limit: int = MAX_TEXT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _uri(path: str) -> str:
    """Percent-encode a relative path for artifactLocation.uri (spaces, %, #, ?, non-ASCII)."""
    return quote(path, safe="/")


def _precision(info: RuleInfo) -> str:
    if info.has_validator:
        return "high"  # a checksum or numbering plan confirmed the value
    return "medium" if info.base_confidence >= 0.5 else "low"


def _tags(info: RuleInfo) -> list[str]:
    tags = ["security", info.category]
    if info.category == "pii":
        tags += ["privacy", "personal-data"]
    cwe = CWE_BY_CATEGORY.get(info.category)
    if cwe:
        tags.append(f"external/cwe/{cwe[0].lower()}")
    return tags[:MAX_TAGS]


def _help(info: RuleInfo) -> dict[str, str]:
    remediation = info.remediation or "Remove the value from the file and from git history, then rotate it."
    return {
        "text": f"{info.description}\n\nRemediation: {remediation}",
        "markdown": f"{info.description}\n\n**Remediation:** {remediation}",
    }


def rule_descriptor(info: RuleInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "name": _truncate(info.name, 255),
        "shortDescription": {"text": _truncate(info.name)},
        "fullDescription": {"text": _truncate(info.description or info.name)},
        "help": _help(info),
        "helpUri": f"{TOOL_URI}#rules",
        "defaultConfiguration": {"level": LEVEL.get(info.severity, "warning")},
        "properties": {
            "tags": _tags(info),
            "security-severity": SECURITY_SEVERITY.get(info.severity, "5.5"),
            "precision": _precision(info),
            "problem.severity": LEVEL.get(info.severity, "warning").replace("note", "recommendation"),
        },
    }


def _message(finding: Finding) -> str:
    name = finding.rule_name or finding.rule_id
    text = f"{name} found: {finding.redacted} (confidence {finding.confidence:.2f})"
    if "export" in finding.extra:  # one result for a whole export (code scanning keeps 25,000 a run)
        text += f"; {finding.reasons[0]}"
    if finding.commit is not None:
        text += f" in commit {finding.commit.sha[:12]}"
    return text


def _result(finding: Finding, rule_index: int, key: tuple[str, int], root: str) -> dict[str, Any]:
    path = repo_relative(finding.path, root)
    base, ordinal = key
    properties: dict[str, Any] = {
        "category": finding.category,
        "severity": finding.severity,
        "confidence": finding.confidence,
        "fingerprint": finding.fingerprint,
        **commit_properties(finding),
    }
    for name in HISTORY_KEYS:
        if isinstance(finding.extra.get(name), (bool, int, str)):
            properties[name] = finding.extra[name]
    export = finding.extra.get("export")
    if isinstance(export, dict):
        properties["export_count"] = export["count"]
        properties["export_columns"] = list(export["columns"])
    reasons = reasons_text(finding)
    if reasons:
        properties["reasons"] = reasons
    if finding.test_data:
        properties["test_data"] = True
    result: dict[str, Any] = {
        "ruleId": finding.rule_id,
        "ruleIndex": rule_index,
        "level": LEVEL.get(finding.severity, "warning"),
        "message": {"text": _message(finding)},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": _uri(path), "uriBaseId": SRCROOT},
                "region": {
                    "startLine": max(finding.line, 1),
                    "startColumn": max(finding.column, 1),
                    "endLine": max(finding.end_line, finding.line, 1),
                    "endColumn": max(finding.end_column, 1),
                },
            }
        }],
        # primaryLocationLineHash is the one GitHub reads: "hash:occurrence", stable across line
        # moves. Its inputs are the slow truncated fingerprint and the path: nothing reversible.
        "partialFingerprints": {
            "primaryLocationLineHash": f"{stable_hash(base, length=16)}:{ordinal}",
            "sondier/v1": finding.fingerprint or stable_hash(base, length=16),
        },
        "properties": properties,
    }
    related = _related_locations(finding, root)
    if related:
        result["relatedLocations"] = related
    if finding.suppressed_by:
        kind = "inSource" if finding.suppressed_by.startswith("inline") else "external"
        result["suppressions"] = [{"kind": kind, "justification": f"suppressed by {finding.suppressed_by}"}]
    return result


MAX_RELATED = 100  # a repeated value's other places; the JSON report keeps them all


def _related_locations(finding: Finding, root: str) -> list[dict[str, Any]]:
    """The other places of a value written several times (one result per value, see repeats.py)."""
    from sondier.repeats import other_locations

    return [{
        "id": number,
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(repo_relative(path, root)), "uriBaseId": SRCROOT},
            "region": {"startLine": max(line, 1), "startColumn": max(column, 1)},
        },
        "message": {"text": "same value"},
    } for number, (path, line, column) in enumerate(other_locations(finding)[:MAX_RELATED], start=1)]


def _root_uri(root: str) -> str:
    from sondier.reporters.common import git_toplevel

    base = Path(root).resolve() if root else Path.cwd()
    top = git_toplevel(base) or base
    return top.as_uri().rstrip("/") + "/"


def report(result: ScanResult, options: ReportOptions) -> dict[str, Any]:
    findings = list(result.findings)
    if options.show_suppressed:
        findings += result.suppressed
    infos = rule_infos(result, findings)
    index = {info.id: position for position, info in enumerate(infos)}
    limit = int(options.extra.get("sarif_max_results", MAX_RESULTS))  # type: ignore[call-overload]
    kept = by_severity(findings)[: max(min(limit, MAX_RESULTS), 0)]
    keys = occurrence_keys(kept)
    notifications = [{"level": "error", "message": {"text": error}} for error in result.errors]
    dropped = len(findings) - len(kept)
    if dropped:
        notifications.append({"level": "warning", "message": {
            "text": f"{dropped} finding(s) left out: a SARIF run holds at most {len(kept)} results "
                    f"(most severe kept); see the JSON report for all of them"}})
    invocation: dict[str, Any] = {
        "executionSuccessful": not result.errors,
        "workingDirectory": {"uri": Path(options.root or ".").resolve().as_uri().rstrip("/") + "/"},
    }
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    category = str(options.extra.get("sarif_category", TOOL_NAME)).strip("/") or TOOL_NAME
    run: dict[str, Any] = {
        "tool": {"driver": {
            "name": TOOL_NAME,
            "version": __version__,
            "semanticVersion": __version__,
            "informationUri": TOOL_URI,
            "rules": [rule_descriptor(info) for info in infos],
        }},
        # GitHub reads the category from everything before the last "/".
        "automationDetails": {"id": f"{category}/"},
        "originalUriBaseIds": {SRCROOT: {"uri": _root_uri(options.root)}},
        "columnKind": "unicodeCodePoints",
        "invocations": [invocation],
        "results": [_result(f, index[f.rule_id], key, options.root)
                    for f, key in zip(kept, keys, strict=True)],
        "properties": {"filesScanned": result.files_scanned, "findingsTotal": len(result.findings),
                       "suppressed": len(result.suppressed), "complete": not result.errors},
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def write(result: ScanResult, stream: TextIO, options: ReportOptions) -> None:
    dump_json(report(result, options), stream)
