"""Conventions of the built-in secret rules (rules/secrets/): every rule has the cheap keyword
prefilter, says where its format comes from, and the issue's European services are covered.
Their examples are run by test_rules_examples.py."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

SECRETS_DIR = Path(__file__).resolve().parent.parent / "rules" / "secrets"


def _rules() -> list[dict[str, object]]:
    rules: list[dict[str, object]] = []
    for path in sorted(SECRETS_DIR.glob("*.yaml")):
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
        rules.extend(loaded if isinstance(loaded, list) else [loaded])
    return rules


RULES = _rules()
IDS = [str(rule["id"]) for rule in RULES]


def test_rule_ids_are_unique_and_numerous() -> None:
    assert len(IDS) == len(set(IDS))
    assert len(IDS) >= 222  # at least the breadth of gitleaks' default configuration


@pytest.mark.parametrize("rule", RULES, ids=IDS)
def test_secret_rule_conventions(rule: dict[str, object]) -> None:
    assert rule["category"] == "secret"
    if "regex" not in rule:  # a path rule (pkcs12-file): judged by file name, examples are paths
        assert rule.get("path") and len(str(rule["description"])) > 40
        return
    keywords = rule.get("keywords")
    assert isinstance(keywords, list) and keywords, "every secret rule needs keywords (prefilter)"
    assert all(isinstance(k, str) and k == k.lower() for k in keywords)
    assert len(str(rule["description"])) > 40
    assert str(rule["regex"]).count("(?P<value>") == 1
    # \w, \d and \s are Unicode classes for hyperscan (UCP): they made compile times explode.
    regex = str(rule["regex"]).replace("\\\\", "")
    assert not any(f"\\{c}" in regex for c in "wdsS"), "use ASCII classes"
    examples = rule["examples"]
    assert isinstance(examples, dict) and examples["positive"] and examples["negative"]


@pytest.mark.parametrize(
    "rule_id",
    [
        "ovhcloud-application-key", "ovhcloud-application-secret", "ovhcloud-consumer-key",
        "scaleway-access-key", "scaleway-secret-key", "clever-cloud-token", "clever-cloud-secret",
        "outscale-access-key", "outscale-secret-key", "mistral-api-key", "huggingface-access-token",
        "sendinblue-api-token", "brevo-smtp-key", "mailjet-api-key", "algolia-api-key",
        "qonto-secret-key", "franceconnect-client-secret", "proconnect-client-secret",
        "api-entreprise-token", "api-particulier-token", "piste-client-secret",
        "private-key", "jwt", "url-credentials", "docker-config-auth", "npmrc-auth-token",
        "generic-api-key", "generic-password",
    ],
)  # fmt: skip
def test_issue_services_are_covered(rule_id: str) -> None:
    assert rule_id in IDS
