"""The hyperscan form of a rule's pattern: its edges given back, never narrower than the rule."""

from __future__ import annotations

import pytest
import regex

from sondier import matching
from sondier.prefilter import prefilter_pattern


def test_edge_lookarounds_on_one_class_become_consumed_characters() -> None:
    pattern = r"(?<![\w@-])(?<!\d[.])(?P<value>\d{9})(?![\w%-])(?!\.\d)"
    assert prefilter_pattern(pattern) == r"(?:^|[^\w@-])(?P<value>\d{9})(?:[^\w%-]|$)"


@pytest.mark.parametrize("pattern", [
    r"(?<![\w])a|b(?![\w])",  # a top-level alternation: each edge belongs to one alternative
    r"x(?=[a-z])y",  # a lookaround inside the pattern, not at an edge
    r"(?i)(?<![a-z])x",  # the first item is not the lookbehind
])
def test_patterns_it_does_not_follow_are_left_alone(pattern: str) -> None:
    assert prefilter_pattern(pattern) == pattern


@pytest.mark.parametrize("pattern", [
    r"(?<![^a])x",  # a negated class inside: hyperscan's complement could be narrower
    r"(?<![\p{L}\p{N}])x(?![\p{L}])",  # Unicode properties
    r"(?<![\W])x",  # a negated shorthand
])
def test_edges_it_cannot_rewrite_safely_are_dropped(pattern: str) -> None:
    assert prefilter_pattern(pattern) == "x"  # as hyperscan itself would: a wider pattern


def test_wide_bounded_repeats_lose_their_bound() -> None:
    assert prefilter_pattern(r"a[^\n]{0,400}b{2,3}") == r"a[^\n]{0,}b{2,3}"


def test_positive_lookarounds_at_the_edges_are_dropped() -> None:
    assert prefilter_pattern(r"(?<=key=)(?P<value>\d+)(?=;)") == r"(?P<value>\d+)"


def test_rewritten_patterns_match_wherever_the_rules_do() -> None:
    """On every built-in rule's examples, and around them: the prefilter (read here by the
    `regex` module, as a superset check) matches every text where the rule matches."""
    from sondier.rules import load_rules

    rewritten = 0
    for rule in load_rules([]):
        if not rule.pattern:
            continue
        prefilter = prefilter_pattern(rule.pattern)
        rewritten += prefilter != rule.pattern
        flags = regex.IGNORECASE if "ignorecase" in rule.flags else 0
        real = regex.compile(rule.pattern, flags)
        approximation = regex.compile(prefilter, flags | regex.MULTILINE * ("multiline" in rule.flags))
        for example in (*rule.positive_examples, *rule.negative_examples):
            for text in (example, f"x\n{example}\n", f"é {example} ü"):
                if real.search(text):
                    assert approximation.search(text), (rule.id, text)
    assert rewritten > 200  # the rewrite reached the rules, not only a few


def test_block_path_still_finds_values_at_the_edges_of_lines_and_text() -> None:
    if matching._hyperscan() is None:
        pytest.skip("hyperscan not installed")
    from sondier.rules import load_rules

    rules = [r for r in load_rules([]) if r.id in ("fr-siren", "fr-nir", "email")]
    text = "732829320\n" + "a" * 3000 + "\nx 732829320\n" + "b" * 3000 + "\n(contact@ville-exemple.fr)"
    windowed, whole = matching.Matcher(rules), matching.Matcher(rules, line_windows=False)
    found = [(c.rule.id, c.value) for c in windowed.candidates(matching.Chunk(text, "f.txt"))]
    assert found == [(c.rule.id, c.value) for c in whole.candidates(matching.Chunk(text, "f.txt"))]
    assert found.count(("fr-siren", "732829320")) == 2 and ("email", "contact@ville-exemple.fr") in found
