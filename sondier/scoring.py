"""Confidence: validated candidates start at the rule's base confidence, context words raise
it, test-data signals lower it. A CSV header naming the column and a JSON/YAML key before
the value count as context."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sondier.chunks import Chunk
from sondier.matching import Candidate
from sondier.rules import fold

CONTEXT_BOOST = 0.3
_DELIMITERS = (",", ";", "\t", "|")


@dataclass(slots=True)
class Score:
    confidence: float
    reasons: list[str]


def _csv_column_name(chunk: Chunk, start: int) -> str | None:
    """Name of the CSV column holding the character at ``start``, from the file's header."""
    text = chunk.text
    line_start = text.rfind("\n", 0, start) + 1
    if chunk.header is not None:
        header = chunk.header
    elif chunk.start_line == 1 and chunk.line_numbers is None:
        first_end = text.find("\n")
        header = text if first_end < 0 else text[:first_end]
        if line_start == 0:
            return None  # the value is in the header itself
    else:
        return None
    delimiter = max(_DELIMITERS, key=header.count)
    if header.count(delimiter) == 0:
        return None
    prefix = text[line_start:start]
    column = prefix.count(delimiter)
    names = header.split(delimiter)
    if column >= len(names):
        return None
    return names[column].strip().strip("\"'")


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


def context_word(candidate: Candidate, chunk: Chunk) -> str | None:
    """The first context word of the rule found near the candidate, or None."""
    return _word_near(candidate, chunk, candidate.rule.context_regex)


def testdata_context_word(candidate: Candidate, chunk: Chunk) -> str | None:
    """A word beside the candidate that makes it test data (`testdata.context`), or None."""
    return _word_near(candidate, chunk, candidate.rule.testdata_context_regex)


def _word_near(candidate: Candidate, chunk: Chunk, words: Any) -> str | None:
    rule = candidate.rule
    if words is None:
        return None
    window = rule.context_window
    text = chunk.text
    start, end = _context_bounds(text, candidate)
    before = text[max(start, candidate.match_start - window) : candidate.start]
    after = text[candidate.end : min(end, candidate.match_end + window)]
    column = _csv_column_name(chunk, candidate.start) or ""
    haystack = fold(f"{column}\n{before}\n{after}")
    found = words.search(haystack)
    return found.group(0) if found else None
