"""Every built-in rule's own positive and negative examples (the rule files are the spec)."""

from __future__ import annotations

import pytest

from sondier.rule_tests import check_rule
from sondier.rules import compile_rule, load_rules

RULES = load_rules()


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_examples(rule) -> None:  # type: ignore[no-untyped-def]
    outcomes = check_rule(compile_rule(rule))
    failures = [f"{o.kind} #{o.index}: {o.message}" for o in outcomes if not o.passed]
    assert outcomes, "a rule needs examples"
    assert not failures, failures
