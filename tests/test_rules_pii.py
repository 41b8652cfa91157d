"""The PII rules: their own examples, hyperscan prefilter compatibility, extra end-to-end cases
through the real detector (CSV, JSON, boundaries, traps)."""

from __future__ import annotations

import pytest

from sondier.chunks import Chunk
from sondier.detection import Detector
from sondier.rule_tests import check_rule
from sondier.rules import compile_rule, load_rules

PII_IDS = ["fr-nir", "iban", "fr-phone", "email", "fr-siren", "fr-siret", "fr-tva", "fr-nif", "payment-card"]
RULES = {r.id: compile_rule(r) for r in load_rules() if r.category == "pii"}
DETECTOR = Detector(list(RULES.values()))


def _found(text: str, min_confidence: float | None = None) -> list[tuple[str, str]]:
    detector = DETECTOR if min_confidence is None else Detector(list(RULES.values()), min_confidence=min_confidence)
    return [(f.rule_id, f.value) for f in detector.detect(Chunk(text, "x")).findings]


def test_every_core_rule_exists() -> None:
    assert set(PII_IDS) <= set(RULES)


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_rule_examples(rule_id: str) -> None:
    failures = [o for o in check_rule(RULES[rule_id]) if not o.passed]
    assert not failures, failures


@pytest.mark.parametrize("rule_id", sorted(r for r in RULES if RULES[r].content))  # record rules have no regex
def test_rule_compiles_in_hyperscan_prefilter_mode(rule_id: str) -> None:
    hs = pytest.importorskip("hyperscan")
    flags = hs.HS_FLAG_PREFILTER | hs.HS_FLAG_SINGLEMATCH | hs.HS_FLAG_UTF8
    hs.Database().compile(expressions=[RULES[rule_id].pattern.encode()], ids=[0], elements=1, flags=[flags])


def test_csv_row_with_every_identifier() -> None:
    header = "email,telephone,nir,iban,siret\n"
    row = "lea.roux@free.fr,0623456718,185057800608491,FR7630004012340001234567862,82316534500013\n"
    found = {rule for rule, _ in _found(header + row)}
    assert {"email", "fr-phone", "fr-nir", "iban", "fr-siret"} <= found


def test_json_keys_give_context_to_weak_values() -> None:
    text = '{"nss": "1850578006084", "siren": "823165345", "tel": "0476234518", "pan": "4970101234567893"}'
    assert {rule for rule, _ in _found(text)} == {"fr-nir", "fr-siren", "fr-phone", "payment-card"}


@pytest.mark.parametrize(
    "text",
    [
        "commit 9f185057800608491aa0e",  # inside a hex hash
        "550e8400-e29b-41d4-a716-185057800608",  # UUID tail
        "b64: QUJD185057800608491RUY=",  # inside base64
        "le 06.12.2023 à 12:00",  # dotted date
        "version 1.2.0623456718",  # version string
        "ts=1712345678901 ms",  # millisecond timestamp
        "amount 0623456718.50 EUR",  # amount
        "uuid 123e4567-e89b-12d3-a456-426614174000",
        "sha256 4970101234567893deadbeef",
    ],
)
def test_traps_yield_nothing(text: str) -> None:
    assert _found(text) == []


def test_test_data_is_found_and_marked_not_hidden_under_the_threshold() -> None:
    text = "iban FR1420041010050500013M02606, tel 01 99 00 12 34, nir 2 55 08 14 168 025 38, 4242 4242 4242 4242"
    findings = DETECTOR.detect(Chunk(text, "x")).findings
    assert {f.rule_id for f in findings} == {"iban", "fr-phone", "fr-nir", "payment-card"}
    assert all(f.test_data for f in findings)


@pytest.mark.parametrize("spelling", ["705 273 415 073 48", "705 273 415 07348", "70527341507348",
                                      "705\xa0273\xa0415\xa0073\xa048"])
def test_every_siret_spelling_is_one_siret(spelling: str) -> None:
    assert _found(f"SIRET : {spelling}") == [("fr-siret", spelling)]


def test_siren_grouped_by_three() -> None:
    assert _found("SIREN : 705 273 415") == [("fr-siren", "705 273 415")]


def test_no_duplicate_siren_inside_siret_or_tva() -> None:
    text = "SIRET 823 165 345 00013, TVA FR 13 823 165 345, SIREN 823 165 345"
    found = _found(text)
    assert sorted(rule for rule, _ in found) == ["fr-siren", "fr-siret", "fr-tva"]


@pytest.mark.parametrize(
    "text",
    ["Tél. (+33) 5 67 49 90 91", "Tél. (+33) 05 67 49 90 91", "tel: +33 (0)5 67 49 90 91", "tel: (0033) 5 67 49 90 91"],
)
def test_international_spellings_of_a_phone(text: str) -> None:
    found = _found(text)
    assert [rule for rule, _ in found] == ["fr-phone"]
    assert found[0][1].endswith("5 67 49 90 91")


# A Luhn-valid number outside the issuer table (prefix 31), computed with stdnum.luhn.
UNKNOWN_ISSUER_CARD = "3123456789012341"


@pytest.mark.parametrize(
    "text",
    [f"carte {UNKNOWN_ISSUER_CARD}", f"CB: {UNKNOWN_ISSUER_CARD}", f'"pan": "{UNKNOWN_ISSUER_CARD}"',
     f"card_number={UNKNOWN_ISSUER_CARD}", f"id;numero_carte\n7;{UNKNOWN_ISSUER_CARD}\n"],
)  # fmt: skip
def test_card_with_context_word_from_an_unknown_issuer(text: str) -> None:
    assert [rule for rule, _ in _found(text)] == ["payment-card"]


def test_card_from_an_unknown_issuer_needs_its_context_word() -> None:
    assert _found(f"ref {UNKNOWN_ISSUER_CARD}") == []
    assert _found("carte 3123456789012342") == []  # Luhn fails


# 1 85 05 78 006 084 91 is a NIR (key valid): a NIR word makes it one, a log key makes it another thing.
@pytest.mark.parametrize(
    "key",
    ["tracking=", "numero_suivi: ", "colis ", "start_ms=", "request_id=", "trace=", '"timestamp": ', "epoch=",
     "trackingNumber: "],
)  # fmt: skip
def test_numbers_explained_by_their_log_key_are_not_nirs(key: str) -> None:
    assert _found(f"user=3 {key}185057800608491 status=ok") == []
    assert [rule for rule, _ in _found(f"user=3 nir={185057800608491} status=ok")] == ["fr-nir"]


def test_epoch_in_milliseconds_after_ms_key_with_a_nir_word_on_the_line() -> None:
    # `insee` on the line would vouch for a 13-digit NIR without key; the key says otherwise.
    assert _found("insee sync start_ms=1850578006084 done") == []
    assert [rule for rule, _ in _found("insee sync nir=1850578006084 done")] == ["fr-nir"]
