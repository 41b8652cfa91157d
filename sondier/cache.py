"""Where sondier keeps what it can rebuild (parsed rules, the compiled hyperscan database): its
own module, so that rules.py and matching.py both use it without importing each other."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    base = os.environ.get("SONDIER_CACHE_DIR") or os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sondier"
