"""`sondier ci`: find out which CI we run in, compute the commits to scan, write the reports
the host understands.

The range tables are in docs/ci.md (and ../shared/ci-conventions.md §5). The one promise this
module keeps above all: when the history needed to compute or scan the range is not in the
clone, it stops with an error (exit 3) that says what to change. It never reports a clean scan
of commits it could not see."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sondier.errors import ConfigError, ScanError
from sondier.i18n import N_, _
from sondier.reasons import RecordedTexts

ZERO_SHA = "0" * 40
GITHUB = "github"
GITLAB = "gitlab"
LOCAL = "local"

# Scan modes of a plan.
DIFF = "diff"  # the commits in base..head, one diff each
HISTORY = "history"  # every commit reachable from head
TREE = "tree"  # the files of the checkout
SKIP = "skip"  # nothing to scan (tag, deleted branch, base == head)

SCAN_MODES = ("auto", HISTORY, TREE)
FAIL_ON = ("findings", "never")

# What to change when history is missing (translated when the error is raised; the YAML is code).
GITHUB_HINT = N_("Fetch the whole history in the checkout step:")
GITHUB_CHECKOUT = "    - uses: actions/checkout@v4\n      with:\n        fetch-depth: 0"
GITLAB_HINT = N_('Set `GIT_DEPTH: "0"` in the job\'s variables (the Sondier template\'s git-depth input), '
                 "or run `git fetch --unshallow` before sondier.")
LOCAL_HINT = N_("Fetch the whole history first: `git fetch --unshallow` (or clone without --depth).")

# Why a plan scans what it scans (`ScanPlan.reason`): recorded in English, as the JSON report's
# `scan.scan_reason` is a machine field, and translated where people read it (the job log line,
# the Markdown job summary) by `localized_reason`.
SAME_COMMIT = N_("base and head are the same commit")
NO_COMMON_HISTORY = N_("{reason}; no common history with {branch}")
MERGE_BASE = N_("{reason}; base = merge-base with {branch}")
ALL_ON_OTHER_BRANCHES = N_("{reason}; every commit is on another branch")
STARTS_AT_ROOT = N_("{reason}; the branch starts at a root commit")
FIRST_OWN_COMMIT = N_("{reason}; base = parent of its first own commit")
NEW_BRANCH = N_("new branch")
FORCE_PUSH_TIP_GONE = N_("force push (previous tip gone)")
FORCE_PUSH_NOT_ANCESTOR = N_("force push (previous tip not an ancestor)")
PUSH = N_("push")
PULL_REQUEST = N_("pull request #{number}")
MERGE_QUEUE = N_("merge queue")
PUSH_DELETED_REF = N_("the push deleted a ref")
TAG_PUSH = N_("tag push: commits scanned on their branch")
NO_NEW_COMMITS = N_("{event} event: no new commits")
NO_RANGE_FOR_EVENT = N_("no commit range for this event")
MERGE_REQUEST_WITHOUT_BASE = N_("merge request without a diff base")
MERGE_REQUEST = N_("merge request !{number}")
TAG_PIPELINE = N_("tag pipeline: commits scanned on their branch")
EXTERNAL_PULL_REQUEST = N_("external pull request")
NO_RANGE_FOR_SOURCE = N_("no commit range for this pipeline source")
NO_SHARED_HISTORY = N_("{base} shares no history with {head}")
BASE_FROM_COMMAND_LINE = N_("base given on the command line")
SCAN_MODE_TREE = N_("scan mode tree")
SCAN_MODE_HISTORY = N_("scan mode history")
NO_CI_DETECTED = N_("no CI detected")
PLAN_REASONS = RecordedTexts((NO_COMMON_HISTORY, MERGE_BASE, ALL_ON_OTHER_BRANCHES, STARTS_AT_ROOT, FIRST_OWN_COMMIT,
                              PULL_REQUEST, NO_NEW_COMMITS, MERGE_REQUEST, NO_SHARED_HISTORY), nested=("reason",))


def localized_reason(reason: str, language: str | None = None) -> str:
    """A plan's reason (English, as recorded) in `language` (default: the active one)."""
    return PLAN_REASONS.localized(reason, language)


class MissingHistoryError(ScanError):
    """The commits needed for the scan are not in the clone (shallow clone, missing base)."""


