"""How a rule's pattern becomes the pattern hyperscan scans for it (matching.py).

Hyperscan compiles patterns in prefilter mode: a pattern that matches at least wherever the
real one does, with the constructs it lacks approximated. It drops lookarounds, so the edges of
a pattern like fr-siren, `(?<![\\w@/#$%&\\\\-])\\d{9}(?![\\w@%/-])`, vanish and every 9 digits
of a longer number "may match": on code full of numbers that lets a dozen digit rules run
almost everywhere. These rewrites keep the prefilter a superset of the real pattern while
giving back what matters most:

- a leading negative lookbehind on one character class becomes that character consumed, or the
  start of the data: `(?<![X])` -> `(?:^|[^X])`;
- a trailing negative lookahead on one character class becomes that character consumed, or the
  end of the data: `(?![X])` -> `(?:[^X]|$)`;
- a bounded repeat with a large upper bound loses its bound (hyperscan's compiler unrolls it:
  two such rules took minutes to compile).

Only the very first and very last items of the pattern are rewritten, where consuming one more
character cannot change what the rest matches. A class holding anything hyperscan might read
more narrowly than the `regex` module (negated shorthands, Unicode properties, nested sets) is
left alone. Hand-written: no library turns a `regex` pattern into a hyperscan prefilter."""

from __future__ import annotations

import re

_WIDE_REPEAT = re.compile(r"(?<!\\)\{(\d+),(\d+)\}")
_WIDEN_ABOVE = 32
# Inside a class: what hyperscan reads as the `regex` module does, or more narrowly for \w, \d
# and \s (ASCII only), which only widens the negated class we build. Anything else is refused.
_SAFE_CLASS_BODY = re.compile(r"(?:\\[wdstnr\\\-\]\[/.^$|?*+(){}@#%&<>:'\"]|\\x[0-9A-Fa-f]{2}|[^\\\[\]^])+")


def prefilter_pattern(pattern: str) -> str:
    return _widen_bounded_repeats(_anchor_edges(pattern))


def _widen_bounded_repeats(pattern: str) -> str:
    return _WIDE_REPEAT.sub(lambda m: f"{{{m.group(1)},}}" if int(m.group(2)) > _WIDEN_ABOVE else m.group(0), pattern)


def _anchor_edges(pattern: str) -> str:
    items = _top_level_items(pattern)
    if items is None or not items:
        return pattern
    head, tail = "", ""
    first, last = 0, len(items)
    # Leading lookbehinds: the first one on a plain class is kept as a consumed character, the
    # others dropped (hyperscan would drop them anyway).
    while first < last and items[first][0] == "lookbehind":
        body = items[first][3]
        if not head and body is not None:
            head = f"(?:^|[^{body}])"
        first += 1
    # Trailing lookaheads, the same way, read from the end of the pattern.
    trailing: list[str] = []
    while last > first and items[last - 1][0] == "lookahead":
        trailing.append(items[last - 1][3] or "")
        last -= 1
    for body in reversed(trailing):  # the first of the run is the one right after the value
        if body:
            tail = f"(?:[^{body}]|$)"
            break
    if first == 0 and last == len(items):
        return pattern
    middle = pattern[items[first][1] : items[last - 1][2]] if first < last else ""
    if not middle:
        return pattern
    return head + middle + tail


def _top_level_items(pattern: str) -> list[tuple[str, int, int, str | None]] | None:
    """The pattern's top-level items (kind, start, end, simple-class body for a negative
    lookaround on one class, else None); None when the pattern holds a top-level alternation
    or anything this small reader does not follow (then it is left as it is)."""
    items: list[tuple[str, int, int, str | None]] = []
    position = 0
    while position < len(pattern):
        char = pattern[position]
        if char == "|":
            return None  # an edge item would belong to one alternative only: keep it simple
        if char == "(":
            end = _group_end(pattern, position)
            if end is None:
                return None
            end = _after_quantifier(pattern, end)
            items.append(_group_item(pattern, position, end))
        elif char == "[":
            end = _class_end(pattern, position)
            if end is None:
                return None
            items.append(("atom", position, _after_quantifier(pattern, end), None))
        elif char == "\\":
            items.append(("atom", position, _after_quantifier(pattern, min(position + 2, len(pattern))), None))
        else:
            items.append(("atom", position, _after_quantifier(pattern, position + 1), None))
        position = items[-1][2]
    return items


def _group_item(pattern: str, start: int, end: int) -> tuple[str, int, int, str | None]:
    for prefix, kind in (("(?<!", "lookbehind"), ("(?<=", "lookbehind"), ("(?!", "lookahead"), ("(?=", "lookahead")):
        if pattern.startswith(prefix, start) and pattern[end - 1] == ")":
            body = pattern[start + len(prefix) : end - 1]
            negative = prefix.endswith("!")
            return kind, start, end, _plain_class(body) if negative else None
    return "atom", start, end, None


def _plain_class(body: str) -> str | None:
    """The inside of ``body`` when it is one plain character class (`[\\w@/-]`), else None."""
    if not body.startswith("[") or body.startswith("[^") or _class_end(body, 0) != len(body):
        return None
    inside = body[1:-1]
    return inside if _SAFE_CLASS_BODY.fullmatch(inside) else None


def _class_end(pattern: str, start: int) -> int | None:
    """The index after the `]` closing the class that opens at ``start``."""
    position = start + 1
    if pattern.startswith("^", position):
        position += 1
    if pattern.startswith("]", position):
        position += 1  # a `]` first in a class is a literal
    while position < len(pattern):
        char = pattern[position]
        if char == "\\":
            position += 2
            continue
        if char == "[":
            return None  # a nested set (`regex` V1 syntax): not followed
        if char == "]":
            return position + 1
        position += 1
    return None


def _group_end(pattern: str, start: int) -> int | None:
    """The index after the `)` closing the group that opens at ``start``."""
    depth = 0
    position = start
    while position < len(pattern):
        char = pattern[position]
        if char == "\\":
            position += 2
            continue
        if char == "[":
            end = _class_end(pattern, position)
            if end is None:
                return None
            position = end
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return position + 1
        position += 1
    return None


_QUANTIFIER = re.compile(r"(?:[*+?]|\{\d*,?\d*\})[?+]?")


def _after_quantifier(pattern: str, end: int) -> int:
    found = _QUANTIFIER.match(pattern, end)
    return found.end() if found else end
