"""Inline markers: `sondier:ignore` on the line, `sondier:ignore-next-line` on the line before.

Only the marker itself is looked for, so it works in any comment syntax (`#`, `//`, `--`,
`/* */`, `<!-- -->`, `;`, `%`, `REM`) and in data files without comments (a JSON string, an
extra CSV column). Rule ids or categories after the marker restrict it:

    sondier:ignore fr-nir            sondier:ignore=fr-nir,iban        sondier:ignore pii
    sondier:ignore fr-nir -- INSEE documentation example

Words after the rule list are a free-text reason. A word that looks like a rule id (kebab-case)
but names no loaded rule restricts the marker to nothing: a typo (`fr-nri`) keeps the finding
reported instead of silencing every rule on the line (fail closed).
A security team can refuse markers with `--no-inline-ignore` or `inline-ignore: false`."""

from __future__ import annotations

import re
from collections.abc import Collection

# `sondier:ignore` or `sondier:ignore-next-line`, not followed by more of a word (`ignored`, `ignore-me`).
_MARKER = re.compile(r"sondier:ignore(?P<next>-next-line)?(?![\w-])", re.IGNORECASE)
_LEAD = re.compile(r"[ \t]*[=:]?[ \t]*")
_TOKEN_SPLIT = re.compile(r"[,\s]+")
_ID_SHAPED = re.compile(r"^[a-z0-9]+(?:[-_.][a-z0-9]+)*$")
_CATEGORIES = frozenset({"pii", "secret"})


def _targets(rest: str, known_ids: Collection[str]) -> list[str]:
    """Rule ids and categories named right after a marker; [] means every rule."""
    lead = _LEAD.match(rest)
    tail = rest[lead.end() if lead else 0 :]
    targets: list[str] = []
    for token in _TOKEN_SPLIT.split(tail.lower()):
        if not token:
            continue
        if token in known_ids or token in _CATEGORIES:
            targets.append(token)
        elif _ID_SHAPED.match(token) and ("-" in token or "_" in token or "." in token):
            targets.append(token)  # an unknown id (typo, rule not loaded): restricts to nothing
        else:
            break  # the reason starts here
    return targets


def _covers(line: str, next_line_marker: bool, rule_id: str, category: str, known_ids: Collection[str]) -> bool:
    for match in _MARKER.finditer(line):
        if bool(match.group("next")) != next_line_marker:
            continue
        targets = _targets(line[match.end() :], known_ids)
        if not targets or rule_id in targets or category in targets:
            return True
    return False


def marker_offsets(text: str) -> list[int]:
    """Where the ``sondier:ignore`` markers of a text start, in order: one search per chunk, so
    that a finding on a line without one never lower-cases that line (on an 800 KB minified
    line, thousands of findings each copied it)."""
    lowered = text.lower()  # a copy, yet ten times faster than a case-blind regex search
    if "sondier:" not in lowered:
        return []
    return [match.start() for match in _MARKER.finditer(text)]


def marker_for(
    line: str, previous_line: str | None, rule_id: str, category: str, known_ids: Collection[str]
) -> str | None:
    """'inline' when a marker on the line (or an ignore-next-line just before) covers the rule."""
    if "sondier:" in line.lower() and _covers(line, False, rule_id, category, known_ids):
        return "inline"
    if (
        previous_line is not None
        and "sondier:" in previous_line.lower()
        and _covers(previous_line, True, rule_id, category, known_ids)
    ):
        return "inline"
    return None
