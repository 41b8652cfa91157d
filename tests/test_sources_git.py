"""sondier.sources.diff_parser and sondier.sources.git: parsing git's patch output exactly."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitrepo import make_repo, personal_email

from sondier.sources import git as git_source
from sondier.sources.diff_parser import CommitHeader, DiffParser, FileLines, FileNote, unquote_path


def events(text: bytes, want_removed: bool = False, piece_bytes: int = 1 << 20) -> list[object]:
    half = len(text) // 2  # two blocks that cut a file section in the middle
    first, second = text[: text.index(b"\n", half)], text[text.index(b"\n", half) + 1 :]
    return list(DiffParser(piece_bytes, want_removed).parse([first.split(b"\n"), second.split(b"\n")]))


def test_unquote_path_handles_octal_utf8_and_c_escapes() -> None:
    assert unquote_path(b'"\\303\\251t\\303\\251.txt"') == "été.txt".encode()
    assert unquote_path(b'"a\\tb\\"c\\\\d"') == b'a\tb"c\\d'
    assert unquote_path(b"plain name.txt") == b"plain name.txt"


def test_added_lines_are_numbered_in_the_new_file() -> None:
    patch = (b"diff --git a/x.txt b/x.txt\nindex 1..2 100644\n--- a/x.txt\n+++ b/x.txt\n"
             b"@@ -2,0 +3,2 @@\n+new three\n+new four\n@@ -9 +11 @@\n-old\n+eleven\n")
    (added,) = [e for e in events(patch) if isinstance(e, FileLines)]
    assert added.path == "x.txt"
    assert added.numbers == [3, 4, 11]
    assert added.lines == [b"new three", b"new four", b"eleven"]
    assert added.last


def test_removed_lines_only_when_asked() -> None:
    patch = b"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-gone\n+kept\n"
    assert [e.kind for e in events(patch) if isinstance(e, FileLines)] == ["+"]
    assert [e.kind for e in events(patch, want_removed=True) if isinstance(e, FileLines)] == ["+", "-"]


def test_path_with_spaces_has_git_trailing_tab_stripped() -> None:
    patch = b"diff --git a/my file.txt b/my file.txt\nnew file mode 100644\n--- /dev/null\n+++ b/my file.txt\t\n" \
            b"@@ -0,0 +1 @@\n+x\n"
    (added,) = [e for e in events(patch) if isinstance(e, FileLines)]
    assert added.path == "my file.txt"


def test_combined_diff_keeps_only_lines_written_in_the_merge() -> None:
    patch = (b"\x00" + b"\x00".join([b"m" * 40, b"p1 p2", b"A", b"a@b", b"2024", b"merge"]) + b"\n\n"
             b"diff --cc f.txt\nindex 1,2..3\n--- a/f.txt\n+++ b/f.txt\n"
             b"@@@ -4,0 -3,1 +4,2 @@@\n+ from side one\n++evil resolution\n")
    found = events(patch)
    assert isinstance(found[0], CommitHeader)
    (added,) = [e for e in found if isinstance(e, FileLines)]
    assert added.lines == [b"evil resolution"]
    assert added.numbers == [5]


def test_binary_and_submodule_sections_become_notes() -> None:
    patch = (b"diff --git a/img.png b/img.png\nnew file mode 100644\nindex 0..1\nBinary files /dev/null and "
             b"b/img.png differ\ndiff --git a/lib b/lib\nnew file mode 160000\nindex 0..abc\n--- /dev/null\n"
             b"+++ b/lib\n@@ -0,0 +1 @@\n+Subproject commit 0123456789abcdef0123456789abcdef01234567\n")
    notes = [e for e in events(patch) if isinstance(e, FileNote)]
    assert [(n.path, n.reason.split()[0]) for n in notes] == [("img.png", "binary"), ("lib", "submodule")]
    assert not [e for e in events(patch) if isinstance(e, FileLines)]


def test_large_sections_arrive_in_pieces_with_a_last_marker() -> None:
    body = b"".join(b"+line %d\n" % i for i in range(1000))
    patch = b"diff --git a/big b/big\n--- /dev/null\n+++ b/big\n@@ -0,0 +1,1000 @@\n" + body
    pieces = [e for e in events(patch, piece_bytes=1000) if isinstance(e, FileLines)]
    assert len(pieces) > 5
    assert [p.last for p in pieces].count(True) == 1 and pieces[-1].last
    assert [n for p in pieces for n in p.numbers] == list(range(1, 1001))


def test_decode_lines_falls_back_to_cp1252_keeping_lines() -> None:
    text = git_source.decode_lines("caf\xe9\nna\xefve\n".encode("latin-1"))
    assert text == "café\nnaïve\n"
    assert git_source.decode_lines(b"\x81\x8d\n\xff\n").count("\n") == 2


def test_value_straddling_a_piece_boundary_is_found_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sondier.config import Config
    from sondier.pipeline import scan_staged

    monkeypatch.setattr(git_source, "PIECE_BYTES", 4096)
    monkeypatch.setattr(git_source, "OVERLAP_CHARS", 512)
    monkeypatch.setattr(git_source, "CONTEXT_CHARS", 256)
    repo = make_repo(tmp_path)
    lines = [f"filler line number {i:05d} ........................................\n" for i in range(400)]
    email = personal_email(3)
    for where in (70, 140, 210, 330):  # some land in overlaps between chunks
        lines[where] = f"email: {email}\n"
    repo.write("big.txt", "".join(lines))
    repo.stage()
    result = scan_staged(Config(root=repo.path, enable=("email",), jobs=1, group_repeats=False))
    assert sorted(f.line for f in result.findings) == [71, 141, 211, 331]


def test_chunker_overlap_keeps_line_numbers(tmp_path: Path) -> None:
    chunker = git_source._AddedChunker("f", None)
    lines = [b"x" * 100 for _ in range(2000)]
    from sondier.sources.diff_parser import FileLines as Piece

    first = chunker.add(Piece("f", "+", list(range(1, 1001)), lines[:1000], 101000, last=False))
    second = chunker.add(Piece("f", "+", list(range(1001, 2001)), lines[1000:], 101000, last=True))
    assert first is not None and second is not None
    assert first.owned_end is not None and first.owned_start == 0
    owned_first = first.text[: first.owned_end].count("\n")
    owned_second = second.text[second.owned_start :].count("\n")
    assert owned_first + owned_second == 2000
    assert second.line_numbers is not None and second.line_numbers[-1] == 2000


def test_repository_discovery_errors_name_the_fix(tmp_path: Path) -> None:
    from sondier.errors import ScanError

    with pytest.raises(ScanError, match=r"not inside a git repository.*--repo"):
        git_source.open_repository(tmp_path)
    with pytest.raises(ScanError, match="no such folder"):
        git_source.open_repository(tmp_path / "missing")


def test_repository_discovery_from_a_subfolder(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    (repo.path / "a" / "b").mkdir(parents=True)
    found = git_source.open_repository(repo.path / "a" / "b")
    assert found.root == repo.path.resolve()
    assert not found.bare and not found.shallow


def test_a_handed_over_repository_is_used_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = make_repo(tmp_path)
    (repo.path / "sub").mkdir()
    calls: list[tuple[str, ...]] = []
    real_run_git = git_source.run_git

    def counting(cwd: Path, *args: str, **kwargs: object) -> object:
        calls.append(args)
        return real_run_git(cwd, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(git_source, "run_git", counting)
    opened = git_source.open_repository((repo.path / "sub").resolve(), hand_over=True)  # the CLI, from a sub-folder
    assert opened.root == repo.path.resolve() and len(calls) == 1
    again = git_source.open_repository(opened.root, need_work_tree=True)  # the scan that follows
    assert again == opened and len(calls) == 1
    assert git_source.open_repository(opened.root) == opened and len(calls) == 2  # taken once: git asked again
    git_source.open_repository(opened.root, hand_over=True)
    git_source.open_repository(repo.path / "sub")  # another path: git is asked, the hand-over dropped
    assert len(calls) == 4
    assert git_source.open_repository(opened.root) == opened and len(calls) == 5  # and the hand-over is gone


def test_a_staged_scan_runs_git_twice(tmp_path: Path) -> None:
    """`sondier scan --staged` asks git for the repository once and for the staged patch once."""
    import json
    import os
    import shutil
    import stat

    from conftest import run_sondier

    repo = make_repo(tmp_path / "repo")
    repo.write("a.txt", f"contact: {personal_email(7)}\n")
    repo.stage()
    wrapper_dir = tmp_path / "bin"
    wrapper_dir.mkdir()
    log = tmp_path / "git.log"
    real_git = shutil.which("git")
    wrapper = wrapper_dir / "git"
    wrapper.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\nexec "{real_git}" "$@"\n')
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    env = {**repo.env, "PATH": f"{wrapper_dir}{os.pathsep}{os.environ['PATH']}",
           "SONDIER_CACHE_DIR": str(tmp_path / "cache")}
    done = run_sondier(["scan", "--staged", "--format", "json"], cwd=repo.path, env=env)
    assert done.returncode == 1, done.stderr
    assert [(f["rule_id"], f["path"]) for f in json.loads(done.stdout)["findings"]] == [("email", "a.txt")]
    calls = log.read_text().splitlines()
    assert sum("rev-parse --absolute-git-dir" in c for c in calls) == 1, calls
    assert sum(" diff --cached " in f" {c} " for c in calls) == 1, calls
    assert len(calls) == 2, calls
