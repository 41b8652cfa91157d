from __future__ import annotations

import pytest

from sondier import matching
from sondier.chunks import Chunk
from sondier.matching import Matcher, has_boundaries
from sondier.rules import compile_rule, parse_rule


def make_rule(rule_id: str, regex: str, category: str = "pii", keywords: list[str] | None = None):  # type: ignore[no-untyped-def]
    data = {
        "id": rule_id, "name": rule_id, "category": category, "severity": "high", "description": "d",
        "remediation": "r", "regex": regex, "examples": {"positive": ["x"]},
    }
    if keywords:
        data["keywords"] = keywords
    return compile_rule(parse_rule(data, "test.yaml"))


DIGITS = make_rule("nine-digits", r"(?P<value>\d{9})")
TOKEN = make_rule("tok", r"tok_(?P<value>[a-z]{8})", category="secret", keywords=["tok_"])


@pytest.fixture(params=["hyperscan", "fallback"])
def engine(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "fallback":
        monkeypatch.setenv("SONDIER_NO_HYPERSCAN", "1")
    elif matching._hyperscan() is None:
        pytest.skip("hyperscan not installed")
    return str(request.param)


def values(matcher: Matcher, text: str, **chunk_args: object) -> list[tuple[str, str]]:
    return [(c.rule.id, c.value) for c in matcher.candidates(Chunk(text, "f", **chunk_args))]


def test_both_engines_find_the_same_candidates(engine: str) -> None:
    matcher = Matcher([DIGITS, TOKEN])
    assert matcher.uses_hyperscan == (engine == "hyperscan")
    text = "id 732829320 and tok_abcdefgh; hash a732829320b; 12345678"
    assert sorted(values(matcher, text)) == [("nine-digits", "732829320"), ("tok", "abcdefgh")]


def test_rules_absent_from_text_yield_nothing(engine: str) -> None:
    assert values(Matcher([TOKEN]), "nothing to see here") == []


def test_pii_values_need_non_alphanumeric_boundaries() -> None:
    text = "x 123456789 y deadbeef123456789cafe 123456789a"
    assert values(Matcher([DIGITS]), text) == [("nine-digits", "123456789")]


def test_has_boundaries() -> None:
    assert has_boundaries("a 12 b", 2, 4)
    assert not has_boundaries("a12 b", 1, 3)
    assert has_boundaries("12", 0, 2)
    assert not has_boundaries("é12", 1, 3)


def test_only_owned_range_is_reported() -> None:
    text = "123456789 111111111 222222222"
    got = values(Matcher([DIGITS]), text, owned_start=5, owned_end=20)
    assert got == [("nine-digits", "111111111")]


def test_catastrophic_regex_times_out_instead_of_hanging(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without the prefilter (which would rule the pattern out on this text) the regex runs.
    monkeypatch.setenv("SONDIER_NO_HYPERSCAN", "1")
    slow = make_rule("slow", r"(?P<value>(a|aa)+$)", category="secret")
    matcher = Matcher([slow], regex_timeout=0.2)
    assert values(matcher, "a" * 40 + "!") == []
    assert [t.rule.id for t in matcher.timeouts] == ["slow"]
