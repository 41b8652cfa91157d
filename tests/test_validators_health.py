"""Health identifiers: Luhn keys (python-stdnum) and the structures written by hand."""

from __future__ import annotations

import random

import pytest
from stdnum import luhn
from stdnum.fr import nir

from sondier.validators import health


def _with_luhn(body: str) -> str:
    return body + luhn.calc_check_digit(body)


def test_generated_rpps_pass_and_every_wrong_key_fails() -> None:
    rng = random.Random(15)
    for _ in range(200):
        number = _with_luhn("1" + "".join(rng.choice("0123456789") for _ in range(9)))
        if len(set(number[1:])) <= 2:
            continue
        assert health.validate_rpps(number).ok
        for wrong in set("0123456789") - {number[-1]}:
            assert not health.validate_rpps(number[:-1] + wrong).ok


def test_documented_rpps_example_is_test_data_although_its_key_fails() -> None:
    assert not luhn.is_valid("10101201234")
    verdict = health.validate_rpps("10101201234")
    assert verdict.ok and verdict.test_data
    assert health.validate_idnps("810101201234").test_data


@pytest.mark.parametrize("value", ["20023456782", "1002345678", "10000000000x", "11111111111"])
def test_rpps_rejects_other_prefixes_lengths_and_repeats(value: str) -> None:
    assert not health.validate_rpps(value).ok


def test_idnps_is_8_then_an_rpps() -> None:
    assert health.validate_idnps("810023456782").ok
    assert not health.validate_idnps("910023456782").ok
    assert not health.validate_idnps("810023456783").ok


@pytest.mark.parametrize("value", ["750712184", "130786049", "690781810", "330781196"])
def test_published_finess_numbers_pass_luhn(value: str) -> None:
    verdict = health.validate_finess(value)
    assert verdict.ok and not verdict.weak


def test_finess_wrong_key_department_and_corsica() -> None:
    assert not health.validate_finess("750712185").ok
    assert not health.validate_finess("000712184").ok
    corsica = health.validate_finess("2A0001234")
    assert corsica.ok and corsica.weak  # key not documented: shape only, needs context


def test_adeli_structure_is_weak_evidence() -> None:
    verdict = health.validate_adeli("759312345")
    assert verdict.ok and verdict.weak
    assert not health.validate_adeli("009312345").ok
    assert not health.validate_adeli("751111111").ok
    assert not health.validate_adeli("75931234").ok


def test_ins_is_a_nir_with_its_key() -> None:
    body = "2690549588157"
    assert health.validate_ins(body + nir.calc_check_digits(body)).ok
    assert not health.validate_ins(body + "00").ok
