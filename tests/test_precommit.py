"""The pre-commit hooks (.pre-commit-hooks.yaml) run by the real pre-commit client.

The hook repository is a snapshot of this checkout (what `pip install .` needs, uncommitted and
untracked files included), committed with fixed dates so that its sha only changes when the
package changes; pre-commit installs it with pip into PRE_COMMIT_HOME, kept in the test cache
folder (SONDIER_TEST_CACHE, default ~/.cache/sondier-tests). The first run after a change of
the package pays the pip install (network: PyPI); the tests are marked slow."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO_ROOT
from gitrepo import GitRepo, make_repo
from test_ci_github import NIR_SPACED, assert_no_value

CACHE = Path(os.environ.get("SONDIER_TEST_CACHE") or Path.home() / ".cache" / "sondier-tests")
LEFT_OUT = ("tests/", "benchmarks/", "demo/", "docs/", "build/")  # not needed by `pip install .`
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]

pytestmark = pytest.mark.slow


def snapshot_files() -> list[str]:
    listed = subprocess.run(["git", "-C", str(REPO_ROOT), "ls-files", "-co", "--exclude-standard"],
                            capture_output=True, text=True, check=True).stdout.splitlines()
    return sorted(p for p in listed if not p.startswith(LEFT_OUT) and (REPO_ROOT / p).is_file())


@pytest.fixture(scope="session")
def hook_repo() -> tuple[Path, str]:
    """(path, sha) of the snapshot repository pre-commit installs the hooks from."""
    target = CACHE / "hook-repo"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for name in snapshot_files():
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, target / name)
    fixed = {"GIT_AUTHOR_DATE": "2024-01-01T00:00:00+00:00", "GIT_COMMITTER_DATE": "2024-01-01T00:00:00+00:00",
             "GIT_AUTHOR_NAME": "snapshot", "GIT_AUTHOR_EMAIL": "snapshot@example.org",
             "GIT_COMMITTER_NAME": "snapshot", "GIT_COMMITTER_EMAIL": "snapshot@example.org",
             "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    env = {**os.environ, **fixed}
    for args in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-q", "--no-verify", "-m", "snapshot"]):
        subprocess.run(["git", "-C", str(target), *args], env=env, check=True, capture_output=True)
    sha = subprocess.run(["git", "-C", str(target), "rev-parse", "HEAD"], capture_output=True, text=True,
                         check=True).stdout.strip()
    return target, sha


def pre_commit_env(repo: GitRepo) -> dict[str, str]:
    # PIP_NO_COMPILE: the hook environment's pip install skips byte-compiling (phonenumbers has
    # thousands of modules): same install, much faster on slow disks.
    return {**repo.env, "PRE_COMMIT_HOME": str(CACHE / "pre-commit"), "PRE_COMMIT_COLOR": "never",
            "PIP_NO_COMPILE": "1"}


def run(repo: GitRepo, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(list(command), cwd=repo.path, env=pre_commit_env(repo), capture_output=True, text=True,
                          timeout=600)


@pytest.fixture
def project(tmp_path: Path, hook_repo: tuple[Path, str]) -> GitRepo:
    """A repository using the sondier and sondier-push hooks, both installed as git hooks."""
    path, sha = hook_repo
    repo = make_repo(tmp_path, "project")
    repo.write(".pre-commit-config.yaml",
               f"repos:\n  - repo: {path}\n    rev: {sha}\n    hooks:\n      - id: sondier\n      - id: sondier-push\n")
    repo.write("README.md", "# project\n")
    repo.commit("initial")
    done = run(repo, *PRE_COMMIT, "install", "--hook-type", "pre-commit", "--hook-type", "pre-push")
    assert done.returncode == 0, done.stdout + done.stderr
    return repo


def test_manifest_is_valid() -> None:
    done = subprocess.run([*PRE_COMMIT, "validate-manifest", str(REPO_ROOT / ".pre-commit-hooks.yaml")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_try_repo_blocks_a_file_and_shows_only_the_redacted_value(tmp_path: Path,
                                                                     hook_repo: tuple[Path, str]) -> None:
    path, sha = hook_repo
    repo = make_repo(tmp_path, "try")
    repo.write("patients.csv", f"nom,nir\nMartin,{NIR_SPACED}\n")
    repo.write("clean.txt", "nothing to see\n")
    repo.commit("data")
    # try-repo installs the hook in a store of its own, every time: one call (about a minute).
    done = run(repo, *PRE_COMMIT, "try-repo", str(path), "sondier", "--ref", sha, "--all-files")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "fr-nir" in done.stdout and "patients.csv" in done.stdout
    assert "clean.txt" not in done.stdout
    assert "29*" in done.stdout  # the redacted form
    assert_no_value(done.stdout, done.stderr)


def test_commit_that_stages_a_nir_is_blocked(project: GitRepo) -> None:
    before = project.head()
    project.write("data/patients.csv", f"nom,nir\nMartin,{NIR_SPACED}\n")
    project.stage()
    done = run(project, "git", "commit", "-m", "add patients")
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "sondier" in output and "fr-nir" in output and "data/patients.csv" in output
    assert_no_value(output)
    assert project.head() == before


def test_unstaged_value_does_not_block_a_clean_staged_change(project: GitRepo) -> None:
    project.write("src/app.py", "print('hello')\n")
    project.stage()
    project.write("src/app.py", f"print('hello')\n# nir: {NIR_SPACED}\n")  # not staged: stashed by pre-commit
    done = run(project, "git", "commit", "-m", "clean change")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout + done.stderr  # git shows hook output on stderr


def test_push_of_a_value_added_then_removed_is_blocked(project: GitRepo, tmp_path: Path) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(["git", "init", "-q", "--bare", str(remote)], check=True, env=project.env)
    project.run_git("remote", "add", "origin", str(remote))
    first = run(project, "git", "push", "-q", "origin", "main")  # new branch from the root: history scan
    assert first.returncode == 0, first.stdout + first.stderr
    pushed = project.head()
    project.write("notes.txt", f"nir: {NIR_SPACED}\n")
    project.commit("notes")  # GitRepo.commit skips hooks: the value gets into a local commit
    project.write("notes.txt", "nothing here\n")
    project.commit("oops, remove it")
    done = run(project, "git", "push", "origin", "main")
    assert done.returncode != 0
    output = done.stdout + done.stderr
    assert "fr-nir" in output and "notes.txt" in output
    assert_no_value(output)
    remote_head = subprocess.run(["git", "-C", str(remote), "rev-parse", "main"], capture_output=True, text=True,
                                 env=project.env).stdout.strip()
    assert remote_head == pushed
