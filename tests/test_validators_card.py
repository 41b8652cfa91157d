"""payment-card validator: Luhn + issuer prefix, Faker values, test cards, near misses."""

from __future__ import annotations

import pytest
from faker import Faker
from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn

from sondier.validators import card


@pytest.mark.parametrize("kind", ["visa16", "visa13", "visa19", "mastercard", "amex", "discover", "diners"])
def test_faker_card_numbers_of_the_main_schemes(kind: str) -> None:
    fake = Faker("fr_FR")
    fake.seed_instance(17)
    for _ in range(300):
        value = fake.credit_card_number(kind)
        assert card.validate(value).ok, value


@pytest.mark.parametrize(
    "value",
    ["4242424242424242", "4242 4242 4242 4242", "4111-1111-1111-1111", "5555555555554444", "378282246310005",
     "4000002500001001", "6011111111111117"],
)  # fmt: skip
def test_published_test_cards_are_test_data(value: str) -> None:
    verdict = card.validate(value)
    assert verdict.ok and verdict.test_data


def test_compact_number_is_weak_grouped_is_not() -> None:
    assert card.validate("4970101234567893").weak
    assert not card.validate("4970 1012 3456 7893").weak
    assert not card.validate("3782 123456 78903").weak


@pytest.mark.parametrize(
    "value",
    ["4970101234567894", "1234567812345670", "9970101234567893", "4970 10XX XXXX 7893", "49701012345678930",
     "5137123456789", "0000000000000000"],
)  # fmt: skip
def test_near_misses(value: str) -> None:
    assert not card.validate(value).ok


@given(st.from_regex(r"4[0-9]{14}", fullmatch=True))
def test_every_visa_body_with_its_luhn_digit_is_valid(body: str) -> None:
    number = body + luhn.calc_check_digit(body)
    grouped = " ".join(number[i : i + 4] for i in range(0, 16, 4))
    assert card.validate(number).ok and card.validate(grouped).ok
    assert card.normalize(grouped) == number