@dataclass(frozen=True)
class ScanPlan:
    """What to scan and why; `describe()` is printed in the job log and the outputs."""

    host: str
    event: str
    mode: str
    head: str | None = None
    base: str | None = None
    reason: str = ""

    @property
    def range_text(self) -> str:
        """The `scanned-range` output: `BASE..HEAD`, `HEAD` (full history), `tree` or empty."""
        if self.mode == DIFF:
            return f"{self.base}..{self.head}"
        if self.mode == HISTORY:
            return str(self.head)
        if self.mode == TREE:
            return "tree"
        return ""

    def describe(self) -> str:
        """The job log's line, in the reader's language."""
        if self.mode == DIFF:
            what = _("the commits in {range}").format(range=f"{_short(self.base)}..{_short(self.head)}")
        elif self.mode == HISTORY:
            what = _("the whole history of {commit}").format(commit=_short(self.head))
        elif self.mode == TREE:
            what = _("the files of the checkout")
        else:
            what = _("nothing")
        return _("{host} {event}: scanning {what} ({reason})").format(
            host=self.host, event=self.event or _("run"), what=what, reason=localized_reason(self.reason))


def _short(sha: str | None) -> str:
    return (sha or "")[:12]


# --------------------------------------------------------------------------- git plumbing
# Plain `git` plumbing commands: each question is one command and a return code, which is
# clearer through subprocess than through a wrapper library.


class Git:
    def __init__(self, repo: Path) -> None:
        self.repo = repo

    def run(self, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        try:
            done = subprocess.run(["git", "-C", str(self.repo), *args], capture_output=True, text=True,
                                  timeout=timeout, check=False)
        except FileNotFoundError as exc:
            raise ScanError(_("git is not installed or not on PATH")) from exc
        except subprocess.TimeoutExpired as exc:
            raise ScanError(_("git {args} timed out after {timeout:.0f}s").format(
                args=args[0], timeout=timeout)) from exc
        if check and done.returncode != 0:
            raise ScanError(_("git {args} failed in {repo}: {stderr}").format(
                args=' '.join(args[:2]), repo=self.repo, stderr=done.stderr.strip()))
        return done

    def out(self, *args: str) -> str:
        return self.run(*args).stdout.strip()

    def resolve(self, rev: str) -> str | None:
        """Full SHA of a commit, or None when it is not in the clone."""
        done = self.run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}",
                        check=False)
        return (done.stdout.strip() or None) if done.returncode == 0 else None

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        done = self.run("merge-base", "--is-ancestor", ancestor, descendant, check=False)
        if done.returncode not in (0, 1):
            raise ScanError(_("git merge-base failed: {stderr}").format(stderr=done.stderr.strip()))
        return done.returncode == 0

    def merge_base(self, one: str, two: str) -> str | None:
        done = self.run("merge-base", one, two, check=False)
        return (done.stdout.strip() or None) if done.returncode == 0 else None

    def is_shallow(self) -> bool:
        return self.out("rev-parse", "--is-shallow-repository") == "true"

    def shallow_boundary(self) -> set[str]:
        """Commits whose parents were cut off by a shallow clone."""
        path = Path(self.out("rev-parse", "--git-path", "shallow"))
        if not path.is_absolute():
            path = self.repo / path
        if not path.is_file():
            return set()
        return {line.strip() for line in path.read_text().splitlines() if line.strip()}

    def rev_list(self, *args: str) -> list[str]:
        return self.out("rev-list", *args).split()

    def remotes(self) -> list[str]:
        return self.out("remote").split()

    def remote_refs(self) -> list[str]:
        return self.out("for-each-ref", "--format=%(refname)", "refs/remotes/").split()

    def check_repository(self) -> None:
        done = self.run("rev-parse", "--git-dir", check=False)
        if done.returncode != 0:
            raise ScanError(_("{repo} is not a git repository: {stderr}").format(
                repo=self.repo, stderr=done.stderr.strip()))


def _is_zero(sha: str | None) -> bool:
    return not sha or set(sha) == {"0"}


