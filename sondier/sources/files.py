"""Files and folders: walk, filter, read (streamed for large files), decode, chunk."""

from __future__ import annotations

import codecs
import errno
import os
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import BinaryIO

from sondier.chunks import Chunk
from sondier.records import open_sql_header
from sondier.scan_errors import (
    CANNOT_LIST,
    CANNOT_STAT,
    DANGLING_SYMLINK,
    NO_SUCH_FILE,
    NOT_REGULAR,
    SYMLINK_LOOP,
    SYMLINK_NOT_FOLLOWED,
    TOO_LARGE,
)

CHUNK_CHARS = 4 * 1024 * 1024  # text handed to the matcher at once
OVERLAP_CHARS = 64 * 1024  # longest value that can straddle a boundary (PEM keys are ~4 KB)
CONTEXT_CHARS = 2 * 1024  # text kept before a chunk's owned part, for context words
SNIFF_BYTES = 8192
SKIPPED_DIRS = {".git", ".hg", ".svn"}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@dataclass(frozen=True, slots=True)
class FileTask:
    path: str  # path to open
    display: str  # path shown in reports (relative to the scan root, forward slashes)
    size: int


@dataclass(frozen=True, slots=True)
class Skipped:
    display: str
    reason: str
    error: bool = False  # True: the file should have been scanned and could not be


def matches_any(path: str, patterns: Iterable[str]) -> bool:
    """Glob match on the relative path, on any suffix of it, and on folder prefixes."""
    parts = path.split("/")
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if pattern.endswith("/**"):  # `vendor/**` also excludes the folder itself: no walk inside
            pattern = pattern[:-3]
        if fnmatchcase(path, pattern) or fnmatchcase(parts[-1], pattern):
            return True
        for i in range(1, len(parts)):
            if fnmatchcase("/".join(parts[:i]), pattern) or fnmatchcase("/".join(parts[i:]), pattern):
                return True
    return False


def _display(path: Path, root: Path) -> str:
    try:
        rel = Path(os.path.abspath(path)).relative_to(os.path.abspath(root))
    except ValueError:
        rel = path
    text = rel.as_posix()
    return text if text != "." else path.name


def walk(
    targets: Iterable[Path],
    root: Path,
    exclude: Iterable[str] = (),
    max_size: int | None = None,
    follow_symlinks: bool = False,
) -> Iterator[FileTask | Skipped]:
    """Yield the regular files under the targets, and what was skipped (with why)."""
    exclude = tuple(exclude)
    seen_dirs: set[tuple[int, int]] = set()
    for target in targets:
        display_root = _display_root(target, root)
        # An explicit stack of folder listings, not recursion: a tree may be deeper than
        # Python's recursion limit (1,500 nested folders fit in PATH_MAX).
        stack = [_walk_one(target, display_root, exclude, max_size, follow_symlinks, seen_dirs, explicit=True)]
        while stack:
            item = next(stack[-1], None)
            if item is None:
                stack.pop()
            elif isinstance(item, _Folder):
                stack.append(_walk_dir(item.path, display_root, exclude, max_size, follow_symlinks, seen_dirs))
            else:
                yield item


@dataclass(frozen=True, slots=True)
class _Folder:
    """A folder to descend into (handled by walk's stack)."""

    path: Path


def _display_root(target: Path, root: Path) -> Path:
    """Paths are shown relative to the scan root (the current folder); a target outside it is
    shown relative to itself (a folder) or its folder (a file), never as an absolute path."""
    absolute = Path(os.path.abspath(target))
    try:
        absolute.relative_to(os.path.abspath(root))
    except ValueError:
        return absolute if absolute.is_dir() else absolute.parent
    return root


def _walk_one(
    path: Path,
    root: Path,
    exclude: tuple[str, ...],
    max_size: int | None,
    follow: bool,
    seen_dirs: set[tuple[int, int]],
    explicit: bool = False,
) -> Iterator[FileTask | Skipped | _Folder]:
    display = _display(path, root)
    if not explicit and exclude and matches_any(display, exclude):
        return
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        if explicit:
            yield Skipped(display, NO_SUCH_FILE, error=True)
        return  # vanished during the walk
    except OSError as exc:
        yield Skipped(display, CANNOT_STAT.format(reason=exc.strerror), error=True)
        return
    if stat.S_ISLNK(info.st_mode):
        if not follow and not explicit:
            yield Skipped(display, SYMLINK_NOT_FOLLOWED)
            return
        try:
            info = os.stat(path)
        except OSError:
            yield Skipped(display, DANGLING_SYMLINK)
            return
    if stat.S_ISDIR(info.st_mode):
        key = (info.st_dev, info.st_ino)
        if key in seen_dirs:
            yield Skipped(display, SYMLINK_LOOP)
            return
        seen_dirs.add(key)
        yield _Folder(path)
        return
    if not stat.S_ISREG(info.st_mode):
        yield Skipped(display, NOT_REGULAR)
        return
    if max_size is not None and info.st_size > max_size:
        yield Skipped(display, TOO_LARGE.format(size=info.st_size, limit=max_size))
        return
    yield FileTask(str(path), display, info.st_size)


