"""The ignore file (`.sondierignore`): accepted findings, one entry per line, each with a reason.

    # comment
    fingerprint=fr-nir:3fa9c  reason="INSEE documentation example"
    rule=email path="tests/fixtures/**"  reason="addresses generated with Faker"
    path="docs/examples/*"  reason="documentation, reviewed by the DPO"

An entry is KEY=VALUE tokens (shell quoting); every selector it names must match:
`fingerprint` (as printed in reports), `rule` (a rule id or a category, pii/secret), `path`
(a glob, as in the configuration's allowlists). `reason` is mandatory and not empty. Nothing
identifies a value except its fingerprint, which cannot be reversed (see fingerprints.py).
Entries with v1 fingerprints (`rule:xxxxx`, before `rule:v2-xxxxx`) still match, at the cost of
a slow hash per finding of their rule; `sondier baseline upgrade` rewrites them.

A line format rather than YAML so that every error names the file and the line (exit 2), and
so that two people adding entries at once merge without conflict most of the time."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sondier.errors import ConfigError
from sondier.findings import Finding
from sondier.fingerprints import is_fingerprint, is_legacy, legacy_fingerprint, rule_of
from sondier.i18n import _
from sondier.sources.files import matches_any
from sondier.suppression import display_path

if TYPE_CHECKING:
    from sondier.findings import ScanResult

REASON = "ignore-file"
SELECTORS = ("fingerprint", "rule", "path")
KEYS = (*SELECTORS, "reason")


@dataclass(frozen=True)
class IgnoreEntry:
    source: str
    line: int
    reason: str
    fingerprint: str | None = None
    rule: str | None = None
    path: str | None = None

    def matches(self, finding: Finding) -> bool:
        if self.fingerprint is not None and _identity(finding, self.fingerprint) != self.fingerprint:
            return False
        if self.rule is not None and self.rule not in (finding.rule_id, finding.category):
            return False
        return self.path is None or matches_any(finding.path, (self.path,))

    def describe(self) -> str:
        """Where the entry is and what it selects: fingerprints, rule ids and globs only."""
        selectors = " ".join(f"{k}={shlex.quote(v)}" for k in SELECTORS if (v := getattr(self, k)) is not None)
        return f"{self.source}:{self.line}: {selectors}"


def _identity(finding: Finding, fingerprint: str) -> str | None:
    """The finding's fingerprint in the scheme of an entry's: a v1 (slow) one only for a v1
    entry of the finding's own rule, so v1 entries cost a scrypt per finding of their rule only."""
    if not is_legacy(fingerprint):
        return finding.fingerprint
    if rule_of(fingerprint) != finding.rule_id:
        return None
    return legacy_fingerprint(finding.rule_id, finding.value)


def format_entry(reason: str, fingerprint: str | None = None, rule: str | None = None, path: str | None = None) -> str:
    """One line of an ignore file (used by `sondier ignore add`); validated like a parsed line."""
    values = {"fingerprint": fingerprint, "rule": rule, "path": path}
    tokens = [f"{k}={shlex.quote(v)}" for k, v in values.items() if v is not None]
    line = " ".join([*tokens, f"reason={shlex.quote(reason)}"])
    parse_line(line, "<new entry>", 1)
    return line


_WORD = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")


def _quoted(token: str) -> str:
    """A token for an error message: words are shown, anything else (maybe a value pasted by
    mistake, which would then land in CI logs) only by its length."""
    return repr(token) if _WORD.match(token) else _("a token of {length} characters").format(length=len(token))


def parse_line(text: str, source: str, number: int) -> IgnoreEntry | None:
    where = f"{source}:{number}"
    try:
        tokens = shlex.split(text, comments=True, posix=True)
    except ValueError as exc:
        raise ConfigError(_("{where}: cannot parse entry: {exc}").format(where=where, exc=exc)) from None
    if not tokens:
        return None
    fields: dict[str, str] = {}
    for token in tokens:
        key, sep, value = token.partition("=")
        if not sep:
            raise ConfigError(_("{where}: expected KEY=VALUE ({keys}), got {token}").format(
                where=where, keys=', '.join(KEYS), token=_quoted(token)))
        if key not in KEYS:
            raise ConfigError(_("{where}: unknown key {key} (expected one of {keys})").format(
                where=where, key=_quoted(key), keys=', '.join(KEYS)))
        if key in fields:
            raise ConfigError(_("{where}: {key!r} is given twice").format(where=where, key=key))
        if not value.strip():
            raise ConfigError(_("{where}: {key!r} is empty").format(where=where, key=key))
        fields[key] = value.strip()
    return _entry(fields, where, source, number)


