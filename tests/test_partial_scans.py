"""Partial scans on request: a history with missing objects (a partial mirror) fails closed by
default, and with --ignore-errors scans what it can read and names exactly what it could not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_sondier
from tests.gitrepo import GitRepo, make_repo, nir


def _delete_object(repo: GitRepo, revision: str) -> str:
    """Remove one loose object, as a partial mirror or a broken disk would lose it."""
    oid = repo.run_git("rev-parse", revision).strip()
    (repo.path / ".git" / "objects" / oid[:2] / oid[2:]).unlink()
    return oid


@pytest.fixture
def partial_repo(tmp_path: Path) -> tuple[GitRepo, str, str]:
    repo = make_repo(tmp_path)
    for index in range(4):
        repo.write(f"data/patient{index}.txt", f"nir du patient: {nir(index)}\n")
        repo.write(f"assets/blob{index}.bin", f"payload {index}\n")
        repo.commit(f"commit {index}")
    broken_commit = repo.run_git("rev-parse", "HEAD~1").strip()
    oid = _delete_object(repo, "HEAD~1:assets/blob2.bin")
    return repo, broken_commit, oid


def test_missing_object_fails_closed_without_the_flag(partial_repo: tuple[GitRepo, str, str]) -> None:
    repo, _, _ = partial_repo
    done = run_sondier(["scan", "--history", "--format", "json"], cwd=repo.path)
    assert done.returncode == 3
    assert "incomplete or corrupt" in done.stderr


def test_ignore_errors_scans_the_rest_and_names_what_is_missing(partial_repo: tuple[GitRepo, str, str]) -> None:
    repo, broken_commit, oid = partial_repo
    done = run_sondier(["scan", "--history", "--ignore-errors", "--format", "json"], cwd=repo.path)
    assert done.returncode == 1, done.stderr  # findings, accepted as partial
    report = json.loads(done.stdout)
    scan = report["scan"]
    assert scan["complete"] is False and scan["partial"] is True
    assert scan["unreadable"] == [{"commit": broken_commit, "path": "assets/blob2.bin", "object": oid,
                                   "reason": "missing object"}]
    assert any("assets/blob2.bin" in error and oid[:12] in error for error in scan["errors"])
    # Every readable commit was scanned, the broken one included (its other files are readable).
    paths = {finding["path"] for finding in report["findings"]}
    assert paths == {f"data/patient{index}.txt" for index in range(4)}


def test_text_report_says_the_scan_is_partial(partial_repo: tuple[GitRepo, str, str]) -> None:
    repo, _, oid = partial_repo
    done = run_sondier(["scan", "--history", "--ignore-errors", "--no-color"], cwd=repo.path)
    assert done.returncode == 1
    assert oid[:12] in done.stdout and "incomplete" in done.stdout


def test_unreadable_commit_is_listed_whole(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    repo.write("a.txt", f"nir: {nir(7)}\n")
    repo.commit("first")
    repo.write("dir/b.txt", "nothing\n")
    repo.commit("second")
    second = repo.head()
    _delete_object(repo, "HEAD^{tree}")  # the commit's own tree: nothing of it can be read
    done = run_sondier(["scan", "--history", "--ignore-errors", "--format", "json"], cwd=repo.path)
    assert done.returncode in (0, 1), done.stderr
    scan = json.loads(done.stdout)["scan"]
    assert [entry["commit"] for entry in scan["unreadable"]] == [second]
    assert scan["unreadable"][0]["path"] == ""
    assert scan["complete"] is False


def test_range_scan_is_partial_too(partial_repo: tuple[GitRepo, str, str]) -> None:
    repo, _, oid = partial_repo
    done = run_sondier(["scan", "--diff", "HEAD~3..HEAD", "--ignore-errors", "--format", "json"], cwd=repo.path)
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["scan"]["unreadable"][0]["object"] == oid
    strict = run_sondier(["scan", "--diff", "HEAD~3..HEAD", "--format", "json"], cwd=repo.path)
    assert strict.returncode == 3
