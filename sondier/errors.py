"""Documented error types. Each maps to an exit code; messages never contain scanned values."""

from __future__ import annotations

from sondier.i18n import _

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_SCAN_ERROR = 3


class SondierError(Exception):
    """Base class: an error the user can act on, with a clear message."""

    exit_code = EXIT_SCAN_ERROR


class ConfigError(SondierError):
    """Bad configuration, rule file, ignore file or command line (exit 2)."""

    exit_code = EXIT_USAGE


class RuleError(ConfigError):
    """A rule file is invalid; the message names the file, the rule id and the field."""

    def __init__(self, path: str, rule_id: str | None, field: str | None, problem: str) -> None:
        where = path
        if rule_id:
            where += _(": rule '{rule_id}'").format(rule_id=rule_id)
        if field:
            where += _(": field '{field}'").format(field=field)
        super().__init__(_("{where}: {problem}").format(where=where, problem=problem))
        self.path = path
        self.rule_id = rule_id
        self.field = field


class ScanError(SondierError):
    """The input could not be scanned completely (unreadable file, broken repository...)."""

    exit_code = EXIT_SCAN_ERROR
