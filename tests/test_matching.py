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


# --- line windows: the exact regex only on the lines where hyperscan saw a rule end -------------


def _all_candidates(matcher: Matcher, text: str) -> list[tuple[str, str, int, int, int, int]]:
    chunk = Chunk(text=text, path="sample.txt")
    return [(c.rule.id, c.value, c.start, c.end, c.match_start, c.match_end) for c in matcher.candidates(chunk)]


def _sample_texts() -> list[str]:
    """Real code (the interpreter's own standard library) and every rule's examples, ASCII and not."""
    import sysconfig
    from pathlib import Path

    from sondier.rules import load_rules

    stdlib = sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))[:120]
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in stdlib]
    examples = [e for r in load_rules([]) for e in (*r.positive_examples, *r.negative_examples)]
    texts.append("\n".join(examples))
    texts.append("\n".join(f"é{e}ü — {e}" for e in examples))  # multi-byte characters: byte and char offsets differ
    texts.append("  ".join(examples))  # one long line
    return texts


def test_line_windows_find_exactly_what_whole_text_search_finds() -> None:
    if matching._hyperscan() is None:
        pytest.skip("hyperscan not installed")
    from sondier.rules import load_rules

    rules = load_rules([])
    windowed = Matcher(rules)
    whole = Matcher(rules, line_windows=False)
    assert windowed._windowed, "no rule took the line-window path"
    found = 0
    for text in _sample_texts():
        expected = _all_candidates(whole, text)
        assert _all_candidates(windowed, text) == expected
        found += len(expected)
    assert found > 1000  # the comparison saw real matches, not only empty lists


def test_line_local_analysis() -> None:
    from sondier.line_local import lookahead_margin

    assert lookahead_margin(r"(?P<value>\d{9})") == 0
    assert lookahead_margin(r"(?<![\w])(?P<value>[A-Z]{2}-\d{3})(?=[^\n]{0,40}x)") == 41  # 40 + "x"
    assert lookahead_margin(r"a\sb") is None  # \s holds a newline
    assert lookahead_margin(r"a[^x]b") is None
    assert lookahead_margin(r"(?s:.)") is None
    assert lookahead_margin(r"a.b", ("dotall",)) is None
    assert lookahead_margin(r"a.b") == 0
    assert lookahead_margin(r"\p{L}+") is None  # `regex` syntax: not analysed, whole-text path
    assert lookahead_margin(r"(a)\1") is None


def test_context_gate_keeps_every_example_and_drops_rules_without_their_words() -> None:
    from sondier.rules import load_rules

    rules = [r for r in load_rules([]) if r.context_required]
    assert rules
    matcher = Matcher(rules)
    for rule in rules:
        for example in rule.positive_examples:
            chunk = Chunk(text=example, path="sample.txt")
            # The example's own rule keeps its candidates (another rule's, without its words, may go).
            gated = [c.value for c in matcher.candidates(chunk, context_gate=True) if c.rule.id == rule.id]
            assert gated == [c.value for c in matcher.candidates(chunk) if c.rule.id == rule.id], (rule.id, example)
    # The words may sit in a CSV header carried beside the chunk, or in a key spelt another way.
    header_chunk = Chunk(text="AB123456C\n", path="x.csv", start_line=2, header="Numero_CNIe")
    bare_chunk = Chunk(text="AB123456C\n", path="x.csv")
    ids_with_header = {c.rule.id for c in matcher.candidates(header_chunk, context_gate=True)}
    ids_bare = {c.rule.id for c in matcher.candidates(bare_chunk, context_gate=True)}
    assert ids_bare < {c.rule.id for c in matcher.candidates(bare_chunk)}
    assert ids_with_header > ids_bare