def _entry(fields: dict[str, str], where: str, source: str, number: int) -> IgnoreEntry:
    if "reason" not in fields:
        raise ConfigError(_('{where}: every entry needs a reason (add reason="why this is acceptable")').format(
            where=where))
    if not any(k in fields for k in SELECTORS):
        raise ConfigError(_("{where}: an entry needs at least one of fingerprint=, rule=, path=").format(
            where=where))
    fingerprint = fields.get("fingerprint")
    if fingerprint is not None:
        if not is_fingerprint(fingerprint):
            raise ConfigError(_(
                "{where}: fingerprint= is not a fingerprint (copy it from a report: RULE-ID:v2-xxxxx; never the value)"
            ).format(where=where))
        rule = fields.get("rule")
        if rule is not None and rule not in ("pii", "secret") and not fingerprint.startswith(f"{rule}:"):
            raise ConfigError(_("{where}: fingerprint {fingerprint} belongs to rule {owner!r}, not {rule}").format(
                where=where, fingerprint=fingerprint, owner=fingerprint.rpartition(":")[0], rule=_quoted(rule)))
    return IgnoreEntry(
        source=source,
        line=number,
        reason=fields["reason"],
        fingerprint=fingerprint,
        rule=fields.get("rule"),
        path=fields.get("path"),
    )


def load(path: Path) -> list[IgnoreEntry]:
    """Parse an ignore file; any problem is a ConfigError naming the file and line (exit 2)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(_("{path}: ignore file not found").format(path=display_path(path))) from None
    except OSError as exc:
        raise ConfigError(_("{path}: cannot read ignore file: {exc}").format(
            path=display_path(path), exc=exc.strerror or exc)) from None
    except UnicodeDecodeError:
        raise ConfigError(_("{path}: ignore file is not UTF-8 text").format(path=display_path(path))) from None
    entries = []
    source = display_path(path)
    for number, line in enumerate(text.splitlines(), start=1):
        entry = parse_line(line, source, number)
        if entry is not None:
            entries.append(entry)
    return entries


class IgnoreMatcher:
    def __init__(self, entries: Iterable[IgnoreEntry]) -> None:
        self.entries = list(entries)
        self._by_fingerprint: dict[str, list[IgnoreEntry]] = {}
        self._legacy_rules: set[str] = set()  # rules named by v1 entries: only they pay a v1 fingerprint
        self._others: list[IgnoreEntry] = []
        for entry in self.entries:
            if entry.fingerprint is not None:
                self._by_fingerprint.setdefault(entry.fingerprint, []).append(entry)
                if is_legacy(entry.fingerprint):
                    self._legacy_rules.add(rule_of(entry.fingerprint))
            else:
                self._others.append(entry)
        self.used: set[IgnoreEntry] = set()  # entries are distinct: each knows its own line

    def match(self, finding: Finding) -> bool:
        """Whether any entry covers the finding; every covering entry is marked used."""
        hit = False
        by_fingerprint = list(self._by_fingerprint.get(finding.fingerprint, ())) if self._by_fingerprint else []
        if finding.rule_id in self._legacy_rules:
            by_fingerprint += self._by_fingerprint.get(legacy_fingerprint(finding.rule_id, finding.value), ())
        for entry in (*by_fingerprint, *self._others):
            if entry.matches(finding):
                self.used.add(entry)
                hit = True
        return hit

    def unused(self) -> list[IgnoreEntry]:
        return [e for e in self.entries if e not in self.used]


def apply(result: ScanResult, path: Path) -> None:
    """Suppress the findings the ignore file covers; record entries that matched nothing.

    Already-suppressed findings still count as a use, so an entry doubled by an inline marker
    is not reported as unused."""
    matcher = IgnoreMatcher(load(path))
    for finding in (*result.findings, *result.suppressed):
        if matcher.match(finding) and finding.suppressed_by is None:
            finding.suppressed_by = REASON
    unused = result.extra.setdefault("unused_ignores", [])
    unused.extend(entry.describe() for entry in matcher.unused())


def upgrade_text(text: str, findings: Iterable[Finding]) -> tuple[str, int]:
    """The ignore file's text with each v1 fingerprint replaced by the v2 fingerprint of the
    value found again under it (one line per value if several share it); lines are otherwise
    kept byte for byte. Returns the text and how many v1 entries matched no finding (kept)."""
    entries = [(line, parse_line(line, "<upgrade>", 1)) for line in text.splitlines(keepends=True)]
    legacy_rules = {rule_of(e.fingerprint) for _, e in entries if e and e.fingerprint and is_legacy(e.fingerprint)}
    legacy_to_current: dict[str, set[str]] = {}
    for finding in findings:
        if finding.rule_id not in legacy_rules:
            continue  # a v1 fingerprint costs a scrypt: only for the rules v1 entries name
        legacy = legacy_fingerprint(finding.rule_id, finding.value)
        legacy_to_current.setdefault(legacy, set()).add(finding.fingerprint)
    lines, unmatched = [], 0
    for line, entry in entries:
        if entry is None or entry.fingerprint is None or not is_legacy(entry.fingerprint):
            lines.append(line)
            continue
        current = sorted(legacy_to_current.get(entry.fingerprint, ()))
        if not current:
            unmatched += 1
            lines.append(line)
            continue
        pattern = re.compile(rf"(fingerprint=['\"]?){re.escape(entry.fingerprint)}\b")
        lines.extend(pattern.sub(lambda m, fp=fp: m.group(1) + fp, line) for fp in current)
    return "".join(lines), unmatched
