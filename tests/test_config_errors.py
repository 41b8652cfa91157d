"""Broken configuration and rule files: each is a clear error naming the file (and the key or
rule), exit 2, never a traceback and never a scan that silently runs without it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_sondier

RULE = """\
id: {id}
name: Custom
category: secret
severity: high
description: d
remediation: r
regex: '{regex}'
examples:
  positive: ['{example}']
"""


def good_rule(rule_id: str = "my-token", regex: str = r"(?P<value>tok_[a-z0-9]{{8}})") -> str:
    return RULE.format(id=rule_id, regex=regex, example="tok_abcdefgh")


def assert_config_error(proc: object, *needles: str) -> None:
    assert proc.returncode == 2, (proc.returncode, proc.stdout, proc.stderr)  # type: ignore[attr-defined]
    err: str = proc.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in err and "internal error" not in err, err
    assert err.startswith("sondier: error:") or "Error:" in err, err
    for needle in needles:
        assert needle in err, (needle, err)


YAML_CASES = [
    pytest.param("exclude: [unclosed\n", ("invalid YAML",), id="malformed-yaml"),
    pytest.param("exclude: 'a'\n  bad-indent: 1\n", (".sondier.yml",), id="bad-indent"),
    pytest.param("- just\n- a list\n", ("expected dict",), id="not-a-mapping"),
    pytest.param("exclud: [x]\n", ("unknown key 'exclud'",), id="unknown-key"),
    pytest.param("rules:\n  enabel: [email]\n", ("unknown key 'enabel'",), id="unknown-nested-key"),
    pytest.param("jobs: many\n", ("jobs",), id="jobs-string"),
    pytest.param("jobs: 1000000000\n", ("jobs",), id="jobs-fork-bomb"),
    pytest.param("jobs: true\n", ("jobs",), id="jobs-bool"),
    pytest.param("min-confidence: 3\n", ("min-confidence",), id="confidence-range"),
    pytest.param("min-confidence: .nan\n", ("min-confidence",), id="confidence-nan"),
    pytest.param("regex-timeout: .nan\n", ("regex-timeout",), id="timeout-nan"),
    pytest.param("regex-timeout: -1\n", ("regex-timeout",), id="timeout-negative"),
    pytest.param("regex-timeout: 0\n", ("regex-timeout",), id="timeout-zero"),
    pytest.param("regex-timeout: .inf\n", ("regex-timeout",), id="timeout-inf"),
    pytest.param("max-file-size: '" + "9" * 400 + "MB'\n", ("max-file-size",), id="size-overflow-str"),
    pytest.param("max-file-size: ten megs\n", ("max-file-size",), id="size-garbage"),
    pytest.param("exclude: 2001-13-45\n", ("invalid YAML",), id="impossible-date"),
    pytest.param("exclude: " + "[" * 3000 + "]" * 3000 + "\n", ("invalid YAML",), id="deep-nesting"),
    pytest.param("exclude: 'not-a-list'\n", ("exclude",), id="wrong-type"),
    pytest.param("exclude: [1, 2]\n", ("exclude",), id="wrong-item-type"),
    pytest.param("allowlist:\n  values: ['(unclosed']\n", ("allowlist.values", "invalid regular expression"),
                 id="allowlist-bad-regex"),
    pytest.param("allowlist:\n  values: ['" + "(" * 2000 + "a" + ")" * 2000 + "']\n", ("allowlist.values",),
                 id="allowlist-deep-regex"),
    pytest.param("allowlist:\n  rules:\n    email: 3\n", ("allowlist.rules.email",), id="allowlist-rule-type"),
    pytest.param("rules:\n  enable: [no-such-rule]\n", ("no-such-rule",), id="unknown-rule-id"),
    pytest.param("follow-symlinks: 'yes'\n", ("follow-symlinks",), id="bool-as-string"),
]


@pytest.mark.parametrize(("content", "needles"), YAML_CASES)
def test_bad_sondier_yml(tmp_path: Path, content: str, needles: tuple[str, ...]) -> None:
    (tmp_path / ".sondier.yml").write_text(content)
    (tmp_path / "a.txt").write_text("rien\n")
    assert_config_error(run_sondier(["scan", "."], cwd=tmp_path), *needles)


def test_config_that_is_not_utf8(tmp_path: Path) -> None:
    (tmp_path / ".sondier.yml").write_bytes(b"exclude: ['\xff\xfe']\n")
    assert_config_error(run_sondier(["scan", "."], cwd=tmp_path), ".sondier.yml")


TOML_CASES = [
    pytest.param("[tool.sondier\nexclude = 1\n", ("pyproject.toml", "invalid TOML"), id="malformed"),
    pytest.param("tool = 1\n", ("pyproject.toml",), id="tool-not-a-table"),
    pytest.param("[tool]\nsondier = 'x'\n", ("pyproject.toml",), id="sondier-not-a-table"),
    pytest.param("[tool.sondier]\nexclude = 'x'\n", ("pyproject.toml", "exclude"), id="wrong-type"),
    pytest.param("[tool.sondier]\nunknown = 1\n", ("pyproject.toml", "unknown key"), id="unknown-key"),
]


@pytest.mark.parametrize(("content", "needles"), TOML_CASES)
def test_bad_pyproject(tmp_path: Path, content: str, needles: tuple[str, ...]) -> None:
    (tmp_path / "pyproject.toml").write_text(content)
    assert_config_error(run_sondier(["scan", "."], cwd=tmp_path), *needles)


def test_explicit_config_errors(tmp_path: Path) -> None:
    assert_config_error(run_sondier(["scan", ".", "--config", "missing.yml"], cwd=tmp_path), "missing.yml")
    (tmp_path / "c.yml").write_text("exclude: {")
    assert_config_error(run_sondier(["scan", ".", "--config", "c.yml"], cwd=tmp_path), "c.yml")


@pytest.mark.parametrize(
    ("flag", "value"),
    [("--max-file-size", "9" * 400), ("--max-file-size", "lots"), ("--min-confidence", "2"),
     ("--report", "nonsense"), ("--rule", "no-such-rule")],
)
def test_bad_command_line_values(tmp_path: Path, flag: str, value: str) -> None:
    proc = run_sondier(["scan", ".", flag, value], cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr


RULE_CASES = [
    pytest.param("id: [unclosed\n", ("invalid YAML",), id="malformed-yaml"),
    pytest.param(good_rule().replace("category: secret", "category: secrets"), ("my-token", "category"),
                 id="bad-category"),
    pytest.param(good_rule().replace("severity: high", "severity: 3"), ("my-token", "severity"), id="wrong-type"),
    pytest.param(good_rule() + "colour: red\n", ("my-token", "colour", "unknown field"), id="unknown-field"),
    pytest.param(good_rule().replace("name: Custom\n", ""), ("my-token", "name", "required"), id="missing-field"),
    pytest.param(good_rule(regex=r"(?P<value>tok_[a-z"), ("my-token", "regex", "invalid regular expression"),
                 id="invalid-regex"),
    pytest.param(good_rule(regex=r"tok_[a-z]{{8}}"), ("my-token", "regex", "value"), id="no-value-group"),
    pytest.param(good_rule(regex=r"(?P<value>a{{99999999999}})"), ("my-token", "regex"), id="huge-repeat"),
    pytest.param(good_rule(regex=r"(?P<value>(a+)+b)"), ("my-token", "regex", "nested"), id="nested-quantifier"),
    pytest.param(good_rule(regex=r"(?P<value>(\w+\s?)+$)"), ("my-token", "regex", "nested"), id="nested-words"),
    pytest.param(good_rule("My_Token"), ("My_Token", "kebab-case"), id="bad-id"),
    pytest.param(good_rule() + "validator: no-such-validator\n", ("my-token", "validator"), id="bad-validator"),
    pytest.param(good_rule() + "flags: [verbose]\n", ("my-token", "flags"), id="bad-flag"),
    pytest.param(good_rule() + "confidence: {base: 2}\n", ("my-token", "confidence.base"), id="confidence-range"),
    pytest.param(good_rule() + "testdata: {patterns: ['(']}\n", ("my-token", "testdata.patterns"),
                 id="bad-testdata-regex"),
    pytest.param(good_rule().replace("description: d", "description: 2001-13-45"), ("invalid YAML",),
                 id="impossible-date"),
    pytest.param("", ("empty",), id="empty-file"),
    pytest.param("- 1\n- 2\n", ("mapping",), id="list-of-ints"),
]


@pytest.mark.parametrize(("content", "needles"), RULE_CASES)
def test_bad_rule_files(tmp_path: Path, content: str, needles: tuple[str, ...]) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "custom.yaml").write_text(content)
    for command in (["scan", ".", "--rules", "rules"], ["rules", "list", "--rules", "rules"]):
        proc = run_sondier(command, cwd=tmp_path)
        assert_config_error(proc, "custom.yaml", *needles)


def test_duplicate_rule_ids_name_both_files(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "one.yaml").write_text(good_rule())
    (rules / "two.yaml").write_text(good_rule())
    proc = run_sondier(["scan", ".", "--rules", "rules"], cwd=tmp_path)
    assert_config_error(proc, "one.yaml", "two.yaml", "my-token", "duplicate")


def test_duplicate_of_a_builtin_rule_id(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text(good_rule("email"))
    assert_config_error(run_sondier(["scan", ".", "--rules", "mine.yaml"], cwd=tmp_path), "email", "duplicate")


def test_rule_extra_folder_from_config_that_does_not_exist(tmp_path: Path) -> None:
    (tmp_path / ".sondier.yml").write_text("rules:\n  extra: [nowhere]\n")
    assert_config_error(run_sondier(["scan", "."], cwd=tmp_path), "nowhere")
