"""`sondier scan --diff BASE..HEAD`: lines added by the commits of a range, each with its commit;
a range that cannot be read completely is an error (exit 3), never a clean result."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_sondier
from gitrepo import GitRepo, make_repo, personal_email

from sondier.config import Config
from sondier.errors import ConfigError, ScanError
from sondier.pipeline import ScanResult, scan_range

ALICE = "Alice Martin <alice@example.org>"
BOB = "Bob Durand <bob@example.org>"


def scan(repo: GitRepo, spec: str, paths: tuple[str, ...] = ()) -> ScanResult:
    return scan_range(Config(root=repo.path, enable=("email",), jobs=1), spec, paths)


def located(result: ScanResult) -> list[tuple[str, int, str]]:
    return sorted((f.path, f.line, f.commit.sha if f.commit else "") for f in result.findings)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = make_repo(tmp_path)
    repo.write("a.txt", f"one\nemail: {personal_email(1)}\n")  # before the range: not reported
    repo.commit("base")
    return repo


def test_each_finding_has_its_commit_path_and_line(repo: GitRepo) -> None:
    base = repo.head()
    repo.write("a.txt", f"one\nemail: {personal_email(1)}\ncontact {personal_email(2)}\n")
    first = repo.commit("alice adds", author=ALICE, date="2024-03-01T10:00:00+01:00")
    repo.write("b b.txt", f"mail: {personal_email(3)}\n")
    repo.write("a.txt", f"zero\none\nemail: {personal_email(1)}\ncontact {personal_email(2)}\n")
    second = repo.commit("bob adds", author=BOB, date="2024-03-02T11:00:00+01:00")
    result = scan(repo, f"{base}..HEAD")
    assert located(result) == sorted([("a.txt", 3, first), ("b b.txt", 1, second)])
    by_path = {f.path: f.commit for f in result.findings}
    assert by_path["a.txt"] is not None and by_path["a.txt"].author == "Alice Martin"
    assert by_path["a.txt"].date == "2024-03-01T10:00:00+01:00"
    assert by_path["b b.txt"] is not None and by_path["b b.txt"].email == "bob@example.org"
    assert result.extra["commits_scanned"] == 2
    assert result.extra["scanned_range"] == f"{base[:12]}..{second[:12]}"


def test_three_dots_scans_from_the_common_ancestor(repo: GitRepo) -> None:
    fork = repo.head()
    repo.run_git("checkout", "-q", "-b", "feature")
    repo.write("f.txt", f"email: {personal_email(4)}\n")
    feature = repo.commit("feature")
    repo.run_git("checkout", "-q", "main")
    repo.write("m.txt", f"email: {personal_email(5)}\n")
    repo.commit("main moves on")
    result = scan(repo, "main...feature")
    assert located(result) == [("f.txt", 1, feature)]
    assert result.extra["scanned_range"].startswith(fork[:12])


def test_merge_content_is_neither_lost_nor_counted_twice(repo: GitRepo) -> None:
    base = repo.head()
    repo.write("shared.txt", "top\n")
    start = repo.commit("shared")
    repo.run_git("checkout", "-q", "-b", "side")
    repo.write("side.txt", f"email: {personal_email(6)}\n")
    repo.write("shared.txt", "top\nside version\n")
    side = repo.commit("side")
    repo.run_git("checkout", "-q", "main")
    repo.write("shared.txt", "top\nmain version\n")
    repo.commit("main")
    repo.run_git("merge", "-q", "side", check=False)  # conflict on shared.txt
    repo.write("shared.txt", f"top\nmain version\nside version\nresolved by: {personal_email(7)}\n")
    merge = repo.commit("merge side")
    assert len(repo.run_git("rev-list", "--parents", "-1", "HEAD").split()) == 3
    result = scan(repo, f"{base}..HEAD")
    assert located(result) == sorted([("side.txt", 1, side), ("shared.txt", 4, merge)])
    assert start not in {sha for _, _, sha in located(result)}


def test_path_filter(repo: GitRepo) -> None:
    base = repo.head()
    repo.write("src/x.txt", f"email: {personal_email(8)}\n")
    repo.write("docs/y.txt", f"email: {personal_email(9)}\n")
    repo.commit("two")
    assert [p for p, _, _ in located(scan(repo, f"{base}..HEAD", ("src",)))] == ["src/x.txt"]


def test_malformed_range_is_a_usage_error(repo: GitRepo) -> None:
    with pytest.raises(ConfigError, match=r"BASE\.\.HEAD"):
        scan(repo, "HEAD")


def test_missing_base_after_force_push_is_exit_3(tmp_path: Path, repo: GitRepo) -> None:
    repo.write("a.txt", "pushed then rewritten\n")
    old_tip = repo.commit("will be force-pushed away")
    repo.run_git("reset", "-q", "--hard", "HEAD~1")
    repo.write("a.txt", "rewritten\n")
    repo.commit("rewritten")
    clone = repo.clone(tmp_path / "ci-checkout")
    done = run_sondier(["scan", "--diff", f"{old_tip}..HEAD"], cwd=clone.path)
    assert done.returncode == 3, done.stdout
    assert "not a commit in this repository" in done.stderr and "force push" in done.stderr


def test_shallow_clone_missing_base_says_how_to_fetch(tmp_path: Path, repo: GitRepo) -> None:
    for number in range(4):
        repo.write(f"n{number}.txt", f"{number}\n")
        repo.commit(f"c{number}")
    base = repo.run_git("rev-parse", "HEAD~3").strip()
    clone = repo.clone(tmp_path / "shallow", "--depth", "1")
    done = run_sondier(["scan", "--diff", f"{base}..HEAD"], cwd=clone.path)
    assert done.returncode == 3
    assert "git fetch --unshallow" in done.stderr and "fetch-depth: 0" in done.stderr


def test_range_crossing_the_shallow_edge_is_exit_3(tmp_path: Path, repo: GitRepo) -> None:
    repo.run_git("checkout", "-q", "-b", "other")
    repo.write("o.txt", "other\n")
    repo.commit("other")
    repo.run_git("checkout", "-q", "main")
    for number in range(4):
        repo.write(f"n{number}.txt", f"email: {personal_email(20 + number)}\n")
        repo.commit(f"c{number}")
    clone = repo.clone(tmp_path / "shallow", "--depth", "2", "--no-single-branch")
    clone.run_git("checkout", "-q", "main")
    with pytest.raises(ScanError, match=r"shallow clone.*fetch --unshallow"):
        scan(clone, "origin/other..main")


def test_corrupt_object_is_exit_3(repo: GitRepo) -> None:
    base = repo.head()
    repo.write("c.txt", "content that will be lost\n")
    repo.commit("to corrupt")
    blob = repo.run_git("rev-parse", "HEAD:c.txt").strip()
    (repo.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    done = run_sondier(["scan", "--diff", f"{base}..HEAD"], cwd=repo.path)
    assert done.returncode == 3
    assert "git fsck" in done.stderr


def test_cli_json_carries_commit_author_and_date(repo: GitRepo) -> None:
    base = repo.head()
    repo.write("n.txt", f"email: {personal_email(10)}\n")
    sha = repo.commit("add", author=ALICE, date="2024-05-06T07:08:09+00:00")
    done = run_sondier(["scan", "--diff", f"{base}..HEAD", "--rule", "email", "-f", "json"], cwd=repo.path)
    assert done.returncode == 1, done.stderr
    (finding,) = json.loads(done.stdout)["findings"]
    assert (finding["commit"], finding["author"], finding["date"]) == (sha, "Alice Martin", "2024-05-06T07:08:09+00:00")
    assert (finding["path"], finding["line"]) == ("n.txt", 1)
