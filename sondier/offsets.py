"""Character offsets of the UTF-8 byte offsets hyperscan reports (it scans bytes; Python's
strings count characters). Written by hand: no library maps many offsets in one pass."""

from __future__ import annotations

from collections.abc import Iterable


def char_offsets(data: bytes, byte_offsets: Iterable[int]) -> dict[int, int]:
    """Each byte offset (at a character's edge) of ``data`` -> its character offset, with one
    decoding pass over the bytes however many offsets there are."""
    found: dict[int, int] = {}
    byte_at = char_at = 0
    for offset in sorted(set(byte_offsets)):
        char_at += len(data[byte_at:offset].decode("utf-8", "surrogatepass"))
        byte_at = offset
        found[offset] = char_at
    return found
