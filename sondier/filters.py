"""Test-data signals: documented example values, placeholders, low-entropy strings.

A personal-data candidate that looks like test data keeps its confidence and gets the
`test-data` verdict (sondier/verdict.py): counted and listed apart, never failing. A secret
that looks like test data is kept with a very low confidence (hidden by default, visible with
--min-confidence 0). Nothing disappears silently."""

from __future__ import annotations

import math
from collections import Counter
from itertools import pairwise

from sondier.i18n import N_
from sondier.rules import Rule, compact

TEST_DATA_CONFIDENCE = 0.1


def shannon_entropy(value: str) -> float:
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def is_placeholder_number(digits: str) -> bool:
    """Repeated or sequential digits (`0600000000`, `0102030405`, `123456789`)."""
    if len(digits) < 6 or not digits.isdigit():
        return False
    body = digits[2:] if len(digits) >= 10 else digits
    if len(set(body)) <= 1:
        return True
    if len(set(body)) == 2 and Counter(body).most_common(1)[0][1] >= len(body) - 1:
        return True
    steps = {(int(b) - int(a)) % 10 for a, b in pairwise(body)}
    if len(steps) == 1 and steps <= {1, 9}:
        return True
    # 0102030405-style: pairs counting up
    pairs = [digits[i : i + 2] for i in range(0, len(digits) - 1, 2)]
    if len(pairs) >= 4 and all(p.isdigit() for p in pairs):
        numbers = [int(p) for p in pairs]
        if all(b - a == 1 for a, b in pairwise(numbers)):
            return True
    return False


def test_data_reason(rule: Rule, value: str) -> str | None:
    """Why this value is test data according to the rule's own lists, or None."""
    normalized = compact(value)
    if normalized in rule.testdata_values:
        return N_("documented example value")
    for pattern in rule.testdata_regexes:
        if pattern.fullmatch(value) or pattern.fullmatch(normalized):
            return N_("test-data pattern")
    lowered = value.lower()
    for word in rule.testdata_words:
        if word in lowered:
            return N_("placeholder word")
    if rule.category == "pii":
        digits = "".join(ch for ch in normalized if ch.isdigit())
        if digits == normalized.lstrip("+") and is_placeholder_number(digits):
            return N_("placeholder digits")
    return None
