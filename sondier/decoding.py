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

MIN_RUN = 20
MAX_RUN = 64 * 1024
MAX_DEPTH = 2
_RUN = re.compile(rf"[A-Za-z0-9+/_-]{{{MIN_RUN},}}={{0,2}}")
_PERCENT_TOKEN = re.compile(r"[^\s\"'<>`]*%[0-9A-Fa-f]{2}[^\s\"'<>`]*")
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
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    return printable >= 0.95 * len(text)


def _decode_base64(token: str) -> str | None:
    body = token.rstrip("=")
    # Plain words and identifiers are not base64: require a digit or an upper/lower mix.
    if not any(c.isdigit() for c in body) and (body.islower() or body.isupper()):
        return None
    if len(body) % 4 == 1:
        return None
    padded = body + "=" * (-len(body) % 4)
    try:
        raw = base64.b64decode(padded, altchars=b"-_" if ("-" in body or "_" in body) else None, validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return text if _printable(text) and len(text) >= 8 else None


def _runs_with_hyperscan(text: str, scanner: Any) -> Iterator[tuple[int, int]]:
    """Offsets of candidate runs, using hyperscan to skip texts that have none."""
    if scanner is not None and not scanner(text):
        return
    for match in _RUN.finditer(text):
        if match.end() - match.start() <= MAX_RUN:
            yield match.start(), match.end()


def find_encoded(text: str, has_long_runs: Any = None) -> Iterator[Encoded]:
    """Base64 and percent-encoded strings of ``text`` that decode to printable text."""
    for start, end in _runs_with_hyperscan(text, has_long_runs):
        decoded = _decode_base64(text[start:end])
        if decoded is not None:
            yield Encoded(start, end, decoded, "base64")
    if "%" in text:
        for match in _PERCENT_TOKEN.finditer(text):
            token = match.group(0)
            if len(token) > MAX_RUN or len(_PERCENT_ESCAPE.findall(token)) < 2:
                continue
            decoded = unquote(token.replace("+", " "))
            if decoded != token and _printable(decoded):
                yield Encoded(match.start(), match.end(), decoded, "percent")


class LongRunDetector:
    """hyperscan answers 'does this text hold a 20-character base64 run?' in one fast pass;
    most source files do not, and the slower exact search is then skipped."""

    def __init__(self) -> None:
        self._db: Any = None
        try:
            import hyperscan
        except ImportError:
            return
        db = hyperscan.Database()
        db.compile(expressions=[rb"[A-Za-z0-9+/_-]{%d}" % MIN_RUN], ids=[0], elements=1,
                   flags=[hyperscan.HS_FLAG_SINGLEMATCH])
        self._db = db
        self._scratch = hyperscan.Scratch(db)

    def __call__(self, text: str) -> bool:
        if self._db is None:
            return True
        found: list[bool] = []

        def on_match(*_: Any) -> None:
            found.append(True)

        self._db.scan(text.encode("utf-8", "surrogatepass"), match_event_handler=on_match, scratch=self._scratch)
        return bool(found)
