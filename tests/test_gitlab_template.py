"""The GitLab CI template (.gitlab-ci-template.yml) and component (templates/sondier.yml):
resolved by gitlab-ci-local (npm, 4.61.1: later versions need Node 22) with `--preview` and
`--list` (rules), then the resolved jobs' `script:` run with bash in real repositories with the
merge request and push variables set; reports validated against the GitLab schema 15.2.4.

gitlab-ci-local runs jobs only with rsync and Docker or the shell executor; running the resolved
script lines with bash (as the runner's shell does, `set -eo pipefail`) is what is done here."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml
from conftest import REPO_ROOT, SCHEMAS
from gitrepo import GitRepo, make_repo
from test_ci_github import NIR_SPACED, assert_no_value

CACHE = Path(os.environ.get("SONDIER_TEST_CACHE") or Path.home() / ".cache" / "sondier-tests")
GCL_VERSION = "4.61.1"
COMPONENT = REPO_ROOT / "templates" / "sondier.yml"
TEMPLATE = REPO_ROOT / ".gitlab-ci-template.yml"
ZERO = "0" * 40


def test_component_is_a_spec_header_then_jobs() -> None:
    documents = list(yaml.safe_load_all(COMPONENT.read_text(encoding="utf-8")))
    assert len(documents) == 2
    inputs = documents[0]["spec"]["inputs"]
    assert inputs["image"]["default"] == "python:3.12-slim"
    assert inputs["git-depth"]["default"] == "0"
    assert inputs["fail-on-findings"]["type"] == "boolean"


def test_template_and_component_halves_match_the_gitlab_ci_schema(tmp_path: Path) -> None:
    # check-jsonschema rejects a two-document component file: validate each half apart.
    spec, jobs = list(yaml.safe_load_all(COMPONENT.read_text(encoding="utf-8")))
    halves = []
    for name, data in (("spec.yml", spec), ("jobs.yml", jobs)):
        (tmp_path / name).write_text(yaml.safe_dump(data), encoding="utf-8")
        halves.append(str(tmp_path / name))
    done = subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.gitlab-ci",
                           str(TEMPLATE), *halves], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


# --------------------------------------------------------------------------- gitlab-ci-local


@pytest.fixture(scope="session")
def gitlab_ci_local() -> str:
    binary = CACHE / "gitlab-ci-local" / "node_modules" / ".bin" / "gitlab-ci-local"
    if binary.exists():
        return str(binary)
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.skip("npm/node not available: cannot install gitlab-ci-local")
    done = subprocess.run([npm, "install", "--prefix", str(CACHE / "gitlab-ci-local"), "--no-audit", "--no-fund",
                           f"gitlab-ci-local@{GCL_VERSION}"], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return str(binary)


def ci_project(tmp_path: Path, include: str) -> GitRepo:
    """A repository whose .gitlab-ci.yml includes the template or the component (copied in)."""
    repo = make_repo(tmp_path, "gitlab")
    repo.write("templates/sondier.yml", COMPONENT.read_text(encoding="utf-8"))
    repo.write(".gitlab-ci-template.yml", TEMPLATE.read_text(encoding="utf-8"))
    repo.write(".gitlab-ci.yml", include)
    repo.commit("ci")
    return repo


def gcl(binary: str, repo: GitRepo, *args: str) -> str:
    done = subprocess.run([binary, *args], cwd=repo.path, env=repo.env, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def preview(binary: str, repo: GitRepo) -> dict:
    text = gcl(binary, repo, "--preview")
    return yaml.safe_load(text[text.index("---"):])


def listed_jobs(binary: str, repo: GitRepo, *variables: str) -> set[str]:
    args = ["--list"]
    for variable in variables:
        args += ["--variable", variable]
    lines = gcl(binary, repo, *args).splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("name "))
    return {line.split()[0] for line in lines[header + 1:] if line.strip()}


COMPONENT_INCLUDE = """include:
  - local: templates/sondier.yml
    inputs:
      job-prefix: pii
      fail-on-findings: {fail}
