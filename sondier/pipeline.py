"""The one place where the stages are chained:

sources -> chunks -> matching -> validation + scoring (+ records) -> findings -> suppression -> exports
-> (reporters)

Detection runs in worker processes when the input is large enough to pay for them."""

from __future__ import annotations

import signal
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sondier.chunks import Chunk, path_chunk
from sondier.config import Config
from sondier.detection import Detected, Detector
from sondier.errors import ConfigError
from sondier.findings import Finding, ScanResult
from sondier.i18n import _
from sondier.rules import Rule
from sondier.scan_errors import CANNOT_READ, REGEX_TIME_LIMIT, SKIPPED_WITH_ERROR
from sondier.sources.files import FileTask, Skipped, read_chunks

PARALLEL_MIN_BYTES = 2 * 1024 * 1024  # below this, forking workers costs more than it saves
BATCH_BYTES = 1024 * 1024
BATCH_FILES = 64


@dataclass
class _BatchResult:
    detected: Detected
    errors: list[str]
    files: int
    bytes: int


# The detector of this process. Workers inherit it through fork (hyperscan database included),
# or build it in their initializer where fork is not available.
_DETECTOR: Detector | None = None


def _init_worker(rules: Sequence[Rule] | None, config: Config | None) -> None:
    global _DETECTOR
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    if _DETECTOR is None and rules is not None and config is not None:
        _DETECTOR = build_detector(rules, config)


def build_detector(rules: Sequence[Rule], config: Config) -> Detector:
    from sondier.verdict import Judge, lists_for

    detector = Detector(rules, config.min_confidence, config.inline_ignore, config.regex_timeout,
                        config.fingerprints, config.decode, judge=Judge(lists_for(config.verdicts)))
    detector.built_for = config  # a later scan with another configuration (lists, threshold) rebuilds it
    return detector


def _scan_files(batch: Sequence[FileTask]) -> _BatchResult:
    assert _DETECTOR is not None
    detected = Detected()
    errors: list[str] = []
    size = 0
    files = 0
    judge_names = bool(_DETECTOR.matcher.path_rules)
    for task in batch:
        if judge_names:
            detected.extend(_DETECTOR.detect(path_chunk(task.display)))
        try:
            for chunk in read_chunks(task):
                detected.extend(_DETECTOR.detect(chunk))
            files += 1
            size += task.size
        except FileNotFoundError:
            continue  # removed during the scan: nothing left to leak
        except OSError as exc:
            errors.append(CANNOT_READ.format(path=task.display, reason=exc.strerror or exc))
    _collect_timeouts(errors)
    return _BatchResult(detected, errors, files, size)


def _scan_chunks(batch: Sequence[Chunk]) -> _BatchResult:
    assert _DETECTOR is not None
    detected = Detected()
    for chunk in batch:
        detected.extend(_DETECTOR.detect(chunk))
    errors: list[str] = []
    _collect_timeouts(errors)
    return _BatchResult(detected, errors, 0, sum(len(c.text) for c in batch))


def _collect_timeouts(errors: list[str]) -> None:
    assert _DETECTOR is not None
    for timeout in _DETECTOR.matcher.timeouts:
        errors.append(REGEX_TIME_LIMIT.format(path=timeout.path, rule=timeout.rule.id, source=timeout.rule.source,
                                              seconds=_DETECTOR.matcher.regex_timeout))
    _DETECTOR.matcher.timeouts.clear()


