"""Reporters: one module per format, registered here so the CLI offers exactly these."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from sondier.findings import ScanResult


@dataclass(frozen=True)
class ReportOptions:
    show_values: bool = False
    show_suppressed: bool = False
    show_all: bool = False  # list annotated findings (non-failing verdicts) too
    color: bool | None = None  # None: decide from the terminal
    root: str = "."
    extra: dict[str, object] = field(default_factory=dict)


Writer = Callable[["ScanResult", TextIO, ReportOptions], None]

# format name -> "module:function" in this package; imported only when used.
FORMATS: dict[str, str] = {
    "text": "text:write",
    "json": "json_report:write",
    "sarif": "sarif:write",
    "gitlab": "gitlab:write",
    "codequality": "codequality:write",
    "junit": "junit:write",
    "github": "github:write",
    "markdown": "markdown:write",
    "grade": "grade_report:write_grade",
    "badge": "grade_report:write_badge",
    "shields": "grade_report:write_shields",
    "html": "dpo:write_html",
    "dpo-json": "dpo:write_json",
}
# Formats that say the grade: still written when the scan fails, where they show '?'.
GRADE_FORMATS = frozenset({"grade", "badge", "shields", "html", "dpo-json"})


def names() -> list[str]:
    return list(FORMATS)


def get(name: str) -> Writer:
    module_name, _, func = FORMATS[name].partition(":")
    module = importlib.import_module(f"sondier.reporters.{module_name}")
    writer: Writer = getattr(module, func)
    return writer
