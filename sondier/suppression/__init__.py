"""Suppression: inline markers, the ignore file, baselines and configured allowlists.

Suppressed findings are never dropped silently: they are counted in the summary and listed
with --show-suppressed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sondier.config import Config
    from sondier.findings import ScanResult


def apply_files(result: ScanResult, config: Config) -> None:
    """Apply the ignore file and the baseline named by the configuration, if any."""
    if config.ignore_file is not None:
        from sondier.suppression import ignore_file

        ignore_file.apply(result, config.ignore_file)
    if config.baseline is not None:
        from sondier.suppression import baseline

        baseline.apply(result, config.baseline)


def display_path(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(path)
