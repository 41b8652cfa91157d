"""The grade in three small formats: `grade` (text for a terminal or a log), `badge` (an SVG drawn
here, offline) and `shields` (a shields.io endpoint JSON, for those who prefer shields' images).

The badge's width follows its text (an approximate Verdana 11px width table, the font shields uses),
so that "données personnelles" and "personal data" both fit without a font being loaded."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, TextIO

from sondier.grade import Grade, grade_for_report
from sondier.i18n import gettext_for, resolve_language
from sondier.reporters import ReportOptions
from sondier.reporters.templating import environment

if TYPE_CHECKING:
    from sondier.findings import ScanResult

# Background colour by letter (accessible contrast with white text), and shields.io's named colours.
COLOURS = {"A": "#2e7d32", "B": "#558b2f", "C": "#b58900", "D": "#d84315", "E": "#b71c1c", "?": "#616161"}
SHIELDS_COLOURS = {"A": "brightgreen", "B": "green", "C": "yellow", "D": "orange", "E": "red", "?": "lightgrey"}
LABEL_COLOUR = "#555"
_NARROW, _WIDE = set("fijlrt .,:;'!|()"), set("mwMW")


def report_language(options: ReportOptions) -> str:
    """Reports meant for people in the administration default to French; --lang or SONDIER_LANG
    choose otherwise (resolved by sondier.i18n, the locale is not consulted: CI runners are English)."""
    explicit = options.extra.get("lang")
    env = {"SONDIER_LANG": os.environ.get("SONDIER_LANG", ""), "LANG": "fr"}
    return resolve_language(str(explicit) if explicit else None, env=env)


def badge_label(language: str) -> str:
    translate = gettext_for(language)
    return translate("personal data")


def text_width(text: str) -> int:
    """Approximate width in pixels of `text` in Verdana 11px."""
    width = 0.0
    for char in text:
        if char in _NARROW:
            width += 3.9
        elif char in _WIDE:
            width += 10.0
        elif char.isupper() or char.isdigit():
            width += 7.6
        else:
            width += 6.8
    return round(width)


def badge_svg(grade: Grade, language: str) -> str:
    label = badge_label(language)
    letter = grade.letter
    left, right = text_width(label) + 12, text_width(letter) + 14
    title = f"{label}: {letter} ({grade.method}, {grade.method_date})"
    template = environment(language).get_template("badge.svg.j2")
    return template.render(total=left + right, left=left, right=right, label=label, letter=letter, title=title,
                           colour=COLOURS.get(letter, COLOURS["?"]), label_colour=LABEL_COLOUR)


def shields_endpoint(grade: Grade, language: str) -> dict[str, object]:
    return {"schemaVersion": 1, "label": badge_label(language), "message": grade.letter,
            "color": SHIELDS_COLOURS.get(grade.letter, "lightgrey")}


def grade_text(grade: Grade, language: str) -> str:
    translate = gettext_for(language)
    score = "-" if grade.score is None else str(grade.score)
    counts = grade.counts
    lines = [translate("Privacy grade: %(letter)s (score %(score)s/100)") % {"letter": grade.letter, "score": score}]
    lines += [f"  - {reason}" for reason in grade.localized_reasons(translate)]
    lines.append(translate("Open: %(open)d (in HEAD %(head)d, history only %(history)d); annotated: %(annotated)d; "
                           "suppressed: %(suppressed)d; raw: %(raw)d")
                 % {"open": counts.open, "head": counts.open_in_head, "history": counts.open_history_only,
                    "annotated": counts.annotated, "suppressed": counts.suppressed, "raw": counts.raw})
    lines.append(translate("Method: %(method)s (%(date)s); see `sondier grade --explain`")
                 % {"method": grade.method, "date": grade.method_date})
    return "\n".join(lines) + "\n"


def write_grade(result: ScanResult, stream: TextIO, options: ReportOptions) -> None:
    stream.write(grade_text(grade_for_report(result, options.root), resolve_language(_lang(options))))


def write_badge(result: ScanResult, stream: TextIO, options: ReportOptions) -> None:
    stream.write(badge_svg(grade_for_report(result, options.root), report_language(options)))


def write_shields(result: ScanResult, stream: TextIO, options: ReportOptions) -> None:
    json.dump(shields_endpoint(grade_for_report(result, options.root), report_language(options)), stream,
              ensure_ascii=False)
    stream.write("\n")


def _lang(options: ReportOptions) -> str | None:
    lang = options.extra.get("lang")
    return str(lang) if lang else None