"""
TEMPLATE_INCLUDE = "include:\n  - local: .gitlab-ci-template.yml\n"


@pytest.mark.slow
def test_component_resolves_with_inputs(tmp_path: Path, gitlab_ci_local: str) -> None:
    repo = ci_project(tmp_path, COMPONENT_INCLUDE.format(fail="true"))
    jobs = preview(gitlab_ci_local, repo)
    report, gate = jobs["pii-secret-detection"], jobs["pii-gate"]
    assert report["image"]["name"] == "python:3.12-slim"
    assert report["variables"]["GIT_DEPTH"] == "0"
    assert report["artifacts"]["when"] == "always"
    assert report["artifacts"]["reports"] == {"secret_detection": "gl-secret-detection-report.json",
                                              "codequality": "gl-code-quality-report.json", "dotenv": "sondier.env"}
    assert any("sondier ci gitlab --fail-on never" in line for line in report["script"])
    assert gate["needs"][0]["job"] == "pii-secret-detection"
    assert gate["variables"]["SONDIER_FAIL_ON_FINDINGS"] == "true"
    assert listed_jobs(gitlab_ci_local, repo) == {"pii-secret-detection", "pii-gate"}
    assert listed_jobs(gitlab_ci_local, repo, "SONDIER_DISABLED=true") == set()


@pytest.mark.slow
def test_component_without_gate(tmp_path: Path, gitlab_ci_local: str) -> None:
    repo = ci_project(tmp_path, COMPONENT_INCLUDE.format(fail="false"))
    assert listed_jobs(gitlab_ci_local, repo) == {"pii-secret-detection"}


@pytest.mark.slow
def test_template_resolves_and_honours_its_variables(tmp_path: Path, gitlab_ci_local: str) -> None:
    repo = ci_project(tmp_path, TEMPLATE_INCLUDE)
    jobs = preview(gitlab_ci_local, repo)
    assert jobs["sondier_secret_detection"]["artifacts"]["when"] == "always"
    assert listed_jobs(gitlab_ci_local, repo) == {"sondier_secret_detection", "sondier_gate"}
    assert listed_jobs(gitlab_ci_local, repo, "SONDIER_FAIL_ON_FINDINGS=false") == {"sondier_secret_detection"}
    assert listed_jobs(gitlab_ci_local, repo, "SONDIER_DISABLED=1") == set()


# --------------------------------------------------------------------------- running the scripts


@pytest.fixture(scope="module")
def resolved_jobs(tmp_path_factory: pytest.TempPathFactory, gitlab_ci_local: str) -> dict:
    repo = ci_project(tmp_path_factory.mktemp("resolve"), COMPONENT_INCLUDE.format(fail="true"))
    return preview(gitlab_ci_local, repo)


def run_job(job: dict, repo: GitRepo, variables: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The job's script as the runner's bash runs it; the job's variables and CI_* set. `pip`
    and `sondier` are this environment's (pip finds sondier already installed)."""
    script = repo.path.parent / "job.sh"
    script.write_text("\n".join(job["script"]) + "\n", encoding="utf-8")
    env = {**repo.env, **{k: str(v) for k, v in job.get("variables", {}).items()}, **variables,
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "GITLAB_CI": "true", "CI": "true", "CI_PROJECT_DIR": str(repo.path), "CI_DEFAULT_BRANCH": "main"}
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=repo.path, env=env,
                          capture_output=True, text=True, timeout=300)


def dotenv(repo: GitRepo) -> dict[str, str]:
    lines = (repo.path / "sondier.env").read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines)


