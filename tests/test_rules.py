from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sondier.errors import ConfigError, RuleError
from sondier.rules import compile_rule, fold, load_file, load_rules, parse_rule, select

VALID = {
    "id": "demo-token",
    "name": "Demo token",
    "category": "secret",
    "severity": "high",
    "description": "A demo token.",
    "remediation": "Rotate it.",
    "regex": r"\bdemo_(?P<value>[a-z0-9]{16})\b",
    "keywords": ["demo_"],
    "examples": {"positive": ["demo_abcdefgh12345678"], "negative": ["demo_short"]},
}


def test_valid_rule_parses_and_compiles() -> None:
    rule = compile_rule(parse_rule(dict(VALID), "x.yaml"))
    assert rule.id == "demo-token"
    assert rule.keywords == ("demo_",)
    assert rule.boundary is False  # secrets default to no boundary requirement
    assert rule.compiled.search("demo_abcdefgh12345678").group("value") == "abcdefgh12345678"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"colour": "red"}, "colour", "unknown field"),
        ({"id": "Bad_Id"}, "id", "kebab-case"),
        ({"category": "other"}, "category", "must be one of"),
        ({"severity": "urgent"}, "severity", "must be one of"),
        ({"keywords": "demo"}, "keywords", "expected list"),
        ({"validator": "nope"}, "validator", "unknown validator"),
        ({"confidence": {"base": 2}}, "confidence.base", "between 0 and 1"),
        ({"context": {"window": "wide"}}, "context.window", "expected int"),
        ({"examples": {"positive": []}}, "examples.positive", "at least one"),
        ({"regex": None}, "regex", "required"),
        ({"context": {"words": ["nir", " "]}}, "context.words", "empty context word"),
        ({"refines": ["demo-token"]}, "refines", "ids of other rules"),
        ({"refines": ["Fr NIR"]}, "refines", "ids of other rules"),
    ],
)
def test_invalid_fields_name_file_rule_and_field(change: dict, field: str, message: str) -> None:
    data = {**VALID, **change}
    with pytest.raises(RuleError) as info:
        parse_rule(data, "rules/demo.yaml")
    text = str(info.value)
    assert "rules/demo.yaml" in text
    assert f"field '{field}'" in text
    assert message in text


def test_regex_without_value_group_is_rejected() -> None:
    rule = parse_rule({**VALID, "regex": "demo_[a-z]{16}"}, "r.yaml")
    with pytest.raises(RuleError, match="named group"):
        compile_rule(rule)


def test_invalid_regex_is_rejected_with_rule_id() -> None:
    rule = parse_rule({**VALID, "regex": "(?P<value>[a-z"}, "r.yaml")
    with pytest.raises(RuleError, match=r"rule 'demo-token'.*invalid regular expression"):
        compile_rule(rule)


def test_invalid_yaml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: [unclosed\n")
    with pytest.raises(RuleError, match=r"broken\.yaml.*invalid YAML"):
        load_file(path)


def test_duplicate_ids_across_files(tmp_path: Path) -> None:
    import yaml

    (tmp_path / "a.yaml").write_text(yaml.safe_dump(VALID))
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(VALID))
    with pytest.raises(RuleError, match="duplicate rule id"):
        load_rules([tmp_path], include_builtin=False)


def test_file_may_hold_a_family(tmp_path: Path) -> None:
    import yaml

    second = {**VALID, "id": "demo-token-2"}
    (tmp_path / "family.yaml").write_text(yaml.safe_dump([VALID, second]))
    assert [r.id for r in load_rules([tmp_path], include_builtin=False)] == ["demo-token", "demo-token-2"]


def test_builtin_rules_load_and_ids_are_unique() -> None:
    rules = load_rules()
    ids = [r.id for r in rules]
    assert len(ids) == len(set(ids))
    assert "email" in ids


def test_select_by_id_category_and_glob() -> None:
    rules = [parse_rule({**VALID, "id": i, "category": c}, "x") for i, c in
             [("fr-nir", "pii"), ("fr-phone", "pii"), ("aws-key", "secret")]]
    assert [r.id for r in select(rules, enable=["pii"])] == ["fr-nir", "fr-phone"]
    assert [r.id for r in select(rules, disable=["fr-*"])] == ["aws-key"]
    with pytest.raises(ConfigError, match="unknown rule id"):
        select(rules, enable=["no-such-rule"])


def test_fold_removes_accents_and_case() -> None:
    assert fold("Téléphone Numéro") == "telephone numero"


def _reference_fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


@pytest.mark.parametrize("text", [
    "Téléphone", "ŒUVRE cœur", "ﬁchier ²", "Ångström e\u0301", "ΣΊΣΥΦΟΣ", "한국어", "İstanbul", "n° d’identité",
    "e\u0301\u0327 a\u0327\u0301",  # combining marks in either order
])
def test_fold_by_character_table_equals_the_whole_text_decomposition(text: str) -> None:
    assert fold(text) == _reference_fold(text)


@given(st.text(max_size=60))
@settings(max_examples=400, deadline=None)
def test_fold_equals_the_reference_on_any_text(text: str) -> None:
    assert fold(text) == _reference_fold(text)


def test_context_words_are_compiled_when_first_read() -> None:
    import regex

    rule = compile_rule(parse_rule({**VALID, "context": {"words": ["jeton", "token demo"]}}, "x.yaml"))
    assert rule.compiled is not None
    assert rule.context_regex._compiled is None  # the rule's own regex only: context words wait
    found = rule.context_regex.search("le jeton: demo_abcdefgh12345678")
    assert found is not None and found.group(0) == "jeton"
    assert rule.context_regex.search("jetons") is None  # whole words, as before
    assert isinstance(rule.context_regex.compiled, regex.Pattern)
    assert compile_rule(parse_rule(dict(VALID), "x.yaml")).context_regex is None  # no words, no pattern
