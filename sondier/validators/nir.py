"""French NIR (numéro de sécurité sociale) and NIA.

stdnum.fr.nir checks the key and handles Corsica (2A/2B) but knows nothing of the meaning of
the fields: it accepts `208010000000009` (an IMSI) and any 15 digits with the right key. The
semantic checks below (sex, month, place of birth, order number) are written by hand because
no package has them; see french-pii.md §1. French IMSIs (`208 01 ...`) are rejected by the
place-of-birth check (department 00) in the common case; flagging every `208...` value as a
possible IMSI would instead hide the NIRs of women born in 2008 (stdnum.imsi accepts about
one in two of them), so it is not done.
"""

from __future__ import annotations

import re

from stdnum.exceptions import ValidationError
from stdnum.fr import nir as stdnum_nir

from sondier.i18n import N_
from sondier.validators import INVALID, Verdict

_SEPARATORS = re.compile(r"[\s.\-/\u00a0\u202f]")
_SHAPE = re.compile(r"[0-9]{5}(?:[0-9]{2}|2[AB])[0-9]{6}(?:[0-9]{2})?")

# First digit: 1/2 are the NIR proper; 3/4 and 7/8 are reported for people being registered
# or holding a provisional number (NIA) — not confirmed by INSEE, so they need context.
_SEX_CONFIRMED = {"1", "2"}
_SEX_PROVISIONAL = {"3", "4", "7", "8"}
# Months 20, 30-42 and 50+ are said to be used when the civil-status record is incomplete
# (secondary sources only): accepted with context.
_MONTHS_CONFIRMED = {f"{m:02d}" for m in range(1, 13)}
_MONTHS_INCOMPLETE = {"20"} | {f"{m:02d}" for m in range(30, 43)} | {f"{m:02d}" for m in range(50, 100)}
# Overseas: 971-978 departments/collectivities, 984-989 overseas territories.
_OVERSEAS_97 = set("12345678")
_OVERSEAS_98 = set("46789")


def normalize(value: str) -> str:
    """Remove spaces, NBSP, dots, dashes and slashes; upper-case (2a -> 2A)."""
    return _SEPARATORS.sub("", value).upper()


def _place_ok(place: str) -> bool:
    """Department + commune (5 characters) is a plausible place of birth."""
    department, commune = place[:2], place[2:]
    if department in ("2A", "2B"):
        return commune != "000"
    if department == "00":
        return False
    if department == "97":
        return place[2] in _OVERSEAS_97 and place[3:] != "00"
    if department == "98":
        return place[2] in _OVERSEAS_98
    if department == "99":
        # born abroad: INSEE country codes 99100-99599
        return "100" <= commune <= "599"
    return commune != "000"


def _semantic_strength(body: str) -> str | None:
    """'strong', 'weak' or None (impossible) for the 13-character body."""
    sex, month, place, order = body[0], body[3:5], body[5:10], body[10:13]
    if order == "000" or not _place_ok(place):
        return None
    if sex in _SEX_CONFIRMED and month in _MONTHS_CONFIRMED:
        return "strong"
    if (sex in _SEX_CONFIRMED or sex in _SEX_PROVISIONAL) and (
        month in _MONTHS_CONFIRMED or month in _MONTHS_INCOMPLETE
    ):
        return "weak"
    return None


def validate(value: str) -> Verdict:
    number = normalize(value)
    if not _SHAPE.fullmatch(number):
        return INVALID
    strength = _semantic_strength(number[:13])
    if strength is None:
        return INVALID
    if len(number) == 13:
        return Verdict(True, weak=True, reason=N_("NIR without key"))
    try:
        stdnum_nir.validate(number)
    except ValidationError:
        return INVALID
    if strength == "weak":
        return Verdict(True, weak=True, reason=N_("provisional or incomplete NIR"))
    return Verdict(True, reason=N_("NIR key valid"))
