"""Inline markers: `sondier:ignore` on the line, `sondier:ignore-next-line` on the line before.

The marker works in any comment syntax (`#`, `//`, `--`, `/* */`, `<!-- -->`, `;`, `%`, `REM`)
and in data files, because only the marker itself is looked for. It may name rule ids or
categories to restrict it: `sondier:ignore fr-nir` or `sondier:ignore=fr-nir,iban`."""

from __future__ import annotations

import re
from collections.abc import Collection

_MARKER = re.compile(r"sondier:ignore(-next-line)?(?:[ \t]*[=:]?[ \t]*([a-z0-9][a-z0-9,\t -]*))?", re.IGNORECASE)


def _applies(spec: str | None, rule_id: str, category: str, known_ids: Collection[str]) -> bool:
    if not spec:
        return True
    names = [n for n in re.split(r"[,\s]+", spec.strip().lower()) if n]
    targets = [n for n in names if n in known_ids or n in ("pii", "secret")]
    if not targets:
        return True  # free text after the marker (a reason), not a rule list
    return rule_id in targets or category in targets


def marker_for(
    line: str, previous_line: str | None, rule_id: str, category: str, known_ids: Collection[str]
) -> str | None:
    """'inline' when a marker on the line (or an ignore-next-line just before) covers the rule."""
    if "sondier:" not in line.lower() and (previous_line is None or "sondier:" not in previous_line.lower()):
        return None
    for match in _MARKER.finditer(line):
        if not match.group(1) and _applies(match.group(2), rule_id, category, known_ids):
            return "inline"
    if previous_line is not None:
        for match in _MARKER.finditer(previous_line):
            if match.group(1) and _applies(match.group(2), rule_id, category, known_ids):
                return "inline"
    return None
