"""A finding: what was found, where, how sure we are, whose it is (its verdict), and a redacted
form of the value; and ScanResult, the findings of one scan with what was counted beside them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sondier.chunks import CommitInfo

if TYPE_CHECKING:
    from sondier.rules import Rule
    from sondier.sources.files import Skipped

# Verdicts say whose a value is and why it is there (the verdict stage, after validation).
# Only actionable verdicts fail a scan and are listed under `findings`; the others are counted
# and listed apart (`annotated`), never dropped.
PERSONAL = "personal"  # a person's data: the default for personal-data rules
SECRET = "secret"  # a credential: the default for secret rules
PUBLIC_CONTACT = "public-contact"  # a public body's or organisation's published contact
CONTRIBUTOR = "contributor"  # authorship metadata (AUTHORS, .mailmap, package metadata)
BUSINESS = "business"  # a legal person's identifier (SIREN, SIRET, TVA, FINESS)
TEST_DATA = "test-data"  # placeholders, patterned numbers, documented examples, reserved domains
VERDICTS = (PERSONAL, SECRET, PUBLIC_CONTACT, CONTRIBUTOR, BUSINESS, TEST_DATA)
ACTIONABLE = frozenset({PERSONAL, SECRET})

MASK = "*"


class _NoExtra(dict):  # type: ignore[type-arg]
    """The empty ``Finding.extra`` that every finding without extras shares (a leaked export has
    hundreds of thousands of findings: 64 bytes each is tens of MB). It refuses changes, so that
    no finding can write into its neighbours': give a finding its own dict instead
    (``finding.extra = {**finding.extra, key: value}``). It unpickles to the shared one."""

    def _refuse(self, *args: object, **kwargs: object) -> None:
        raise TypeError("Finding.extra is shared when empty: assign a new dict instead")

    __setitem__ = __delitem__ = update = setdefault = pop = popitem = clear = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[object, tuple[()]]:
        return _no_extra, ()


NO_EXTRA: dict[str, object] = _NoExtra()


def _no_extra() -> dict[str, object]:
    return NO_EXTRA


def redact(value: str, category: str) -> str:
    """A few leading characters and a fixed mask: never enough to rebuild the value.

    Personal data shows at most 2 characters (a phone number's `06`, a NIR's sex and first
    digit of the year); secrets show up to 4 (a prefix such as `ghp_` that names the type)."""
    compact = "".join(value.split())
    limit = 2 if category == "pii" else 4
    shown = min(limit, len(compact) // 5)
    return compact[:shown] + MASK * 8


@dataclass(slots=True)
class Finding:
    """One value found. ``reasons``, ``verdict_reasons`` and an empty ``extra`` may be shared with
    other findings of the same scan (the detector shares equal lists: see
    ``Detector.share_parts``): replace them, never change them in place."""

    rule_id: str
    rule_name: str
    category: str
    severity: str
    confidence: float
    path: str
    line: int
    column: int  # 1-based, in characters
    end_line: int
    end_column: int  # exclusive
    value: str = field(repr=False)  # never printed unless --show-values
    commit: CommitInfo | None = None
    reasons: list[str] = field(default_factory=list)
    suppressed_by: str | None = None
    test_data: bool = False
    extra: dict[str, object] = field(default_factory=_no_extra)
    verdict: str = ""  # one of VERDICTS; empty means the category's default (set in __post_init__)
    verdict_reasons: list[str] = field(default_factory=list)
    record: str | None = None  # the record (CSV row, SQL tuple, JSON object...) holding the value
    column_name: str | None = None  # the column or key naming the value inside its record
    _fingerprint: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        if not self.verdict:
            self.verdict = SECRET if self.category == "secret" else PERSONAL

    @property
    def actionable(self) -> bool:
        """True when the finding fails the scan: a person's data or a secret."""
        return self.verdict in ACTIONABLE

    @property
    def fingerprint(self) -> str:
        """Slow to compute on purpose (see fingerprints.py): computed once, on first use."""
        if not self._fingerprint:
            from sondier.fingerprints import fingerprint

            self._fingerprint = fingerprint(self.rule_id, self.value)
        return self._fingerprint

    @property
    def redacted(self) -> str:
        return redact(self.value, self.category)

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.rule_id)


@dataclass
class ScanResult:
    findings: list[Finding] = field(default_factory=list)  # reported: actionable, not suppressed
    annotated: list[Finding] = field(default_factory=list)  # non-actionable verdicts, not suppressed
    suppressed: list[Finding] = field(default_factory=list)
    below_threshold: int = 0
    errors: list[str] = field(default_factory=list)  # scan errors: the scan is incomplete
    skipped: list[Skipped] = field(default_factory=list)
    files_scanned: int = 0
    bytes_scanned: int = 0
    duration: float = 0.0
    rules: list[Rule] = field(default_factory=list)
    target: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.errors

    def open_values(self) -> list[Finding]:
        """The actionable findings with each export expanded into its values: what counts and
        grades measure (an export of 10,000 rows is one line of a report, but 10,000 values)."""
        from sondier.exports import individual_findings

        return list(individual_findings(self.findings))
