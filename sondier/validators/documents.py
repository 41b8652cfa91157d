"""Identity-document machine-readable zones (MRZ): passports (ICAO TD3, 2 x 44), the French
identity card since 2021 (TD1, 3 x 30), the old French identity card (2 x 36) and the French
driving licence card since 2013 (1 x 30, `D1FRA…`).

The ICAO 9303 check digit (weights 7, 3, 1; A-Z = 10-35; `<` = 0) is five lines, so it is
written here rather than adding the PyPI `mrz` package, which has no layout for the old French
card anyway (french-pii.md §7). Every check digit of the zone must be right: a random block
passes one time in 10^4 or less.
"""

from __future__ import annotations

from sondier.i18n import N_
from sondier.validators import INVALID, Verdict

# Official specimens (ICAO "Utopia", French PRADO specimens): test data.
_SPECIMEN_NUMBERS = ("L898902C3", "X4RTBPFW4", "880692310285", "940992310285", "13AA00002")


def check_digit(field: str) -> str:
    total = 0
    for index, char in enumerate(field):
        if char.isdigit():
            value = int(char)
        elif "A" <= char <= "Z":
            value = ord(char) - ord("A") + 10
        else:  # '<' filler
            value = 0
        total += value * (7, 3, 1)[index % 3]
    return str(total % 10)


def _ok(field: str, digit: str) -> bool:
    return check_digit(field) == digit


def _td3(line1: str, line2: str) -> bool:
    composite = line2[0:10] + line2[13:20] + line2[21:43]
    optional_ok = (line2[42] == "<" and set(line2[28:42]) <= {"<"}) or _ok(line2[28:42], line2[42])
    return (
        line1.startswith("P")
        and _ok(line2[0:9], line2[9])
        and _ok(line2[13:19], line2[19])
        and _ok(line2[21:27], line2[27])
        and optional_ok
        and _ok(composite, line2[43])
    )


def _td1(line1: str, line2: str) -> bool:
    composite = line1[5:30] + line2[0:7] + line2[8:15] + line2[18:29]
    return (
        _ok(line1[5:14], line1[14])
        and _ok(line2[0:6], line2[6])
        and _ok(line2[8:14], line2[14])
        and _ok(composite, line2[29])
    )


def _old_french_card(line1: str, line2: str) -> bool:
    return (
        line1.startswith("IDFRA")
        and _ok(line2[0:12], line2[12])
        and _ok(line2[27:33], line2[33])
        and _ok(line1 + line2[0:35], line2[35])
    )


def _french_driving_licence(line: str) -> bool:
    """Card since 2013, one line of 30: `D1FRA` + number (9) + check over `D1FRA`+number +
    expiry (6) + surname (8) + a composite check over the 29 characters before it."""
    return line.startswith("D1FRA") and _ok(line[0:14], line[14]) and _ok(line[0:29], line[29])


def validate_mrz(value: str) -> Verdict:
    lines = [line.strip() for line in value.strip().splitlines()]
    lengths = tuple(len(line) for line in lines)
    if lengths == (30,) and lines[0].startswith("D1"):
        valid = _french_driving_licence(lines[0])
    elif lengths == (44, 44):
        valid = _td3(lines[0], lines[1])
    elif lengths[:2] == (30, 30) and len(lines) in (2, 3):
        valid = _td1(lines[0], lines[1])
    elif lengths == (36, 36):
        valid = _old_french_card(lines[0], lines[1])
    else:
        return INVALID
    if not valid:
        return INVALID
    if any(number in value for number in _SPECIMEN_NUMBERS):
        return Verdict(True, test_data=True, reason=N_("official specimen"))
    return Verdict(True, reason=N_("MRZ check digits valid"))