def _file_batches(tasks: Iterable[FileTask]) -> Iterator[list[FileTask]]:
    batch: list[FileTask] = []
    size = 0
    for task in tasks:
        batch.append(task)
        size += task.size
        if len(batch) >= BATCH_FILES or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _chunk_batches(chunks: Iterable[Chunk]) -> Iterator[list[Chunk]]:
    batch: list[Chunk] = []
    size = 0
    for chunk in chunks:
        batch.append(chunk)
        size += len(chunk.text)
        if size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _run_batches(
    worker: Callable[[Any], _BatchResult],
    batches: Iterable[Any],
    parallel: bool,
    rules: Sequence[Rule],
    config: Config,
    on_progress: Callable[[_BatchResult], None] | None = None,
) -> Iterator[_BatchResult]:
    global _DETECTOR
    if _DETECTOR is None or _DETECTOR.matcher.rules != list(rules) or _DETECTOR.built_for != config:
        _DETECTOR = build_detector(rules, config)
    if not parallel or config.effective_jobs <= 1:
        for batch in batches:
            result = worker(batch)
            if on_progress:
                on_progress(result)
            yield result
        return
    import multiprocessing  # lazily: a small `scan --staged` never forks, and the import costs ~20 ms

    method = "fork" if "fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin" else "spawn"
    context = multiprocessing.get_context(method)
    init_args = (None, None) if method == "fork" else (list(rules), config)
    pool = context.Pool(config.effective_jobs, initializer=_init_worker, initargs=init_args)
    try:
        for result in pool.imap_unordered(worker, batches, chunksize=1):
            if on_progress:
                on_progress(result)
            yield result
        pool.close()
    except BaseException:
        pool.terminate()  # Ctrl-C or an error: stop the workers now, write no partial report
        raise
    finally:
        pool.join()


def _accumulate(result: ScanResult, batch: _BatchResult) -> None:
    result.findings.extend(batch.detected.findings)
    result.below_threshold += batch.detected.below_threshold
    result.errors.extend(batch.errors)
    result.files_scanned += batch.files
    result.bytes_scanned += batch.bytes


def scan_files(
    tasks_and_skips: Iterable[FileTask | Skipped],
    rules: Sequence[Rule],
    config: Config,
    on_progress: Callable[[int, int], None] | None = None,
) -> ScanResult:
    """Detect in files (walked by sources.files.walk)."""
    result = ScanResult(rules=list(rules))
    tasks: list[FileTask] = []
    for item in tasks_and_skips:
        if isinstance(item, Skipped):
            result.skipped.append(item)
            if item.error:
                result.errors.append(SKIPPED_WITH_ERROR.format(path=item.display, reason=item.reason))
        else:
            tasks.append(item)
    total = sum(t.size for t in tasks)
    parallel = total >= PARALLEL_MIN_BYTES and len(tasks) > 1
    done = 0

    def progress(batch: _BatchResult) -> None:
        nonlocal done
        done += batch.bytes
        if on_progress:
            on_progress(done, total)

    # Large files first so that one big file does not finish alone at the end.
    tasks.sort(key=lambda t: -t.size)
    for batch in _run_batches(_scan_files, _file_batches(tasks), parallel, rules, config, progress):
        _accumulate(result, batch)
    return result


def scan_chunks(chunks: Iterable[Chunk], rules: Sequence[Rule], config: Config, parallel: bool = True) -> ScanResult:
    """Detect in chunks produced by a source (stdin, git)."""
    result = ScanResult(rules=list(rules))
    for batch in _run_batches(_scan_chunks, _chunk_batches(chunks), parallel, rules, config):
        _accumulate(result, batch)
    return result


def suppress(result: ScanResult, config: Config) -> None:
    """Apply allowlists, the ignore file and the baseline to every finding, whatever its
    verdict; move suppressed findings aside."""
    from sondier.suppression.allowlist import AllowlistMatcher

    AllowlistMatcher(config.allowlist).apply(result.findings)
    from sondier.suppression import apply_files

    apply_files(result, config)
    kept: list[Finding] = []
    for finding in result.findings:
        (result.suppressed if finding.suppressed_by else kept).append(finding)
    result.findings = sorted(kept, key=Finding.sort_key)
    result.suppressed.sort(key=Finding.sort_key)


def load_selected_rules(config: Config) -> list[Rule]:
    from sondier.rules import load_rules, select

    rules = select(load_rules(config.extra_rules), config.enable, config.disable)
    if not rules:
        raise ConfigError(_("no rule is enabled: check rules.enable / rules.disable and --rule / --disable-rule"))
    return rules


