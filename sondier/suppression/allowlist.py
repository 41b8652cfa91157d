"""Allowlists from the configuration: path globs and value regexes, global or per rule."""

from __future__ import annotations

from collections.abc import Iterable

import regex

from sondier.config import Allowlist
from sondier.findings import Finding
from sondier.sources.files import matches_any


class AllowlistMatcher:
    def __init__(self, allowlist: Allowlist) -> None:
        self._global = self._compile(allowlist)
        self._per_rule = {rule: self._compile(sub) for rule, sub in allowlist.rules.items()}

    @staticmethod
    def _compile(allowlist: Allowlist) -> tuple[tuple[str, ...], tuple[regex.Pattern[str], ...]]:
        return allowlist.paths, tuple(regex.compile(p) for p in allowlist.values)

    @staticmethod
    def _hit(entry: tuple[tuple[str, ...], tuple[regex.Pattern[str], ...]], finding: Finding) -> bool:
        paths, values = entry
        if paths and matches_any(finding.path, paths):
            return True
        return any(p.search(finding.value) for p in values)

    def reason(self, finding: Finding) -> str | None:
        if self._hit(self._global, finding):
            return "allowlist"
        entry = self._per_rule.get(finding.rule_id)
        if entry is not None and self._hit(entry, finding):
            return "allowlist"
        return None

    def apply(self, findings: Iterable[Finding]) -> None:
        for finding in findings:
            if finding.suppressed_by is None:
                finding.suppressed_by = self.reason(finding)
