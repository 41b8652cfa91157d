"""Context words: where they count, and where they must not vouch for a value."""

from __future__ import annotations

from stdnum.fr import nir

from sondier.chunks import Chunk
from sondier.detection import Detector
from sondier.rules import load_rules

BODY = "1840575112345"  # man, born May 1984 in Paris (75112), order 345: generated, not a person
FULL = BODY + nir.calc_check_digits(BODY)


def nir_findings(text: str) -> list[tuple[int, list[str]]]:
    detector = Detector([r for r in load_rules() if r.id == "fr-nir"])
    return [(f.line, f.reasons) for f in detector.detect(Chunk(text, "f")).findings]


def test_label_on_the_same_line_gives_context() -> None:
    [(line, reasons)] = nir_findings(f"patient nir={BODY} admitted\n")
    assert line == 1 and any("nir" in r for r in reasons)


def test_label_on_a_row_of_data_does_not_vouch_for_the_next_row() -> None:
    # A 13-digit number without key is reported only with a context word; the previous log
    # line's `nir=` belongs to that line's own value, not to this timestamp-like number.
    text = f"2024-05-01 INFO nir={FULL} admitted\n{BODY} metric latency_ms=12\n"
    assert [line for line, _ in nir_findings(text)] == [1]


def test_label_above_a_value_gives_context() -> None:
    text = f"nir:\n  - {BODY}\n# NIR du patient\n{BODY}\n"
    assert [line for line, _ in nir_findings(text)] == [2, 4]


def test_csv_header_names_the_column() -> None:
    text = f"nom;nir;ville\nDupont;{BODY};Lyon\n"
    [(line, reasons)] = nir_findings(text)
    assert line == 2 and any("nir" in r for r in reasons)
