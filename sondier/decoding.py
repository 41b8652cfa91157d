"""Bounded decoding: base64 and percent-encoded strings are decoded and scanned too, so an
encoded secret or NIR (a Kubernetes Secret's `data:`, a URL-encoded query string) is still
found. Findings point at the encoded string in the original text.

Bounds: strings of 20 to 64 KiB characters, decoded text that is UTF-8 and mostly printable,
and a nesting depth of 2 (base64 inside base64)."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from sondier.offsets import char_offsets

MIN_RUN = 20
_RUN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
_RUN_BYTES = frozenset("".join(sorted(_RUN_CHARS)).encode())
MAX_RUN = 64 * 1024
MAX_DEPTH = 2
# The standard alphabet only: runs of `_`/`-` are identifiers far more often than URL-safe
# base64, and a value worth decoding (a Kubernetes Secret, a basic-auth header) uses `+/=`.
_RUN = re.compile(rf"[A-Za-z0-9+/]{{{MIN_RUN},}}={{0,2}}")
_TOKEN = re.compile(r"[^\s\"'<>`]+")
_PERCENT_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


@dataclass(frozen=True, slots=True)
class Encoded:
    start: int  # offsets of the encoded string in the original text
    end: int
    decoded: str
    kind: str  # base64 | percent


def _printable(text: str) -> bool:
    if not text:
        return False
    if text.isprintable():
        return True
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    return printable >= 0.95 * len(text)


def _decode_base64(token: str) -> str | None:
    # Encoders pad to a multiple of 4; long words, camelCase identifiers and paths are
    # rejected by the cheap string tests before any decoding is attempted.
    if len(token) % 4 or token.isalpha() or token.startswith("/"):
        return None
    try:
        raw = base64.b64decode(token, validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if _printable(text) and len(text) >= 8 else None


def _base64_runs(text: str, runs: Any) -> Iterator[tuple[int, int]]:
    if runs is not None:
        found = runs(text)
        if found is not None:
            yield from found
            return
    for match in _RUN.finditer(text):
        yield match.start(), match.end()


def _percent_tokens(text: str) -> Iterator[tuple[int, int, str]]:
    """Tokens (no spaces or quotes) holding at least two %XX escapes, found line by line from
    the escapes themselves: a token regex run over the whole text backtracks badly."""
    line_end = 0
    # One search per line holding an escape (a data: URI may hold thousands of them).
    while (escape := _PERCENT_ESCAPE.search(text, line_end)) is not None:
        line_start = text.rfind("\n", 0, escape.start()) + 1
        line_end = text.find("\n", escape.end())
        if line_end < 0:
            line_end = len(text)
        for token in _TOKEN.finditer(text, line_start, line_end):
            if token.end() - token.start() <= MAX_RUN and token.group(0).count("%") >= 2:
                yield token.start(), token.end(), token.group(0)


def find_encoded(text: str, runs: Any = None) -> Iterator[Encoded]:
    """Base64 and percent-encoded strings of ``text`` that decode to printable text."""
    for start, end in _base64_runs(text, runs):
        if end - start > MAX_RUN:
            continue
        decoded = _decode_base64(text[start:end])
        if decoded is not None:
            yield Encoded(start, end, decoded, "base64")
    if "%" in text:
        for start, end, token in _percent_tokens(text):
            if len(_PERCENT_ESCAPE.findall(token)) < 2:
                continue
            decoded = unquote(token.replace("+", " "))
            if decoded != token and _printable(decoded):
                yield Encoded(start, end, decoded, "percent")


class LongRunDetector:
    """Finds base64 runs with hyperscan: one pass, one report per run (its leftmost start and
    the character that ends it), instead of a regex walk over every character. Texts that are
    not pure ASCII use the regex, since hyperscan reports byte offsets."""

    def __init__(self) -> None:
        self._db: Any = None
        try:
            import hyperscan
        except ImportError:
            return
        db = hyperscan.Database()
        db.compile(expressions=[b"[A-Za-z0-9+/]{%d,}(?:==?|[^A-Za-z0-9+/=]|$)" % MIN_RUN], ids=[0], elements=1,
                   flags=[hyperscan.HS_FLAG_SOM_LEFTMOST])
        self._db = db
        self._scratch = hyperscan.Scratch(db)

    def __call__(self, text: str) -> list[tuple[int, int]] | None:
        """(start, end) of every run, or None when the caller must use the regex instead."""
        if self._db is None:
            return None
        found: list[tuple[int, int]] = []

        def on_match(_id: int, start: int, end: int, _flags: int, _context: Any) -> None:
            found.append((start, end))

        # The run alphabet is ASCII: in UTF-8 bytes, a run ends where it ends in characters.
        data = text.encode("utf-8", "surrogatepass")
        self._db.scan(data, match_event_handler=on_match, scratch=self._scratch)
        ends: dict[int, int] = {}  # start -> end: the regex's run, padding included
        for start, end in found:
            if data[end - 1] != 61 and (end < len(data) or data[end - 1] not in _RUN_BYTES):  # 61: "="
                end -= 1  # the reported end includes the byte that closes the run
            ends[start] = max(end, ends.get(start, end))
        runs = sorted(ends.items())
        if len(data) == len(text):
            return runs
        at = char_offsets(data, (offset for run in runs for offset in run))
        return [(at[start], at[end]) for start, end in runs]
