"""French business and tax identifiers via python-stdnum: SIREN, SIRET (Luhn, with the La
Poste exception handled by stdnum), TVA intracommunautaire and NIF (numéro fiscal).

stdnum's compact() removes spaces (and dots for some) but not dashes, so values are cleaned
first. A random number passes Luhn one time in ten: bare, unformatted numbers are weak
evidence and need a context word (french-pii.md §0, §5, §6).
"""

from __future__ import annotations

import re

from stdnum.fr import nif, siren, siret, tva

from sondier.i18n import N_
from sondier.validators import INVALID, Verdict

_SEPARATORS = re.compile(r"[\s.\-/\u00a0\u202f]")


def normalize(value: str) -> str:
    return _SEPARATORS.sub("", value).upper()


def _is_formatted(value: str) -> bool:
    return normalize(value) != value


def _all_same(number: str) -> bool:
    return len(set(number)) == 1


def validate_siren(value: str) -> Verdict:
    number = normalize(value)
    if len(number) != 9 or _all_same(number) or not siren.is_valid(number):
        return INVALID
    # 9 digits + Luhn (1 in 10 by chance): always needs a context word.
    return Verdict(True, weak=True, reason=N_("SIREN Luhn valid"))


def validate_siret(value: str) -> Verdict:
    number = normalize(value)
    if len(number) != 14 or not number.isdigit() or _all_same(number) or not siret.is_valid(number):
        return INVALID
    return Verdict(True, weak=not _is_formatted(value), reason=N_("SIRET Luhn valid"))


def validate_tva(value: str) -> Verdict:
    number = normalize(value)
    if not number.startswith("FR") or not tva.is_valid(number):
        return INVALID
    return Verdict(True, reason=N_("TVA key valid"))


def validate_nif(value: str) -> Verdict:
    number = normalize(value)
    if len(number) != 13 or _all_same(number) or not nif.is_valid(number):
        return INVALID
    # 13-digit numbers (millisecond timestamps, ids) are common: compact ones need context.
    return Verdict(True, weak=not _is_formatted(value), reason=N_("NIF key valid"))
