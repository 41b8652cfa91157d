"""Repeats: one value, one finding, however many times it is written down.

Runs on the final, actionable findings, after exports. A value of one rule written at several
places of the scanned tree (a fixture phone number in forty spec files, a team member's
address in the footer of every page) is one thing to act on: remove it, or accept it, once. It
is reported once, at its first location, with ``extra["repeated"]`` holding the count, the
number of files and every location, and the individual findings kept under the same key as an
export's members (never reported; used to write baselines and to count values). GitHub's
secret scanning does the same: one alert per secret, with its locations.

Values are compared in their canonical spelling (`06 12 34 56 78` and `+33612345678` are one
phone number: see :func:`canonical`). Git sources group their findings by value already (the
`occurrences` of a history scan), so findings that carry a commit are left as they are.
"""

from __future__ import annotations

from dataclasses import replace

from sondier.exports import EXPORT, MEMBERS
from sondier.findings import Finding, ScanResult
from sondier.fingerprints import normalize
from sondier.reasons import REPEATED_IN_FILE, REPEATED_IN_FILES

REPEATED = "repeated"


def canonical(finding: Finding) -> str:
    """The value as a comparison key: a phone number by its last nine digits (the national
    significant number: every French spelling of one number ends with them), anything else
    with its separators removed and upper-cased, as fingerprints see it."""
    if finding.rule_id == "fr-phone":
        digits = "".join(ch for ch in finding.value if ch.isdigit())
        if len(digits) >= 9:
            return digits[-9:]
    return normalize(finding.value)


def group(findings: list[Finding]) -> list[Finding]:
    """The findings with every value seen at several places replaced by one finding."""
    groups: dict[tuple[str, str], list[Finding]] = {}
    kept: list[Finding] = []
    for finding in findings:
        if finding.commit is not None or EXPORT in finding.extra or not _holds_a_value(finding):
            kept.append(finding)
        else:
            groups.setdefault((finding.rule_id, canonical(finding)), []).append(finding)
    for members in groups.values():
        kept.append(members[0] if len(members) == 1 else repeated_finding(members))
    return sorted(kept, key=Finding.sort_key)


def _holds_a_value(finding: Finding) -> bool:
    """Path rules' findings are a file's name and record rules' a table's column names: two
    tables with the same header are two exports, not one value written twice."""
    return not finding.extra.get("path_rule") and "rows" not in finding.extra


def repeated_finding(members: list[Finding]) -> Finding:
    members = sorted(members, key=Finding.sort_key)
    first = members[0]
    files = len({f.path for f in members})
    summary = {
        "count": len(members),
        "files": files,
        "locations": [[f.path, f.line, f.column] for f in members],
    }
    extra = {**first.extra, REPEATED: summary, MEMBERS: members}
    return replace(first, confidence=max(f.confidence for f in members), reasons=[describe(summary), *first.reasons],
                   extra=extra, verdict_reasons=list(first.verdict_reasons))


def describe(summary: dict[str, object]) -> str:
    """`the same value at 8 places in 3 files`."""
    count, files = summary["count"], summary["files"]
    assert isinstance(count, int) and isinstance(files, int)
    if files == 1:
        return REPEATED_IN_FILE.format(count=count)
    return REPEATED_IN_FILES.format(count=count, files=files)


def other_locations(finding: Finding) -> list[tuple[str, int, int]]:
    """The places of a repeated value after its first one (empty for any other finding)."""
    summary = finding.extra.get(REPEATED)
    if not isinstance(summary, dict):
        return []
    return [(str(p), int(line), int(col)) for p, line, col in summary["locations"][1:]]


def apply(result: ScanResult) -> None:
    """The pipeline stage: one finding per value among the actionable findings of a scan."""
    result.findings = group(result.findings)
