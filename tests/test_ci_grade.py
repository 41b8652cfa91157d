"""`sondier ci` and the grade: GitHub output and job summary, GitLab dotenv and artifacts (badge,
DPO report), and '?' when the scan fails."""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import run_sondier
from gitrepo import GitRepo, make_repo, nir
from test_ci_github import read_outputs

SVG_TEXT = "{http://www.w3.org/2000/svg}text"


def leaked(tmp_path: Path) -> tuple[GitRepo, str]:
    repo = make_repo(tmp_path)
    repo.write("README.md", "hello\n")
    repo.commit("start")
    value = nir(11)
    repo.write("export.csv", f"nir\n{value}\n")
    return repo, repo.commit("export")


def github_run(repo: GitRepo, tmp_path: Path, sha: str) -> tuple[object, dict[str, str], str]:
    runner = tmp_path / "runner"
    runner.mkdir()
    env = {**repo.env, "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "schedule", "GITHUB_SHA": sha,
           "GITHUB_EVENT_PATH": str(runner / "event.json"), "GITHUB_OUTPUT": str(runner / "output"),
           "GITHUB_STEP_SUMMARY": str(runner / "summary.md"), "RUNNER_TEMP": str(runner)}
    (runner / "event.json").write_text("{}")
    done = run_sondier(["ci", "--fail-on", "never", "-q"], cwd=repo.path, env=env)
    summary = (runner / "summary.md").read_text(encoding="utf-8") if (runner / "summary.md").exists() else ""
    return done, read_outputs(runner / "output"), summary


def test_github_grade_output_and_summary_badge(tmp_path: Path) -> None:
    repo, head = leaked(tmp_path)
    done, outputs, summary = github_run(repo, tmp_path, head)
    assert done.returncode == 0, done.stderr
    assert outputs["grade"] == "E"
    assert "**Privacy grade: E**" in summary
    encoded = summary.split("data:image/svg+xml;base64,", 1)[1].split(")", 1)[0]
    badge = ET.fromstring(base64.b64decode(encoded))
    assert [node.text for node in badge.iter(SVG_TEXT)][-1] == "E"
    assert nir(11) not in summary


def test_gitlab_dotenv_grade_and_artifacts(tmp_path: Path) -> None:
    repo, head = leaked(tmp_path)
    env = {**repo.env, "GITLAB_CI": "true", "CI_DEFAULT_BRANCH": "main", "CI_PIPELINE_SOURCE": "schedule",
           "CI_COMMIT_BRANCH": "main", "CI_COMMIT_SHA": head, "CI_PROJECT_DIR": str(repo.path)}
    done = run_sondier(["ci", "--fail-on", "never", "-q"], cwd=repo.path, env=env)
    assert done.returncode == 0, done.stderr
    dotenv = dict(line.split("=", 1) for line in (repo.path / "sondier.env").read_text().splitlines())
    assert dotenv["SONDIER_GRADE"] == "E"
    badge = ET.fromstring((repo.path / "sondier-badge.svg").read_text(encoding="utf-8"))
    assert [node.text for node in badge.iter(SVG_TEXT)][-1] == "E"
    html = (repo.path / "sondier-report.html").read_text(encoding="utf-8")
    assert 'id="article-33"' in html and nir(11) not in html


def test_gitlab_failed_scan_is_graded_unknown(tmp_path: Path) -> None:
    repo, _ = leaked(tmp_path)
    repo.write("more.txt", "x\n")
    repo.commit("more")
    shallow = repo.clone(tmp_path / "shallow", "--depth", "1")
    shallow.run_git("remote", "remove", "origin")  # nothing to deepen from: the scan must fail
    env = {**repo.env, "GITLAB_CI": "true", "CI_DEFAULT_BRANCH": "main", "CI_PIPELINE_SOURCE": "schedule",
           "CI_COMMIT_BRANCH": "main", "CI_COMMIT_SHA": shallow.head(), "CI_PROJECT_DIR": str(shallow.path)}
    done = run_sondier(["ci", "--fail-on", "never", "-q"], cwd=shallow.path, env=env)
    assert done.returncode == 3
    dotenv = dict(line.split("=", 1) for line in (shallow.path / "sondier.env").read_text().splitlines())
    assert dotenv["SONDIER_GRADE"] == "?"
    badge = ET.fromstring((shallow.path / "sondier-badge.svg").read_text(encoding="utf-8"))
    assert [node.text for node in badge.iter(SVG_TEXT)][-1] == "?"


def test_templates_publish_the_badge_and_report_as_artifacts() -> None:
    import yaml
    from conftest import REPO_ROOT

    template = yaml.safe_load((REPO_ROOT / ".gitlab-ci-template.yml").read_text())
    paths = template["sondier_secret_detection"]["artifacts"]["paths"]
    assert {"sondier-badge.svg", "sondier-report.html"} <= set(paths)
    component = (REPO_ROOT / "templates" / "sondier.yml").read_text()
    assert "- sondier-badge.svg" in component and "- sondier-report.html" in component
    action = yaml.safe_load((REPO_ROOT / "action.yml").read_text())
    assert action["outputs"]["grade"]["value"] == "${{ steps.scan.outputs.grade }}"
