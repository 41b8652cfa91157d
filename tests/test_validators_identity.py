"""Identity-document numbers and plates: hand-written structure checks (no check digit exists)."""

from __future__ import annotations

import pytest

from sondier.validators.identity import validate_cni, validate_cnie, validate_driving_licence, validate_plate


@pytest.mark.parametrize("value", ["950375123456", "0412692 01234", "8806923 10285", "1102 2A1 01987"])
def test_old_identity_card_numbers_with_plausible_issue_date_and_office(value: str) -> None:
    assert validate_cni(value).ok


@pytest.mark.parametrize(
    "value",
    ["951375123456",  # month 13
     "500375123456",  # issued in 1950: before computerised cards
     "950300123456",  # department 00
     "95037512345A",  # letters in the sequence
     "95037512345"],  # 11 characters
)
def test_old_identity_card_numbers_rejected(value: str) -> None:
    assert not validate_cni(value).ok


@pytest.mark.parametrize("value", ["X4RTBPFW4", "Y7KQ2MZA3", "F0C4R9T2B"])
def test_cnie_mixes_letters_and_digits(value: str) -> None:
    assert validate_cnie(value).ok


@pytest.mark.parametrize("value", ["PRINCIPAL", "123456789", "VERSION2A", "X4RTBPFW", "x4rtbpfw4!"])
def test_cnie_rejects_words_numbers_and_wrong_lengths(value: str) -> None:
    assert not validate_cnie(value).ok


@pytest.mark.parametrize("value", ["850375123456", "0911 2A 123456", "21BC54321", "13AA00002"])
def test_driving_licence_shapes(value: str) -> None:
    assert validate_driving_licence(value).ok


@pytest.mark.parametrize("value", ["851375123456", "850399123456", "2BC154321", "85037512345"])
def test_driving_licence_rejects_impossible_month_department_or_shape(value: str) -> None:
    assert not validate_driving_licence(value).ok


@pytest.mark.parametrize("value", ["GH-482-KL", "fz 731 pr", "EM215TN", "4821 XB 56", "123 ABC 2A", "12 AB 974"])
def test_plates_siv_and_fni(value: str) -> None:
    assert validate_plate(value).ok


@pytest.mark.parametrize(
    "value",
    ["GH-482-KO",  # O never issued
     "SS-482-KL",  # SS never issued
     "GU-482-KL",  # U never issued
     "GH-000-KL",  # the sequence starts at 001
     "12 AB 00",  # department 00
     "0 AB 75",  # FNI numbers start at 1
     "12 AB 99"],  # no department 99
)
def test_plates_rejected(value: str) -> None:
    assert not validate_plate(value).ok


def test_birth_date_validator_takes_real_past_dates_only() -> None:
    from sondier.validators.identity import validate_birth_date

    assert validate_birth_date("12/03/1984").ok
    assert not validate_birth_date("31/02/1984").ok
    assert not validate_birth_date("12/03/2199").ok
    assert not validate_birth_date("12/03/1850").ok
