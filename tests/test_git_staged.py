"""`sondier scan --staged`: only the lines the next commit adds, numbered in the new file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_sondier
from gitrepo import GitRepo, make_repo, nir, personal_email

from sondier.config import Config
from sondier.pipeline import ScanResult, scan_staged


def staged(repo: GitRepo, **overrides: object) -> ScanResult:
    config = Config(root=repo.path, enable=("email", "fr-nir"), jobs=1)
    return scan_staged(config.with_overrides(**overrides), overrides.get("paths", ()))  # type: ignore[arg-type]


def where(result: ScanResult) -> list[tuple[str, int, int]]:
    return sorted((f.path, f.line, f.column) for f in result.findings)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    repo = make_repo(tmp_path)
    repo.write("old.txt", f"line one\nemail: {personal_email(1)}\nline three\n")
    repo.commit("first")
    return repo


def test_only_added_lines_with_new_file_line_numbers(repo: GitRepo) -> None:
    repo.write("old.txt", f"line one\nemail: {personal_email(1)}\ninserted\nmail: {personal_email(2)}\nline three\n")
    repo.stage()
    result = staged(repo)
    assert where(result) == [("old.txt", 4, 7)]  # the old address on line 2 is not new
    assert result.findings[0].commit is None
    assert result.extra["scanned_range"] == "index (staged changes)"


def test_unstaged_changes_are_ignored(repo: GitRepo) -> None:
    repo.write("old.txt", f"email: {personal_email(5)}\n")
    assert where(staged(repo)) == []


def test_first_commit_of_a_repository(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    repo.write("a.csv", f"nom,nir\nDupont,{nir(1)}\n")
    repo.stage()
    assert where(staged(repo, enable=("fr-nir",))) == [("a.csv", 2, 8)]


def test_deleted_and_renamed_files_produce_nothing(repo: GitRepo) -> None:
    repo.write("other.txt", f"contact {personal_email(3)}\n")
    repo.commit("second")
    repo.remove("old.txt")
    repo.move("other.txt", "moved/other renamed.txt")
    result = staged(repo)
    assert where(result) == []


def test_rename_with_an_edit_reports_only_the_edit(repo: GitRepo) -> None:
    repo.move("old.txt", "new.txt")
    repo.write("new.txt", f"line one\nemail: {personal_email(1)}\nline three\ncourriel {personal_email(4)}\n")
    repo.stage()
    assert where(staged(repo)) == [("new.txt", 4, 10)]


def test_mode_change_alone_produces_nothing(repo: GitRepo) -> None:
    repo.run_git("update-index", "--chmod=+x", "old.txt")
    assert where(staged(repo)) == []


def test_paths_with_spaces_non_ascii_and_quotes(repo: GitRepo) -> None:
    names = ["dossier client/fiche été.txt", 'tab\tand "quote".txt', "naïve/ünïcode.txt"]
    for number, name in enumerate(names):
        repo.write(name, f"email: {personal_email(10 + number)}\n")
    repo.stage()
    assert sorted(p for p, _, _ in where(staged(repo))) == sorted(names)


def test_latin1_file_is_decoded_and_columns_count_characters(repo: GitRepo) -> None:
    repo.write("legacy.txt", f"adresse électronique : {personal_email(6)}\n".encode("latin-1"))
    repo.stage()
    assert where(staged(repo)) == [("legacy.txt", 1, 24)]


def test_crlf_lines(repo: GitRepo) -> None:
    repo.write("win.txt", f"first\r\nemail: {personal_email(7)}\r\nlast\r\n".encode())
    repo.stage()
    result = staged(repo)
    assert where(result) == [("win.txt", 2, 8)]
    assert result.findings[0].value == personal_email(7)


def test_binary_file_is_skipped_and_said_so(repo: GitRepo) -> None:
    repo.write("blob.bin", b"\x00\x01" + f"email: {personal_email(8)}".encode() + b"\x00")
    repo.stage()
    result = staged(repo)
    assert where(result) == []
    assert [(s.display, s.reason.split()[0]) for s in result.skipped] == [("blob.bin", "binary")]


def test_lfs_pointer_is_scanned_as_text_and_noted(repo: GitRepo) -> None:
    pointer = ("version https://git-lfs.github.com/spec/v1\n"
               "oid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n")
    repo.write("data/dump.sql", pointer)
    repo.stage()
    result = staged(repo)
    assert where(result) == []
    assert ["Git LFS pointer" in s.reason for s in result.skipped] == [True]


def test_submodule_is_not_entered_and_said_so(tmp_path: Path, repo: GitRepo) -> None:
    inner = make_repo(tmp_path, "inner")
    inner.write("secret.txt", f"email: {personal_email(9)}\n")
    inner.commit("inner")
    repo.run_git("-c", "protocol.file.allow=always", "submodule", "add", "-q", inner.path.as_uri(), "vendor/inner")
    result = staged(repo)
    assert where(result) == []
    assert any(s.display == "vendor/inner" and "submodule" in s.reason for s in result.skipped)


def test_exclude_and_path_filters_apply(repo: GitRepo) -> None:
    repo.write("src/app.txt", f"email: {personal_email(11)}\n")
    repo.write("fixtures/seed.txt", f"email: {personal_email(12)}\n")
    repo.stage()
    assert [p for p, _, _ in where(staged(repo, exclude=("fixtures",)))] == ["src/app.txt"]
    assert [p for p, _, _ in where(staged(repo, paths=("fixtures/*",)))] == ["fixtures/seed.txt"]


def test_cli_reports_json_with_exit_code_1(repo: GitRepo) -> None:
    repo.write("new file.txt", f"x\nemail: {personal_email(13)}\n")
    repo.stage()
    done = run_sondier(["scan", "--staged", "--rule", "email", "-f", "json"], cwd=repo.path)
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert [(f["path"], f["line"], f["column"]) for f in report["findings"]] == [("new file.txt", 2, 8)]
    assert personal_email(13) not in done.stdout  # redacted


def test_cli_clean_index_exits_0(repo: GitRepo) -> None:
    done = run_sondier(["scan", "--staged", "--rule", "email"], cwd=repo.path)
    assert done.returncode == 0, done.stderr


def test_cli_outside_a_repository_is_a_scan_error(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    done = run_sondier(["scan", "--staged"], cwd=tmp_path / "plain")
    assert done.returncode == 3
    assert "not inside a git repository" in done.stderr and "--repo" in done.stderr


def test_copied_file_is_reported_at_its_new_location(repo: GitRepo) -> None:
    # Copies are not detected (-M without -C): copying personal data to a new place is a new leak.
    repo.write("copy/old.txt", (repo.path / "old.txt").read_bytes())
    repo.stage()
    assert where(staged(repo)) == [("copy/old.txt", 2, 8)]


def test_size_limit_applies_to_added_content(repo: GitRepo) -> None:
    repo.write("huge.txt", "x" * 5000 + f"\nemail: {personal_email(14)}\n")
    repo.stage()
    result = staged(repo, max_file_size=1000)
    assert where(result) == []
    assert [s.display for s in result.skipped] == ["huge.txt"] and "size limit" in result.skipped[0].reason
    assert result.complete  # a size-limit skip is a choice, not a scan error


# --- on-disk caches (sondier.cache): a cold and a warm start find the same values --------------


def _planted(repo: GitRepo) -> None:
    repo.write("app/settings.py", f'SUPPORT = "{personal_email(21)}"\nTIMEOUT = 30\n')
    repo.write("data/patients.csv", f"nom;prenom;nir\nDurand;Camille;{nir(22)}\n")
    repo.stage()


def _staged_findings(repo: GitRepo, cache: Path) -> tuple[list[tuple[str, str, int, int, str]], str]:
    done = run_sondier(["scan", "--staged", "-f", "json"], cwd=repo.path, env={"SONDIER_CACHE_DIR": str(cache)})
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    found = sorted((f["rule_id"], f["path"], f["line"], f["column"], f["verdict"]) for f in report["findings"])
    return found, done.stderr


def _entries(cache: Path) -> dict[str, int]:
    return {p.name: p.stat().st_mtime_ns for p in (cache / "sondier").iterdir()}


def test_a_staged_scan_with_a_cold_then_a_warm_cache(repo: GitRepo, tmp_path: Path) -> None:
    _planted(repo)
    cache = tmp_path / "cache"
    cold, _ = _staged_findings(repo, cache)
    assert ("email", "app/settings.py", 1, 12, "personal") in cold
    assert ("fr-nir", "data/patients.csv", 2, 16, "personal") in cold
    written = _entries(cache)
    for prefix in ("rules-", "verdicts-", "hs-"):
        assert any(name.startswith(prefix) for name in written), written
    warm, _ = _staged_findings(repo, cache)
    assert warm == cold
    assert _entries(cache) == written  # every cache entry read back, none rebuilt


def test_a_staged_scan_with_damaged_cache_entries(repo: GitRepo, tmp_path: Path) -> None:
    _planted(repo)
    cache = tmp_path / "cache"
    expected, _ = _staged_findings(repo, cache)
    for entry in (cache / "sondier").glob("*.marshal"):
        entry.write_bytes(entry.read_bytes()[: entry.stat().st_size // 3])
    again, stderr = _staged_findings(repo, cache)
    assert again == expected and stderr == ""


def test_a_staged_scan_with_an_unwritable_cache_folder(repo: GitRepo, tmp_path: Path) -> None:
    _planted(repo)
    expected, _ = _staged_findings(repo, tmp_path / "cache")
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go\n")
    for _ in range(2):  # nothing can be written, nothing can be read: every run rebuilds, quietly
        found, stderr = _staged_findings(repo, blocker)
        assert found == expected and stderr == ""
    assert blocker.read_text() == "a file where the cache folder would go\n"