@dataclass
class _Context:
    """What the planners need: the repository, the host, and how to fetch what is missing."""

    git: Git
    host: str
    fetch: bool
    fetched: list[str] = field(default_factory=list)

    def hint(self) -> str:
        if self.host == GITHUB:
            return _(GITHUB_HINT) + "\n" + GITHUB_CHECKOUT
        return _(GITLAB_HINT if self.host == GITLAB else LOCAL_HINT)

    def missing(self, what: str) -> MissingHistoryError:
        """`what` is a sentence already in the reader's language."""
        shallow = _(" (this is a shallow clone)") if self.git.is_shallow() else ""
        return MissingHistoryError(_("{what}{shallow}; the scan cannot be done without it. {hint}").format(
            what=what, shallow=shallow, hint=self.hint()))

    def try_fetch(self, *refspecs: str) -> bool:
        """Fetch from `origin` (or the only remote) when fetching is allowed; False on any failure.

        Failure is not an error here: the caller checks again what it needed and fails closed."""
        if not self.fetch:
            return False
        remotes = self.git.remotes()
        remote = "origin" if "origin" in remotes else (remotes[0] if len(remotes) == 1 else None)
        if remote is None:
            return False
        args = ["fetch", "--quiet", "--no-tags"]
        if self.git.is_shallow() and not refspecs:
            args.append("--unshallow")
        done = self.git.run(*args, remote, *refspecs, check=False, timeout=600)
        self.fetched.append(" ".join([*args[1:], remote, *refspecs]))
        return done.returncode == 0

    def commit(self, sha: str, what: str) -> str:
        """Resolve a commit that must be in the clone, fetching once if allowed; `what` names it
        (a text marked with `N_()`, translated in the error)."""
        found = self.git.resolve(sha)
        if found is None and (self.try_fetch() or self.try_fetch(sha)):
            found = self.git.resolve(sha)
        if found is None:
            raise self.missing(_("{what} {sha} is not in the clone").format(what=_(what), sha=_short(sha)))
        return found


# --------------------------------------------------------------------------- planning


def _range_plan(ctx: _Context, event: str, base: str, head: str, reason: str) -> ScanPlan:
    if base == head:
        return ScanPlan(ctx.host, event, SKIP, head, base, SAME_COMMIT)
    return ScanPlan(ctx.host, event, DIFF, head, base, reason)


def _full_plan(ctx: _Context, event: str, head: str, reason: str) -> ScanPlan:
    return ScanPlan(ctx.host, event, HISTORY, head, None, reason)


def _new_branch_plan(ctx: _Context, event: str, head: str, default_branch: str | None, branch: str | None,
                     reason: str) -> ScanPlan:
    """A branch seen for the first time (or rewritten): scan what it adds to the default branch.

    Base = merge-base with the default branch; without a default branch, the parent of the
    oldest commit that no other remote branch holds; a root commit there means everything."""
    if default_branch and default_branch != branch:
        ref = f"refs/remotes/origin/{default_branch}"
        default_sha = ctx.git.resolve(ref) or ctx.git.resolve(default_branch)
        if default_sha is None and ctx.try_fetch(f"+refs/heads/{default_branch}:{ref}"):
            default_sha = ctx.git.resolve(ref)
        if default_sha is not None:
            base = ctx.git.merge_base(default_sha, head)
            if base is None:
                return _full_plan(ctx, event, head, NO_COMMON_HISTORY.format(reason=reason, branch=default_branch))
            return _range_plan(ctx, event, base, head, MERGE_BASE.format(reason=reason, branch=default_branch))
    own = {f"refs/remotes/origin/{branch}"} if branch else set()
    others = [r for r in ctx.git.remote_refs() if r not in own and not r.endswith("/HEAD")]
    new_commits = ctx.git.rev_list("--topo-order", "--reverse", head, "--not", *others)
    if not new_commits:
        return ScanPlan(ctx.host, event, SKIP, head, None, ALL_ON_OTHER_BRANCHES.format(reason=reason))
    parents = ctx.git.out("rev-list", "--parents", "-n", "1", new_commits[0]).split()[1:]
    if not parents:
        return _full_plan(ctx, event, head, STARTS_AT_ROOT.format(reason=reason))
    return _range_plan(ctx, event, parents[0], head, FIRST_OWN_COMMIT.format(reason=reason))


def _push_plan(ctx: _Context, event: str, before: str | None, head: str, default_branch: str | None,
               branch: str | None) -> ScanPlan:
    if _is_zero(before):
        return _new_branch_plan(ctx, event, head, default_branch, branch, NEW_BRANCH)
    assert before is not None
    found = ctx.git.resolve(before)
    if found is None and ctx.git.is_shallow():
        found = ctx.commit(before, N_("the commit before the push"))  # fetches or fails closed
    if found is None:
        # A complete clone without `before`: the push rewrote history and the old tip is gone.
        return _new_branch_plan(ctx, event, head, default_branch, branch, FORCE_PUSH_TIP_GONE)
    if not ctx.git.is_ancestor(found, head) and ctx.git.is_shallow() and ctx.try_fetch():
        found = ctx.commit(before, N_("the commit before the push"))
    if not ctx.git.is_ancestor(found, head):
        if ctx.git.is_shallow():
            # Cut history hides ancestry: this may be a plain push, not a force push.
            raise ctx.missing(_("cannot tell whether {before} (before the push) is an ancestor of {head}").format(
                before=_short(found), head=_short(head)))
        return _new_branch_plan(ctx, event, head, default_branch, branch, FORCE_PUSH_NOT_ANCESTOR)
    return _range_plan(ctx, event, found, head, PUSH)


