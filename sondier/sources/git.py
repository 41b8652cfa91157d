"""Git sources: staged changes, commit ranges and whole histories, streamed from git.

Repository discovery, revision checks and the patch stream all call the `git` command
directly rather than GitPython: importing GitPython alone costs ~75 ms, half the budget of a
pre-commit hook, and its diff API holds whole diffs in memory. `git log -p -U0` is read line
by line (sources/diff_parser.py) so memory stays bounded whatever the history size.

Merges are shown as dense combined diffs (`--cc`): only lines that differ from every parent
(written in the merge itself, e.g. a conflict resolution) are scanned there; lines that come
from one side were scanned in the commit that introduced them, so nothing is counted twice."""

from __future__ import annotations

import os
import subprocess
import threading
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO

from sondier.chunks import Chunk, CommitInfo, path_chunk
from sondier.errors import ConfigError, ScanError
from sondier.findings import Finding
from sondier.i18n import N_, _
from sondier.scan_errors import ADDED_TOO_LARGE, LFS_POINTER_SKIPPED, MISSING_OBJECT, UNREADABLE_COMMIT
from sondier.sources.diff_parser import CommitHeader, DiffParser, FileLines, FileNote, join_lines
from sondier.sources.files import CONTEXT_CHARS, OVERLAP_CHARS, Skipped, decode_bytes, matches_any

PIECE_BYTES = 1024 * 1024  # added lines handed to a detector at once (plus overlap)
ADDED = "git"
REMOVED = "git-removed"  # removed lines: only used to know when a value left the tree
REMOVED_FILE = "git-removed-file"  # a deleted file: path rules' values (its name) leave the tree
LFS_POINTER = b"version https://git-lfs.github.com/spec/v1"
COMMIT_FORMAT = "%x00%H%x00%P%x00%an%x00%ae%x00%aI%x00%s"
FULL_HISTORY_HINT = N_(
    "fetch the full history: `git fetch --unshallow` (GitHub Actions: actions/checkout with "
    "`fetch-depth: 0`; GitLab CI: `GIT_DEPTH: 0`)"
)

# Settings a user's git config could change and that would break the parser.
_GIT_CONFIG = (
    "-c", "core.quotepath=off",
    "-c", "diff.noprefix=false",
    "-c", "diff.mnemonicPrefix=false",
    "-c", "diff.relative=false",
    "-c", "log.showSignature=false",
    "-c", "core.pager=cat",
)
_PATCH_OPTIONS = (
    "--no-color", "--no-ext-diff", "--no-textconv", "-U0", "-M", "--submodule=short",
    "--src-prefix=a/", "--dst-prefix=b/",
)


@dataclass(frozen=True)
class Repository:
    root: Path  # top level of the work tree (or the git dir of a bare repository)
    git_dir: Path
    bare: bool
    shallow: bool

    def shallow_commits(self) -> frozenset[str]:
        """Commits whose parents were cut off by a shallow clone."""
        if not self.shallow:
            return frozenset()
        try:
            return frozenset((self.git_dir / "shallow").read_text().split())
        except OSError:
            return frozenset()


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(LC_ALL="C", GIT_TERMINAL_PROMPT="0", GIT_OPTIONAL_LOCKS="0")
    env.pop("GIT_EXTERNAL_DIFF", None)
    return env


