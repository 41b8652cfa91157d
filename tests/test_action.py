"""The GitHub Action (action.yml): schema-checked with check-jsonschema's GitHub Actions schema,
audited with zizmor when installed, and its `run:` steps executed with bash the way the runner
does (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_ACTION_PATH, RUNNER_TEMP in temp folders).

The actions/setup-python step is not run: its `python-path` output is the current interpreter.
The install step runs for real (venv + pip install from GITHUB_ACTION_PATH = this checkout);
its venv lives in the test cache folder (SONDIER_TEST_CACHE, default ~/.cache/sondier-tests)
so only the first run downloads the dependencies. That test is marked slow."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO_ROOT, SCHEMAS
from gitrepo import GitRepo, make_repo
from test_ci_github import NIR, NIR_SPACED, assert_no_value, read_outputs

ACTION = REPO_ROOT / "action.yml"
CACHE = Path(os.environ.get("SONDIER_TEST_CACHE") or Path.home() / ".cache" / "sondier-tests")
EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def action() -> dict:
    return yaml.safe_load(ACTION.read_text(encoding="utf-8"))


def steps() -> list[dict]:
    return action()["runs"]["steps"]


def test_action_matches_the_github_actions_schema() -> None:
    done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-actions",
                           str(ACTION)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_action_is_marketplace_ready() -> None:
    data = action()
    assert data["name"] and data["description"] and data["author"]
    assert data["branding"]["icon"] in {"shield", "lock", "eye-off"}
    assert data["branding"]["color"] in {"white", "black", "yellow", "blue", "green", "orange", "red", "purple",
                                         "gray-dark"}
    assert set(data["inputs"]) >= {"path", "base", "head", "config", "baseline", "fail-on", "sarif-file", "summary",
                                   "extra-args", "version"}
    assert set(data["outputs"]) == {"exit-code", "findings-count", "sarif-file", "scanned-range", "grade"}
    assert all(spec.get("description") for spec in data["inputs"].values())
    assert data["runs"]["using"] == "composite"
    setup = next(s for s in steps() if "uses" in s)
    assert setup["uses"].startswith("actions/setup-python@") and setup["with"]["update-environment"] is False


def test_no_expression_is_interpolated_into_a_script() -> None:
    """`${{ inputs.* }}` or `${{ github.* }}` in `run:` is a script injection: pass them via env."""
    for step in steps():
        if "run" in step:
            assert "${{" not in step["run"], step.get("name")
            assert step.get("shell") == "bash"


def test_zizmor_finds_nothing() -> None:
    zizmor = shutil.which("zizmor") or shutil.which("zizmor", path=str(Path(sys.executable).parent))
    if zizmor is None:
        pytest.skip("zizmor is not installed (pip install zizmor)")
    done = subprocess.run([zizmor, "--offline", str(ACTION)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# --------------------------------------------------------------------------- running the steps


class CompositeRunner:
    """Runs the action's steps like the runner: `bash --noprofile --norc -eo pipefail FILE`,
    expressions in `env:` resolved from inputs and earlier step outputs."""

    def __init__(self, workspace: Path, runner_temp: Path, env: dict[str, str]) -> None:
        self.workspace = workspace
        self.temp = runner_temp
        self.base_env = env
        self.step_outputs: dict[str, dict[str, str]] = {}
        self.summary = runner_temp / "step_summary.md"

    def expression(self, text: str, inputs: dict[str, str]) -> str:
        def value(match: re.Match[str]) -> str:
            parts = match.group(1).split(".")
            if parts[0] == "inputs":
                return inputs[parts[1]]
            if parts[0] == "steps" and parts[2] == "outputs":
                return self.step_outputs.get(parts[1], {}).get(parts[3], "")
            raise AssertionError(f"expression not supported by this test runner: {match.group(0)}")

        return EXPRESSION.sub(value, text)

    def run_step(self, step: dict, inputs: dict[str, str]) -> subprocess.CompletedProcess[str]:
        output = self.temp / f"output-{step['id']}"
        output.write_text("", encoding="utf-8")
        script = self.temp / f"{step['id']}.sh"
        script.write_text(step["run"], encoding="utf-8")
        env = {**self.base_env, "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(self.summary),
               "GITHUB_ACTION_PATH": str(REPO_ROOT), "GITHUB_WORKSPACE": str(self.workspace),
               "RUNNER_TEMP": str(self.temp)}
        env.update({key: self.expression(str(value), inputs) for key, value in step.get("env", {}).items()})
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=self.workspace,
                              env=env, capture_output=True, text=True, timeout=600)
        self.step_outputs[step["id"]] = read_outputs(output)
        return done

    def outputs(self, inputs: dict[str, str]) -> dict[str, str]:
        return {name: self.expression(spec["value"], inputs) for name, spec in action()["outputs"].items()}


def inputs_with(**given: str) -> dict[str, str]:
    values = {name: str(spec.get("default", "")) for name, spec in action()["inputs"].items()}
    values.update({name.replace("_", "-"): value for name, value in given.items()})
    return values


@pytest.fixture(scope="module")
def installed_python(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Run the install step once for the module; returns its `python` output."""
    temp = CACHE / f"action-runner-py{sys.version_info[0]}{sys.version_info[1]}"
    temp.mkdir(parents=True, exist_ok=True)
    workspace = tmp_path_factory.mktemp("workspace")
    runner = CompositeRunner(workspace, temp, dict(os.environ))
    runner.step_outputs["python"] = {"python-path": sys.executable}  # actions/setup-python, not run
    install = next(s for s in steps() if s.get("id") == "install")
    done = runner.run_step(install, inputs_with())
    assert done.returncode == 0, done.stdout + done.stderr
    python = runner.step_outputs["install"]["python"]
    assert Path(python).is_file()
    version = subprocess.run([python, "-m", "sondier", "--version"], capture_output=True, text=True, check=True)
    assert "sondier" in version.stdout
    return python


