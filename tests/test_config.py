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
