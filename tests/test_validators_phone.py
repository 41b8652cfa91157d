"""fr-phone validator: every spelling, overseas retry, test-data ranges, traps, Faker values."""

from __future__ import annotations

import pytest
from faker import Faker
from hypothesis import given
from hypothesis import strategies as st

from sondier.validators import phone


@pytest.mark.parametrize(
    "value",
    ["06 23 45 67 18", "06.23.45.67.18", "06-23-45-67-18", "0623456718", "+33 6 23 45 67 18",
     "+33 (0)6 23 45 67 18", "+33623456718", "0033 6 23 45 67 18", "04 76 23 45 18", "+33 4 76 23 45 18",
     "0690 23 45 18", "0590 82 45 18", "0594 38 45 18", "0596 61 45 18", "0262 23 45 18", "0692 23 45 18",
     "0269 61 45 18", "0639 23 45 18", "+262 692 23 45 18", "+590 690 23 45 18", "+689 87 23 45 18",
     "+687 75 45 18", "+508 41 23 45", "+377 6 12 34 56 79"],
)  # fmt: skip
def test_mainland_and_overseas_numbers(value: str) -> None:
    verdict = phone.validate(value)
    assert verdict.ok and not verdict.test_data and not verdict.weak, value


@pytest.mark.parametrize(
    "value",
    ["01 99 00 12 34", "02 61 91 12 34", "03 53 01 12 34", "04 65 71 12 34", "05 36 49 12 34",
     "06 39 98 12 34", "06 12 34 56 78", "01 23 45 67 89", "09 12 34 56 78", "06 00 00 00 00",
     "01 02 03 04 05", "+33 1 99 00 12 34"],
)  # fmt: skip
def test_fiction_ranges_examples_and_placeholders_are_test_data(value: str) -> None:
    verdict = phone.validate(value)
    assert verdict.ok and verdict.test_data, value


@pytest.mark.parametrize(
    "value",
    ["08 92 23 45 18", "0800 23 45 18", "01 62 23 45 18", "+44 20 7946 0958", "+1 202 555 0143",
     "1612345678", "0612", "06 23 45 67", "+33 5 90 23 45 67"],
)  # fmt: skip
def test_business_foreign_short_and_invalid_numbers_are_rejected(value: str) -> None:
    assert not phone.validate(value).ok, value


def test_compact_landline_needs_context_but_compact_mobile_does_not() -> None:
    assert phone.validate("0476234518").weak
    assert not phone.validate("04 76 23 45 18").weak
    assert not phone.validate("0623456718").weak
    assert not phone.validate("+33476234518").weak


def test_faker_phone_numbers() -> None:
    fake = Faker("fr_FR")
    fake.seed_instance(5)
    values = [fake.phone_number() for _ in range(3000)]
    valid = [v for v in values if phone.validate(v).ok]
    # Faker puts overseas area codes under +33 (+33 5 90..., +33 2 62...: invalid numbers)
    # and produces 08 numbers (business lines, not people): those are the only rejections.
    rejected = [phone.normalize(v) for v in values if v not in valid]
    assert len(valid) > 0.97 * len(values)
    assert all(n.startswith(("08", "+338", "+33590", "+33594", "+33596", "+33262", "+33263")) for n in rejected)


# Mainland mobile ranges: 0639 and 069x are overseas (valid nationally, not under +33).
@given(st.from_regex(r"06[0-24-8][0-9]{7}|07[3-9][0-9]{7}", fullmatch=True))
def test_spellings_of_one_number_agree(digits: str) -> None:
    pairs = " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    dotted = pairs.replace(" ", ".")
    international = "+33 " + pairs[1:]
    verdicts = {phone.validate(v).ok for v in (pairs, dotted, digits, international)}
    assert len(verdicts) == 1
    assert phone.normalize(pairs) == phone.normalize(dotted) == digits
    assert phone.normalize("0033" + digits[1:]) == phone.normalize("+33 (0)" + digits[1:]) == "+33" + digits[1:]
