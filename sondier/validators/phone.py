"""French phone numbers, mainland and overseas, through phonenumbers.

Overseas numbers written nationally (`0690 12 34 56`) are invalid under region FR: phonenumbers
puts them under +33. They are retried with the overseas regions (french-pii.md §2). The
test-data lists (ARCEP fiction blocks, phonenumbers example numbers, placeholders) and the
"business, not personal" prefixes are French numbering-plan facts no package provides.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from sondier.cache import on_disk
from sondier.i18n import N_
from sondier.validators import INVALID, Verdict

_SEPARATORS = re.compile(r"[\s.\-/()\u00a0\u202f]")
_TRUNK_ZERO = re.compile(r"^\+(33|262|269|590|594|596)0(?=[1-9])")
_OVERSEAS_REGIONS = ("GP", "GF", "MQ", "RE", "YT")
_FRENCH_REGIONS = {"FR", "GP", "BL", "MF", "GF", "MQ", "RE", "YT", "PM", "NC", "PF", "WF", "MC"}

# ARCEP blocks reserved for fiction (films, books): 0199 00, 0261 91, ... + 4 digits.
_FICTION_BLOCKS = ("19900", "26191", "35301", "46571", "53649", "63998")
# Marketing-call prefixes since 2023 and special-rate 08 numbers: businesses, not people.
_BUSINESS_PREFIXES = ("8", "162", "163", "270", "271", "377", "378", "424", "425", "568", "569", "948", "949")
_NON_PERSONAL_TYPES = {"PREMIUM_RATE", "TOLL_FREE", "SHARED_COST", "UAN", "VOICEMAIL", "PAGER"}


def normalize(value: str) -> str:
    """`+33 (0)6 12.34-56 78` -> `+33612345678`; `0033...` -> `+33...`."""
    compact = value.replace("(0)", "")
    compact = _SEPARATORS.sub("", compact)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    # sondier:ignore-next-line fr-phone -- a spelling example in a comment, nobody's number
    # `(+33) 05 67 49 90 91`: the national trunk zero kept after the country code.
    return _TRUNK_ZERO.sub(r"+\1", compact)


def _phonenumbers_version() -> list[tuple[str, bytes]]:
    import phonenumbers

    return [("phonenumbers", phonenumbers.__version__.encode())]


@lru_cache(maxsize=1)
@on_disk("phone-examples", _phonenumbers_version, Path(__file__), frozenset)  # ~5 ms of metadata loading
def _example_numbers() -> frozenset[str]:
    """National significant numbers phonenumbers ships as examples for French regions."""
    import phonenumbers

    found: set[str] = set()
    for region in _FRENCH_REGIONS:
        for kind in vars(phonenumbers.PhoneNumberType).values():
            if not isinstance(kind, int):
                continue
            example = phonenumbers.example_number_for_type(region, kind)
            if example is not None:
                found.add(phonenumbers.national_significant_number(example))
    return frozenset(found)


def _parse(number: str):  # type: ignore[no-untyped-def]
    """A valid PhoneNumber for a French region, or None."""
    import phonenumbers

    regions = (None,) if number.startswith("+") else ("FR", *_OVERSEAS_REGIONS)
    for region in regions:
        try:
            parsed = phonenumbers.parse(number, region)
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(parsed):
            if phonenumbers.region_code_for_number(parsed) not in _FRENCH_REGIONS:
                return None
            return parsed
    return None


def _is_placeholder(national: str) -> bool:
    from sondier.filters import is_placeholder_number

    return is_placeholder_number("0" + national) or is_placeholder_number(national)


def _is_fiction(national: str) -> bool:
    return national.startswith(_FICTION_BLOCKS)


def validate(value: str) -> Verdict:
    import phonenumbers

    number = normalize(value)
    if not number.lstrip("+").isdigit():
        return INVALID
    parsed = _parse(number)
    if parsed is None:
        # 06 39 98 xx xx is a fiction block that phonenumbers considers invalid.
        national = number[1:] if number.startswith("0") else ""
        if national.startswith("63998") and len(national) == 9:
            return Verdict(True, test_data=True, reason=N_("ARCEP fiction range"))
        return INVALID
    national = phonenumbers.national_significant_number(parsed)
    number_type = phonenumbers.number_type(parsed)
    type_name = next((k for k, v in vars(phonenumbers.PhoneNumberType).items() if v == number_type), "")
    if type_name in _NON_PERSONAL_TYPES:
        return INVALID
    if parsed.country_code == 33 and national.startswith(_BUSINESS_PREFIXES):
        return INVALID
    weak = _needs_context(value, type_name)
    if _is_fiction(national) and parsed.country_code == 33:
        return Verdict(True, test_data=True, weak=weak, reason=N_("ARCEP fiction range"))
    if national in _example_numbers() or _is_placeholder(national):
        return Verdict(True, test_data=True, weak=weak, reason=N_("example or placeholder number"))
    return Verdict(True, weak=weak, reason=N_("valid phone number"))


def _needs_context(value: str, type_name: str) -> bool:
    """A bare 10-digit national number that is not a mobile is often a zero-padded id
    (`0123456789`, `id=0412345678`): it is reported only with a context word."""
    if value.startswith(("+", "00")) or not value.isdigit():
        return False
    return type_name not in ("MOBILE", "FIXED_LINE_OR_MOBILE")
