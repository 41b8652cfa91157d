"""Incremental parser for the patch output of `git log -p` and `git diff` (bytes, line by line).

Written by hand: GitPython's diff parsing holds whole diffs in memory and does not parse
combined (merge) diffs, and no maintained library streams `git log -p` output. The parser
keeps only the lines of the current hunk piece, so memory stays bounded whatever the history.

Git is expected to run with `--src-prefix=a/ --dst-prefix=b/ -U0 --no-color --no-ext-diff
--no-textconv` and a commit header line that starts with a NUL byte (see sources/git.py):
no diff line can start with NUL, since content lines are prefixed with '+', '-' or ' '."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

COMMIT_MARK = b"\x00"
SUBMODULE_MODE = b"160000"
_ESCAPES = {
    ord("a"): 7, ord("b"): 8, ord("t"): 9, ord("n"): 10, ord("v"): 11, ord("f"): 12, ord("r"): 13,
    ord('"'): 34, ord("\\"): 92,
}


@dataclass(slots=True)
class CommitHeader:
    """The raw NUL-separated fields of the commit header line (decoded by the caller)."""

    fields: list[bytes]


@dataclass(slots=True)
class FileLines:
    """Lines of one file in one commit: added ('+', numbered in the new file) or removed ('-'),
    without their newline (``joined`` puts them back).

    A large file arrives in several pieces; ``last`` marks the end of its section."""

    path: str
    kind: str  # "+" or "-"
    numbers: list[int]
    lines: list[bytes]
    size: int
    last: bool
    deleted: bool = False  # the change removes the whole file

    def joined(self) -> bytes:
        return join_lines(self.lines)


def join_lines(lines: list[bytes]) -> bytes:
    return b"\n".join(lines) + b"\n" if lines else b""


@dataclass(slots=True)
class FileNote:
    """A file whose content is not scanned, and why (binary, submodule)."""

    path: str
    reason: str
    deleted: bool = False  # the change removes the file: nothing of it is added


Event = CommitHeader | FileLines | FileNote


def unquote_path(raw: bytes) -> bytes:
    """Undo git's C-style quoting of a path ("a\\tb", "\\303\\251t\\303\\251")."""
    if not (raw.startswith(b'"') and raw.endswith(b'"') and len(raw) >= 2):
        return raw
    body = raw[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        byte = body[i]
        if byte != 0x5C or i + 1 >= len(body):
            out.append(byte)
            i += 1
            continue
        nxt = body[i + 1]
        octal = body[i + 1 : i + 4]
        if len(octal) == 3 and all(0x30 <= b <= 0x37 for b in octal):
            out.append(int(octal, 8) & 0xFF)
            i += 4
        else:
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
    return bytes(out)


def _header_path(raw: bytes) -> bytes | None:
    """Path of a `--- a/x` / `+++ b/x` line body; None for /dev/null."""
    raw = raw.rstrip(b"\n").rstrip(b"\r")
    if raw.endswith(b"\t"):  # git appends a tab to names with spaces (GNU patch compatibility)
        raw = raw[:-1]
    if raw == b"/dev/null":
        return None
    raw = unquote_path(raw)
    if raw[:2] in (b"a/", b"b/"):
        raw = raw[2:]
    return raw


def _diff_git_path(rest: bytes) -> bytes | None:
    """New path from `diff --git a/X b/Y` when X == Y (no quoting), else None (found later)."""
    rest = rest.rstrip(b"\n")
    if rest.startswith(b'"'):
        end = rest.find(b'" ', 1)
        while end > 0 and rest[end - 1] == 0x5C:
            end = rest.find(b'" ', end + 1)
        if end < 0:
            return None
        second = rest[end + 2 :]
        return _header_path(second)
    if len(rest) % 2 == 0:
        return None
    half = (len(rest) - 1) // 2
    first, second = rest[:half], rest[half + 1 :]
    if first.startswith(b"a/") and second.startswith(b"b/") and first[2:] == second[2:]:
        return second[2:]
    return None


def decode_path(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")


@dataclass(slots=True)
class _FileState:
    old_path: bytes | None = None
    new_path: bytes | None = None
    fallback_path: bytes | None = None
    submodule: bool = False
    binary: bool = False
    deleted: bool = False
    added: list[bytes] = field(default_factory=list)
    added_numbers: list[int] = field(default_factory=list)
    added_size: int = 0
    removed: list[bytes] = field(default_factory=list)
    removed_numbers: list[int] = field(default_factory=list)
    removed_size: int = 0
    added_pieces: int = 0  # partial pieces already handed out: the last one must follow
    removed_pieces: int = 0

    def path(self, for_removed: bool = False) -> str:
        ordered = (self.old_path, self.new_path) if for_removed else (self.new_path, self.old_path)
        raw = ordered[0] or ordered[1] or self.fallback_path or b"?"
        return decode_path(raw)


class DiffParser:
    """Turn the lines of a patch stream into events; ``piece_bytes`` bounds a FileLines piece."""

    def __init__(self, piece_bytes: int = 1024 * 1024, want_removed: bool = False) -> None:
        self.piece_bytes = piece_bytes
        self.want_removed = want_removed
        # Where the previous block left off (a block ends anywhere in a file section).
        self._state: _FileState | None = None
        self._in_hunk = False
        self._number = 0
        self._columns = 1

    def parse(self, blocks: Iterable[list[bytes]]) -> Iterator[Event]:
        """Events of a stream given as blocks of lines without their newline (see GitStream)."""
        for block in blocks:
            yield from self._parse_block(block)
        if self._state is not None:
            yield from self._finish(self._state)
            self._state = None

    def _parse_block(self, lines: list[bytes]) -> Iterator[Event]:
        # Locals for speed: this loop runs once per line of the whole history.
        state, in_hunk, number, columns = self._state, self._in_hunk, self._number, self._columns
        want_removed = self.want_removed
        piece_bytes = self.piece_bytes
        for line in lines:
            if in_hunk:
                first = line[:1]
                if columns == 1:
                    if first == b"+":
                        assert state is not None
                        if not state.submodule:
                            state.added.append(line[1:])
                            state.added_numbers.append(number)
                            state.added_size += len(line)  # body + newline
                            if state.added_size >= piece_bytes:
                                yield self._piece(state, "+", last=False)
                        number += 1
                        continue
                    if first == b"-":
                        assert state is not None
                        if want_removed and not state.submodule:
                            self._remove(state, line[1:], number)
                            if state.removed_size >= piece_bytes:
                                yield self._piece(state, "-", last=False)
                        continue
                    if first == b" ":
                        number += 1
                        continue
                    if first == b"\\":
                        continue
                elif first in (b"+", b"-", b" "):
                    assert state is not None
                    marks = line[:columns]
                    body = line[columns:]
                    if b"-" in marks:
                        # In some parent, not in the merge result: removed by the merge.
                        if want_removed and not state.submodule:
                            self._remove(state, body, number)
                            if state.removed_size >= piece_bytes:
                                yield self._piece(state, "-", last=False)
                    else:
                        if marks.count(b"+") == columns and not state.submodule:
                            # Added relative to every parent: content written in the merge
                            # itself. Lines from one side only were scanned in their own commit.
                            state.added.append(body)
                            state.added_numbers.append(number)
                            state.added_size += len(body) + 1
                            if state.added_size >= piece_bytes:
                                yield self._piece(state, "+", last=False)
                        number += 1
                    continue
                elif first == b"\\":
                    continue
                in_hunk = False
            if line.startswith(b"@@"):
                if state is None:
                    continue
                in_hunk, number = True, _hunk_start(line)
                columns = len(line) - len(line.lstrip(b"@")) - 1  # `@@@` for a merge of two parents
                continue
            if line.startswith(COMMIT_MARK):
                if state is not None:
                    yield from self._finish(state)
                    state = None
                yield CommitHeader(line.split(b"\x00")[1:])
                continue
            if line.startswith(b"diff "):
                if state is not None:
                    yield from self._finish(state)
                state = _new_file(line)
                continue
            if state is not None:
                _header_line(state, line)
        self._state, self._in_hunk, self._number, self._columns = state, in_hunk, number, columns

    @staticmethod
    def _remove(state: _FileState, body: bytes, number: int) -> None:
        state.removed.append(body)
        state.removed_numbers.append(number)
        state.removed_size += len(body) + 1

    @staticmethod
    def _piece(state: _FileState, kind: str, last: bool) -> FileLines:
        if kind == "+":
            piece = FileLines(state.path(), "+", state.added_numbers, state.added, state.added_size, last)
            state.added, state.added_numbers, state.added_size = [], [], 0
            state.added_pieces += 1
        else:
            piece = FileLines(state.path(True), "-", state.removed_numbers, state.removed, state.removed_size, last,
                              state.deleted)
            state.removed, state.removed_numbers, state.removed_size = [], [], 0
            state.removed_pieces += 1
        return piece

    def _finish(self, state: _FileState) -> Iterator[Event]:
        if state.submodule:
            yield FileNote(state.path(), "submodule (not entered: scan the submodule's own repository)")
            return
        if state.binary:
            yield FileNote(state.path(), "binary file (not scanned)", deleted=state.deleted)
            return
        if state.added or state.added_pieces:
            yield self._piece(state, "+", last=True)
        if state.removed or state.removed_pieces:
            yield self._piece(state, "-", last=True)


def _new_file(line: bytes) -> _FileState:
    state = _FileState()
    if line.startswith(b"diff --git "):
        state.fallback_path = _diff_git_path(line[len(b"diff --git ") :])
    elif line.startswith(b"diff --cc ") or line.startswith(b"diff --combined "):
        name = line.split(b" ", 2)[2]
        state.fallback_path = unquote_path(name.rstrip(b"\n"))
    return state


def _header_line(state: _FileState, line: bytes) -> None:
    if line.startswith(b"--- "):
        state.old_path = _header_path(line[4:])
    elif line.startswith(b"+++ "):
        state.new_path = _header_path(line[4:])
    elif line.startswith((b"rename to ", b"copy to ")):
        state.new_path = unquote_path(line.split(b" ", 2)[2].rstrip(b"\n"))
    elif line.startswith((b"rename from ", b"copy from ")):
        state.old_path = unquote_path(line.split(b" ", 2)[2].rstrip(b"\n"))
    elif line.startswith(b"index "):
        parts = line.split()
        if len(parts) > 2 and parts[2] == SUBMODULE_MODE:
            state.submodule = True
    elif line.startswith((b"new file mode ", b"deleted file mode ", b"new mode ")):
        if line.split()[-1] == SUBMODULE_MODE:
            state.submodule = True
        state.deleted = state.deleted or line.startswith(b"deleted file mode ")
    elif line.startswith(b"Binary files ") or line.startswith(b"GIT binary patch"):
        state.binary = True


def _hunk_start(line: bytes) -> int:
    """New-file line number where the hunk's lines start (`@@ -a,b +c,d @@`, `@@@ ... +c,d @@@`)."""
    for token in line.split(b" ")[1:]:
        if token.startswith(b"+"):
            start = token[1:].split(b",", 1)[0]
            return int(start) if start.isdigit() else 0
    return 0
