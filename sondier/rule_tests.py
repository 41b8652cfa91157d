"""Run rules' own positive and negative examples (the test suite and `sondier rules test`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sondier.chunks import Chunk, path_chunk
from sondier.detection import Detector
from sondier.i18n import N_
from sondier.rules import Rule, compile_rule, load_rules

# Outcome messages: English msgids, translated where they are printed (cli.rules_test).
FOUND = N_("found")
NOT_FOUND = N_("not found")
NO_KEYWORD = N_("not found: the example holds none of the rule's keywords (the rule runs only where one is)")


@dataclass(frozen=True)
class Outcome:
    rule_id: str
    kind: str  # positive | negative
    index: int
    passed: bool
    message: str


def check_rule(rule: Rule, detector: Detector | None = None) -> list[Outcome]:
    """Each positive example must yield a finding of the rule, each negative no finding that
    would fail a scan (a negative may still be found and given a test-data verdict)."""
    from sondier.verdict import Judge

    detector = detector or Detector([compile_rule(rule)], judge=Judge())
    outcomes: list[Outcome] = []
    for kind, examples in (("positive", rule.positive_examples), ("negative", rule.negative_examples)):
        for index, example in enumerate(examples, 1):
            # A path rule's examples are file paths; any other rule's are texts.
            chunk = path_chunk(example) if rule.path_only else Chunk(example, "example")
            found = [f for f in detector.detect(chunk).findings if f.rule_id == rule.id]
            if kind == "negative":
                found = [f for f in found if f.actionable]
            passed = bool(found) if kind == "positive" else not found
            message = FOUND if found else NOT_FOUND
            if kind == "positive" and not found and _lacks_keywords(rule, example):
                message = NO_KEYWORD
            outcomes.append(Outcome(rule.id, kind, index, passed, message))
    return outcomes


def _lacks_keywords(rule: Rule, example: str) -> bool:
    return bool(rule.keywords) and not any(k in example.lower() for k in rule.keywords)


def run_examples(paths: Sequence[Path]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for rule in load_rules(tuple(paths), include_builtin=False):
        outcomes.extend(check_rule(compile_rule(rule)))
    return outcomes
