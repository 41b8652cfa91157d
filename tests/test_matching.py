from __future__ import annotations

import itertools

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
    # Long lines, narrowed around hyperscan's match ends: minified-looking code, examples glued
    # to each other (matches that touch or overlap) and after multi-byte characters.
    texts.extend(";".join(text.splitlines()) for text in texts[:40])
    texts.append("".join(examples))
    texts.append("é".join(examples) + "—")
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


def test_long_lines_are_searched_only_around_possible_match_ends() -> None:
    if matching._hyperscan() is None:
        pytest.skip("hyperscan not installed")
    filler = "var a=b.c(d),e=f[g]+h;" * 2000  # a minified file's one line, 44 KB
    text = f"{filler}x=732829320;{filler}é y=123456782;{filler}"
    matcher = Matcher([DIGITS])
    [runs] = matcher._block_windows(text, text.encode()).values()
    assert sum(end - start for start, end, _ in runs) < 100  # two short windows, not 130 KB
    assert values(matcher, text) == values(Matcher([DIGITS], line_windows=False), text)
    assert [v for _, v in values(matcher, text)] == ["732829320", "123456782"]


def test_max_match_width() -> None:
    from sondier.line_local import max_match_width

    assert max_match_width(r"(?<![\d])(?P<value>\d{9})(?!\d)") == 9  # lookarounds consume nothing
    assert max_match_width(r"a{0,30}?(?:bc|d)") == 32
    assert max_match_width(r"a+") is None  # unbounded: the long line is searched whole
    assert max_match_width(r"\p{L}{3}") is None  # `regex` syntax the standard parser cannot read


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


def test_keywords_are_required_on_every_engine(engine: str) -> None:
    # The value's shape alone would match; the rule runs only where a keyword appears
    # (docs/rule-format.md), with hyperscan as without it.
    rule = make_rule("bot", r"(?P<value>M[A-Za-z0-9]{20})", category="secret", keywords=["discord"])
    value = "MabcdefghijKLMNOPQRST1"[:21]
    assert values(Matcher([rule]), f"token = {value}") == []
    assert values(Matcher([rule]), f"discord_token = {value}") == [("bot", value)]


def test_lookahead_keyword_rules_run_only_where_their_keyword_is() -> None:
    if matching._hyperscan() is None:
        pytest.skip("hyperscan not installed")
    # Hyperscan's prefilter form drops lookaheads: `(?=...oid)` alone says "may match anywhere".
    # fr-ins' shape: the OID before the value (`[^0-9]` may hold a newline: whole-text path) or
    # after it, in a lookahead.
    rule = make_rule("oid-digits", r"(?:1\.2\.250[^0-9]{0,20}|(?=\d{6}[^\n]{0,20}1\.2\.250))(?P<value>\d{6})",
                     keywords=["1.2.250"])
    matcher = Matcher([rule])
    assert matcher._whole == [0] and matcher._prefilter is not None and matcher._prefilter.indices == [0]
    assert matcher._prefilter.present(b"123456 and nothing else") == {0}  # hyperscan alone would run it
    assert matcher._rules_present("123456 and nothing else", b"123456 and nothing else") == []
    assert values(matcher, "123456 oid 1.2.250") == [("oid-digits", "123456")]


def test_block_bounds_cover_the_text_in_whole_lines() -> None:
    line = "x" * 100 + "\n"
    text = line * 50 + "no final newline"
    bounds = matching._block_bounds(text)
    assert bounds[0][0] == 0 and bounds[-1][1] == len(text)
    assert all(a[1] == b[0] for a, b in itertools.pairwise(bounds))  # consecutive, no gap
    assert all(text[end - 1] == "\n" for _, end in bounds[:-1])  # each cut after a newline
    assert all(end - start >= matching.BLOCK_CHARS for start, end in bounds[:-1])
    assert matching._block_bounds("") == []
    one_long_line = "y" * (3 * matching.BLOCK_CHARS)
    assert matching._block_bounds(one_long_line) == [(0, len(one_long_line))]


def test_block_windows_find_matches_on_every_side_of_a_block_edge() -> None:
    if matching._hyperscan() is None:
        pytest.skip("hyperscan not installed")
    filler = ("filler text without numbers " * 3 + "\n") * 200  # many blocks
    values_at = ["732829320", "123456782", "987654321"]
    # Values on the first line of a block, its last line, the text's last line without newline,
    # and after multi-byte characters (byte and character offsets differ).
    text = f"{values_at[0]}\n{filler}é {values_at[1]}\n{filler}ü{filler}— {values_at[2]}"
    windowed, whole = Matcher([DIGITS]), Matcher([DIGITS], line_windows=False)
    assert windowed._windowed
    assert values(windowed, text) == values(whole, text) == [("nine-digits", v) for v in values_at]


def test_context_tokens_are_found_even_when_they_overlap() -> None:
    finder = matching._TokenFinder(matching._hyperscan(), {b"immat", b"matri", b"cni"})
    assert finder.present(b"numero immatriculation") == {b"immat", b"matri"}
    assert finder.present(b"nothing") == frozenset()
    plain = matching._TokenFinder(None, {b"immat", b"matri", b"cni"})
    assert plain.present(b"numero immatriculation cnie") == {b"immat", b"matri", b"cni"}


def test_context_gate_needs_every_run_of_a_context_word() -> None:
    from sondier.rules import load_rules

    [cnie] = [r for r in load_rules([]) if r.id == "fr-cnie"]
    matcher = Matcher([cnie])
    value = "X4RTBPFW4"

    def gated(text: str) -> list[str]:
        return [c.value for c in matcher.candidates(Chunk(text, "notes.txt"), context_gate=True)]

    # `card` and `national` alone are runs of `identity card` and `carte nationale d'identité`,
    # not the words: code says them everywhere.
    assert gated(f"card = {value}  # national") == []
    assert gated(f"carte nationale d'identité : {value}") == [value]
    assert gated(f"identityCard: {value}") == [value]  # a key spelt as one word holds both runs