def judge(result: ScanResult, config: Config) -> None:
    """The verdict stage's record step (each finding got its line's verdict in the workers):
    runs on every finding, before suppression, so a suppressed e-mail still marks its record."""
    from sondier.verdict import judge_records, lists_for

    judge_records(result.findings, lists_for(config.verdicts), config.enable, config.export_threshold)


def split_actionable(result: ScanResult) -> None:
    """Actionable findings (personal, secret) fail the scan; the others are listed apart."""
    from sondier.verdict import split

    result.findings, annotated = split(result.findings)
    result.annotated = sorted(result.annotated + annotated, key=Finding.sort_key)


def finish(result: ScanResult, config: Config, started: float) -> ScanResult:
    judge(result, config)
    # Suppression applies to every finding, whatever its verdict (suppressed ones leave both lists).
    suppress(result, config)
    split_actionable(result)
    # On the final, actionable findings: a baseline of individual values still applies above.
    from sondier import exports, repeats

    exports.apply(result, config.export_threshold)
    if config.group_repeats:
        repeats.apply(result)
    result.duration = time.perf_counter() - started
    return result


def scan_paths(
    targets: Sequence[Path], config: Config, on_progress: Callable[[int, int], None] | None = None
) -> ScanResult:
    from sondier.sources.files import walk

    started = time.perf_counter()
    rules = load_selected_rules(config)
    items = walk(targets, config.root, config.exclude, config.max_file_size, config.follow_symlinks)
    result = scan_files(items, rules, config, on_progress)
    result.target = " ".join(str(t) for t in targets)
    return finish(result, config, started)


def scan_stdin(config: Config, stream: Any = None, display: str = "-") -> ScanResult:
    from sondier.sources.files import read_handle

    started = time.perf_counter()
    rules = load_selected_rules(config)
    handle = stream if stream is not None else sys.stdin.buffer
    result = scan_chunks(read_handle(handle, display), rules, config, parallel=False)
    result.files_scanned = 1
    result.target = "stdin"
    return finish(result, config, started)




# --- git sources: staged changes, commit ranges, histories ----------------------------------------


@dataclass
class _GitBatchResult(_BatchResult):
    removed: list[tuple[str, str, str]] = field(default_factory=list)  # (commit sha, rule id, value)
    skipped: list[Skipped] = field(default_factory=list)
    commits: int = 0
    unreadable: list[Any] = field(default_factory=list)  # sources.git.Unreadable, with --ignore-errors


def _scan_git_chunks(batch: Sequence[Chunk]) -> _GitBatchResult:
    """Added lines are detected in full; removed lines only yield the candidate values, to know
    when a value found elsewhere left the tree (history deduplication)."""
    from sondier.sources.git import REMOVED, REMOVED_FILE

    assert _DETECTOR is not None
    detected = Detected()
    removed: list[tuple[str, str, str]] = []
    size = 0
    for chunk in batch:
        if chunk.origin == REMOVED:
            sha = chunk.commit.sha if chunk.commit else ""
            removed.extend((sha, c.rule.id, c.value) for c in _DETECTOR.matcher.candidates(chunk))
            continue
        if chunk.origin == REMOVED_FILE:
            sha = chunk.commit.sha if chunk.commit else ""
            removed.extend((sha, r.id, chunk.path) for r in _DETECTOR.matcher.path_rules_for(chunk.path))
            continue
        detected.extend(_DETECTOR.detect(chunk))
        size += len(chunk.text)
    errors: list[str] = []
    _collect_timeouts(errors)
    return _GitBatchResult(detected, errors, 0, size, removed)


@dataclass(frozen=True)
class _GitTask:
    """A slice of commits for one worker: it runs git, parses and detects by itself, so the main
    process never copies the text of the history to the workers."""

    repo: Any
    commits: list[str]
    exclude: tuple[str, ...]
    path_filters: tuple[str, ...]
    max_file_size: int | None
    want_removed: bool
    what: str
    ignore_errors: bool = False