def github_plan(ctx: _Context, env: Mapping[str, str], payload: Mapping[str, Any]) -> ScanPlan:
    """The GitHub Actions table (docs/ci.md)."""
    event = env.get("GITHUB_EVENT_NAME", "")
    sha = env.get("GITHUB_SHA") or "HEAD"
    if event in ("pull_request", "pull_request_target"):
        pull = payload.get("pull_request") or {}
        base_sha = (pull.get("base") or {}).get("sha")
        head_sha = (pull.get("head") or {}).get("sha")
        if not base_sha or not head_sha:
            raise ConfigError(_("the {event} event payload has no pull_request.base.sha / head.sha").format(
                event=event))
        head = ctx.commit(head_sha, N_("the pull request head"))
        base = ctx.commit(base_sha, N_("the pull request base"))
        return _range_plan(ctx, event, base, head, PULL_REQUEST.format(number=payload.get("number", "?")))
    if event == "merge_group":
        group = payload.get("merge_group") or {}
        head = ctx.commit(group.get("head_sha") or sha, N_("the merge group head"))
        base = ctx.commit(group.get("base_sha") or "", N_("the merge group base"))
        return _range_plan(ctx, event, base, head, MERGE_QUEUE)
    if event == "push":
        if payload.get("deleted"):
            return ScanPlan(ctx.host, event, SKIP, None, None, PUSH_DELETED_REF)
        if env.get("GITHUB_REF_TYPE") == "tag" or str(payload.get("ref", "")).startswith("refs/tags/"):
            return ScanPlan(ctx.host, event, SKIP, None, None, TAG_PUSH)
        head = ctx.commit(payload.get("after") or sha, N_("the pushed commit"))
        repository = payload.get("repository") or {}
        branch = str(payload.get("ref", "")).removeprefix("refs/heads/") or env.get("GITHUB_REF_NAME")
        return _push_plan(ctx, event, payload.get("before"), head, repository.get("default_branch"), branch)
    if event in ("delete", "create"):
        return ScanPlan(ctx.host, event, SKIP, None, None, NO_NEW_COMMITS.format(event=event))
    # schedule, workflow_dispatch, repository_dispatch and anything unknown: scan everything.
    head = ctx.commit(sha, N_("the workflow commit"))
    return _full_plan(ctx, event, head, NO_RANGE_FOR_EVENT)


GITLAB_FULL_SOURCES = {"schedule", "web", "api", "trigger", "pipeline", "parent_pipeline", "chat"}


def gitlab_plan(ctx: _Context, env: Mapping[str, str]) -> ScanPlan:
    """The GitLab CI table (docs/ci.md)."""
    source = env.get("CI_PIPELINE_SOURCE", "")
    sha = env.get("CI_COMMIT_SHA") or "HEAD"
    if source == "merge_request_event":
        head_sha = sha
        if env.get("CI_MERGE_REQUEST_EVENT_TYPE") in ("merged_result", "merge_train"):
            # CI_COMMIT_SHA is then a synthetic merge commit; the source branch tip is the head.
            head_sha = env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_SHA") or sha
        head = ctx.commit(head_sha, N_("the merge request head"))
        base_sha = env.get("CI_MERGE_REQUEST_DIFF_BASE_SHA")
        if not base_sha:
            target = env.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME")
            return _new_branch_plan(ctx, source, head, target, env.get("CI_MERGE_REQUEST_SOURCE_BRANCH_NAME"),
                                    MERGE_REQUEST_WITHOUT_BASE)
        base = ctx.commit(base_sha, N_("the merge request diff base"))
        return _range_plan(ctx, source, base, head, MERGE_REQUEST.format(number=env.get("CI_MERGE_REQUEST_IID", "?")))
    if env.get("CI_COMMIT_TAG"):
        return ScanPlan(ctx.host, source, SKIP, None, None, TAG_PIPELINE)
    if source in ("push", "") and env.get("CI_COMMIT_BRANCH"):
        head = ctx.commit(sha, N_("the pipeline commit"))
        return _push_plan(ctx, source or "push", env.get("CI_COMMIT_BEFORE_SHA"), head,
                          env.get("CI_DEFAULT_BRANCH"), env.get("CI_COMMIT_BRANCH"))
    if source == "external_pull_request_event":
        head = ctx.commit(env.get("CI_EXTERNAL_PULL_REQUEST_SOURCE_BRANCH_SHA") or sha, N_("the PR head"))
        base = ctx.commit(env.get("CI_EXTERNAL_PULL_REQUEST_TARGET_BRANCH_SHA") or "", N_("the PR base"))
        return _range_plan(ctx, source, base, head, EXTERNAL_PULL_REQUEST)
    head = ctx.commit(sha, N_("the pipeline commit"))
    return _full_plan(ctx, source, head, NO_RANGE_FOR_SOURCE)


