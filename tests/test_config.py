from __future__ import annotations

from pathlib import Path

import pytest

from sondier.config import Config, load, parse_size
from sondier.errors import ConfigError


def test_defaults_without_config(tmp_path: Path) -> None:
    assert load(tmp_path) == Config(root=tmp_path)


def test_yaml_config(tmp_path: Path) -> None:
    (tmp_path / ".sondier.yml").write_text(
        "rules:\n  disable: [fr-siren]\nexclude: ['vendor/**']\nmax-file-size: 2MB\nmin-confidence: 0.7\n"
        "allowlist:\n  paths: ['docs/*.md']\n  rules:\n    email:\n      values: ['@corp\\.fr$']\n"
    )
    config = load(tmp_path)
    assert config.disable == ("fr-siren",)
    assert config.exclude == ("vendor/**",)
    assert config.max_file_size == 2 * 1024 * 1024
    assert config.min_confidence == 0.7
    assert config.allowlist.paths == ("docs/*.md",)
    assert config.allowlist.rules["email"].values == ("@corp\\.fr$",)


def test_pyproject_tool_section(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.sondier]\nexclude = ["build/**"]\njobs = 2\n')
    config = load(tmp_path)
    assert config.exclude == ("build/**",)
    assert config.jobs == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour: red\n", "unknown key 'colour'"),
        ("jobs: many\n", "jobs: expected int"),
        ("min-confidence: 3\n", "between 0 and 1"),
        ("rules:\n  enable: fr-nir\n", "rules.enable: expected list"),
        ("allowlist:\n  values: ['(']\n", "invalid regular expression"),
        ("max-file-size: big\n", "expected a size"),
        ("exclude: [\n", "invalid YAML"),
    ],
)
def test_errors_name_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / ".sondier.yml").write_text(text)
    with pytest.raises(ConfigError) as info:
        load(tmp_path)
    assert ".sondier.yml" in str(info.value)
    assert message in str(info.value)


def test_parse_size() -> None:
    assert parse_size("10MB", "x") == 10 * 1024 * 1024
    assert parse_size("512k", "x") == 512 * 1024
    assert parse_size(100, "x") == 100


def test_verdict_lists_extend_from_the_configuration(tmp_path: Path) -> None:
    (tmp_path / ".sondier.yml").write_text(
        "verdicts:\n  public-domains: [mairie-exemple.fr]\n  role_local_parts: [guichet]\n"
        "  disposable-domains: [jetable.example]\n  business-as-personal: true\n")
    settings = load(tmp_path).verdicts
    assert settings.public_domains == ("mairie-exemple.fr",) and settings.role_local_parts == ("guichet",)
    assert settings.disposable_domains == ("jetable.example",) and settings.business_as_personal is True


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("verdicts: [gouv.fr]\n", "verdicts: expected dict"),
        ("verdicts:\n  public-domain: [x.fr]\n", "unknown key 'public-domain'"),
        ("verdicts:\n  role-local-parts: guichet\n", "verdicts.role-local-parts: expected list"),
        ("verdicts:\n  public-domains: ['']\n", "empty entries are not allowed"),
        ("verdicts:\n  business-as-personal: 'yes'\n", "business-as-personal: expected bool"),
    ],
)
def test_verdict_settings_errors(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / ".sondier.yml").write_text(text)
    with pytest.raises(ConfigError, match=message):
        load(tmp_path)


def test_bad_verdict_settings_exit_2(tmp_path: Path) -> None:
    from conftest import run_sondier

    (tmp_path / ".sondier.yml").write_text("verdicts:\n  public-domain: [x.fr]\n")
    result = run_sondier(["scan", str(tmp_path)])
    assert result.returncode == 2 and "unknown key 'public-domain'" in result.stderr
