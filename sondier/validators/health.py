"""French health identifiers (french-pii.md §1 INS, §8): RPPS, IDNPS, ADELI, FINESS, and the
NIR/NIA sent as an INS.

The Luhn key comes from python-stdnum. python-stdnum has no module for these identifiers, so
the structure checks (the `8` prefix of an IDNPS, the department that opens an ADELI or a
FINESS) are written here by hand.
"""

from __future__ import annotations

import re

from stdnum import luhn

from sondier.i18n import N_
from sondier.validators import INVALID, Verdict
from sondier.validators import nir as nir_validator

_SEPARATORS = re.compile(r"[\s.\-\u00a0\u202f]")
_DEPARTMENT = re.compile(r"0[1-9]|[1-8]\d|9[0-5]|2[AB]|9[78]")

# Documented example values (FHIR FR Core, ANS): test data.
_EXAMPLES = frozenset({"10101201234", "810101201234", "10000000000"})


def _compact(value: str) -> str:
    return _SEPARATORS.sub("", value).upper()


def _luhn_ok(digits: str) -> bool:
    return digits.isdigit() and luhn.is_valid(digits)


def _repeated(digits: str) -> bool:
    return len(set(digits)) <= 2


def validate_rpps(value: str) -> Verdict:
    """RPPS: 11 digits opening with 1, Luhn key. FR Core's example `10101201234` fails the key
    but is a documented example, so it is kept as test data rather than dropped."""
    number = _compact(value)
    if len(number) != 11 or not number.isdigit() or not number.startswith("1") or _repeated(number[1:]):
        return INVALID
    if number in _EXAMPLES:
        return Verdict(True, test_data=True, reason=N_("documented example RPPS"))
    if not _luhn_ok(number):
        return INVALID
    return Verdict(True, reason=N_("RPPS Luhn key valid"))


def validate_idnps(value: str) -> Verdict:
    """IDNPS: `8` + RPPS (12 digits); the RPPS part carries the Luhn key."""
    number = _compact(value)
    if len(number) != 12 or not number.startswith("8"):
        return INVALID
    verdict = validate_rpps(number[1:])
    if not verdict.ok:
        return INVALID
    return Verdict(True, test_data=verdict.test_data, reason=N_("IDNPS (RPPS Luhn key valid)"))


def validate_adeli(value: str) -> Verdict:
    """ADELI: 9 digits opening with the department. Its key algorithm is not published (Luhn
    is not confirmed, french-pii.md §8), so only the structure is checked: the rule needs a
    context word."""
    number = _compact(value)
    if len(number) != 9 or not number.isdigit() or _repeated(number[2:]):
        return INVALID
    if not _DEPARTMENT.fullmatch(number[:2]):
        return INVALID
    return Verdict(True, weak=True, reason=N_("ADELI structure"))


def validate_finess(value: str) -> Verdict:
    """FINESS: 9 characters opening with the department, Luhn key over the digits (verified on
    published numbers, french-pii.md §8). How Corsican numbers (2A/2B) carry their key is not
    documented: those are accepted on their structure only, as weak evidence needing context."""
    number = _compact(value)
    if len(number) != 9 or _repeated(number[2:]):
        return INVALID
    if not _DEPARTMENT.fullmatch(number[:2]) or not number[2:].isdigit():
        return INVALID
    if number[:2] in ("2A", "2B"):
        return Verdict(True, weak=True, reason=N_("FINESS structure (Corsica, key not documented)"))
    if not _luhn_ok(number):
        return INVALID
    return Verdict(True, reason=N_("FINESS Luhn key valid"))


def validate_ins(value: str) -> Verdict:
    """The matricule INS is a NIR or a NIA: the NIR validator decides; a value sent with the
    INS OIDs needs no further context."""
    verdict = nir_validator.validate(value)
    if not verdict.ok:
        return INVALID
    return Verdict(True, test_data=verdict.test_data, reason=N_("INS (NIR key valid)"))
