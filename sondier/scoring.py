"""Confidence: validated candidates start at the rule's base confidence, context words raise
it, test-data signals lower it. The column name or key naming the value in its record (a CSV
header, an SQL column list, a JSON/YAML key, an LDIF or vCard attribute: see records.py) counts
as context."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sondier.chunks import Chunk
from sondier.matching import Candidate
from sondier.records import context_name
from sondier.rules import fold

CONTEXT_BOOST = 0.3


@dataclass(slots=True)
class Score:
    confidence: float
    reasons: list[str]


_DATA = re.compile(r"\d{4}")  # a line holding numbers is a row of data, not a label
_LEADING_MARKUP = " \t-*>:\"'[{(,;|"


def _context_bounds(text: str, candidate: Candidate) -> tuple[int, int]:
    """Context stays on the value's own line, so a label on one row of a log or a table does
    not vouch for a number on the next. A value that opens its line also sees the line before
    when that line is only a label (`nir:` above a YAML list, `# NIR du patient`), not a row
    of data of its own."""
    line_start = text.rfind("\n", 0, candidate.match_start) + 1
    line_end = text.find("\n", candidate.match_end)
    if line_end < 0:
        line_end = len(text)
    if line_start > 0 and not text[line_start : candidate.start].strip(_LEADING_MARKUP):
        previous_start = text.rfind("\n", 0, line_start - 1) + 1
        if not _DATA.search(text, previous_start, line_start):
            line_start = previous_start
    return line_start, line_end


def context_word(candidate: Candidate, chunk: Chunk, column: str | None = None) -> str | None:
    """The first context word of the rule found near the candidate or in the name of its
    column (``column``, from the candidate's record), or None."""
    return _word_near(candidate, chunk, candidate.rule.context_regex, column)


def testdata_context_word(candidate: Candidate, chunk: Chunk, column: str | None = None) -> str | None:
    """A word beside the candidate that makes it test data (`testdata.context`), or None."""
    return _word_near(candidate, chunk, candidate.rule.testdata_context_regex, column)


def _word_near(candidate: Candidate, chunk: Chunk, words: Any, column: str | None) -> str | None:
    rule = candidate.rule
    if words is None:
        return None
    window = rule.context_window
    text = chunk.text
    start, end = _context_bounds(text, candidate)
    before = text[max(start, candidate.match_start - window) : candidate.start]
    after = text[candidate.end : min(end, candidate.match_end + window)]
    haystack = fold(f"{context_name(column)}\n{before}\n{after}")
    found = words.search(haystack)
    return found.group(0) if found else None


# The key naming a value on its line: `start_ms=`, `"tracking": "`, `colis ` (a log's key=value,
# JSON, YAML or a label followed by a space).
_KEY_BEFORE = re.compile(r"([A-Za-z_][A-Za-z0-9_.-]*)[\"']?[ \t]*(?:=>|[:=]|[ \t])[ \t]*[\"']?$")
_KEY_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|[0-9]+")


def key_words_before(candidate: Candidate, chunk: Chunk) -> set[str]:
    """The words of the key right before the value (`start_ms` -> {start, ms}, `trackingId` ->
    {tracking, id}), folded; empty when the value has no key on its line."""
    text = chunk.text
    line_start = text.rfind("\n", 0, candidate.start) + 1
    found = _KEY_BEFORE.search(text[max(line_start, candidate.start - 80) : candidate.start])
    if found is None:
        return set()
    return {fold(word) for word in _KEY_WORD.findall(found.group(1))}


def vetoing_key(candidate: Candidate, chunk: Chunk) -> str | None:
    """A word of the value's key that says it is not the rule's identifier (`context.not_keys`)."""
    if not candidate.rule.context_not_keys:
        return None
    words = key_words_before(candidate, chunk)
    if words & set(candidate.rule.context_words):
        return None  # `nir_id`: the key names the identifier itself
    hits = words & candidate.rule.context_not_keys
    return min(hits) if hits else None
