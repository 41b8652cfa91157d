"""Allowlists from the configuration, global or per rule:

- `paths`: globs on the finding's path;
- `values`: regexes searched in the raw value;
- `test-data`: exact known test values (compared without separators and case, like the
  rules' own test-data lists), for fixtures a team generated itself.

A matching finding is suppressed by "allowlist": counted in the summary, listed with
--show-suppressed, never dropped."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import regex

from sondier.config import Allowlist
from sondier.findings import Finding
from sondier.fingerprints import normalize
from sondier.sources.files import matches_any

REASON = "allowlist"


@dataclass(frozen=True)
class _Compiled:
    paths: tuple[str, ...]
    values: tuple[regex.Pattern[str], ...]
    test_data: frozenset[str]

    def hit(self, finding: Finding) -> bool:
        if self.paths and matches_any(finding.path, self.paths):
            return True
        if self.test_data and normalize(finding.value) in self.test_data:
            return True
        return any(p.search(finding.value) for p in self.values)


def _compile(allowlist: Allowlist) -> _Compiled:
    return _Compiled(
        paths=allowlist.paths,
        values=tuple(regex.compile(p) for p in allowlist.values),
        test_data=frozenset(normalize(v) for v in allowlist.test_data),
    )


class AllowlistMatcher:
    def __init__(self, allowlist: Allowlist) -> None:
        self._global = _compile(allowlist)
        self._per_rule = {rule: _compile(sub) for rule, sub in allowlist.rules.items()}

    def reason(self, finding: Finding) -> str | None:
        if self._global.hit(finding):
            return REASON
        entry = self._per_rule.get(finding.rule_id)
        if entry is not None and entry.hit(finding):
            return REASON
        return None

    def apply(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            if finding.suppressed_by is None:
                finding.suppressed_by = self.reason(finding)