def _scan_git_commits(task: _GitTask) -> _GitBatchResult:
    from sondier.errors import ScanError
    from sondier.sources.git import commits_stream

    try:
        return _scan_git_stream(task, commits_stream(task.repo, task.commits, task.what))
    except ScanError as error:
        if not task.ignore_errors or "shallow clone" in str(error):
            raise  # without --ignore-errors (or at a shallow clone's edge) the scan fails closed
    # --ignore-errors: a partial mirror. Scan the slice again commit by commit, leaving out the
    # paths whose objects are missing, and say exactly what could not be read.
    result = _GitBatchResult(Detected(), [], 0, 0)
    for sha in task.commits:
        part = _scan_readable_commit(task, sha)
        _merge_git_parts(result, part)
        result.files += part.files
        result.commits += part.commits
        result.skipped.extend(part.skipped)
        result.unreadable.extend(part.unreadable)
    return result


def _scan_readable_commit(task: _GitTask, sha: str) -> _GitBatchResult:
    from sondier.errors import ScanError
    from sondier.sources import git

    try:
        return _scan_git_stream(task, git.commits_stream(task.repo, [sha], task.what))
    except ScanError as error:
        reason = str(error)
    missing = git.missing_objects(task.repo, sha)
    if missing:
        try:
            stream = git.commits_stream_excluding(task.repo, sha, [path for path, _ in missing], task.what)
            part = _scan_git_stream(task, stream)
            part.unreadable.extend(git.Unreadable(sha, path, oid, "missing object") for path, oid in missing)
            part.errors.extend(u.describe() for u in part.unreadable)
            return part
        except ScanError as error:
            reason = str(error)
    unreadable = git.Unreadable(sha, reason=reason.split(": git failed: ")[-1][:200])
    return _GitBatchResult(Detected(), [unreadable.describe()], 0, 0, unreadable=[unreadable])


def _merge_git_parts(into: _GitBatchResult, part: _GitBatchResult) -> None:
    into.detected.extend(part.detected)
    into.errors.extend(part.errors)
    into.bytes += part.bytes
    into.removed.extend(part.removed)


def _scan_git_stream(task: _GitTask, stream: Any) -> _GitBatchResult:
    from sondier.sources.git import GitSource

    source = GitSource(task.repo, task.exclude, task.path_filters, task.max_file_size, stop_at_shallow_boundary=True)
    chunks = source.chunks(stream, want_removed=task.want_removed)
    result = _GitBatchResult(Detected(), [], 0, 0)
    for batch in _chunk_batches(chunks):
        _merge_git_parts(result, _scan_git_chunks(batch))
    result.files = source.files_scanned
    result.skipped = list(source.skipped.values())
    result.commits = source.commits_scanned
    return result


def _scan_git_history(repo: Any, slices: Iterator[list[str]], config: Config, rules: Sequence[Rule],
                      path_filters: Sequence[str], want_removed: bool,
                      what: str) -> tuple[ScanResult, Counter[tuple[str, str, str]], int]:
    """Scan the commits of ``slices`` (from sources.git.commit_slices), in parallel when there is
    more than one slice; returns the result, the removed-value events (how many times each
    commit removed each value: a history's 315,000 events are 61,000 distinct ones) and the
    commit count."""
    import itertools

    first = list(itertools.islice(slices, 2))
    tasks = (_GitTask(repo, commits, tuple(config.exclude), tuple(path_filters), config.max_file_size, want_removed,
                      what, config.ignore_errors) for commits in itertools.chain(first, slices))
    result = ScanResult(rules=list(rules))
    removed: Counter[tuple[str, str, str]] = Counter()
    skipped: dict[str, Skipped] = {}
    unreadable: list[Any] = []
    commits = 0
    throttle = _Throttle(4 * max(1, config.effective_jobs))
    try:
        for batch in _run_batches(_scan_git_commits, throttle.gate(tasks), len(first) > 1, rules, config,
                                  throttle.release):
            assert isinstance(batch, _GitBatchResult)
            _accumulate(result, batch)
            removed.update(batch.removed)
            commits += batch.commits
            unreadable.extend(batch.unreadable)
            for item in batch.skipped:
                skipped.setdefault(item.display, item)
    finally:
        throttle.stop()
    result.skipped.extend(skipped.values())
    if unreadable:
        result.extra["partial"] = True  # accepted with --ignore-errors: the report says what is missing
        result.extra["unreadable"] = [u.to_dict() for u in sorted(unreadable, key=lambda u: (u.commit, u.path))]
    return result, removed, commits


