"""fr-nir validator: Faker fr_FR values, documented examples, near misses, normaliser properties."""

from __future__ import annotations

import pytest
from faker import Faker
from hypothesis import given
from hypothesis import strategies as st

from sondier.validators import nir


def _key(body: str) -> str:
    return f"{97 - int(body.upper().replace('2A', '19').replace('2B', '18')) % 97:02d}"


def test_faker_ssn_values_are_strong_nirs() -> None:
    fake = Faker("fr_FR")
    fake.seed_instance(7)
    for _ in range(3000):
        value = fake.ssn()
        verdict = nir.validate(value)
        assert verdict.ok and not verdict.weak, value


@pytest.mark.parametrize(
    "value",
    [
        "2 55 08 14 168 025 38",
        "255081416802538",
        "2.55.08.14.168.025.38",
        "2-55-08-14-168-025-38",
        "2550814168025 38",
        "2550814168025-38",
        "253072A07300443",
        "253072a07300443",
        "2 84 05 2A 321 025 52",
        "2\u00a055\u00a008\u00a014\u00a0168\u00a0025\u00a038",
    ],
)
def test_documented_spellings_are_valid(value: str) -> None:
    assert nir.validate(value).ok


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("208010000000009", "IMSI, department 00"),
        ("255081416802539", "wrong key"),
        ("284058832102530", "CNAM README, wrong key"),
        ("995109912611134", "sex 9"),
        ("255131416802538", "month 13"),
        ("255080016802538", "department 00"),
        ("2550814168000" + _key("2550814168000"), "order 000"),
        ("1712345678901", "13-digit millisecond timestamp: month 23"),
        ("2550814168025381", "16 characters"),
        ("25508141680A538", "letter outside Corsica"),
    ],
)
def test_near_misses_are_rejected(value: str, reason: str) -> None:
    assert not nir.validate(value).ok, reason


def test_thirteen_characters_without_key_is_weak() -> None:
    verdict = nir.validate("2550814168025")
    assert verdict.ok and verdict.weak


@pytest.mark.parametrize("body", ["7850578006084", "3850578006084", "1853078006084", "1852078006084"])
def test_provisional_numbers_and_incomplete_months_need_context(body: str) -> None:
    verdict = nir.validate(body + _key(body))
    assert verdict.ok and verdict.weak


@pytest.mark.parametrize("body", ["1850597123045", "1850599135123", "1850598712045"])
def test_overseas_and_abroad_births(body: str) -> None:
    verdict = nir.validate(body + _key(body))
    assert verdict.ok and not verdict.weak


def test_random_digit_strings_rarely_pass() -> None:
    import random

    rng = random.Random(3)
    passed = sum(nir.validate(f"{rng.randrange(10**14, 10**15)}").ok for _ in range(20000))
    assert passed < 20000 / 97  # the key alone lets 1 in 97 through; semantics cut more


@given(st.text(alphabet="0123456789 .-\u00a0", max_size=30))
def test_normalize_keeps_only_digits(text: str) -> None:
    assert nir.normalize(text) == "".join(c for c in text if c.isdigit())


@given(st.from_regex(r"[12][0-9]{2}(0[1-9]|1[0-2])(2[AB]|[0-9]{2})[0-9]{6}", fullmatch=True))
def test_normalize_is_idempotent_and_separators_do_not_change_the_verdict(body: str) -> None:
    value = body + _key(body)
    spaced = " ".join([value[0], value[1:3], value[3:5], value[5:7], value[7:10], value[10:13], value[13:]])
    assert nir.normalize(nir.normalize(spaced)) == nir.normalize(spaced) == value
    assert nir.validate(spaced) == nir.validate(value) == nir.validate(value.lower())
