"""Where sondier keeps what it can rebuild (parsed rules, verdict lists, the compiled hyperscan
database): its own module, so that rules.py, verdict.py and matching.py all use it without
importing each other.

Everything here is an optimisation: a missing, unreadable, corrupt or stale file is rebuilt
from the sources, and a folder that cannot be written only costs the rebuild next time. A
cached file never decides anything by itself: its name and its content both carry the key of
what it was built from, and a read that does not give back exactly that key is a miss."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any


def cache_dir() -> Path:
    base = os.environ.get("SONDIER_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sondier"


def write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` whole or not at all (a temporary file renamed over it), so a
    reader in another process sees the old file or the new one, never a part. False when the
    folder cannot be written (read-only home, a file in the folder's place)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_bytes(data)
        tmp.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
        return False
    return True


_MAGIC = b"sondier-cache-1\n"


def read_keyed(path: Path, key: str) -> Any:
    """The value stored by ``write_keyed(path, key, value)``, or None: absent, unreadable,
    truncated, damaged, written by another format or for another key."""
    import hashlib
    import marshal

    try:
        raw = path.read_bytes()
    except OSError:
        return None
    head = len(_MAGIC) + 32
    # marshal must never read damaged bytes: a random length field can make it allocate, then
    # free, gigabytes (seconds of a pre-commit hook). The digest says the bytes are whole.
    if raw[: len(_MAGIC)] != _MAGIC or hashlib.sha256(raw[head:]).digest() != raw[len(_MAGIC) : head]:
        return None
    try:
        stored = marshal.loads(raw[head:])
    except Exception:  # EOFError, ValueError, TypeError: all a miss
        return None
    if not isinstance(stored, tuple) or len(stored) != 2 or stored[0] != key:
        return None
    return stored[1]


def write_keyed(path: Path, key: str, value: Any) -> bool:
    """Store ``value`` (plain data: str, bytes, numbers, tuples, lists, dicts, sets) under ``key``.

    marshal, not pickle: it is built in (nothing to import at start-up), faster to read, and
    reading it builds data only, never runs code from the cache folder."""
    import hashlib
    import marshal

    payload = marshal.dumps((key, value))
    return write_atomic(path, _MAGIC + hashlib.sha256(payload).digest() + payload)
