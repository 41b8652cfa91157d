"""Confidence: validated candidates start at the rule's base confidence, context words raise
it, test-data signals lower it. A CSV header naming the column and a JSON/YAML key before
the value count as context."""

from __future__ import annotations

from dataclasses import dataclass

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


def context_word(candidate: Candidate, chunk: Chunk) -> str | None:
    """The first context word of the rule found near the candidate, or None."""
    rule = candidate.rule
    if rule.context_regex is None:
        return None
    window = rule.context_window
    text = chunk.text
    before = text[max(0, candidate.match_start - window) : candidate.start]
    after = text[candidate.end : candidate.match_end + window]
    column = _csv_column_name(chunk, candidate.start) or ""
    haystack = fold(f"{column}\n{before}\n{after}")
    found = rule.context_regex.search(haystack)
    return found.group(0) if found else None