def explicit_plan(ctx: _Context, event: str, base: str, head: str) -> ScanPlan:
    """`--base`/`--head` given by the user (action inputs): they win over the event."""
    head_sha = ctx.commit(head, N_("the head commit"))
    base_sha = ctx.git.resolve(base) or ctx.git.resolve(f"refs/remotes/origin/{base}")
    if base_sha is None and ctx.try_fetch(f"+refs/heads/{base}:refs/remotes/origin/{base}"):
        base_sha = ctx.git.resolve(f"refs/remotes/origin/{base}")
    if base_sha is None:
        base_sha = ctx.commit(base, N_("the base commit"))
    if not ctx.git.is_ancestor(base_sha, head_sha):
        # A branch name as base (`base: main`): scan what head adds to it.
        merge = ctx.git.merge_base(base_sha, head_sha)
        if merge is None:
            return _full_plan(ctx, event, head_sha, NO_SHARED_HISTORY.format(base=base, head=head))
        base_sha = merge
    return _range_plan(ctx, event, base_sha, head_sha, BASE_FROM_COMMAND_LINE)


# --------------------------------------------------------------------------- completeness


def _incomplete_reason(ctx: _Context, plan: ScanPlan) -> str | None:
    """Why the planned commits are not all in the clone, or None when they are."""
    if plan.mode not in (DIFF, HISTORY) or not ctx.git.is_shallow():
        return None
    if plan.mode == HISTORY:
        return _("a full history scan of {head} needs every commit, but the clone is shallow").format(
            head=_short(plan.head))
    boundary = ctx.git.shallow_boundary()
    cut = [sha for sha in ctx.git.rev_list(f"{plan.base}..{plan.head}") if sha in boundary]
    if cut:
        return _("the range {range} goes past the shallow clone's depth (commit {commit} has no parents here)").format(
            range=f"{_short(plan.base)}..{_short(plan.head)}", commit=_short(cut[0]))
    return None


def plan_scan(
    repo: Path,
    host: str,
    env: Mapping[str, str],
    *,
    base: str | None = None,
    head: str | None = None,
    scan_mode: str = "auto",
    fetch: bool = True,
) -> ScanPlan:
    """Compute the scan plan for this CI run; raises MissingHistoryError (exit 3) when the clone
    lacks the commits, after one fetch attempt when a remote exists and `fetch` is true."""
    git = Git(repo)
    git.check_repository()
    ctx = _Context(git, host, fetch)
    plan = _plan_once(ctx, env, base, head, scan_mode)
    problem = _incomplete_reason(ctx, plan)
    if problem and ctx.try_fetch():
        plan = _plan_once(ctx, env, base, head, scan_mode)
        problem = _incomplete_reason(ctx, plan)
    if problem:
        raise MissingHistoryError(_("{problem}; the scan would be incomplete. {hint}").format(
            problem=problem, hint=ctx.hint()))
    return plan


