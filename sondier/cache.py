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
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def cache_dir() -> Path:
    base = os.environ.get("SONDIER_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sondier"


def write_atomic(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` whole or not at all (a temporary file renamed over it), so a
    reader in another process sees the old file or the new one, never a part. False when the
    folder cannot be written (read-only home, a file in the folder's place)."""
    import threading

    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")  # one writer each
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


def source_key(sources: Iterable[tuple[str, bytes]], code: Iterable[Path] = ()) -> str:
    """A key for what is built from ``sources`` ((name, bytes) pairs) by the modules ``code``:
    the bytes themselves, the code files' size and mtime (a changed module may build otherwise)
    and the version."""
    import hashlib

    from sondier import __version__

    digest = hashlib.sha256(f"{__version__}\0".encode())
    for path in code:
        try:
            info = path.stat()
            digest.update(f"{path.name}\0{info.st_size}\0{info.st_mtime_ns}\0".encode())
        except OSError:
            digest.update(f"{path.name}\0?\0".encode())
    for name, raw in sources:
        digest.update(f"{name}\0{len(raw)}\0".encode() + raw)
    return digest.hexdigest()


def on_disk(
    name: str, sources: Callable[[], Iterable[tuple[str, bytes]]], code: Path, kind: type
) -> Callable[[Callable[[], T]], Callable[[], T]]:
    """Cache what a function without arguments builds from data files: ``sources()`` gives the
    (name, bytes) pairs the function reads (the same bytes, so that the key is what was built
    from), ``code`` its module, ``kind`` the type of a valid value. A miss calls the function."""
    import functools

    def decorate(build: Callable[[], T]) -> Callable[[], T]:
        @functools.wraps(build)
        def load() -> T:
            key = source_key(sources(), [code])
            path = cache_dir() / f"{name}-{key[:32]}.marshal"
            cached = read_keyed(path, key)
            if isinstance(cached, kind):
                return cached  # type: ignore[return-value]
            value = build()
            write_keyed(path, key, value)
            return value

        return load

    return decorate
