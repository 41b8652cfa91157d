"""JUnit XML, which most CI systems display as test results (GitLab `artifacts:reports:junit`,
Jenkins, Azure Pipelines, test-reporter actions).

One test suite per rule with findings, each finding a failed test case; the rules without a
finding make one passing test case, so a clean scan still shows what was checked. Scan errors are test
cases in error. Values are always redacted here (test reports are widely shared)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TYPE_CHECKING, TextIO

from sondier.reporters import ReportOptions
from sondier.reporters.common import TOOL_NAME, reasons_text, repo_relative, rule_infos

if TYPE_CHECKING:
    from sondier.findings import Finding, ScanResult
    from sondier.reporters.common import RuleInfo

# XML 1.0 forbids most control characters even escaped; ElementTree would write them anyway.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def _failure_text(finding: Finding, path: str) -> str:
    lines = [
        f"{finding.rule_name or finding.rule_id} at {path}:{finding.line}:{finding.column}",
        f"value: {finding.redacted} (redacted)",
        f"severity: {finding.severity}, confidence: {finding.confidence:.2f}",
    ]
    reasons = reasons_text(finding)
    if reasons:
        lines.append(f"why: {reasons}")
    if finding.commit is not None:
        date = f" ({finding.commit.date})" if finding.commit.date else ""
        lines.append(f"commit: {finding.commit.sha}{date}")
    return "\n".join(lines)


def _suite(info: RuleInfo, findings: list[Finding], root: str) -> ET.Element:
    suite = ET.Element("testsuite", name=xml_text(f"{TOOL_NAME}.{info.id}"), tests=str(len(findings)),
                       failures=str(len(findings)), errors="0", skipped="0", time="0")
    for finding in findings:
        path = repo_relative(finding.path, root)
        case = ET.SubElement(suite, "testcase", name=xml_text(f"{path}:{finding.line}:{finding.column}"),
                             classname=xml_text(f"{TOOL_NAME}.{info.id}"), file=xml_text(path),
                             line=str(finding.line), time="0")
        failure = ET.SubElement(case, "failure", type=xml_text(finding.severity), message=xml_text(
            f"{info.name}: {finding.redacted} at {path}:{finding.line}"))
        failure.text = xml_text(_failure_text(finding, path))
    return suite


def _clean_suite(clean: list[RuleInfo]) -> ET.Element:
    """One passing test case for all the rules without a finding: a clean scan shows as passed
    without listing hundreds of rules."""
    suite = ET.Element("testsuite", name=TOOL_NAME, tests="1", failures="0", errors="0", skipped="0",
                       time="0")
    case = ET.SubElement(suite, "testcase", name=f"{len(clean)} rule(s) without finding",
                         classname=f"{TOOL_NAME}.scan", time="0")
    if clean:
        ET.SubElement(case, "system-out").text = xml_text(", ".join(info.id for info in clean))
    return suite


def _errors_suite(errors: list[str]) -> ET.Element:
    suite = ET.Element("testsuite", name=f"{TOOL_NAME}.scan", tests=str(len(errors)), failures="0",
                       errors=str(len(errors)), skipped="0", time="0")
    for number, error in enumerate(errors, 1):
        case = ET.SubElement(suite, "testcase", name=f"scan error {number}", classname=f"{TOOL_NAME}.scan",
                             time="0")
        element = ET.SubElement(case, "error", type="scan-error", message="the scan is incomplete")
        element.text = xml_text(error)
    return suite


def report(result: ScanResult, options: ReportOptions) -> ET.Element:
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        grouped[finding.rule_id].append(finding)
    root = ET.Element("testsuites", name=TOOL_NAME, time=f"{result.duration:.3f}")
    clean: list[RuleInfo] = []
    for info in rule_infos(result, result.findings):
        if info.id in grouped:
            root.append(_suite(info, grouped[info.id], options.root))
        else:
            clean.append(info)
    if result.errors:
        root.append(_errors_suite(result.errors))
    if clean or len(root) == 0:
        root.append(_clean_suite(clean))
    suites = list(root)
    root.set("tests", str(sum(int(s.get("tests", "0")) for s in suites)))
    root.set("failures", str(sum(int(s.get("failures", "0")) for s in suites)))
    root.set("errors", str(sum(int(s.get("errors", "0")) for s in suites)))
    return root


def write(result: ScanResult, stream: TextIO, options: ReportOptions) -> None:
    tree = ET.ElementTree(report(result, options))
    ET.indent(tree)
    stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    tree.write(stream, encoding="unicode", xml_declaration=False)
    stream.write("\n")