def run_git(
    cwd: Path, *args: str, check: bool = True, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    try:
        done = subprocess.run(["git", *_GIT_CONFIG, *args], cwd=cwd, input=stdin, capture_output=True, env=_env())
    except FileNotFoundError:
        raise ScanError(_("git is not installed or not on PATH; git sources need it")) from None
    if check and done.returncode != 0:
        raise ScanError(_("git {command} failed: {error}").format(command=args[0], error=_last_lines(done.stderr)))
    return done


def _last_lines(stderr: bytes, count: int = 3) -> str:
    lines = [line for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    return " / ".join(lines[-count:]) or "no message"


# The repository the command line opened to find the configuration, handed to the scan that
# follows at once (a pre-commit hook pays ~5 ms for each git process it starts). Taken once:
# a later open asks git again, so nothing here can go stale.
_handed_over: list[Repository] = []


def open_repository(path: Path, need_work_tree: bool = False, hand_over: bool = False) -> Repository:
    """The repository containing ``path``; ScanError (exit 3) when there is none. With
    ``hand_over``, the next call for its top level gets the same answer without running git."""
    handed = _handed_over.pop() if _handed_over else None
    repo = handed if handed is not None and handed.root == path and not hand_over else _open_repository(path)
    if repo.bare and need_work_tree:
        raise ScanError(_("{path}: bare repository has no index or work tree; --staged needs a clone").format(
            path=path))
    if hand_over:
        _handed_over.append(repo)
    return repo


def _open_repository(path: Path) -> Repository:
    if not path.is_dir():
        raise ScanError(_("{path}: no such folder (pass --repo PATH, a folder inside a git repository)").format(
            path=path))
    # One git process answers everything (a pre-commit hook pays for each process it starts).
    query = ("rev-parse", "--absolute-git-dir", "--is-bare-repository", "--is-shallow-repository")
    done = run_git(path, *query, "--show-toplevel", check=False)
    if done.returncode != 0:
        done = run_git(path, *query, check=False)  # a bare repository has no top level
    if done.returncode != 0:
        raise ScanError(_("{path}: not inside a git repository ({error}); run sondier from a repository or pass "
                          "--repo PATH").format(path=path, error=_last_lines(done.stderr, 1)))
    git_dir, bare, shallow, *top = done.stdout.decode("utf-8", "surrogateescape").splitlines()
    if bare == "true" or not top:
        return Repository(Path(git_dir), Path(git_dir), True, shallow == "true")
    return Repository(Path(top[0]), Path(git_dir), False, shallow == "true")


def resolve_commit(repo: Repository, rev: str, role: str) -> str:
    done = run_git(repo.root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}",
                   check=False)
    if done.returncode == 0:
        return done.stdout.decode().strip()
    if repo.shallow:
        raise ScanError(_("{role} '{rev}' is not in this shallow clone: {hint}").format(
            role=_(role), rev=rev, hint=_(FULL_HISTORY_HINT)))
    raise ScanError(_("{role} '{rev}' is not a commit in this repository: it may not be fetched yet (`git fetch "
                      "origin`) or was rewritten by a force push (then scan the new commits with --diff <common "
                      "ancestor>..HEAD, or the whole history with --history)").format(role=_(role), rev=rev))


def range_revisions(repo: Repository, spec: str) -> tuple[list[str], str]:
    """`git log` arguments for BASE..HEAD (commits in HEAD not in BASE) or BASE...HEAD (commits
    in HEAD since the common ancestor, as `git diff` reads it); and a description."""
    symmetric = "..." in spec
    base, sep, head = spec.partition("..." if symmetric else "..")
    if not sep or not base:
        raise ConfigError(_("--diff {spec}: expected BASE..HEAD or BASE...HEAD (HEAD defaults to HEAD)").format(
            spec=repr(spec)))
    head = head or "HEAD"
    base_sha = resolve_commit(repo, base, N_("base commit"))
    head_sha = resolve_commit(repo, head, N_("head commit"))
    if symmetric:
        done = run_git(repo.root, "merge-base", base_sha, head_sha, check=False)
        if done.returncode != 0:
            hint = _(FULL_HISTORY_HINT) if repo.shallow else _("the two commits share no history; use BASE..HEAD")
            raise ScanError(_("--diff {spec}: no common ancestor of '{base}' and '{head}': {hint}").format(
                spec=spec, base=base, head=head, hint=hint))
        base_sha = done.stdout.decode().split()[0]
    return [head_sha, f"^{base_sha}"], f"{base_sha[:12]}..{head_sha[:12]}"


class GitStream:
    """Lines of a git command's stdout, read as they come; a failed command raises ScanError."""

    def __init__(self, repo: Repository, args: Sequence[str], what: str, stdin: bytes | None = None) -> None:
        self.repo = repo
        self.args = list(args)
        self.what = what
        self.stdin = stdin  # written whole before reading: git reads all its revisions first
        self.process: subprocess.Popen[bytes] | None = None

    def __iter__(self) -> Iterator[list[bytes]]:
        """Blocks of complete lines, newlines removed: reading ~1 MB at a time and splitting in C
        costs a fraction of iterating the pipe line by line in Python."""
        try:
            self.process = subprocess.Popen(["git", *_GIT_CONFIG, *self.args], cwd=self.repo.root,
                                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env(),
                                            stdin=subprocess.PIPE if self.stdin is not None else subprocess.DEVNULL,
                                            bufsize=1024 * 1024)
        except FileNotFoundError:
            raise ScanError(_("git is not installed or not on PATH; git sources need it")) from None
        if self.process.stdin is not None:
            self.process.stdin.write(self.stdin or b"")
            self.process.stdin.close()
        stdout, stderr = self.process.stdout, self.process.stderr
        assert stdout is not None and stderr is not None
        messages = bytearray()
        drain = threading.Thread(target=_drain, args=(stderr, messages), daemon=True)
        drain.start()
        try:
            yield from _line_blocks(stdout)
        except BaseException:
            self.process.kill()  # abandoned (error elsewhere, Ctrl-C): stop git now
            raise
        finally:
            stdout.close()
            self.process.wait()
            drain.join()
        if self.process.returncode != 0:
            raise ScanError(_("{what}: git failed: {error}; the repository may be incomplete or corrupt (`git fsck` "
                              "tells which objects are missing)").format(what=self.what,
                                                                          error=_last_lines(bytes(messages))))

    def close(self) -> None:
        """Stop git if it still runs (the scan was abandoned)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()


def _line_blocks(stream: IO[bytes], size: int = 1024 * 1024) -> Iterator[list[bytes]]:
    partial: list[bytes] = []  # a line longer than one read (a minified file) spans reads
    while True:
        block = stream.read1(size)  # type: ignore[attr-defined]
        if not block:
            break
        cut = block.rfind(b"\n")
        if cut < 0:
            partial.append(block)
            continue
        if partial:
            partial.append(block)
            block = b"".join(partial)
            cut = block.rfind(b"\n")
            partial = []
        yield block[:cut].split(b"\n")
        if cut + 1 < len(block):
            partial.append(block[cut + 1 :])
    if partial:
        yield [b"".join(partial)]


def _drain(stream: IO[bytes], into: bytearray) -> None:
    """Read git's stderr while it runs (a full pipe would block it); keep the last messages."""
    for line in stream:
        into.extend(line)
        del into[:-16384]
    stream.close()


def decode_lines(data: bytes) -> str:
    """Decode added lines like files are decoded (UTF-8, else the cp1252 fallback), keeping
    exactly one text line per diff line so line numbers stay right."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    text = decode_bytes(data)
    if text is None or text.count("\n") != data.count(b"\n"):
        text = data.decode("cp1252", errors="replace")
    return text


class _AddedChunker:
    """Added lines of one file section -> chunks; large sections overlap like large files do."""

    def __init__(self, path: str, commit: CommitInfo | None) -> None:
        self.path = path
        self.commit = commit
        self.lines: list[bytes] = []
        self.numbers: list[int] = []
        self.owned_from = 0  # lines before this index are context carried from the previous chunk

    def add(self, piece: FileLines) -> Chunk | None:
        self.lines.extend(piece.lines)
        self.numbers.extend(piece.numbers)
        return self._emit(piece.last)

    def _emit(self, last: bool) -> Chunk | None:
        lines = self.lines
        if len(lines) <= self.owned_from:
            return None
        cut = len(lines)
        if not last:
            lookahead = 0
            while cut > self.owned_from + 1 and lookahead + len(lines[cut - 1]) <= OVERLAP_CHARS:
                cut -= 1
                lookahead += len(lines[cut])
        context = decode_lines(join_lines(lines[: self.owned_from]))
        owned = decode_lines(join_lines(lines[self.owned_from : cut]))
        after = decode_lines(join_lines(lines[cut:]))
        chunk = Chunk(context + owned + after, self.path, line_numbers=self.numbers, owned_start=len(context),
                      owned_end=None if last else len(context) + len(owned), commit=self.commit, origin=ADDED)
        if not last:
            keep = cut
            kept = 0
            while keep > 0 and kept + len(lines[keep - 1]) <= CONTEXT_CHARS:
                keep -= 1
                kept += len(lines[keep])
            self.lines, self.numbers = lines[keep:], self.numbers[keep:]
            self.owned_from = cut - keep
        return chunk


@dataclass
class GitSource:
    """Turns a patch stream into chunks, applying excludes, size limit and --path filters."""

    repo: Repository
    exclude: tuple[str, ...] = ()
    path_filters: tuple[str, ...] = ()
    max_file_size: int | None = None
    stop_at_shallow_boundary: bool = False
    skipped: dict[str, Skipped] = field(default_factory=dict)  # one entry per path: bounded
    files_scanned: int = 0
    commits_scanned: int = 0
    streams: list[GitStream] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._keep = lru_cache(maxsize=65536)(self._keep_path)
        self._boundary = self.repo.shallow_commits() if self.stop_at_shallow_boundary else frozenset()

    def _keep_path(self, path: str) -> bool:
        if self.exclude and matches_any(path, self.exclude):
            return False
        return not self.path_filters or matches_any(path, self.path_filters)

    def chunks(self, stream: GitStream, want_removed: bool = False) -> Iterator[Chunk]:
        self.streams.append(stream)
        commit: CommitInfo | None = None
        added: _AddedChunker | None = None
        section_bytes = 0
        oversize = False
        for event in DiffParser(PIECE_BYTES, want_removed).parse(stream):
            if isinstance(event, FileLines):
                if not self._keep(event.path):
                    continue
                if event.kind == "-":
                    yield Chunk(decode_lines(event.joined()), event.path, line_numbers=event.numbers,
                                commit=commit, origin=REMOVED)
                    if event.deleted and event.last:
                        yield Chunk("", event.path, commit=commit, origin=REMOVED_FILE)
                    continue
                if added is None:
                    added, section_bytes, oversize = _AddedChunker(event.path, commit), 0, False
                    self._note_lfs_pointer(event)
                    yield path_chunk(event.path, commit)
                section_bytes += event.size
                if self.max_file_size is not None and section_bytes > self.max_file_size and not oversize:
                    oversize = True
                    self._skip(event.path, ADDED_TOO_LARGE.format(limit=self.max_file_size))
                chunk = None if oversize else added.add(event)
                if chunk is not None:
                    yield chunk
                if event.last:
                    added = None
                    self.files_scanned += 1
            elif isinstance(event, CommitHeader):
                commit = self._commit(event)
            elif isinstance(event, FileNote) and self._keep(event.path):
                self._skip(event.path, event.reason)
                if not event.deleted:
                    yield path_chunk(event.path, commit)  # a binary file is judged by its name
                elif want_removed:
                    yield Chunk("", event.path, commit=commit, origin=REMOVED_FILE)

    def _commit(self, header: CommitHeader) -> CommitInfo:
        sha, parents, author, email, date, subject = (f.decode("utf-8", "replace") for f in header.fields[:6])
        self.commits_scanned += 1
        if not parents and sha in self._boundary:
            raise ScanError(_("commit {commit} is the edge of a shallow clone: its parents are missing, so the "
                              "history cannot be scanned completely; {hint}").format(commit=sha[:12],
                                                                                     hint=_(FULL_HISTORY_HINT)))
        return CommitInfo(sha=sha, author=author, email=email, date=date, message=subject)

    def _note_lfs_pointer(self, piece: FileLines) -> None:
        if piece.numbers and piece.numbers[0] == 1 and piece.lines[0].startswith(LFS_POINTER):
            self._skip(piece.path, LFS_POINTER_SKIPPED)

    def _skip(self, path: str, reason: str) -> None:
        if path not in self.skipped:
            self.skipped[path] = Skipped(path, reason)

    def close(self) -> None:
        for stream in self.streams:
            stream.close()


def staged_stream(repo: Repository) -> GitStream:
    # Works before the first commit too: `git diff --cached` then compares with the empty tree.
    return GitStream(repo, ["diff", "--cached", *_PATCH_OPTIONS, "--"], "staged changes")


def log_stream(repo: Repository, revisions: Sequence[str], since: str | None = None, until: str | None = None,
               max_count: int | None = None, what: str = "history") -> GitStream:
    args = ["log", "-p", "--cc", "--root", *_PATCH_OPTIONS, f"--format={COMMIT_FORMAT}"]
    args += _limits(since, until, max_count)
    return GitStream(repo, [*args, *_revision_args(revisions)], what)


def commits_stream(repo: Repository, commits: Sequence[str], what: str) -> GitStream:
    """The patches of exactly these commits (one slice of a history scanned by a worker)."""
    args = ["log", "-p", "--cc", "--root", *_PATCH_OPTIONS, f"--format={COMMIT_FORMAT}", "--no-walk=unsorted",
            "--stdin", "--"]
    return GitStream(repo, args, what, stdin="".join(f"{sha}\n" for sha in commits).encode())


def commits_stream_excluding(repo: Repository, sha: str, paths: Sequence[str], what: str) -> GitStream:
    """One commit's patch without ``paths`` (their objects are missing: a partial mirror)."""
    excludes = [f":(exclude,literal){path}" for path in paths]
    args = ["log", "-p", "--cc", "--root", *_PATCH_OPTIONS, f"--format={COMMIT_FORMAT}", "--no-walk=unsorted",
            "--stdin", "--", ".", *excludes]
    return GitStream(repo, args, what, stdin=f"{sha}\n".encode())


@dataclass(frozen=True)
class Unreadable:
    """What a partial scan could not read: a whole commit, or one path's object in a commit."""

    commit: str
    path: str = ""
    object_id: str = ""
    reason: str = ""

    def describe(self) -> str:
        if self.path:
            return MISSING_OBJECT.format(commit=self.commit[:12], path=self.path, object=self.object_id[:12])
        return UNREADABLE_COMMIT.format(commit=self.commit[:12], reason=self.reason)

    def to_dict(self) -> dict[str, str]:
        return {"commit": self.commit, "path": self.path, "object": self.object_id, "reason": self.reason}


def missing_objects(repo: Repository, sha: str) -> list[tuple[str, str]] | None:
    """(path, object id) of the blobs a commit changes that the repository lacks; None when the
    commit or its trees cannot be read at all. Reads trees only, never the blobs themselves."""
    done = run_git(repo.root, "diff-tree", "-r", "--root", "-m", "--no-commit-id", "-z", sha, check=False)
    if done.returncode != 0:
        return None
    fields = done.stdout.split(b"\0")
    changes: list[tuple[str, str]] = []
    index = 0
    while index + 1 < len(fields):
        meta = fields[index].decode("ascii", "replace")
        if not meta.startswith(":"):
            index += 1
            continue
        parts = meta[1:].split()
        status = parts[4] if len(parts) > 4 else ""
        count = 2 if status[:1] in ("R", "C") else 1
        paths = [fields[index + 1 + k].decode("utf-8", "replace") for k in range(count)]
        for oid in (parts[2], parts[3]):
            if set(oid) != {"0"}:
                changes.append((paths[-1], oid))
        index += 1 + count
    if not changes:
        return []
    query = "".join(f"{oid}\n" for _, oid in changes).encode()
    checked = subprocess.run(["git", *_GIT_CONFIG, "cat-file", "--batch-check"], cwd=repo.root, input=query,
                             capture_output=True, env=_env(), check=False)
    missing = {line.split()[0].decode() for line in checked.stdout.splitlines() if line.endswith(b" missing")}
    return sorted({(path, oid) for path, oid in changes if oid in missing})


def commit_slices(repo: Repository, revisions: Sequence[str], since: str | None = None, until: str | None = None,
                  max_count: int | None = None, first: int = 16, largest: int = 512) -> Iterator[list[str]]:
    """The commits to scan, streamed from `git rev-list` in slices for the workers: small slices
    first (a pre-push range of a few commits still spreads over cores), growing so that a
    history of millions of commits does not start one git process per handful of commits."""
    args = ["rev-list", *_limits(since, until, max_count), *_revision_args(revisions)]
    size = first
    current: list[str] = []
    handed = 0
    for block in GitStream(repo, args, "commit list"):
        for line in block:
            if not line:
                continue
            current.append(line.decode())
            if len(current) >= size:
                yield current
                current = []
                handed += 1
                if handed % 16 == 0:
                    size = min(largest, size * 2)
    if current:
        yield current


def _revision_args(revisions: Sequence[str]) -> list[str]:
    # --end-of-options: a revision that starts with '-' (user input) can never act as an option.
    options = [r for r in revisions if r == "--all"]
    return [*options, "--end-of-options", *(r for r in revisions if r != "--all"), "--"]


def _limits(since: str | None, until: str | None, max_count: int | None) -> list[str]:
    limits = []
    if since:
        limits.append(f"--since={since}")
    if until:
        limits.append(f"--until={until}")
    if max_count:
        limits.append(f"--max-count={max_count}")
    return limits


def history_revisions(revs: Sequence[str]) -> list[str]:
    for rev in revs:
        if rev.startswith("-"):
            raise ConfigError(_("--history: {rev} is not a revision (options go before the revisions)").format(
                rev=repr(rev)))
    return list(revs) or ["--all"]


# --- history: one report per value, with how long it stayed -------------------------------------

ValueKey = tuple[str, str]  # (rule id, value)


def deduplicate_history(
    findings: list[Finding],
    removed: Mapping[tuple[str, str, str], int],
    repo: Repository,
    revisions: Sequence[str],
    since: str | None,
    until: str | None,
    max_count: int | None,
) -> list[Finding]:
    """Keep one finding per (rule, value, path), at the commit that introduced it first, with
    `occurrences` (times added), `commits_carrying` (scanned commits whose tree holds the value)
    and `in_head` (the value is somewhere in HEAD)."""
    if not findings:
        return findings
    file_names = {(f.rule_id, f.value) for f in findings if f.extra.get("path_rule")}
    deltas: dict[str, dict[ValueKey, int]] = defaultdict(lambda: defaultdict(int))
    for finding in findings:
        assert finding.commit is not None
        deltas[finding.commit.sha][(finding.rule_id, finding.value)] += 1
    tracked = {key for changes in deltas.values() for key in changes}
    for (sha, rule_id, value), times in removed.items():  # how many times each commit removed each value
        if (rule_id, value) in tracked:
            deltas[sha][(rule_id, value)] -= times
    positions, carrying, head_state = _walk_commits(repo, revisions, since, until, max_count, deltas)
    # The replayed counts say which values HEAD holds; a value they say is gone is confirmed with
    # `git grep` (exact, but ~1.5 s per 30 MB tree with hundreds of values, so only for those).
    in_head = {value for _, value in head_state}
    in_head |= _values_in_head(repo, {value for rule, value in tracked if (rule, value) not in file_names} - in_head)
    # A path rule's value is the file's name: it is in HEAD when HEAD has that file.
    in_head = {v for v in in_head if not any(v == name for _, name in file_names)}
    in_head |= {name for _, name in file_names if _file_in_head(repo, name)}
    groups: dict[tuple[str, str, str], list[Finding]] = defaultdict(list)
    for finding in findings:
        groups[(finding.rule_id, finding.value, finding.path)].append(finding)
    kept = []
    for (rule_id, value, _path), group in groups.items():
        first = min(group, key=lambda f: (positions.get(f.commit.sha if f.commit else "", 0), f.line, f.column))
        first.extra = {**first.extra, "occurrences": len(group),
                       "commits_carrying": carrying.get((rule_id, value), 0), "in_head": value in in_head}
        kept.append(first)
    return kept


def _walk_commits(
    repo: Repository,
    revisions: Sequence[str],
    since: str | None,
    until: str | None,
    max_count: int | None,
    deltas: dict[str, dict[ValueKey, int]],
) -> tuple[dict[str, int], dict[ValueKey, int], dict[ValueKey, int]]:
    """Replay the value counts along the commit graph, parents first; also HEAD's counts.

    Only commits that hold a tracked value keep a state (shared when unchanged), so memory
    follows the findings, not the history size. A merge holds what any parent held."""
    args = ["rev-list", "--reverse", "--topo-order", "--parents", *_limits(since, until, max_count),
            *_revision_args(revisions)]
    states: dict[str, dict[ValueKey, int]] = {}
    positions: dict[str, int] = {}
    carrying: dict[ValueKey, int] = defaultdict(int)
    head = run_git(repo.root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}", check=False).stdout.strip()
    head_state: dict[ValueKey, int] = {}
    lines = (line for block in GitStream(repo, args, "history (commit graph)") for line in block if line)
    for position, line in enumerate(lines):
        sha, *parents = line.decode().split()
        state = _merge_parent_states(states, parents)
        change = deltas.get(sha)
        if change:
            positions[sha] = position
            state = dict(state)
            for key, delta in change.items():
                count = state.get(key, 0) + delta
                if count > 0:
                    state[key] = count
                else:
                    state.pop(key, None)
        if state:
            states[sha] = state
            for key in state:
                carrying[key] += 1
            if sha.encode() == head:
                head_state = state
    return positions, carrying, head_state


def _merge_parent_states(states: dict[str, dict[ValueKey, int]], parents: list[str]) -> dict[ValueKey, int]:
    present = [states[p] for p in parents if p in states]
    if len(present) <= 1:
        return present[0] if present else {}
    merged: dict[ValueKey, int] = {}
    for state in present:
        for key, count in state.items():
            merged[key] = max(merged.get(key, 0), count)
    return merged


def _file_in_head(repo: Repository, path: str) -> bool:
    return run_git(repo.root, "cat-file", "-e", f"HEAD:{path}", check=False).returncode == 0


def _values_in_head(repo: Repository, values: set[str]) -> set[str]:
    """Values still present in HEAD, by one `git grep` (patterns on stdin, never on the command
    line where other users of the machine could read them)."""
    if not values or run_git(repo.root, "rev-parse", "--verify", "--quiet", "HEAD^{commit}",
                             check=False).returncode != 0:
        return set()
    firsts = {value: value.splitlines()[0] for value in values if value.strip()}
    patterns = "\n".join(sorted(set(firsts.values()))).encode("utf-8")
    # -h, --no-line-number, --no-column: only the matched text, whatever the user's grep.* config.
    done = run_git(repo.root, "grep", "-h", "-o", "-F", "-I", "--no-line-number", "--no-column", "--no-color",
                   "-f", "-", "HEAD", "--", check=False, stdin=patterns)
    if done.returncode not in (0, 1):
        raise ScanError(_("git grep failed while checking HEAD: {error}").format(error=_last_lines(done.stderr)))
    matched = {line.decode("utf-8", "replace") for line in done.stdout.split(b"\n") if line}
    return {value for value, first in firsts.items() if first in matched}
