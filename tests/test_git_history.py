"""`sondier scan --history`: every reachable commit; a value is reported once, at the commit
that introduced it, with how many commits carry it and whether HEAD still does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_sondier
from gitrepo import GitRepo, make_repo, nir, personal_email

from sondier.config import Config
from sondier.errors import ScanError
from sondier.findings import Finding
from sondier.pipeline import ScanResult, scan_history

EMAIL = personal_email(1)


def history(repo: GitRepo, revs: tuple[str, ...] = (), **options: object) -> ScanResult:
    config = Config(root=repo.path, enable=("email", "fr-nir"), jobs=int(options.pop("jobs", 1)))  # type: ignore[call-overload]
    return scan_history(config, list(revs), options.get("since"), options.get("until"),  # type: ignore[arg-type]
                        options.get("max_count"), options.get("paths", ()))  # type: ignore[arg-type]


def summary(finding: Finding) -> tuple[str, int, str, object, object, object]:
    return (finding.path, finding.line, finding.commit.sha if finding.commit else "",
            finding.extra.get("occurrences"), finding.extra.get("commits_carrying"), finding.extra.get("in_head"))


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return make_repo(tmp_path)


def test_value_carried_then_removed_is_reported_once(repo: GitRepo) -> None:
    repo.write("readme.txt", "hello\n")
    repo.commit("c0")
    repo.write("users.txt", f"header\nemail: {EMAIL}\n")
    introduced = repo.commit("c1 adds")
    repo.write("other.txt", "x\n")
    repo.commit("c2")
    repo.write("users.txt", f"new first line\nheader\nemail: {EMAIL}\n")  # the line moves, not re-added
    repo.commit("c3")
    repo.write("users.txt", "header\n")
    repo.commit("c4 removes")
    repo.write("other.txt", "y\n")
    repo.commit("c5")
    (finding,) = history(repo).findings
    assert summary(finding) == ("users.txt", 2, introduced, 1, 3, False)


def test_value_still_in_head_and_re_added_after_an_edit(repo: GitRepo) -> None:
    repo.write("a.txt", f"email: {EMAIL}\n")
    first = repo.commit("c1")
    repo.write("a.txt", f"email:  {EMAIL} (edited line)\n")
    repo.commit("c2 edits the line")
    repo.write("b.txt", "unrelated\n")
    repo.commit("c3")
    (finding,) = history(repo).findings
    assert summary(finding) == ("a.txt", 1, first, 2, 3, True)


def test_rename_keeps_the_value_carried(repo: GitRepo) -> None:
    repo.write("old/name.txt", f"email: {EMAIL}\n")
    first = repo.commit("c1")
    repo.move("old/name.txt", "new name/é.txt")
    repo.commit("c2 rename")
    repo.remove("new name/é.txt")
    repo.commit("c3 delete")
    (finding,) = history(repo).findings
    assert summary(finding) == ("old/name.txt", 1, first, 1, 2, False)


def test_merge_does_not_double_count_and_keeps_merge_only_content(repo: GitRepo) -> None:
    repo.write("shared.txt", "top\n")
    repo.commit("c0")
    repo.run_git("checkout", "-q", "-b", "side")
    repo.write("side.txt", f"email: {EMAIL}\n")
    repo.write("shared.txt", "top\nside\n")
    side = repo.commit("side")
    repo.run_git("checkout", "-q", "main")
    repo.write("shared.txt", "top\nmain\n")
    repo.commit("main")
    repo.run_git("merge", "-q", "side", check=False)
    repo.write("shared.txt", f"top\nmain\nside\nnir {nir(2)}\n")
    merge = repo.commit("merge")
    found = {f.rule_id: f for f in history(repo).findings}
    assert sorted(found) == ["email", "fr-nir"]
    assert summary(found["email"]) == ("side.txt", 1, side, 1, 2, True)  # side commit and the merge
    assert summary(found["fr-nir"]) == ("shared.txt", 4, merge, 1, 1, True)


def test_all_refs_by_default_and_revisions_when_given(repo: GitRepo) -> None:
    repo.write("a.txt", "a\n")
    repo.commit("c0")
    repo.run_git("checkout", "-q", "-b", "unmerged")
    repo.write("leak.txt", f"email: {EMAIL}\n")
    leak = repo.commit("leak on an unmerged branch")
    repo.run_git("checkout", "-q", "main")
    assert [summary(f)[:3] for f in history(repo).findings] == [("leak.txt", 1, leak)]
    assert history(repo, ("main",)).findings == []


def test_max_count_since_until_and_path_filters(repo: GitRepo) -> None:
    repo.write("old/a.txt", f"email: {personal_email(2)}\n")
    repo.commit("old", date="2020-01-01T00:00:00+00:00")
    repo.write("new/b.txt", f"email: {personal_email(3)}\n")
    repo.commit("new", date="2024-06-01T00:00:00+00:00")
    repo.write("new/c.txt", f"email: {personal_email(4)}\n")
    repo.commit("newest", date="2024-07-01T00:00:00+00:00")
    paths = lambda result: sorted(f.path for f in result.findings)  # noqa: E731
    assert paths(history(repo, max_count=1)) == ["new/c.txt"]
    assert paths(history(repo, since="2023-01-01")) == ["new/b.txt", "new/c.txt"]
    assert paths(history(repo, until="2021-01-01")) == ["old/a.txt"]
    assert paths(history(repo, paths=("old",))) == ["old/a.txt"]


def test_large_diff_streamed_in_pieces_keeps_exact_lines(repo: GitRepo) -> None:
    lines = [f"{i:06d} some ordinary text to make the file large enough to be split in pieces\n" for i in range(40000)]
    expected = [5, 13000, 26001, 39999]
    for number in expected:
        lines[number - 1] = f"email: {personal_email(number)}\n"
    repo.write("big.txt", "".join(lines))
    sha = repo.commit("big")
    result = history(repo, jobs=2)
    assert sorted((f.line, f.commit.sha if f.commit else "") for f in result.findings) == [(n, sha) for n in expected]


def test_shallow_history_is_exit_3(tmp_path: Path, repo: GitRepo) -> None:
    for number in range(3):
        repo.write(f"{number}.txt", f"{number}\n")
        repo.commit(f"c{number}")
    clone = repo.clone(tmp_path / "shallow", "--depth", "1")
    for jobs in (1, 2):
        with pytest.raises(ScanError, match="fetch --unshallow"):
            history(clone, jobs=jobs)
    done = run_sondier(["scan", "--history"], cwd=clone.path)
    assert done.returncode == 3 and "fetch-depth: 0" in done.stderr


def test_empty_repository_is_clean_with_zero_commits(repo: GitRepo) -> None:
    result = history(repo)
    assert result.findings == [] and result.extra["commits_scanned"] == 0


def test_cli_json_has_dedup_fields(repo: GitRepo) -> None:
    repo.write("a.txt", f"email: {EMAIL}\n")
    sha = repo.commit("c1", author="Alice Martin <alice@example.org>")
    repo.write("b.txt", "b\n")
    repo.commit("c2")
    done = run_sondier(["scan", "--history", "--rule", "email", "-f", "json"], cwd=repo.path)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    (finding,) = report["findings"]
    assert (finding["commit"], finding["author"], finding["path"], finding["line"]) == (sha, "Alice Martin", "a.txt", 1)
    assert (finding["occurrences"], finding["commits_carrying"], finding["in_head"]) == (1, 2, True)
    assert report["scan"]["commits_scanned"] == 2
    assert EMAIL not in done.stdout


def test_cli_bad_revision_is_exit_3(repo: GitRepo) -> None:
    repo.write("a.txt", "a\n")
    repo.commit("c1")
    done = run_sondier(["scan", "--history", "no-such-branch"], cwd=repo.path)
    assert done.returncode == 3
    assert "no-such-branch" in done.stderr


def test_latin1_and_crlf_content_in_history(repo: GitRepo) -> None:
    repo.write("legacy.txt", f"société\r\nadresse électronique : {EMAIL}\r\n".encode("cp1252"))
    sha = repo.commit("legacy")
    (finding,) = history(repo).findings
    assert (finding.path, finding.line, finding.column, finding.commit and finding.commit.sha) == (
        "legacy.txt", 2, 24, sha)
    assert finding.value == EMAIL


def test_corrupt_history_is_exit_3(repo: GitRepo) -> None:
    repo.write("a.txt", "a\n")
    repo.commit("c1")
    repo.write("a.txt", "b\n")
    repo.commit("c2")
    blob = repo.run_git("rev-parse", "HEAD~1:a.txt").strip()
    (repo.path / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    for jobs in (1, 2):  # the error also crosses the worker pool without hanging it
        with pytest.raises(ScanError, match="git fsck"):
            history(repo, jobs=jobs)


@pytest.mark.parametrize(("lang", "expected"), [
    ("fr_FR.UTF-8", "est la limite d’un clone superficiel\u00a0: ses parents manquent"),
    ("C.UTF-8", "is the edge of a shallow clone: its parents are missing"),
])
def test_shallow_history_error_speaks_the_users_language(tmp_path: Path, repo: GitRepo, lang: str,
                                                         expected: str) -> None:
    for number in range(3):
        repo.write(f"{number}.txt", f"{number}\n")
        repo.commit(f"c{number}")
    clone = repo.clone(tmp_path / "shallow", "--depth", "1")
    done = run_sondier(["scan", "--history"], cwd=clone.path,
                       env={"LANG": lang, "LC_ALL": "", "LANGUAGE": "", "SONDIER_LANG": ""})
    assert done.returncode == 3
    assert expected in done.stderr and "`git fetch --unshallow`" in done.stderr


def test_not_a_repository_error_in_french(tmp_path: Path) -> None:
    done = run_sondier(["scan", "--staged", "--lang", "fr"], cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert "pas dans un dépôt git" in done.stderr and "--repo CHEMIN" in done.stderr
