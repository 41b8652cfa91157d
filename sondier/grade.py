"""The repository's privacy grade, method `sondier-grade-v1`: a letter A–E (or `?`), a 0–100 score
that ranks within the letter, and the reasons.

Why this shape (see the README, `sondier grade --explain`):
- the worst open finding caps the letter, as SonarQube's security rating and SSL Labs' caps do:
  a mean must never hide the one NIR that makes a breach;
- values removed from HEAD but still in the history stay readable by anyone who clones, so they
  lower the score and keep the letter below A;
- a failed or partial scan gets `?`: a letter for a scan that could not run would be a lie;
- annotated findings (verdicts other than personal/secret) and suppressions are counted beside
  the grade, never hidden, and never lower it;
- hygiene (a pre-commit hook or a CI gate) is reported, and adds points only when nothing is open,
  like the Mozilla Observatory's bonuses.

Reasons are kept as (English message, parameters) pairs so that each report can translate them
(gettext msgids, `report` domain); `Grade.reasons` is the English text."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sondier.findings import Finding, ScanResult

METHOD = "sondier-grade-v1"
METHOD_DATE = "2026-12-02"
UNKNOWN = "?"
LETTERS = ("A", "B", "C", "D", "E")

# The letter the worst open finding in HEAD caps the grade at.
CAP_BY_SEVERITY = {"critical": "E", "high": "D", "medium": "C", "low": "B", "info": "B"}
# Score bands: (lowest, highest) score of each letter. Modifiers move the score inside the band only.
BANDS = {"A": (90, 100), "B": (70, 89), "C": (50, 69), "D": (30, 49), "E": (0, 29)}
CLEAN_SCORE = 95  # an A without hygiene bonus: room above for the bonus

# Published count-based modifiers (points off the top of the band; each has a cap).
VOLUME_POINTS, VOLUME_CAP = 4, 8  # × log2(open findings in HEAD), volume
KINDS_POINTS, KINDS_CAP = 2, 6  # per kind of data (rule) beyond the first
HISTORY_POINTS, HISTORY_CAP = 1, 5  # per value removed from HEAD but still in history
AGE_POINTS, AGE_CAP = 1, 4  # per full year the oldest exposed value has been in history
PRE_COMMIT_BONUS = 3  # a sondier pre-commit hook is configured
CI_GATE_BONUS = 2  # a CI job runs sondier

GATE_WORD = re.compile(r"\bsondier\b", re.IGNORECASE)


def N_(message: str) -> str:
    """Marks a gettext msgid (translated later, where the language is known)."""
    return message


# --------------------------------------------------------------------------- hygiene


@dataclass(frozen=True)
class Hygiene:
    """What keeps new leaks out: a sondier pre-commit hook, a CI job running sondier."""

    pre_commit: bool = False
    ci_gate: bool = False
    sources: tuple[str, ...] = ()  # the files that configure them, relative to the repository

    @property
    def configured(self) -> bool:
        return self.pre_commit or self.ci_gate

    def to_dict(self) -> dict[str, Any]:
        return {"pre_commit": self.pre_commit, "ci_gate": self.ci_gate, "sources": list(self.sources)}


def _mentions_sondier(path: Path) -> bool:
    try:
        return bool(GATE_WORD.search(path.read_text(encoding="utf-8", errors="replace")))
    except OSError:
        return False


def detect_hygiene(root: Path) -> Hygiene:
    """Looks at the work tree: .pre-commit-config.yaml naming sondier; a GitHub workflow or a
    .gitlab-ci.yml running sondier (its action, template, component or command)."""
    pre_commit_file = root / ".pre-commit-config.yaml"
    pre_commit = pre_commit_file.is_file() and _mentions_sondier(pre_commit_file)
    sources = [".pre-commit-config.yaml"] if pre_commit else []
    workflows = sorted((root / ".github" / "workflows").glob("*.y*ml")) if (root / ".github").is_dir() else []
    ci_files = [*workflows, root / ".gitlab-ci.yml"]
    gates = [p for p in ci_files if p.is_file() and _mentions_sondier(p)]
    sources += [p.relative_to(root).as_posix() for p in gates]
    return Hygiene(pre_commit=pre_commit, ci_gate=bool(gates), sources=tuple(sources))


# --------------------------------------------------------------------------- the grade


@dataclass(frozen=True)
class Reason:
    """One reason for the grade: an English msgid with %-style parameters."""

    message: str
    params: dict[str, Any] = field(default_factory=dict)

    def text(self, translate: Callable[[str], str] | None = None) -> str:
        template = translate(self.message) if translate else self.message
        params = dict(self.params)
        if translate and "severity" in params:  # severities are msgids too
            params["severity"] = translate(str(params["severity"]))
        return template % params if params else template


@dataclass(frozen=True)
class Counts:
    """What the grade was computed from, shown beside it (raw and annotated side by side)."""

    open_in_head: int = 0
    open_history_only: int = 0
    annotated: int = 0
    suppressed: int = 0
    suppressed_with_reason: int = 0
    kinds: int = 0
    by_severity: dict[str, int] = field(default_factory=dict)
    annotated_by_verdict: dict[str, int] = field(default_factory=dict)
    oldest_exposure: str | None = None  # ISO date of the oldest commit holding an open value

    @property
    def open(self) -> int:
        return self.open_in_head + self.open_history_only

    @property
    def raw(self) -> int:
        """Everything the rules matched, before verdicts and suppressions."""
        return self.open + self.annotated + self.suppressed

    def to_dict(self) -> dict[str, Any]:
        return {"open": self.open, "open_in_head": self.open_in_head, "open_history_only": self.open_history_only,
                "raw": self.raw, "annotated": self.annotated, "annotated_by_verdict": dict(self.annotated_by_verdict),
                "suppressed": self.suppressed, "suppressed_with_reason": self.suppressed_with_reason,
                "kinds": self.kinds, "by_severity": dict(self.by_severity), "oldest_exposure": self.oldest_exposure}


@dataclass(frozen=True)
class Grade:
    letter: str  # 'A'–'E', or '?' when the scan is incomplete
    score: int | None  # 0–100 within the letter's band; None with '?'
    reasons: list[str]  # English
    method: str = METHOD
    method_date: str = METHOD_DATE
    counts: Counts = field(default_factory=Counts)
    hygiene: Hygiene | None = None
    history: bool = False  # the history was scanned (without it, history exposure is unknown)
    reason_items: tuple[Reason, ...] = ()

    def localized_reasons(self, translate: Callable[[str], str]) -> list[str]:
        return [reason.text(translate) for reason in self.reason_items]

    def to_dict(self) -> dict[str, Any]:
        return {"letter": self.letter, "score": self.score, "reasons": list(self.reasons), "method": self.method,
                "method_date": self.method_date, "history_scanned": self.history, "counts": self.counts.to_dict(),
                "hygiene": self.hygiene.to_dict() if self.hygiene else None}


def in_head(finding: Finding) -> bool:
    """History findings say whether HEAD still holds the value; others (files, diff) are in HEAD."""
    return bool(finding.extra.get("in_head", True))


def _exposure_date(finding: Finding) -> datetime | None:
    if finding.commit is None or not finding.commit.date:
        return None
    try:
        when = datetime.fromisoformat(finding.commit.date.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def oldest_exposure(findings: Iterable[Finding]) -> datetime | None:
    dates = [d for d in (_exposure_date(f) for f in findings) if d is not None]
    return min(dates) if dates else None


def count(result: ScanResult) -> Counts:
    from collections import Counter

    values = result.open_values()
    head = [f for f in values if in_head(f)]
    oldest = oldest_exposure(values)
    return Counts(
        open_in_head=len(head),
        open_history_only=len(values) - len(head),
        annotated=len(result.annotated),
        suppressed=len(result.suppressed),
        suppressed_with_reason=sum(1 for f in result.suppressed if f.suppressed_by),
        kinds=len({f.rule_id for f in values}),
        by_severity=dict(Counter(f.severity for f in values)),
        annotated_by_verdict=dict(sorted(Counter(f.verdict for f in result.annotated).items())),
        oldest_exposure=oldest.date().isoformat() if oldest else None,
    )


def _cap(head: list[Finding]) -> str:
    letters = [CAP_BY_SEVERITY.get(f.severity, "B") for f in head]
    return max(letters, key=LETTERS.index) if letters else "A"


def _age_years(oldest: datetime | None, now: datetime) -> int:
    return max(int((now - oldest).days // 365), 0) if oldest else 0


def _penalties(result: ScanResult, head: list[Finding], gone: list[Finding], now: datetime) -> list[tuple[int, Reason]]:
    out: list[tuple[int, Reason]] = []
    if len(head) > 1:
        points = min(round(VOLUME_POINTS * math.log2(len(head))), VOLUME_CAP)
        out.append((points, Reason(N_("%(count)d open findings in HEAD: -%(points)d (volume)"),
                                   {"count": len(head), "points": points})))
    kinds = len({f.rule_id for f in (*head, *gone)})
    if kinds > 1:
        points = min(KINDS_POINTS * (kinds - 1), KINDS_CAP)
        out.append((points, Reason(N_("%(count)d kinds of data exposed: -%(points)d"),
                                   {"count": kinds, "points": points})))
    if gone:
        points = min(HISTORY_POINTS * len(gone), HISTORY_CAP)
        out.append((points, Reason(N_("%(count)d value(s) removed from HEAD but still in the history: "
                                      "-%(points)d (anyone who clones can read them)"),
                                   {"count": len(gone), "points": points})))
    years = _age_years(oldest_exposure([*head, *gone]), now)
    if years:
        points = min(AGE_POINTS * years, AGE_CAP)
        out.append((points, Reason(N_("exposed in the history for %(years)d year(s): -%(points)d"),
                                   {"years": years, "points": points})))
    return out


def _worst_reason(head: list[Finding], gone: list[Finding], letter: str) -> Reason:
    if head:
        worst = min(head, key=lambda f: list(CAP_BY_SEVERITY).index(f.severity) if f.severity in CAP_BY_SEVERITY
                    else len(CAP_BY_SEVERITY))
        return Reason(N_("worst open finding in HEAD: %(severity)s (%(rule)s) caps the grade at %(letter)s"),
                      {"severity": worst.severity, "rule": worst.rule_id, "letter": letter})
    if gone:
        return Reason(N_("no open finding in HEAD, but values remain in the history: B at best"), {})
    return Reason(N_("no open finding"), {})


def _side_reasons(counts: Counts, hygiene: Hygiene | None, history: bool) -> list[Reason]:
    out: list[Reason] = []
    if counts.annotated:
        out.append(Reason(N_("%(count)d annotated finding(s) (not personal data or secrets) shown apart, "
                             "not counted"), {"count": counts.annotated}))
    if counts.suppressed:
        out.append(Reason(N_("%(count)d suppressed finding(s) shown apart, not counted"),
                          {"count": counts.suppressed}))
    if not history:
        out.append(Reason(N_("history not scanned: values removed from HEAD are not graded (use --history)"), {}))
    if hygiene is not None and not hygiene.configured:
        out.append(Reason(N_("no sondier pre-commit hook or CI gate configured"), {}))
    return out


def _hygiene_bonus(hygiene: Hygiene | None, open_count: int) -> list[tuple[int, Reason]]:
    """Bonuses count only when nothing is open: a hook does not make a leak smaller."""
    if hygiene is None:
        return []
    out: list[tuple[int, Reason]] = []
    if hygiene.pre_commit and open_count:
        out.append((0, Reason(N_("sondier pre-commit hook configured: no bonus while findings are open"))))
    elif hygiene.pre_commit:
        out.append((PRE_COMMIT_BONUS, Reason(N_("sondier pre-commit hook configured: +%(points)d"),
                                             {"points": PRE_COMMIT_BONUS})))
    if hygiene.ci_gate and open_count:
        out.append((0, Reason(N_("sondier CI gate configured: no bonus while findings are open"))))
    elif hygiene.ci_gate:
        out.append((CI_GATE_BONUS, Reason(N_("sondier CI gate configured: +%(points)d"), {"points": CI_GATE_BONUS})))
    return out


def compute_grade(result: ScanResult, *, history: bool = False, hygiene: Hygiene | None = None,
                  now: datetime | None = None) -> Grade:
    """The grade of one scan result. `history`: the result comes from a `--history` scan."""
    counts = count(result)
    if not result.complete:
        items = (Reason(N_("the scan is incomplete (%(errors)d error(s)): no grade"),
                        {"errors": len(result.errors)}),)
        return Grade(UNKNOWN, None, [r.text() for r in items], counts=counts, hygiene=hygiene, history=history,
                     reason_items=items)
    now = now or datetime.now(timezone.utc)
    values = result.open_values()
    head = [f for f in values if in_head(f)]
    gone = [f for f in values if not in_head(f)]
    letter = _cap(head)
    if gone and letter == "A":
        letter = "B"
    low, high = BANDS[letter]
    top = CLEAN_SCORE if letter == "A" else high
    penalties = _penalties(result, head, gone, now)
    bonuses = _hygiene_bonus(hygiene, len(values))
    score = top - sum(points for points, _ in penalties) + sum(points for points, _ in bonuses)
    score = max(low, min(high, score))
    items = (_worst_reason(head, gone, letter), *(r for _, r in penalties), *(r for _, r in bonuses),
             *_side_reasons(counts, hygiene, history))
    return Grade(letter, score, [r.text() for r in items], counts=counts, hygiene=hygiene, history=history,
                 reason_items=items)


def is_history_result(result: ScanResult) -> bool:
    """`scan --history` names its target so (a `--diff` range also counts commits: not a history scan;
    `sondier ci` says which it ran with `remember_grade`)."""
    return result.target.startswith("history ")


def remember_grade(result: ScanResult, grade: Grade) -> Grade:
    """Make `grade` the one every report of `result` shows (for callers that know more, like `sondier ci`)."""
    result.extra["_grade"] = grade
    return grade


def grade_for_report(result: ScanResult, root: str | Path = ".") -> Grade:
    """The grade as every report shows it: computed once per result (reports share it)."""
    cached = result.extra.get("_grade")
    if isinstance(cached, Grade):
        return cached
    grade = compute_grade(result, history=is_history_result(result), hygiene=detect_hygiene(Path(root)))
    return remember_grade(result, grade)


EXPLANATION = N_("""Sondier privacy grade, method %(method)s (%(date)s)

