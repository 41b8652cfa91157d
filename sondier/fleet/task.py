"""One task of a fleet scan, run in a worker: clone or open each repository, skip it when it was
already graded at the same commit by the same method, else scan, grade and write its result file.

Everything a task needs travels in its arguments (specs and TaskOptions), so the same function runs
in a local process pool and on any Dask worker. Result files are written whole (temp file + rename):
a task killed half-way leaves nothing, and a task run twice writes the same file."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from sondier.errors import ScanError, SondierError
from sondier.fleet import messages
from sondier.fleet.repolist import RepoSpec
from sondier.i18n import DEFAULT_LANGUAGE, speaking

RESULT_VERSION = 1
SCANNED, SKIPPED, FAILED = "scanned", "skipped", "failed"
CLONE_TIMEOUT = 3600  # seconds; a hung clone must not hold a worker for ever
MAX_ERRORS_LISTED = 20


@dataclass(frozen=True)
class TaskOptions:
    results: str  # the folder of per-repository result files
    history: bool = False
    cache: str | None = None  # keep clones here; None: a temporary folder per task, removed
    repo_config: bool = True  # honour the repository's own .sondier.yml (its reviewed allowlist)
    kill_once: str | None = None  # test hook "MARKER|NAME": the task kills its own worker once


@dataclass(frozen=True)
class Outcome:
    """What the runner needs to follow the run (the result file holds the rest)."""

    id: str
    name: str
    status: str  # scanned, skipped (result file up to date) or failed (recorded with '?')
    letter: str
    bytes: int = 0
    duration: float = 0.0
    error: str | None = None  # why it could not be scanned, as recorded (English; see fleet.messages)


def result_path(results: str | Path, spec: RepoSpec) -> Path:
    return Path(results) / f"{spec.id}.json"


@lru_cache(maxsize=1)
def rules_digest() -> str:
    """Changing a built-in rule changes the method: older results are then scanned again."""
    from sondier.rules import builtin_rules_dir, rule_files

    digest = hashlib.sha256()
    folder = builtin_rules_dir()
    for path in rule_files([folder]):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def method(options: TaskOptions) -> dict[str, Any]:
    from sondier import __version__
    from sondier.grade import METHOD, METHOD_DATE

    return {"grade": METHOD, "grade_date": METHOD_DATE, "sondier": __version__, "rules": rules_digest(),
            "history": options.history, "repo_config": options.repo_config}


# --------------------------------------------------------------------------- git


def _git(args: list[str], cwd: Path | None = None, timeout: float | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0", LC_ALL="C")  # never wait for a password
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, errors="replace",
                          timeout=timeout, stdin=subprocess.DEVNULL)


def _git_failure(template: str, done: subprocess.CompletedProcess[str], spec: RepoSpec, **values: str) -> ScanError:
    """`template` is messages.GIT_FAILED or READING_HEAD_FAILED; the text is recorded in English."""
    last = (done.stderr.strip().splitlines() or [messages.GIT_NO_MESSAGE])[-1]
    return ScanError(template.format(code=done.returncode, message=last.replace(spec.source, spec.display_source),
                                     **values))


def _clone(spec: RepoSpec, target: Path, history: bool) -> None:
    """The only network use of a fleet scan: `git clone` (or fetch) of a URL the user listed."""
    if (target / ".git").is_dir():
        _refresh(spec, target, history)
        return
    shutil.rmtree(target, ignore_errors=True)  # a half-made clone from an interrupted run
    target.parent.mkdir(parents=True, exist_ok=True)
    depth = [] if history else ["--depth", "1"]
    done = _git(["clone", "--quiet", *depth, "--", spec.source, str(target)], timeout=CLONE_TIMEOUT)
    if done.returncode != 0:
        raise _git_failure(messages.GIT_FAILED, done, spec, command="git clone")


def _refresh(spec: RepoSpec, target: Path, history: bool) -> None:
    shallow = _git(["rev-parse", "--is-shallow-repository"], cwd=target).stdout.strip() == "true"
    deepen = ["--unshallow"] if history and shallow else ["--depth", "1"] if not history else []
    done = _git(["fetch", "--quiet", *deepen, "origin"], cwd=target, timeout=CLONE_TIMEOUT)
    if done.returncode == 0:
        done = _git(["reset", "--quiet", "--hard", "FETCH_HEAD"], cwd=target)
    if done.returncode != 0:
        raise _git_failure(messages.GIT_FAILED, done, spec, command="git fetch")


def head_commit(root: Path, spec: RepoSpec) -> str:
    """HEAD's commit, read through its tree: a repository whose HEAD cannot be read is broken."""
    done = _git(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], cwd=root)
    if done.returncode == 0:
        commit = done.stdout.strip()
        tree = _git(["cat-file", "-e", f"{commit}^{{tree}}"], cwd=root)
        if tree.returncode == 0:
            return commit
        done = tree
    raise _git_failure(messages.READING_HEAD_FAILED, done, spec, name=spec.name)


