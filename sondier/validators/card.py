"""Payment card numbers (PAN): Luhn via stdnum.luhn, plus an issuer (IIN) prefix and a length
that the issuer uses. stdnum has no card-brand table, so the short one below is hand-written
from the public IIN ranges of the schemes seen in France (CB cards are co-branded Visa or
Mastercard). Stripe and Braintree test cards are test data (french-pii.md §4)."""

from __future__ import annotations

import re

from stdnum import luhn

from sondier.i18n import N_
from sondier.validators import INVALID, Verdict

_SEPARATORS = re.compile(r"[\s\-\u00a0\u202f]")

# (first, last) prefix range of equal width, allowed lengths.
_IIN_RANGES: tuple[tuple[str, str, frozenset[int]], ...] = (
    ("4", "4", frozenset({13, 16, 19})),  # Visa (and CB co-branded)
    ("51", "55", frozenset({16})),  # Mastercard
    ("2221", "2720", frozenset({16})),  # Mastercard 2-series
    ("34", "34", frozenset({15})),  # American Express
    ("37", "37", frozenset({15})),
    ("6011", "6011", frozenset(range(16, 20))),  # Discover
    ("644", "649", frozenset(range(16, 20))),
    ("65", "65", frozenset(range(16, 20))),
    ("3528", "3589", frozenset(range(16, 20))),  # JCB
    ("300", "305", frozenset(range(14, 20))),  # Diners Club
    ("36", "36", frozenset(range(14, 20))),
    ("38", "39", frozenset(range(14, 20))),
    ("62", "62", frozenset(range(16, 20))),  # UnionPay
    ("50", "50", frozenset(range(12, 20))),  # Maestro
    ("56", "58", frozenset(range(12, 20))),
    ("67", "67", frozenset(range(12, 20))),
)

# Published test numbers (Stripe, Braintree, Adyen docs); any other number in these exact
# values is documentation.
TEST_CARDS = frozenset(
    {
        "4242424242424242",
        "4000056655665556",
        "5555555555554444",
        "2223003122003222",
        "5105105105105100",
        "378282246310005",
        "371449635398431",
        "6011111111111117",
        "4111111111111111",
        "4000002500001001",
        "5555552500001001",
        "4012888888881881",
        "5200828282828210",
        "6011000990139424",
        "3056930009020004",
        "36227206271667",
        "3566002020360505",
        "6200000000000005",
        "4000000000000002",
        "4000000000009995",
        "4000000000000077",
        "4000000000003220",
        "378734493671000",
        "4917610000000000",
    }
)


def normalize(value: str) -> str:
    return _SEPARATORS.sub("", value)


def issuer_ok(number: str) -> bool:
    for first, last, lengths in _IIN_RANGES:
        prefix = number[: len(first)]
        if first <= prefix <= last and len(number) in lengths:
            return True
    return False


def validate(value: str) -> Verdict:
    number = normalize(value)
    if not number.isdigit() or not 12 <= len(number) <= 19:
        return INVALID
    # ISO/IEC 7812 major industry identifier: 2 to 6 are the card schemes' (1 airlines, 7 petroleum,
    # 8 telecoms, 9 national use); a Luhn check alone is true of one number in ten.
    if number[0] not in "23456" or not luhn.is_valid(number):
        return INVALID
    if number in TEST_CARDS or len(set(number[1:-1])) <= 2:
        return Verdict(True, test_data=True, reason=N_("published test card number"))
    if not issuer_ok(number):
        # Issuers and co-badged schemes outside the short table above exist: with a card
        # context word (`carte`, `cb`, `pan`, a `numero_carte` column) a Luhn-valid number counts.
        return Verdict(True, weak=True, reason=N_("Luhn valid, issuer range unknown"))
    # Long digit runs are common in numeric test data and hashes: a compact number needs a
    # context word (column `card_number`, "CB", ...); the printed grouping stands alone.
    compact = number == value
    return Verdict(True, weak=compact, reason=N_("Luhn valid, known issuer prefix"))