The letter is capped by the worst open finding (personal data or secret, not suppressed):
  critical in HEAD -> E, high -> D, medium -> C, low or info -> B, nothing open -> A.
Values removed from HEAD but still in the git history (found with --history) stay readable by anyone
who clones: they lower the score and cap the letter at B.
A failed or partial scan is graded ?, never a letter.

The score (0-100) ranks within the letter's band: A 90-100, B 70-89, C 50-69, D 30-49, E 0-29.
It starts at the top of the band (95 for A) and applies these modifiers, never leaving the band:
  volume: -4 x log2(open findings in HEAD), at most -8;
  kinds of data: -2 per rule beyond the first, at most -6;
  history: -1 per value removed from HEAD but still in the history, at most -5;
  age of exposure: -1 per full year since the oldest exposed commit, at most -4;
  hygiene, only when nothing is open: +3 for a sondier pre-commit hook (.pre-commit-config.yaml),
  +2 for a CI gate (.github/workflows/*, .gitlab-ci.yml running sondier).
Annotated findings (public contacts, contributors, businesses, test data) and suppressed findings
are shown beside the grade, raw and annotated counts side by side, and do not lower it.
""")


def explain(translate: Callable[[str], str] | None = None) -> str:
    template = translate(EXPLANATION) if translate else EXPLANATION
    return template % {"method": METHOD, "date": METHOD_DATE}
