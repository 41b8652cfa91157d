"""The unit of scanned text. Files, stdin and git all produce chunks, so detectors never know
where text came from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CommitInfo:
    sha: str
    author: str = ""
    email: str = ""
    date: str = ""  # ISO 8601
    message: str = ""


@dataclass(slots=True)
class Chunk:
    """A piece of text to scan.

    text:         the text itself.
    path:         the path it comes from, relative to the scan root, with forward slashes.
    start_line:   line number (1-based) of the first line of ``text`` in the file.
    line_numbers: when the text is made of non-contiguous lines (the added lines of a diff),
                  the file line number of each line of ``text``; overrides ``start_line``.
    owned_start,
    owned_end:    character offsets of the part of ``text`` this chunk answers for. Text
                  before and after is overlap with the neighbouring chunks of the same file
                  (context, and values straddling the boundary): a value is reported by the
                  chunk that owns its first character, so it is found exactly once.
    header:       the first line of the file when the chunk does not start there (CSV header).
    start_column: column (1-based) of ``text[0]`` in its file line: a streamed chunk of a huge
                  one-line file starts in the middle of a line.
    commit:       the commit that introduced the text, for git sources.
    """

    text: str
    path: str
    start_line: int = 1
    line_numbers: Sequence[int] | None = None
    owned_start: int = 0
    owned_end: int | None = None
    header: str | None = None
    commit: CommitInfo | None = None
    origin: str = "file"
    start_column: int = 1

    def line_of(self, offset: int, newline_index: Sequence[int]) -> int:
        """File line number of the character at ``offset`` given the sorted newline offsets."""
        import bisect

        local = bisect.bisect_left(newline_index, offset)  # newlines strictly before offset
        if self.line_numbers is not None:
            if local < len(self.line_numbers):
                return self.line_numbers[local]
            return self.line_numbers[-1] if self.line_numbers else self.start_line
        return self.start_line + local


PATH_ORIGIN = "path"


def path_chunk(path: str, commit: CommitInfo | None = None) -> Chunk:
    """A chunk that stands for a file's name only: path rules (a `.p12` keystore is a leak
    whatever its bytes) judge it, content rules never see it."""
    return Chunk("", path, commit=commit, origin=PATH_ORIGIN)
