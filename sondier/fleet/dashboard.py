"""The fleet dashboard: one self-contained HTML file (no script, font or style fetched from
anywhere; a Content-Security-Policy forbids it), French by default. Texts are gettext msgids of the
`fleet` domain, translated through sondier.i18n; the repositories' errors are recorded in English in
the result files and translated here (sondier.fleet.messages)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sondier.grade import LETTERS, UNKNOWN

# Colour-blind-safe enough and readable as text too: each bar carries its count.
COLOURS = {"A": "#1a7f37", "B": "#6aa84f", "C": "#d4a72c", "D": "#e8590c", "E": "#c92a2a", UNKNOWN: "#868e96"}
BAR_WIDTH = 600


def percent(value: float | None, language: str) -> str:
    if value is None:
        return "–"
    number = round(value * 100)
    return f"{number}\u202f%" if language == "fr" else f"{number}%"


def stacked_bar(distribution: dict[str, int], width: int = BAR_WIDTH) -> list[dict[str, Any]]:
    """Segments (letter, count, x, width) of one horizontal bar, in SVG user units."""
    total = sum(distribution.values())
    segments, x = [], 0.0
    for letter in (*LETTERS, UNKNOWN):
        count = distribution.get(letter, 0)
        if not count:
            continue
        span = width * count / total
        segments.append({"letter": letter, "count": count, "x": round(x, 2), "width": round(span, 2),
                         "colour": COLOURS[letter]})
        x += span
    return segments


def render(aggregate: dict[str, Any], language: str = "fr") -> str:
    from jinja2 import Environment, PackageLoader, select_autoescape

    from sondier.fleet.messages import localized
    from sondier.i18n import translations

    environment = Environment(loader=PackageLoader("sondier.fleet", "templates"),
                              autoescape=select_autoescape(["html", "j2"]), extensions=["jinja2.ext.i18n"],
                              trim_blocks=True, lstrip_blocks=True)
    environment.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    rows = sorted(aggregate["repositories"], key=_rank)
    template = environment.get_template("dashboard.html.j2")
    return template.render(fleet=aggregate, rows=rows, language=language, colours=COLOURS, letters=LETTERS,
                           unknown=UNKNOWN, bar=stacked_bar, bar_width=BAR_WIDTH,
                           percent=lambda value: percent(value, language),
                           recorded=lambda text: localized(text, language))


def _rank(row: dict[str, Any]) -> tuple[int, int, str]:
    """Worst first: E before A, `?` and missing last; then the lower score, then the name."""
    order = {letter: index for index, letter in enumerate(reversed(LETTERS))}
    letter = row.get("letter")
    return (order.get(letter, len(order)) if letter else len(order) + 1, row.get("score") or 0, row["name"])


def write(aggregate: dict[str, Any], path: Path, language: str = "fr") -> None:
    import os

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(render(aggregate, language), encoding="utf-8")
    tmp.replace(path)
