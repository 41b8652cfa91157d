"""A finding: what was found, where, how sure we are, and a redacted form of the value."""

from __future__ import annotations

from dataclasses import dataclass, field

from sondier.chunks import CommitInfo

MASK = "*"


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
    extra: dict[str, object] = field(default_factory=dict)
    _fingerprint: str = field(default="", repr=False)

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
