"""fr-siren, fr-siret, fr-tva, fr-nif validators: Faker values, documented examples, near misses."""

from __future__ import annotations

import random

import pytest
from faker import Faker
from hypothesis import given
from hypothesis import strategies as st

from sondier.validators import business


def test_faker_sirens_sirets_and_vat_numbers() -> None:
    fake = Faker("fr_FR")
    fake.seed_instance(13)
    for _ in range(1500):
        siren, siret, vat = fake.siren(), fake.siret(), fake.company_vat()
        assert business.validate_siren(siren).ok, siren
        assert business.validate_siret(siret).ok, siret
        assert business.validate_tva(vat).ok, vat


def test_bare_siren_is_always_weak_and_compact_siret_too() -> None:
    assert business.validate_siren("732 829 320").weak
    assert business.validate_siren("732829320").weak
    assert business.validate_siret("73282932000074").weak
    assert not business.validate_siret("732 829 320 00074").weak


def test_la_poste_exception() -> None:
    assert business.validate_siret("35600000000048").ok  # head office, Luhn
    assert business.validate_siret("356 000 000 09075").ok  # sum of digits multiple of 5


@pytest.mark.parametrize("value", ["FR 40 303 265 045", "FR40303265045", "FR-40-303-265-045"])
def test_tva_spellings(value: str) -> None:
    assert business.validate_tva(value).ok


@pytest.mark.parametrize(
    ("validator", "value"),
    [
        (business.validate_siren, "732829321"),
        (business.validate_siren, "000000000"),
        (business.validate_siret, "73282932000075"),
        (business.validate_siret, "0000000000000"),
        (business.validate_tva, "FR41303265045"),
        (business.validate_tva, "DE40303265045"),
        (business.validate_nif, "3023217600054"),
        (business.validate_nif, "4023217600053"),
        (business.validate_nif, "1712345678901"),
    ],
)
def test_near_misses(validator, value: str) -> None:  # type: ignore[no-untyped-def]
    assert not validator(value).ok


def test_nif_compact_is_weak_grouped_is_not() -> None:
    assert business.validate_nif("3023217600053").weak
    assert not business.validate_nif("30 23 217 600 053").weak


def test_millisecond_timestamps_rarely_pass_the_nif_key() -> None:
    rng = random.Random(1)
    stamps = [str(rng.randrange(1_500_000_000_000, 1_800_000_000_000)) for _ in range(20000)]
    assert sum(business.validate_nif(s).ok for s in stamps) < 20000 / 300


@given(st.text(alphabet="0123456789 .-/\u00a0", max_size=25))
def test_normalize_keeps_only_digits(text: str) -> None:
    assert business.normalize(text) == "".join(c for c in text if c.isdigit())
