"""mrz validator: ICAO 9303 check digits on the TD3, TD1 and old French identity-card layouts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sondier.validators import documents
from sondier.validators.documents import check_digit

ICAO_SPECIMEN = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"


def _td3(number: str, birth: str, expiry: str) -> str:
    line2 = number + check_digit(number) + "FRA" + birth + check_digit(birth) + "F" + expiry + check_digit(expiry)
    line2 += "<" * 14 + "<"
    line2 += check_digit(line2[0:10] + line2[13:20] + line2[21:43])
    return ("P<FRADURAND<<CLAIRE" + "<" * 44)[:44] + "\n" + line2


def test_documented_check_digits() -> None:
    assert check_digit("L898902C3") == "6"  # ICAO specimen
    assert check_digit("X4RTBPFW4") == "6"  # French CNIe specimen
    assert check_digit("880692310285") == "8"  # old French identity card specimen


def test_icao_specimen_is_test_data() -> None:
    verdict = documents.validate_mrz(ICAO_SPECIMEN)
    assert verdict.ok and verdict.test_data


def test_generated_passport_zone_is_valid_and_one_wrong_digit_is_not() -> None:
    zone = _td3("18AB12345", "850312", "310515")
    assert documents.validate_mrz(zone).ok
    broken = zone[:-1] + str((int(zone[-1]) + 1) % 10)
    assert not documents.validate_mrz(broken).ok


@pytest.mark.parametrize("value", ["", "P<FRA\n123", "X" * 44 + "\n" + "1" * 44])
def test_wrong_shapes(value: str) -> None:
    assert not documents.validate_mrz(value).ok


@given(
    st.from_regex(r"[0-9]{2}[A-Z]{2}[0-9]{5}", fullmatch=True),
    st.from_regex(r"[0-9]{2}(0[1-9]|1[0-2])(0[1-9]|1[0-9]|2[0-8])", fullmatch=True),
)
def test_any_generated_zone_round_trips(number: str, birth: str) -> None:
    assert documents.validate_mrz(_td3(number, birth, "300101")).ok


def _driving_licence(number: str, expiry: str, surname: str) -> str:
    line = "D1FRA" + number
    line += check_digit(line) + expiry + (surname + "<" * 8)[:8]
    return line + check_digit(line)


def test_driving_licence_zone_checks_number_and_composite_digits() -> None:
    assert check_digit("D1FRA13AA00002") == "6"  # official specimen: the check covers D1FRA + number
    specimen = documents.validate_mrz("D1FRA13AA000026181231MARTIN<<9")
    assert specimen.ok and specimen.test_data
    zone = _driving_licence("21BC54321", "330615", "LEROY")
    assert documents.validate_mrz(zone).ok
    assert not documents.validate_mrz(zone[:-1] + str((int(zone[-1]) + 1) % 10)).ok
    assert not documents.validate_mrz(zone[:14] + str((int(zone[14]) + 1) % 10) + zone[15:]).ok