@pytest.fixture
def merge_request(tmp_path: Path) -> dict:
    origin = make_repo(tmp_path, "origin")
    origin.write("README.md", "# app\n")
    base = origin.commit("readme")
    project = origin.clone(tmp_path / "project")
    project.run_git("switch", "-q", "-c", "feature")
    project.write("seed/patients.csv", f"nom,nir\nMartin,{NIR_SPACED}\n")
    project.commit("seed")
    project.write("seed/patients.csv", "nom,nir\n")
    head = project.commit("remove the seed")
    variables = {"CI_PIPELINE_SOURCE": "merge_request_event", "CI_COMMIT_SHA": head, "CI_COMMIT_BEFORE_SHA": ZERO,
                 "CI_MERGE_REQUEST_DIFF_BASE_SHA": base, "CI_MERGE_REQUEST_IID": "12",
                 "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "main", "CI_MERGE_REQUEST_SOURCE_BRANCH_NAME": "feature"}
    return {"repo": project, "base": base, "head": head, "variables": variables}


@pytest.mark.slow
def test_merge_request_report_job_publishes_valid_reports_and_the_gate_fails(merge_request: dict,
                                                                              resolved_jobs: dict) -> None:
    repo: GitRepo = merge_request["repo"]
    done = run_job(resolved_jobs["pii-secret-detection"], repo, merge_request["variables"])
    assert done.returncode == 0, done.stdout + done.stderr  # findings: exit 0 so GitLab ingests the report
    report = json.loads((repo.path / "gl-secret-detection-report.json").read_text(encoding="utf-8"))
    schema = json.loads((SCHEMAS / "gitlab-secret-detection-report-format-15.2.4.json").read_text(encoding="utf-8"))
    jsonschema.validate(report, schema)
    assert len(report["vulnerabilities"]) == 1
    assert report["vulnerabilities"][0]["location"]["file"] == "seed/patients.csv"
    quality = json.loads((repo.path / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert isinstance(quality, list) and len(quality) == 1
    outcome = dotenv(repo)
    assert outcome["SONDIER_FINDINGS_COUNT"] == "1"
    assert outcome["SONDIER_SCANNED_RANGE"] == f"{merge_request['base']}..{merge_request['head']}"
    assert_no_value(done.stdout, done.stderr, json.dumps(report), json.dumps(quality))

    gate = run_job(resolved_jobs["pii-gate"], repo, {**merge_request["variables"], **outcome})
    assert gate.returncode == 1
    assert "1 finding(s)" in gate.stdout


@pytest.mark.slow
def test_clean_push_passes_report_and_gate(tmp_path: Path, resolved_jobs: dict) -> None:
    origin = make_repo(tmp_path, "origin")
    origin.write("README.md", "# app\n")
    before = origin.commit("readme")
    repo = origin.clone(tmp_path / "project")
    repo.write("src/app.py", "print('ok')\n")
    after = repo.commit("app")
    variables = {"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main", "CI_COMMIT_SHA": after,
                 "CI_COMMIT_BEFORE_SHA": before}
    done = run_job(resolved_jobs["pii-secret-detection"], repo, variables)
    assert done.returncode == 0, done.stdout + done.stderr
    outcome = dotenv(repo)
    assert (outcome["SONDIER_FINDINGS_COUNT"], outcome["SONDIER_SCANNED_RANGE"]) == ("0", f"{before}..{after}")
    report = json.loads((repo.path / "gl-secret-detection-report.json").read_text(encoding="utf-8"))
    assert report["vulnerabilities"] == []
    gate = run_job(resolved_jobs["pii-gate"], repo, {**variables, **outcome})
    assert gate.returncode == 0, gate.stdout + gate.stderr


@pytest.mark.slow
def test_gate_fails_closed_without_the_report_outcome(tmp_path: Path, resolved_jobs: dict) -> None:
    repo = make_repo(tmp_path, "empty")
    gate = run_job(resolved_jobs["pii-gate"], repo, {})
    assert gate.returncode == 3
    assert "failing closed" in gate.stdout


@pytest.mark.slow
def test_shallow_clone_fails_the_report_job(tmp_path: Path, resolved_jobs: dict) -> None:
    origin = make_repo(tmp_path, "origin")
    origin.write("a.txt", "1\n")
    before = origin.commit("one")
    origin.write("a.txt", "2\n")
    origin.commit("two")
    origin.write("a.txt", "3\n")
    after = origin.commit("three")
    repo = origin.clone(tmp_path / "project", "--depth", "1")  # GIT_DEPTH left at 1
    repo.run_git("remote", "remove", "origin")
    variables = {"CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BRANCH": "main", "CI_COMMIT_SHA": after,
                 "CI_COMMIT_BEFORE_SHA": before}
    done = run_job(resolved_jobs["pii-secret-detection"], repo, variables)
    assert done.returncode == 3
    assert 'GIT_DEPTH: "0"' in done.stderr
    assert dotenv(repo)["SONDIER_EXIT_CODE"] == "3"