def _plan_once(ctx: _Context, env: Mapping[str, str], base: str | None, head: str | None,
               scan_mode: str) -> ScanPlan:
    event = env.get("GITHUB_EVENT_NAME", "") if ctx.host == GITHUB else env.get("CI_PIPELINE_SOURCE", "")
    if scan_mode == TREE:
        return ScanPlan(ctx.host, event, TREE, None, None, SCAN_MODE_TREE)
    if scan_mode == HISTORY:
        target = head or _default_head(ctx.host, env)
        return _full_plan(ctx, event, ctx.commit(target, N_("the head commit")), SCAN_MODE_HISTORY)
    if base:
        return explicit_plan(ctx, event, base, head or _default_head(ctx.host, env))
    if ctx.host == GITHUB:
        plan = github_plan(ctx, env, read_github_event(env))
    elif ctx.host == GITLAB:
        plan = gitlab_plan(ctx, env)
    else:
        plan = _full_plan(ctx, event, ctx.commit(head or "HEAD", N_("the head commit")), NO_CI_DETECTED)
    if head and plan.mode == DIFF:
        plan = _range_plan(ctx, event, str(plan.base), ctx.commit(head, N_("the head commit")), plan.reason)
    return plan


def _default_head(host: str, env: Mapping[str, str]) -> str:
    if host == GITHUB:
        return env.get("GITHUB_SHA") or "HEAD"
    if host == GITLAB:
        return env.get("CI_COMMIT_SHA") or "HEAD"
    return "HEAD"


def read_github_event(env: Mapping[str, str]) -> dict[str, Any]:
    path = env.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(_("GITHUB_EVENT_PATH {path}: cannot read the event payload: {exc}").format(
            path=path, exc=exc.strerror)) from exc
    except json.JSONDecodeError as exc:
        raise ConfigError(_("GITHUB_EVENT_PATH {path}: the event payload is not JSON ({msg})").format(
            path=path, msg=exc.msg)) from exc
    if not isinstance(data, dict):
        raise ConfigError(_("GITHUB_EVENT_PATH {path}: the event payload is not a JSON object").format(path=path))
    return data


def detect_host(env: Mapping[str, str]) -> str | None:
    if env.get("GITHUB_ACTIONS") == "true":
        return GITHUB
    if env.get("GITLAB_CI") == "true":
        return GITLAB
    return None


def is_disabled(env: Mapping[str, str]) -> bool:
    return env.get("SONDIER_DISABLED", "").strip().lower() in ("1", "true", "yes")


# --------------------------------------------------------------------------- running and reporting


def run_plan(plan: ScanPlan, config: Any, path_filters: Sequence[str], repo: Path) -> Any:
    """Scan what the plan says; the result's target names the range."""
    from sondier import pipeline

    if plan.mode == DIFF:
        result = pipeline.scan_range(config, plan.range_text, list(path_filters))
    elif plan.mode == HISTORY:
        result = pipeline.scan_history(config, [str(plan.head)], None, None, None, list(path_filters))
    elif plan.mode == TREE:
        result = pipeline.scan_paths([repo], config)
    else:
        result = pipeline.ScanResult(rules=[])
    result.target = plan.range_text or result.target or "nothing to scan"  # a machine field (JSON `scan.target`)
    result.extra["scanned_range"] = plan.range_text
    result.extra["scan_reason"] = plan.reason
    return result


def render(name: str, result: Any, options: Any) -> str:
    """One report as text (for outputs that must be appended, not replaced)."""
    import io

    from sondier import reporters

    buffer = io.StringIO()
    reporters.get(name)(result, buffer, options)
    return buffer.getvalue()


def append_text(path: str | os.PathLike[str], text: str) -> None:
    with open(path, "a", encoding="utf-8", newline="\n") as handle:
        handle.write(text if text.endswith("\n") or not text else text + "\n")


