"""JSON report, version 1 (documented in the README). Values appear only with --show-values."""

from __future__ import annotations

import json
from collections import Counter
from typing import TYPE_CHECKING, Any, TextIO

from sondier import __version__
from sondier.reporters import ReportOptions

if TYPE_CHECKING:
    from sondier.findings import Finding, ScanResult

REPORT_VERSION = 1


def finding_dict(finding: Finding, options: ReportOptions) -> dict[str, Any]:
    data: dict[str, Any] = {
        "rule_id": finding.rule_id,
        "rule_name": finding.rule_name,
        "category": finding.category,
        "severity": finding.severity,
        "confidence": finding.confidence,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "end_line": finding.end_line,
        "end_column": finding.end_column,
        "redacted": finding.redacted,
        "fingerprint": finding.fingerprint,
        "reasons": list(finding.reasons),
        "test_data": finding.test_data,
        "verdict": finding.verdict,
        "verdict_reasons": list(finding.verdict_reasons),
    }
    if finding.commit is not None:
        data["commit"] = finding.commit.sha
        data["author"] = finding.commit.author
        data["email"] = finding.commit.email
        data["date"] = finding.commit.date
    if finding.record is not None:
        data["record"] = finding.record
    if finding.column_name is not None:
        data["column_name"] = finding.column_name
    for key, value in finding.extra.items():
        if key in {"commits_carrying", "in_head", "occurrences", "export", "repeated"}:
            data[key] = value
    if finding.suppressed_by:
        data["suppressed_by"] = finding.suppressed_by
    if options.show_values:
        data["value"] = finding.value
    return data


def summary(result: ScanResult, root: str = ".") -> dict[str, Any]:
    from sondier.grade import grade_for_report
    from sondier.verdict import count_by_verdict

    findings = result.findings
    return {
        "total": len(findings),
        "by_rule": dict(sorted(Counter(f.rule_id for f in findings).items())),
        "by_severity": dict(sorted(Counter(f.severity for f in findings).items())),
        "by_category": dict(sorted(Counter(f.category for f in findings).items())),
        "files_with_findings": len({f.path for f in findings}),
        "exports": sum(1 for f in findings if "export" in f.extra),
        "repeated": sum(1 for f in findings if "repeated" in f.extra),
        "suppressed": len(result.suppressed),
        "suppressed_by": dict(sorted(Counter(str(f.suppressed_by) for f in result.suppressed).items())),
        "below_threshold": result.below_threshold,
        "annotated": len(result.annotated),
        "grade": grade_for_report(result, root).to_dict(),
        "by_verdict": count_by_verdict((result.findings, result.annotated)),
    }


def report(result: ScanResult, options: ReportOptions) -> dict[str, Any]:
    data: dict[str, Any] = {
        "version": REPORT_VERSION,
        "tool": {"name": "sondier", "version": __version__},
        "scan": {
            "target": result.target,
            "files": result.files_scanned,
            "bytes": result.bytes_scanned,
            "duration_seconds": round(result.duration, 3),
            "rules": len(result.rules),
            "complete": result.complete,
            "errors": list(result.errors),
            "skipped": len(result.skipped),
            **{k: v for k, v in result.extra.items()
               if not k.startswith("_") and isinstance(v, (str, int, float, bool, list, dict))},
        },
        "findings": [finding_dict(f, options) for f in result.findings],
        "annotated": [finding_dict(f, options) for f in result.annotated],
        "summary": summary(result, options.root),
    }
    if options.show_suppressed:
        data["suppressed"] = [finding_dict(f, options) for f in result.suppressed]
    return data


def write(result: ScanResult, stream: TextIO, options: ReportOptions) -> None:
    write_readable(report(result, options), stream)


def write_readable(data: dict[str, Any], stream: TextIO) -> None:
    """JSON with one top-level key, and one list item, per line: readable in a terminal or a
    diff, and written by the C encoder (`indent=` falls back to the pure-Python encoder, which
    took longer than the scan itself on reports of tens of thousands of findings)."""
    parts: list[str] = []
    for key, value in data.items():
        name = json.dumps(key)
        if isinstance(value, list) and value:
            items = ",\n".join("    " + json.dumps(item, ensure_ascii=False) for item in value)
            parts.append(f"  {name}: [\n{items}\n  ]")
        else:
            parts.append(f"  {name}: {json.dumps(value, ensure_ascii=False)}")
    stream.write("{\n" + ",\n".join(parts) + "\n}\n")
