"""iban validator: every country's mod 97, the French RIB key, Faker values, near misses."""

from __future__ import annotations

import pytest
from faker import Faker
from hypothesis import given
from hypothesis import strategies as st
from stdnum import iban as stdnum_iban

from sondier.validators import iban


def _french_iban(bank: str, branch: str, account: str) -> str:
    digits = account.translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789"))
    key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(digits)) % 97
    bban = f"{bank}{branch}{account}{key:02d}"
    return "FR" + stdnum_iban.calc_check_digits("FR00" + bban) + bban


@pytest.mark.parametrize(
    "value",
    ["DE89370400440532013000", "GB29NWBK60161331926819", "NL91ABNA0417164300", "BE68539007547034",
     "ES9121000418450200051332", "IT60X0542811101000000123456", "CH9300762011623852957",
     "FR1420041010050500013M02606", "FR76 3000 6000 0112 3456 7890 189"],
)  # fmt: skip
def test_documented_examples_of_every_country_pass(value: str) -> None:
    verdict = iban.validate(value)
    assert verdict.ok and not verdict.test_data


def test_rib_key_of_the_swift_example() -> None:
    assert iban.rib_key_ok("20041010050500013M02606")
    assert not iban.rib_key_ok("20041010050500013M02607")


def test_faker_french_ibans_pass_mod97_and_mostly_fail_the_rib_key() -> None:
    fake = Faker("fr_FR")
    fake.seed_instance(11)
    verdicts = [iban.validate(fake.iban()) for _ in range(1000)]
    assert all(v.ok for v in verdicts)
    assert sum(v.test_data for v in verdicts) > 950


def test_computed_french_iban_with_a_right_rib_key_is_real_looking() -> None:
    value = _french_iban("30004", "01234", "0A012345678")
    verdict = iban.validate(value)
    assert verdict.ok and not verdict.test_data
    assert iban.validate(stdnum_iban.format(value)).ok


def test_monaco_uses_the_rib_key_too() -> None:
    bban = "11222000010123456789030"
    value = "MC" + stdnum_iban.calc_check_digits("MC00" + bban) + bban
    assert iban.validate(value).ok and not iban.validate(value).test_data


@pytest.mark.parametrize(
    "value",
    ["FR7630004012340001234567863", "DE89370400440532013001", "XX89370400440532013000",
     "FR76300040123400012345678", "GB29NWBK6016133192681", "DEADBEEF00112233445566", "AB12CDEF3456"],
)  # fmt: skip
def test_near_misses_are_rejected(value: str) -> None:
    assert not iban.validate(value).ok


def test_trailing_word_after_a_spaced_iban_is_ignored() -> None:
    assert iban.validate("BE68 5390 0754 7034 EUR").ok


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 \u00a0-", max_size=40))
def test_normalize_removes_separators_and_upper_cases(text: str) -> None:
    normalized = iban.normalize(text)
    assert normalized == iban.normalize(normalized)
    assert all(c.isalnum() for c in normalized)