@pytest.fixture
def pull_request(tmp_path: Path) -> dict:
    origin = make_repo(tmp_path, "origin")
    origin.write("README.md", "# app\n")
    base = origin.commit("readme")
    checkout = origin.clone(tmp_path / "workspace")
    checkout.run_git("switch", "-q", "-c", "feature")
    checkout.write("data/patients.csv", f"nom,nir\nMartin,{NIR_SPACED}\n")
    head = checkout.commit("patients")
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"number": 5, "pull_request": {"base": {"sha": base}, "head": {"sha": head}}}))
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    env = {**checkout.env, "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request",
           "GITHUB_EVENT_PATH": str(event), "GITHUB_SHA": head}
    return {"checkout": checkout, "base": base, "head": head, "temp": temp, "env": env}


def run_scan(pull_request: dict, python: str, **given: str) -> tuple[subprocess.CompletedProcess[str], dict, Path]:
    checkout: GitRepo = pull_request["checkout"]
    runner = CompositeRunner(checkout.path, pull_request["temp"], pull_request["env"])
    runner.step_outputs["install"] = {"python": python}
    inputs = inputs_with(**given)
    scan = next(s for s in steps() if s.get("id") == "scan")
    done = runner.run_step(scan, inputs)
    return done, runner.outputs(inputs), runner.summary


@pytest.mark.slow
def test_scan_step_fails_on_findings_and_sets_every_output(pull_request: dict, installed_python: str) -> None:
    done, outputs, summary = run_scan(pull_request, installed_python)
    assert done.returncode == 1, done.stderr
    assert outputs["exit-code"] == "1"
    assert outputs["findings-count"] == "1"
    assert outputs["scanned-range"] == f"{pull_request['base']}..{pull_request['head']}"
    sarif = Path(outputs["sarif-file"])
    assert sarif.parent == pull_request["temp"] and sarif.is_file()
    import jsonschema

    jsonschema.validate(json.loads(sarif.read_text()), json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text()))
    assert re.search(r"^::(error|warning) file=data/patients.csv,line=2", done.stdout, re.M)
    assert "patients.csv" in summary.read_text(encoding="utf-8")
    assert_no_value(done.stdout, done.stderr, summary.read_text(encoding="utf-8"), sarif.read_text())
    assert NIR not in sarif.read_text()


@pytest.mark.slow
def test_report_only_mode_custom_sarif_path_and_no_summary(pull_request: dict, installed_python: str) -> None:
    done, outputs, summary = run_scan(pull_request, installed_python, fail_on="never", sarif_file="out/s.sarif",
                                      summary="false", extra_args="--exclude docs/** --min-confidence 0.5")
    assert done.returncode == 0, done.stderr
    assert (outputs["exit-code"], outputs["findings-count"]) == ("0", "1")
    assert outputs["sarif-file"] == str(pull_request["checkout"].path / "out" / "s.sarif")
    assert Path(outputs["sarif-file"]).is_file()
    assert not summary.exists() or not summary.read_text().strip()


@pytest.mark.slow
def test_inputs_are_never_evaluated_by_the_shell(pull_request: dict, installed_python: str) -> None:
    marker = pull_request["temp"] / "pwned"
    done, outputs, _ = run_scan(pull_request, installed_python, base=f"$(touch {marker})",
                                extra_args=f"; touch {marker} `touch {marker}` *")
    assert not marker.exists()
    assert done.returncode == 2  # the odd values reach sondier as plain (bad) arguments
    assert outputs["exit-code"] in ("", "2")


@pytest.mark.slow
def test_explicit_base_and_head_inputs(pull_request: dict, installed_python: str) -> None:
    done, outputs, _ = run_scan(pull_request, installed_python, base="main", head=pull_request["head"])
    assert done.returncode == 1, done.stderr
    assert outputs["scanned-range"] == f"{pull_request['base']}..{pull_request['head']}"