class _Throttle:
    """Back-pressure between git and the workers: Pool.imap_unordered would otherwise read the
    whole history into its task queue when git is faster than detection."""

    def __init__(self, in_flight: int) -> None:
        import threading

        self._slots = threading.Semaphore(in_flight)
        self._stopped = False

    def gate(self, items: Iterable[Any]) -> Iterator[Any]:
        for item in items:
            while not self._slots.acquire(timeout=0.1):
                if self._stopped:
                    return
            yield item

    def release(self, _batch: object = None) -> None:
        self._slots.release()

    def stop(self) -> None:
        self._stopped = True


def _scan_git(chunks: Iterable[Chunk], source: Any, rules: Sequence[Rule], config: Config,
              parallel: bool) -> tuple[ScanResult, list[tuple[str, str, str]]]:
    result = ScanResult(rules=list(rules))
    removed: list[tuple[str, str, str]] = []
    throttle = _Throttle(4 * max(1, config.effective_jobs))
    try:
        batches = throttle.gate(_chunk_batches(chunks))
        for batch in _run_batches(_scan_git_chunks, batches, parallel, rules, config, throttle.release):
            _accumulate(result, batch)
            removed.extend(getattr(batch, "removed", ()))
    finally:
        throttle.stop()
        source.close()
    result.files_scanned = source.files_scanned
    result.skipped.extend(source.skipped.values())
    return result, removed


def _git_source(config: Config, repo: Any, path_filters: Sequence[str], boundary: bool) -> Any:
    from sondier.sources.git import GitSource

    return GitSource(repo, tuple(config.exclude), tuple(path_filters), config.max_file_size,
                     stop_at_shallow_boundary=boundary)


def scan_staged(config: Config, path_filters: Sequence[str] = ()) -> ScanResult:
    """The lines added in the git index: what the next commit will contain."""
    from sondier.sources import git

    started = time.perf_counter()
    repo = git.open_repository(config.root, need_work_tree=True)
    rules = load_selected_rules(config)
    source = _git_source(config, repo, path_filters, boundary=False)
    result, _ = _scan_git(source.chunks(git.staged_stream(repo)), source, rules, config, parallel=False)
    result.target = "staged changes"
    result.extra["scanned_range"] = "index (staged changes)"
    return finish(result, config, started)


def scan_range(config: Config, spec: str, path_filters: Sequence[str] = ()) -> ScanResult:
    """The lines added by the commits of BASE..HEAD (or BASE...HEAD), each with its commit."""
    from sondier.sources import git

    started = time.perf_counter()
    repo = git.open_repository(config.root)
    revisions, described = git.range_revisions(repo, spec)
    rules = load_selected_rules(config)
    slices = git.commit_slices(repo, revisions)
    result, _, commits = _scan_git_history(repo, slices, config, rules, path_filters, False, f"--diff {spec}")
    result.target = spec
    result.extra.update(scanned_range=described, commits_scanned=commits)
    return finish(result, config, started)


def scan_history(config: Config, revs: Sequence[str], since: str | None = None, until: str | None = None,
                 max_count: int | None = None, path_filters: Sequence[str] = ()) -> ScanResult:
    """Every commit reachable from ``revs`` (default: all refs); a value is reported once, at
    the commit that introduced it, with how many commits carry it and whether HEAD still does."""
    from sondier.sources import git

    started = time.perf_counter()
    repo = git.open_repository(config.root)
    revisions = git.history_revisions(revs)
    rules = load_selected_rules(config)
    slices = git.commit_slices(repo, revisions, since, until, max_count)
    result, removed, commits = _scan_git_history(repo, slices, config, rules, path_filters, True, "--history")
    result.findings = git.deduplicate_history(result.findings, removed, repo, revisions, since, until, max_count)
    result.target = "history " + " ".join(revisions)
    result.extra.update(scanned_range=" ".join(revisions), commits_scanned=commits)
    return finish(result, config, started)
