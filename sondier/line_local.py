"""Which rule patterns can never match across a line break, and how far past a line they look.

matching.py uses the answer to run a rule's exact regex only on the lines where hyperscan saw
it end, instead of over the whole text: a match that cannot hold a newline lies inside one
line, so searching that line (its lookbehinds still see the text before it, its lookaheads up
to `lookahead` characters after it) finds exactly the matches a search of the whole text finds
there.

Written by hand: neither `re` nor `regex` says whether a pattern can match a given character.
The analysis reads the pattern with the standard library's parser; a pattern only the `regex`
module can read (`\\p{L}`, POSIX classes) is not line-local here and keeps the whole-text path.
"""

from __future__ import annotations

import re
import re._constants as c  # type: ignore[import-not-found]
import re._parser as sre_parse  # type: ignore[import-not-found]
from typing import Any

# Classes of characters that hold "\n": \s, \D and \W match it, \S, \d and \w do not.
_CATEGORIES_WITH_NEWLINE = frozenset({
    c.CATEGORY_SPACE, c.CATEGORY_NOT_DIGIT, c.CATEGORY_NOT_WORD, c.CATEGORY_UNI_SPACE, c.CATEGORY_UNI_NOT_DIGIT,
    c.CATEGORY_UNI_NOT_WORD, c.CATEGORY_LINEBREAK, c.CATEGORY_UNI_LINEBREAK,
})  # fmt: skip
_NEWLINE = 10
_FLAGS = {"ignorecase": re.IGNORECASE, "dotall": re.DOTALL, "multiline": re.MULTILINE}
# A lookahead wider than this makes the line window pointless: the rule keeps the whole text.
MAX_LOOKAHEAD = 4096


class _NotLineLocal(Exception):
    pass


# (pattern, flags) -> margin: answers already known, from this process or from the parsed-rules
# cache (sondier.rules stores each rule's answer beside it: analysing ~280 patterns with the
# standard parser costs ~25 ms, most of a small staged scan's own work).
_KNOWN: dict[tuple[str, tuple[str, ...]], int | None] = {}


def remember(margins: dict[tuple[str, tuple[str, ...]], int | None]) -> None:
    """Record answers computed earlier by ``analyse`` (the same code: the cache is keyed on it)."""
    _KNOWN.update(margins)


def lookahead_margin(pattern: str, flags: tuple[str, ...] = ()) -> int | None:
    """None when a match of ``pattern`` may hold a newline (or the pattern cannot be analysed);
    otherwise how many characters after the end of a line its lookaheads may read."""
    key = (pattern, tuple(flags))
    try:
        return _KNOWN[key]
    except KeyError:
        pass
    margin = analyse(pattern, flags)
    _KNOWN[key] = margin
    return margin


def analyse(pattern: str, flags: tuple[str, ...] = ()) -> int | None:
    """``lookahead_margin`` without the memo."""
    parsed = _parse(pattern, flags)
    if parsed is None:
        return None
    try:
        return _margin(list(parsed), parsed.state.flags)
    except (_NotLineLocal, OverflowError, RecursionError, ValueError):
        return None


def _parse(pattern: str, flags: tuple[str, ...]) -> Any:
    """The standard parser's tree of ``pattern``, or None when only `regex` can read it."""
    if "[[:" in pattern:  # POSIX classes: `regex` reads them, the standard parser reads a set
        return None
    bits = 0
    for flag in flags:
        bits |= _FLAGS.get(flag, 0)
    try:
        return sre_parse.parse(pattern, bits)
    except (re.error, OverflowError, RecursionError, ValueError):
        return None


def _margin(items: list[tuple[Any, Any]], flags: int) -> int:
    """The widest lookahead among ``items``; raises _NotLineLocal when one can consume "\\n"."""
    widest = 0
    for op, av in items:
        if op is c.LITERAL:
            _refuse_if(av == _NEWLINE)
        elif op is c.NOT_LITERAL:
            _refuse_if(av != _NEWLINE)
        elif op is c.ANY:
            _refuse_if(bool(flags & re.DOTALL))
        elif op is c.IN:
            _refuse_if(_class_holds_newline(av))
        elif op is c.CATEGORY:
            _refuse_if(av in _CATEGORIES_WITH_NEWLINE)
        elif op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
            widest = max(widest, _margin(list(av[2]), flags))
        elif op is c.SUBPATTERN:
            _, add, remove, body = av
            widest = max(widest, _margin(list(body), (flags | add) & ~remove))
        elif op is c.ATOMIC_GROUP:
            widest = max(widest, _margin(list(av), flags))
        elif op is c.BRANCH:
            for branch in av[1]:
                widest = max(widest, _margin(list(branch), flags))
        elif op in (c.ASSERT, c.ASSERT_NOT):
            direction, body = av
            if direction > 0:  # lookahead: reads past the match, never consumes
                width = body.getwidth()[1]
                _refuse_if(width > MAX_LOOKAHEAD)
                widest = max(widest, width)
        elif op is c.AT:
            continue  # ^, $, \b, \A, \Z: they consume nothing
        else:
            raise _NotLineLocal  # back-references, conditionals: not analysed
    return widest


def _class_holds_newline(items: list[tuple[Any, Any]]) -> bool:
    negated = False
    holds = False
    for op, av in items:
        if op is c.NEGATE:
            negated = True
        elif op is c.LITERAL:
            holds = holds or av == _NEWLINE
        elif op is c.RANGE:
            holds = holds or av[0] <= _NEWLINE <= av[1]
        elif op is c.CATEGORY:
            holds = holds or av in _CATEGORIES_WITH_NEWLINE
        else:
            raise _NotLineLocal  # a class form this analysis does not know
    return holds != negated


def _refuse_if(condition: bool) -> None:
    if condition:
        raise _NotLineLocal


# A match wider than this is "unbounded" for matching.py's long-line windows.
MAX_MATCH_WIDTH = 4096


def max_match_width(pattern: str, flags: tuple[str, ...] = ()) -> int | None:
    """The most characters a match of ``pattern`` can span (lookarounds consume none), or None
    when unbounded, wider than MAX_MATCH_WIDTH, or not readable by the standard parser."""
    parsed = _parse(pattern, flags)
    if parsed is None:
        return None
    try:
        widest = parsed.getwidth()[1]
    except (OverflowError, RecursionError, ValueError):
        return None
    return widest if widest <= MAX_MATCH_WIDTH else None
