"""IBAN of every country (mod 97-10 and BBAN shape via stdnum.iban), plus the French RIB key
for FR and MC accounts.

stdnum has no RIB-key check, so it is written by hand below (schwifty has one but is not a
declared dependency). A French IBAN whose RIB key is wrong is issued by no bank: Faker and
hand-made fixtures produce them, so it is reported as test data (french-pii.md §3).
"""

from __future__ import annotations

import re

from stdnum import iban as stdnum_iban
from stdnum.exceptions import ValidationError

from sondier.i18n import N_
from sondier.validators import INVALID, Verdict

_SEPARATORS = re.compile(r"[\s.\-\u00a0\u202f]")
_RIB_COUNTRIES = ("FR", "MC")
# Letters in a French account number map to digits (A,J->1; B,K,S->2; ... I,R,Z->9).
_RIB_LETTERS = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "12345678912345678923456789")


def normalize(value: str) -> str:
    return _SEPARATORS.sub("", value).upper()


def rib_key_ok(bban: str) -> bool:
    """French RIB key: 97 - ((89*bank + 15*branch + 3*account) mod 97) == key."""
    digits = bban.translate(_RIB_LETTERS)
    if len(digits) != 23 or not digits.isdigit():
        return False
    bank, branch, account, key = int(digits[:5]), int(digits[5:10]), int(digits[10:21]), int(digits[21:])
    return 97 - (89 * bank + 15 * branch + 3 * account) % 97 == key


def _valid_iban(number: str) -> bool:
    try:
        stdnum_iban.validate(number, check_country=False)
    except ValidationError:
        return False
    return True


def _candidates(value: str) -> list[str]:
    """The value, then the value without its last group: a spaced IBAN followed by a short
    upper-case word (`... 7034 EUR`) is matched with that word by the regex."""
    found = [normalize(value)]
    head, sep, tail = value.rstrip().rpartition(" ")
    if sep and head and len(tail) <= 4:
        found.append(normalize(head))
    return found


def validate(value: str) -> Verdict:
    for number in _candidates(value):
        if _valid_iban(number):
            if number[:2] in _RIB_COUNTRIES and not rib_key_ok(number[4:]):
                return Verdict(True, test_data=True, reason=N_("French IBAN with a wrong RIB key (synthetic)"))
            return Verdict(True, reason=N_("IBAN checksum valid"))
    return INVALID
