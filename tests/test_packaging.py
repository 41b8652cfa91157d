"""One version, everywhere it is named: the package, `sondier --version`, and the CI faces
(GitLab template and component, pre-commit hook example, README recipes) install the release
they are tagged with."""

from __future__ import annotations

import re

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]
from pathlib import Path

import yaml

from sondier import __version__
from sondier.grade import METHOD, METHOD_DATE
from tests.conftest import REPO_ROOT, run_sondier


def test_version_is_declared_once() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "sondier.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)


def test_version_command_names_package_and_rules() -> None:
    done = run_sondier(["--version"])
    assert done.returncode == 0
    lines = done.stdout.splitlines()
    assert lines[0] == f"sondier {__version__}"
    assert re.fullmatch(r"rules: \d+ built-in, digest [0-9a-f]{12}", lines[1])
    assert lines[2] == f"grade method: {METHOD} ({METHOD_DATE})"


def test_gitlab_template_and_component_install_their_own_version() -> None:
    template = yaml.safe_load((REPO_ROOT / ".gitlab-ci-template.yml").read_text(encoding="utf-8"))
    assert template["variables"]["SONDIER_VERSION"] == __version__
    spec = next(yaml.safe_load_all((REPO_ROOT / "templates" / "sondier.yml").read_text(encoding="utf-8")))
    assert spec["spec"]["inputs"]["version"]["default"] == __version__


def test_docs_and_hook_examples_name_the_current_release() -> None:
    for name in ("README.md", ".pre-commit-hooks.yaml", ".gitlab-ci-template.yml"):
        text = (REPO_ROOT / name).read_text(encoding="utf-8")
        named = set(re.findall(r"(?:rev: v|ref: v|@|/raw/v)(\d+\.\d+\.\d+)", text))
        assert named <= {__version__}, f"{name} names {sorted(named)}, the package is {__version__}"


def test_action_installs_its_own_ref_by_default() -> None:
    action = yaml.safe_load((REPO_ROOT / "action.yml").read_text(encoding="utf-8"))
    install = next(step for step in action["runs"]["steps"] if step.get("id") == "install")
    assert 'requirement="$GITHUB_ACTION_PATH"' in install["run"]
    assert action["inputs"]["version"]["default"] == ""


def test_changelog_has_an_entry_for_this_version() -> None:
    changelog = (REPO_ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert re.search(rf"^## \[?{re.escape(__version__)}\]?", changelog, re.MULTILINE)


def test_every_rule_file_and_package_data_is_in_the_wheel_manifest() -> None:
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    data = project["tool"]["setuptools"]["package-data"]["sondier.builtin_rules"]
    rules = Path(REPO_ROOT / "rules")
    shipped = {p for pattern in data for p in rules.glob(pattern)}
    assert shipped == set(rules.rglob("*.yaml"))
