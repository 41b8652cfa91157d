"""Shared test helpers: run the real `sondier` command in a subprocess."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from sondier.findings import Finding

REPO_ROOT = Path(__file__).resolve().parents[1]
SCHEMAS = REPO_ROOT / "tests" / "schemas"  # vendored (see its README): the suite needs nothing beside the clone


def sondier_command() -> list[str]:
    """The installed console script when present (what users run), else `python -m sondier`."""
    script = Path(sys.executable).with_name("sondier")
    return [str(script)] if script.exists() else [sys.executable, "-m", "sondier"]


def run_sondier(
    args: Sequence[str], cwd: Path | None = None, input: bytes | None = None, env: dict[str, str] | None = None,
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [*sondier_command(), *args], cwd=cwd, input=input.decode() if input is not None else None,
        capture_output=True, text=True, env=full_env, timeout=timeout,
    )


def make_finding(value: str, path: str = "src/a.py", rule_id: str = "email") -> Finding:
    """A hand-built finding for unit tests of suppression and reporting."""
    return Finding(rule_id=rule_id, rule_name=rule_id, category="pii", severity="medium", confidence=0.9,
                   path=path, line=1, column=1, end_line=1, end_column=len(value) + 1, value=value)


@pytest.fixture
def run() -> object:
    return run_sondier
