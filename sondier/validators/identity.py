"""French identity-document numbers and vehicle plates (french-pii.md §7, §9).

None of these numbers carries a check digit outside its MRZ, and no package (python-stdnum
included) knows them, so the structure checks below are written by hand: the issue date of an
old identity card, the department of an old driving licence, the letters the SIV never issues.
Every rule using them also requires a context word: the structure alone is a weak signal.
"""

from __future__ import annotations

import re

from sondier.i18n import N_
from sondier.validators import INVALID, Verdict

_SEPARATORS = re.compile(r"[\s.\-\u00a0\u202f]")

# Departments as written in document numbers: 01-95 (20 before 1976), 2A/2B; overseas 97x.
_DEPARTMENT = re.compile(r"0[1-9]|[1-8]\d|9[0-5]|2[AB]")
_OVERSEAS = re.compile(r"97[1-6]")

# Computerised identity cards were issued from 1988 until the CNIe replaced them in 2021.
_CNI_YEARS = frozenset(range(88, 100)) | frozenset(range(0, 22))

# SIV letters: I, O and U are never used; SS is never issued (french-pii.md §9).
_SIV_LETTERS = frozenset("ABCDEFGHJKLMNPQRSTVWXYZ")


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", value).upper()


def _month_ok(month: str) -> bool:
    return month.isdigit() and 1 <= int(month) <= 12


def validate_cni(value: str) -> Verdict:
    """Old identity card (1988-2021): YYMM of issue, a 3-character office code, 5 digits."""
    number = _compact(value)
    if len(number) != 12 or not number[:4].isdigit() or not number[7:].isdigit():
        return INVALID
    if int(number[:2]) not in _CNI_YEARS or not _month_ok(number[2:4]):
        return INVALID
    if not _DEPARTMENT.fullmatch(number[4:6]):
        return INVALID
    return Verdict(True, reason=N_("identity card number structure"))


def validate_cnie(value: str) -> Verdict:
    """CNIe (since 2021): 9 letters and digits. The character set is not documented, so only
    mixed letters and digits are accepted: a 9-letter word or a 9-digit number is not a card."""
    number = _compact(value)
    if len(number) != 9 or not number.isalnum() or number.isdigit() or number.isalpha():
        return INVALID
    if sum(ch.isdigit() for ch in number) < 2:
        return INVALID  # words with one digit (`VERSION2A`) are code, not card numbers
    return Verdict(True, reason=N_("identity card number structure"))


def validate_driving_licence(value: str) -> Verdict:
    """Old pink licence: YY MM of issue, department, 6 digits; the card since 2013 has the
    passport shape (2 digits, 2 letters, 5 digits), checked in its MRZ only."""
    number = _compact(value)
    if len(number) == 9:
        valid = bool(re.fullmatch(r"\d{2}[A-Z]{2}\d{5}", number))
        return Verdict(True, reason=N_("driving licence number structure")) if valid else INVALID
    if len(number) != 12 or not number[:4].isdigit() or not number[6:].isdigit():
        return INVALID
    if not _month_ok(number[2:4]) or not _DEPARTMENT.fullmatch(number[4:6]):
        return INVALID
    return Verdict(True, reason=N_("driving licence number structure"))


def _siv(plate: str) -> Verdict:
    left, digits, right = plate[:2], plate[2:5], plate[5:]
    if not set(left + right) <= _SIV_LETTERS or "SS" in (left, right) or digits == "000":
        return INVALID
    return Verdict(True, reason=N_("SIV plate structure"))


def _fni(plate: str) -> Verdict:
    found = re.fullmatch(r"(\d{1,4})([A-Z]{1,3})(\d{2,3}|2[AB])", plate)
    if found is None or int(found.group(1)) == 0:
        return INVALID
    department = found.group(3)
    if not (_DEPARTMENT.fullmatch(department) or _OVERSEAS.fullmatch(department)):
        return INVALID
    return Verdict(True, reason=N_("FNI plate structure"))


def validate_plate(value: str) -> Verdict:
    plate = _compact(value)
    if re.fullmatch(r"[A-Z]{2}\d{3}[A-Z]{2}", plate):
        return _siv(plate)
    return _fni(plate)


def validate_birth_date(value: str) -> Verdict:
    """A date written after a birth phrase (`né le` and a day/month/year): a real calendar date, not in the
    future, not before 1900."""
    from sondier.people import is_birth_date

    return Verdict(True, reason=N_("valid date of birth")) if is_birth_date(value) else INVALID