def _walk_dir(
    path: Path,
    root: Path,
    exclude: tuple[str, ...],
    max_size: int | None,
    follow: bool,
    seen_dirs: set[tuple[int, int]],
) -> Iterator[FileTask | Skipped | _Folder]:
    try:
        entries = sorted(os.scandir(path), key=lambda e: e.name)
    except FileNotFoundError:
        return
    except OSError as exc:
        yield Skipped(_display(path, root), CANNOT_LIST.format(reason=exc.strerror), error=True)
        return
    for entry in entries:
        if entry.name in SKIPPED_DIRS and entry.is_dir(follow_symlinks=False):
            continue
        yield from _walk_one(Path(entry.path), root, exclude, max_size, follow, seen_dirs)


def sniff_encoding(head: bytes) -> str | None:
    """The encoding to decode a file with, or None for a binary file."""
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    if b"\x00" in head:
        return _utf16_without_bom(head)
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the sniff window is still UTF-8.
        if exc.start < len(head) - 3:
            return "cp1252"
    return "utf-8"


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without BOM has a NUL in every other byte; anything else with NUL is binary."""
    even = head[0::2]
    odd = head[1::2]
    if len(head) >= 8:
        if odd.count(0) > 0.9 * len(odd) and even.count(0) < 0.1 * len(even):
            return "utf-16-le"
        if even.count(0) > 0.9 * len(even) and odd.count(0) < 0.1 * len(odd):
            return "utf-16-be"
    return None


def decode_bytes(data: bytes) -> str | None:
    """Decode a whole buffer, or None if it is binary."""
    encoding = sniff_encoding(data[:SNIFF_BYTES])
    if encoding is None:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return data.decode("cp1252" if encoding == "utf-8" else "latin-1", errors="replace")


def read_chunks(task: FileTask) -> Iterator[Chunk]:
    """Yield the chunks of one file; large files are streamed with overlapping chunks."""
    # O_NONBLOCK + fstat: a file replaced by a FIFO after the walk must not block the scan forever.
    fd = os.open(task.path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(errno.EINVAL, "no longer a regular file")
    with open(fd, "rb") as handle:
        yield from read_handle(handle, task.display)


def read_handle(handle: BinaryIO, display: str) -> Iterator[Chunk]:
    """Chunks of an open binary stream (a file or stdin); nothing for binary content."""
    head = handle.read(SNIFF_BYTES)
    encoding = sniff_encoding(head)
    if encoding is None:
        return
    first_block = head + handle.read(CHUNK_CHARS) if len(head) == SNIFF_BYTES else head
    if len(first_block) < SNIFF_BYTES + CHUNK_CHARS:
        text = decode_bytes(first_block)
        if text:
            yield Chunk(text=text, path=display)
        return
    yield from _stream(handle, first_block, encoding, display)


def _stream(handle: BinaryIO, first_block: bytes, encoding: str, display: str) -> Iterator[Chunk]:
    # Invalid bytes in a huge file become U+FFFD rather than aborting the scan; offsets in
    # characters stay consistent because each chunk is decoded once.
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    pending = decoder.decode(first_block)
    header_end = pending.find("\n")
    first_line = pending[:header_end] if header_end >= 0 else None
    header = None
    line = 1
    column = 1
    owned_start = 0
    first = True
    while True:
        block = handle.read(CHUNK_CHARS)
        final = not block
        pending += decoder.decode(block, final)
        if not final and len(pending) < CHUNK_CHARS + OVERLAP_CHARS:
            continue
        owned_end = None if final else len(pending) - OVERLAP_CHARS
        if final and len(pending) <= owned_start:
            return
        yield Chunk(pending, display, start_line=line, owned_start=owned_start, owned_end=owned_end,
                    header=None if first else header, start_column=column)
        if final:
            return
        first = False
        assert owned_end is not None
        keep_from = max(owned_start, owned_end - CONTEXT_CHARS)
        # The next chunk's header names its columns: the SQL statement still open where it starts
        # (a multi-row INSERT or a COPY block spans chunks), else the file's first line (CSV).
        header = open_sql_header(pending, keep_from, header) or first_line
        line += pending.count("\n", 0, keep_from)
        last_newline = pending.rfind("\n", 0, keep_from)
        column = keep_from - last_newline if last_newline >= 0 else column + keep_from
        owned_start = owned_end - keep_from
        pending = pending[keep_from:]