def folder_snapshot(root: Path) -> str:
    """A plain folder (no .git) has no commit: its version is a digest of its listing (paths, sizes,
    modification times), enough to know whether a result file is still up to date."""
    digest = hashlib.sha256()
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = sorted(d for d in subfolders if d != ".git")
        for name in sorted(files):
            path = Path(folder, name)
            try:
                stat = path.lstat()
            except OSError:
                continue
            digest.update(f"{path.relative_to(root).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return "folder-" + digest.hexdigest()[:24]


def revision(root: Path, spec: RepoSpec) -> tuple[str | None, str]:
    """(commit, revision): a git work tree is known by its HEAD commit; a folder without .git is
    scanned as files and known by its snapshot. A .git that git cannot read is a broken repository."""
    if not root.is_dir():
        raise ScanError(messages.NO_SUCH_FOLDER.format(source=spec.display_source))
    if not (root / ".git").exists():
        return None, folder_snapshot(root)
    commit = head_commit(root, spec)
    return commit, commit


# --------------------------------------------------------------------------- scan and grade


def _scan(root: Path, options: TaskOptions) -> Any:
    from sondier import config as config_module
    from sondier import pipeline

    config = config_module.load(root) if options.repo_config else config_module.Config(root=root)
    # One core per task: the fleet's parallelism is across repositories. Fingerprints (slow on
    # purpose) only when a baseline or an ignore file needs them; result files hold none.
    config = config.with_overrides(jobs=1, fingerprints=bool(config.baseline or config.ignore_file))
    if options.history:
        return pipeline.scan_history(config, [])
    return pipeline.scan_paths([root], config)


def _counts(result: Any) -> dict[str, Any]:
    values = result.open_values()
    everything = [*values, *result.annotated]
    return {
        "open": len(values),
        "annotated": len(result.annotated),
        "suppressed": len(result.suppressed),
        "by_category": dict(sorted(Counter(f.category for f in values).items())),
        "by_verdict": dict(sorted(Counter(f.verdict for f in everything).items())),
        "by_severity": dict(sorted(Counter(f.severity for f in values).items())),
        "by_rule": dict(sorted(Counter(f.rule_id for f in values).items())),
    }


def _safe_error(error: BaseException) -> str:
    """Sondier's own errors are written for users and hold no value; any other exception's message
    could quote scanned text, so only its type and place are kept."""
    if isinstance(error, SondierError):
        return str(error)
    if isinstance(error, subprocess.TimeoutExpired):
        return messages.GIT_TIMEOUT.format(seconds=f"{error.timeout:.0f}")
    frame = error.__traceback__
    while frame is not None and frame.tb_next is not None:
        frame = frame.tb_next
    if frame is None:
        return messages.INTERNAL_ERROR.format(error=type(error).__name__)
    place = f"{Path(frame.tb_frame.f_code.co_filename).name}:{frame.tb_lineno}"
    return messages.INTERNAL_ERROR_AT.format(error=type(error).__name__, place=place)


def make_record(spec: RepoSpec, options: TaskOptions, versions: tuple[str | None, str | None], result: Any,
                error: str | None, hygiene: Any, started: float) -> dict[str, Any]:
    from sondier.findings import ScanResult
    from sondier.grade import compute_grade

    if result is None:
        result = ScanResult(errors=[error or messages.NOT_SCANNED])
    grade = compute_grade(result, history=options.history, hygiene=hygiene)
    return {
        "version": RESULT_VERSION,
        "repository": spec.to_dict(),
        "commit": versions[0],
        "revision": versions[1],
        "method": method(options),
        "grade": grade.to_dict(),
        "counts": _counts(result),
        "scan": {"history": options.history, "files": result.files_scanned, "bytes": result.bytes_scanned,
                 "commits": result.extra.get("commits_scanned"), "duration": round(result.duration, 3),
                 "errors": len(result.errors), "error_messages": result.errors[:MAX_ERRORS_LISTED]},
        "error": error or (messages.SCAN_ERRORS.format(count=len(result.errors)) if result.errors else None),
        "duration": round(time.perf_counter() - started, 3),
    }


def write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # missing or torn: scan again
    return data if isinstance(data, dict) else None


def up_to_date(previous: dict[str, Any] | None, revision: str, options: TaskOptions) -> bool:
    """Graded at this revision by this method. Results without one (clone failures, broken
    repositories) are never up to date: the next run tries them again."""
    return bool(previous) and previous.get("revision") == revision and previous.get("method") == method(options)


def _kill_hook(spec: RepoSpec, options: TaskOptions) -> None:
    """Test hook: kill this worker once, in the middle of the task, to prove the task is retried."""
    if not options.kill_once:
        return
    marker, _, name = options.kill_once.partition("|")
    if name == spec.name and not os.path.exists(marker):
        Path(marker).write_text(str(os.getpid()), encoding="utf-8")
        os.kill(os.getpid(), signal.SIGKILL)


def _outcome(spec: RepoSpec, status: str, record: dict[str, Any]) -> Outcome:
    return Outcome(spec.id, spec.name, status, record["grade"]["letter"], record["scan"]["bytes"],
                   record["duration"], record["error"])


def scan_one(spec: RepoSpec, options: TaskOptions, workspace: Path) -> Outcome:
    from sondier.grade import detect_hygiene

    started = time.perf_counter()
    target = result_path(options.results, spec)
    commit = version = result = error = hygiene = None
    try:
        root = Path(spec.source)
        if spec.is_url:
            root = Path(options.cache or workspace) / spec.id
            _clone(spec, root, options.history)
        commit, version = revision(root, spec)
        previous = read_json(target)
        if previous is not None and up_to_date(previous, version, options):
            return Outcome(spec.id, spec.name, SKIPPED, previous["grade"]["letter"], 0, 0.0)
        _kill_hook(spec, options)
        if options.history and commit is None:  # a plain folder has files, no history to audit
            raise ScanError(messages.NOT_A_REPOSITORY.format(source=spec.display_source))
        hygiene = detect_hygiene(root)
        result = _scan(root, options)
    except Exception as exc:  # recorded as '?' with its reason: one repository never stops the fleet
        error = _safe_error(exc)
    finally:
        if spec.is_url and not options.cache:
            shutil.rmtree(Path(workspace) / spec.id, ignore_errors=True)  # one clone on disk at a time
    record = make_record(spec, options, (commit, version), result, error, hygiene, started)
    write_json(target, record)
    return _outcome(spec, FAILED if record["grade"]["letter"] == "?" else SCANNED, record)


def run_task(specs: list[RepoSpec], options: TaskOptions) -> list[Outcome]:
    """The unit of work sent to a worker: one repository, or a batch of them on long lists, handled
    one at a time (a worker's memory holds one scan). Temporary clones are removed at the end.
    Result files are machine outputs: whatever language the worker was left in, what a task records
    (its own texts and the scan's errors) is English, the same in every run."""
    workspace = Path(tempfile.mkdtemp(prefix="sondier-fleet-"))
    try:
        with speaking(DEFAULT_LANGUAGE):
            return [scan_one(spec, options, workspace) for spec in specs]
    finally:
        shutil.rmtree(workspace, ignore_errors=True)
