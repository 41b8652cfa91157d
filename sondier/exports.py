"""Exports: a file holding the personal data of many people is one leak, not ten thousand.

Runs on the final, actionable findings (after the verdict stage and suppression). For each
file (and commit, for git sources) and each personal-data rule, when the values sit in at
least ``threshold`` distinct records (CSV rows, SQL tuples, JSON objects, YAML mappings, LDIF
entries, vCards: see records.py), they are replaced by one *export* finding: the first value, with
``extra["export"]`` holding the count, the columns and every location, and the individual
findings kept in ``extra["export_members"]`` (never reported, used to write baselines).

Values outside any record
(prose, source code) are never aggregated: ten e-mails in a module are ten findings.

A baseline or ignore file is applied before this stage, so one written before exports existed
still suppresses the individual values; `sondier baseline create` writes every member of an
export, so the next scan accepts the whole export again (:func:`individual_findings`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import replace

from sondier.findings import Finding, ScanResult
from sondier.reasons import EXPORT_REASON, EXPORT_REASON_WITH_COLUMNS

DEFAULT_THRESHOLD = 10
EXPORT = "export"
MEMBERS = "export_members"
SHOWN_COLUMNS = 5


def _group_key(finding: Finding) -> tuple[str, str, str]:
    return finding.path, finding.rule_id, finding.commit.sha if finding.commit is not None else ""


def aggregate(findings: Iterable[Finding], threshold: int = DEFAULT_THRESHOLD) -> list[Finding]:
    """The findings with every large enough group of personal data replaced by one export."""
    groups: dict[tuple[str, str, str], list[Finding]] = {}
    others: list[Finding] = []
    for finding in findings:
        if finding.category == "pii" and finding.record is not None:
            groups.setdefault(_group_key(finding), []).append(finding)
        else:
            others.append(finding)
    kept = others
    for members in groups.values():
        records = len({f.record for f in members})
        if threshold > 0 and records >= threshold:
            kept.append(export_finding(members, records))
        else:
            kept.extend(members)
    return sorted(kept, key=Finding.sort_key)


def export_finding(members: list[Finding], records: int) -> Finding:
    """One finding standing for ``members`` (one file, one rule), placed on the first value."""
    members = sorted(members, key=Finding.sort_key)
    first = members[0]
    columns = [name for name, _ in Counter(f.column_name for f in members if f.column_name).most_common()]
    summary = {
        "count": len(members),
        "records": records,
        "columns": columns,
        "locations": [[f.line, f.column] for f in members],
    }
    reasons = [describe(first.rule_id, summary), *first.reasons]
    extra = {**first.extra, EXPORT: summary, MEMBERS: members}
    return replace(first, confidence=max(f.confidence for f in members), reasons=reasons, extra=extra,
                   verdict_reasons=list(first.verdict_reasons))


def describe(rule_id: str, summary: dict[str, object]) -> str:
    """`export: 10,000 values of fr-nir in 10,000 rows (columns nir, ...)`."""
    count, records, columns = summary["count"], summary["records"], summary["columns"]
    assert isinstance(count, int) and isinstance(records, int) and isinstance(columns, list)
    if not columns:
        return EXPORT_REASON.format(count=f"{count:,}", rule=rule_id, records=f"{records:,}")
    shown = ", ".join(str(c) for c in columns[:SHOWN_COLUMNS]) + (", …" if len(columns) > SHOWN_COLUMNS else "")
    return EXPORT_REASON_WITH_COLUMNS.format(count=f"{count:,}", rule=rule_id, records=f"{records:,}", columns=shown)


def individual_findings(findings: Iterable[Finding]) -> Iterator[Finding]:
    """Every value behind the findings: an export stands for all of its members."""
    for finding in findings:
        members = finding.extra.get(MEMBERS)
        if isinstance(members, list):
            yield from members
        else:
            yield finding


def apply(result: ScanResult, threshold: int) -> None:
    """The pipeline stage: aggregate the actionable findings of a scan into exports."""
    result.findings = aggregate(result.findings, threshold)