def github_output_lines(outputs: Mapping[str, str]) -> str:
    """$GITHUB_OUTPUT entries in the multiline-safe `name<<DELIMITER` form."""
    parts = []
    for name, value in outputs.items():
        delimiter = f"ghadelimiter_{uuid.uuid4().hex}"
        while delimiter in value:  # never true in practice; keeps the format unambiguous
            delimiter = f"ghadelimiter_{uuid.uuid4().hex}"
        parts.append(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")
    return "".join(parts)


def dotenv_lines(outputs: Mapping[str, str]) -> str:
    """A GitLab dotenv report: one KEY=VALUE a line, no newlines in values."""
    return "".join(f"{key}={' '.join(value.split())}\n" for key, value in outputs.items())


@dataclass(frozen=True)
class Outcome:
    exit_code: int
    findings: int
    scanned_range: str
    sarif_file: str = ""
    grade: str = "?"  # the privacy grade's letter; '?' when the scan failed

    def outputs(self) -> dict[str, str]:
        return {
            "exit-code": str(self.exit_code),
            "findings-count": str(self.findings),
            "sarif-file": self.sarif_file,
            "scanned-range": self.scanned_range,
            "grade": self.grade,
        }

    def dotenv(self) -> dict[str, str]:
        return {
            "SONDIER_EXIT_CODE": str(self.exit_code),
            "SONDIER_FINDINGS_COUNT": str(self.findings),
            "SONDIER_SCANNED_RANGE": self.scanned_range,
            "SONDIER_GRADE": self.grade,
        }


def publish_outcome(host: str, env: Mapping[str, str], outcome: Outcome, dotenv_path: Path | None,
                    echo: Callable[[str], None]) -> None:
    """Tell the host how the run went (GitHub outputs, GitLab dotenv report)."""
    if host == GITHUB and env.get("GITHUB_OUTPUT"):
        append_text(env["GITHUB_OUTPUT"], github_output_lines(outcome.outputs()))
    if dotenv_path is not None:
        dotenv_path.parent.mkdir(parents=True, exist_ok=True)
        dotenv_path.write_text(dotenv_lines(outcome.dotenv()), encoding="utf-8")
    echo(_("sondier: {findings} finding(s); grade {grade}; exit code {exit_code}").format(
        findings=outcome.findings, grade=outcome.grade, exit_code=outcome.exit_code))


def error_summary(message: str) -> str:
    """Job summary for a run that could not scan: it must not look like a clean result."""
    quoted = "\n".join(f"> {line}" if line else ">" for line in message.splitlines())
    heading = _("Sondier: scan failed")
    body = _("The scan did not run to the end; nothing was checked.")
    return f"## {heading}\n\n{body}\n\n{quoted}\n"


def default_paths(host: str, env: Mapping[str, str]) -> dict[str, Path | None]:
    """Where the host expects reports when the user says nothing."""
    if host == GITHUB:
        folder = Path(env.get("RUNNER_TEMP") or ".")
        return {"sarif": folder / "sondier.sarif", "summary": Path(env["GITHUB_STEP_SUMMARY"])
                if env.get("GITHUB_STEP_SUMMARY") else None}
    if host == GITLAB:
        folder = Path(env.get("CI_PROJECT_DIR") or ".")
        return {"gitlab": folder / "gl-secret-detection-report.json",
                "codequality": folder / "gl-code-quality-report.json",
                "dotenv": folder / "sondier.env",
                "badge": folder / "sondier-badge.svg",
                "html": folder / "sondier-report.html"}
    return {}


# --------------------------------------------------------------------------- the command


@dataclass(frozen=True)
class CiOptions:
    host: str  # auto, github or gitlab
    repo: Path
    base: str | None = None
    head: str | None = None
    scan_mode: str = "auto"
    fail_on: str = "findings"
    exit_code: int = 1
    sarif_file: Path | None = None
    summary: bool = True
    annotations: bool = True
    reports: tuple[str, ...] = ()
    dotenv: Path | None = None
    fetch: bool = True
    quiet: bool = False
    path_filters: tuple[str, ...] = ()


def resolve_host(requested: str, env: Mapping[str, str]) -> str:
    if requested != "auto":
        return requested
    detected = detect_host(env)
    if detected is None:
        raise ConfigError(_("no CI detected (neither GITHUB_ACTIONS nor GITLAB_CI is 'true'); run "
                            "`sondier ci github` or `sondier ci gitlab` to force one, "
                            "or `sondier scan --diff BASE..HEAD`"))
    return detected


def report_targets(host: str, env: Mapping[str, str], opts: CiOptions) -> list[tuple[str, Path | None]]:
    """(format, path) pairs written whole; None is stdout. The step summary is appended apart."""
    from sondier.cli_options import parse_reports

    defaults = default_paths(host, env)
    targets: list[tuple[str, Path | None]] = []
    if not opts.quiet:
        targets.append(("text", None))
    if host == GITHUB:
        # Absolute: the upload step that reads the sarif-file output may run in another folder.
        targets.append(("sarif", Path(opts.sarif_file or defaults["sarif"]).absolute()))
        if opts.annotations:
            targets.append(("github", None))
    elif host == GITLAB:
        targets.append(("gitlab", defaults["gitlab"]))
        targets.append(("codequality", defaults["codequality"]))
        # The job's artifacts: the badge and the DPO report, graded '?' when the scan fails.
        targets.append(("badge", defaults["badge"]))
        targets.append(("html", defaults["html"]))
    # parse_reports adds a default text report when given no --report: ask only when there are some.
    return targets + (parse_reports((), None, opts.reports) if opts.reports else [])


def check_formats(targets: Sequence[tuple[str, Path | None]], extra: Sequence[str] = ()) -> None:
    from sondier import reporters

    missing = sorted(({name for name, _ in targets} | set(extra)) - set(reporters.names()))
    if missing:
        raise ConfigError(_("report format(s) {missing} are not available in this sondier version").format(
            missing=', '.join(missing)))


def execute(opts: CiOptions, scan_opts: dict[str, Any], env: Mapping[str, str],
            echo: Callable[[str], None]) -> int:
    """Run `sondier ci`; returns the exit code. Errors are reported to the host too, so that a
    failed scan never shows as a clean one in outputs or the job summary."""
    from sondier.cli_options import build_config, exit_status, write_reports
    from sondier.errors import SondierError
    from sondier.reporters import ReportOptions

    if is_disabled(env):
        echo(_("sondier: SONDIER_DISABLED is set; not scanning"))
        return 0
    host = LOCAL
    try:
        host = resolve_host(opts.host, env)
        targets = report_targets(host, env, opts)
        summary_path = default_paths(host, env).get("summary") if opts.summary else None
        check_formats(targets, ["markdown"] if summary_path else [])
        repo = opts.repo.resolve()
        config = build_config(repo, **scan_opts)
        plan = plan_scan(repo, host, env, base=opts.base, head=opts.head, scan_mode=opts.scan_mode,
                         fetch=opts.fetch)
        echo(_("sondier: {plan}").format(plan=plan.describe()))
        result = run_plan(plan, config, opts.path_filters, repo)
        grade = _grade(result, plan, repo)
        # One SARIF category per scan mode: a scheduled full scan and the diff scans of pushes
        # must not close each other's alerts in GitHub code scanning.
        options = ReportOptions(root=str(repo), extra={"host": host, "scanned_range": plan.range_text,
                                                        "scan_reason": plan.reason,
                                                        "sarif_category": f"sondier/{plan.mode}"})
        write_reports(result, targets, options)
        if summary_path is not None:
            append_text(summary_path, render("markdown", result, options))
        policy_code = opts.exit_code if opts.fail_on == "findings" else 0
        code = exit_status(result, policy_code, config.ignore_errors)
    except SondierError as error:
        echo(_("sondier: error: {error}").format(error=error))
        _publish_error(host, env, opts, error)
        _write_failed_grades(host, env, opts, error)
        return error.exit_code
    sarif = next((str(p) for name, p in targets if name == "sarif" and p is not None), "")
    outcome = Outcome(code, len(result.findings), plan.range_text, sarif, grade.letter)
    publish_outcome(host, env, outcome, _dotenv_path(host, env, opts), echo)
    return code


def _grade(result: Any, plan: ScanPlan, repo: Path) -> Any:
    """The grade every report of this run shows: history exposure is graded only when the plan
    scanned the whole history (a diff scan grades what the range added)."""
    from sondier.grade import compute_grade, detect_hygiene, remember_grade

    return remember_grade(result, compute_grade(result, history=plan.mode == HISTORY, hygiene=detect_hygiene(repo)))


def _write_failed_grades(host: str, env: Mapping[str, str], opts: CiOptions, error: Exception) -> None:
    """A failed run still leaves its badge and report in the artifacts, graded '?'."""
    from sondier.cli_options import write_failed_grades
    from sondier.errors import SondierError
    from sondier.reporters import ReportOptions

    if host != GITLAB or not isinstance(error, SondierError):
        return
    defaults = default_paths(host, env)
    with contextlib.suppress(OSError, SondierError):  # the error itself is what the user must see
        write_failed_grades(error, [("badge", defaults["badge"]), ("html", defaults["html"])],
                            ReportOptions(root=str(opts.repo.resolve())))


def _dotenv_path(host: str, env: Mapping[str, str], opts: CiOptions) -> Path | None:
    return opts.dotenv or default_paths(host, env).get("dotenv")


def _publish_error(host: str, env: Mapping[str, str], opts: CiOptions, error: Exception) -> None:
    code = getattr(error, "exit_code", 3)
    outcome = Outcome(code, 0, "")
    try:
        if host == GITHUB and opts.summary and env.get("GITHUB_STEP_SUMMARY"):
            append_text(env["GITHUB_STEP_SUMMARY"], error_summary(str(error)))
        publish_outcome(host, env, outcome, _dotenv_path(host, env, opts), lambda _: None)
    except OSError:
        pass  # the error itself is what the user must see; the exit code already fails the step
