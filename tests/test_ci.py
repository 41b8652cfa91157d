"""Scan-range computation of `sondier ci` (sondier/ci.py) on real throw-away git repositories:
every row of the GitHub and GitLab tables in docs/ci.md, and the fail-closed shallow clone."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from sondier import ci
from sondier.errors import EXIT_SCAN_ERROR

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org",
    "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          env={**os.environ, **GIT_ENV}, check=True)
    return done.stdout.strip()


def commit(repo: Path, name: str, text: str, message: str = "change") -> str:
    (repo / name).write_text(text, encoding="utf-8")
    git(repo, "add", name)
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def new_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q", "-b", "main")
    return path


@pytest.fixture
def upstream(tmp_path: Path) -> dict[str, str | Path]:
    """A remote with main (3 commits) and a clone of it: the runner's checkout."""
    remote = new_repo(tmp_path / "remote")
    shas = [commit(remote, "a.txt", f"line {i}\n", f"main {i}") for i in range(3)]
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(remote), str(clone))
    return {"remote": remote, "clone": clone, "main0": shas[0], "main1": shas[1], "main2": shas[2]}


def plan(repo: Path, host: str, env: dict[str, str], **kwargs: object) -> ci.ScanPlan:
    return ci.plan_scan(repo, host, env, **kwargs)  # type: ignore[arg-type]


def github_env(tmp_path: Path, event: str, payload: dict[str, object], sha: str = "") -> dict[str, str]:
    import json

    path = tmp_path / f"{event}.json"
    path.write_text(json.dumps(payload), encoding="utf-8")
    return {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": event, "GITHUB_EVENT_PATH": str(path),
            "GITHUB_SHA": sha}


# --------------------------------------------------------------------------- GitHub


def test_pull_request_scans_base_to_head(tmp_path: Path, upstream: dict) -> None:
    clone = upstream["clone"]
    git(clone, "switch", "-q", "-c", "feature")
    first = commit(clone, "b.txt", "one\n")
    head = commit(clone, "b.txt", "two\n")
    payload = {"number": 7, "pull_request": {"base": {"sha": upstream["main2"], "ref": "main"},
                                             "head": {"sha": head, "ref": "feature"}}}
    result = plan(clone, ci.GITHUB, github_env(tmp_path, "pull_request", payload, sha=head))
    assert (result.mode, result.base, result.head) == (ci.DIFF, upstream["main2"], head)
    assert result.range_text == f"{upstream['main2']}..{head}"
    assert git(clone, "rev-list", result.range_text).split() == [head, first]


def test_push_scans_before_to_after(tmp_path: Path, upstream: dict) -> None:
    clone = upstream["clone"]
    after = commit(clone, "a.txt", "more\n")
    payload = {"ref": "refs/heads/main", "before": upstream["main2"], "after": after,
               "repository": {"default_branch": "main"}}
    result = plan(clone, ci.GITHUB, github_env(tmp_path, "push", payload, sha=after))
    assert (result.mode, result.base, result.head) == (ci.DIFF, upstream["main2"], after)


def test_first_push_scans_from_the_merge_base_with_default(tmp_path: Path, upstream: dict) -> None:
    clone = upstream["clone"]
    git(clone, "switch", "-q", "-c", "feature", upstream["main1"])
    after = commit(clone, "b.txt", "new\n")
    payload = {"ref": "refs/heads/feature", "before": ci.ZERO_SHA, "after": after, "created": True,
               "repository": {"default_branch": "main"}}
    result = plan(clone, ci.GITHUB, github_env(tmp_path, "push", payload, sha=after))
    assert (result.mode, result.base, result.head) == (ci.DIFF, upstream["main1"], after)
    assert "new branch" in result.reason


def test_first_push_without_default_uses_commits_no_other_branch_has(tmp_path: Path, upstream: dict) -> None:
    clone = upstream["clone"]
    git(clone, "switch", "-q", "-c", "feature")
    first = commit(clone, "b.txt", "one\n")
    after = commit(clone, "b.txt", "two\n")
    payload = {"ref": "refs/heads/feature", "before": ci.ZERO_SHA, "after": after}
    result = plan(clone, ci.GITHUB, github_env(tmp_path, "push", payload, sha=after))
    assert (result.mode, result.base) == (ci.DIFF, upstream["main2"])
    assert git(clone, "rev-list", result.range_text).split() == [after, first]


def test_first_push_of_a_new_repository_scans_the_whole_history(tmp_path: Path) -> None:
    repo = new_repo(tmp_path / "fresh")
    after = commit(repo, "a.txt", "x\n")
    payload = {"ref": "refs/heads/main", "before": ci.ZERO_SHA, "after": after,
               "repository": {"default_branch": "main"}}
    result = plan(repo, ci.GITHUB, github_env(tmp_path, "push", payload, sha=after))
    assert (result.mode, result.head) == (ci.HISTORY, after)
    assert result.range_text == after


def test_branch_created_at_an_existing_commit_has_nothing_to_scan(tmp_path: Path, upstream: dict) -> None:
    payload = {"ref": "refs/heads/copy", "before": ci.ZERO_SHA, "after": upstream["main2"],
               "repository": {"default_branch": "main"}}
    result = plan(upstream["clone"], ci.GITHUB, github_env(tmp_path, "push", payload, upstream["main2"]))
    assert result.mode == ci.SKIP
    assert result.range_text == ""


def test_force_push_with_previous_tip_gone_uses_the_new_branch_rule(tmp_path: Path, upstream: dict) -> None:
    clone = upstream["clone"]
    git(clone, "reset", "-q", "--hard", upstream["main1"])
    after = commit(clone, "c.txt", "rewritten\n")
    gone = "1234567890abcdef1234567890abcdef12345678"  # not in this (complete) clone
    payload = {"ref": "refs/heads/feature", "before": gone, "after": after, "forced": True,
               "repository": {"default_branch": "main"}}
    result = plan(clone, ci.GITHUB, github_env(tmp_path, "push", payload, after))
    assert (result.mode, result.base, result.head) == (ci.DIFF, upstream["main1"], after)
    assert "force push" in result.reason


def test_force_push_with_previous_tip_not_an_ancestor(tmp_path: Path, upstream: dict) -> None:
    clone = upstream["clone"]
    git(clone, "switch", "-q", "-c", "feature", upstream["main1"])
    old = commit(clone, "b.txt", "old\n")
    git(clone, "reset", "-q", "--hard", upstream["main1"])
    after = commit(clone, "b.txt", "new\n")
    payload = {"ref": "refs/heads/feature", "before": old, "after": after, "forced": True,
               "repository": {"default_branch": "main"}}
    result = plan(clone, ci.GITHUB, github_env(tmp_path, "push", payload, after))
    assert (result.mode, result.base, result.head) == (ci.DIFF, upstream["main1"], after)


@pytest.mark.parametrize(("event", "payload", "extra"), [
    ("push", {"ref": "refs/heads/gone", "deleted": True, "before": "a" * 40, "after": ci.ZERO_SHA}, {}),
    ("push", {"ref": "refs/tags/v1", "before": ci.ZERO_SHA, "after": "HEAD"}, {"GITHUB_REF_TYPE": "tag"}),
    ("delete", {"ref": "gone", "ref_type": "branch"}, {}),
])
def test_deletes_and_tags_scan_nothing(tmp_path: Path, upstream: dict, event: str, payload: dict,
                                       extra: dict) -> None:
    env = {**github_env(tmp_path, event, payload), **extra}
    assert plan(upstream["clone"], ci.GITHUB, env).mode == ci.SKIP


@pytest.mark.parametrize("event", ["schedule", "workflow_dispatch"])
def test_schedule_and_manual_runs_scan_the_whole_history(tmp_path: Path, upstream: dict, event: str) -> None:
    result = plan(upstream["clone"], ci.GITHUB, github_env(tmp_path, event, {}, sha=upstream["main2"]))
    assert (result.mode, result.head) == (ci.HISTORY, upstream["main2"])


def test_base_equal_to_head_is_nothing_to_scan(tmp_path: Path, upstream: dict) -> None:
    env = github_env(tmp_path, "push", {}, sha=upstream["main2"])
    result = plan(upstream["clone"], ci.GITHUB, env, base="main", head=upstream["main2"])
    assert result.mode == ci.SKIP
    assert "same commit" in result.reason


def test_explicit_base_branch_name_scans_what_head_adds(tmp_path: Path, upstream: dict) -> None:
    clone = upstream["clone"]
    git(clone, "switch", "-q", "-c", "feature", upstream["main1"])
    head = commit(clone, "b.txt", "x\n")
    result = plan(clone, ci.GITHUB, github_env(tmp_path, "push", {}, sha=head), base="main")
    assert (result.mode, result.base, result.head) == (ci.DIFF, upstream["main1"], head)


def test_scan_mode_overrides_the_event(tmp_path: Path, upstream: dict) -> None:
    payload = {"before": upstream["main1"], "after": upstream["main2"]}
    env = github_env(tmp_path, "push", payload, upstream["main2"])
    assert plan(upstream["clone"], ci.GITHUB, env, scan_mode="history").mode == ci.HISTORY
    assert plan(upstream["clone"], ci.GITHUB, env, scan_mode="tree").mode == ci.TREE


def test_bad_event_payload_is_a_usage_error(tmp_path: Path, upstream: dict) -> None:
    path = tmp_path / "event.json"
    path.write_text("{not json", encoding="utf-8")
    env = {"GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(path)}
    with pytest.raises(ci.ConfigError, match="not JSON"):
        plan(upstream["clone"], ci.GITHUB, env)


# --------------------------------------------------------------------------- GitLab


def gitlab_env(**variables: str) -> dict[str, str]:
    return {"GITLAB_CI": "true", "CI_DEFAULT_BRANCH": "main", **variables}


def test_gitlab_merge_request_scans_from_the_diff_base(upstream: dict) -> None:
    clone = upstream["clone"]
    git(clone, "switch", "-q", "-c", "feature", upstream["main1"])
    head = commit(clone, "b.txt", "x\n")
    env = gitlab_env(CI_PIPELINE_SOURCE="merge_request_event", CI_COMMIT_SHA=head,
                     CI_COMMIT_BEFORE_SHA=ci.ZERO_SHA, CI_MERGE_REQUEST_DIFF_BASE_SHA=upstream["main1"],
                     CI_MERGE_REQUEST_IID="3")
    result = plan(clone, ci.GITLAB, env)
    assert (result.mode, result.base, result.head) == (ci.DIFF, upstream["main1"], head)


def test_gitlab_merged_result_pipeline_uses_the_source_branch_tip(upstream: dict) -> None:
    clone = upstream["clone"]
    git(clone, "switch", "-q", "-c", "feature", upstream["main1"])
    source_tip = commit(clone, "b.txt", "x\n")
    git(clone, "switch", "-q", "main")
    git(clone, "merge", "-q", "--no-ff", "-m", "merged result", "feature")
    merge = git(clone, "rev-parse", "HEAD")
    env = gitlab_env(CI_PIPELINE_SOURCE="merge_request_event", CI_COMMIT_SHA=merge,
                     CI_MERGE_REQUEST_EVENT_TYPE="merged_result",
                     CI_MERGE_REQUEST_SOURCE_BRANCH_SHA=source_tip,
                     CI_MERGE_REQUEST_DIFF_BASE_SHA=upstream["main1"])
    result = plan(clone, ci.GITLAB, env)
    assert (result.base, result.head) == (upstream["main1"], source_tip)


def test_gitlab_push_and_first_push(upstream: dict) -> None:
    clone = upstream["clone"]
    after = commit(clone, "a.txt", "more\n")
    push = gitlab_env(CI_PIPELINE_SOURCE="push", CI_COMMIT_BRANCH="main", CI_COMMIT_SHA=after,
                      CI_COMMIT_BEFORE_SHA=upstream["main2"])
    assert plan(clone, ci.GITLAB, push).range_text == f"{upstream['main2']}..{after}"
    git(clone, "switch", "-q", "-c", "feature", upstream["main0"])
    feature = commit(clone, "b.txt", "x\n")
    first = gitlab_env(CI_PIPELINE_SOURCE="push", CI_COMMIT_BRANCH="feature", CI_COMMIT_SHA=feature,
                       CI_COMMIT_BEFORE_SHA=ci.ZERO_SHA)
    assert plan(clone, ci.GITLAB, first).range_text == f"{upstream['main0']}..{feature}"


def test_gitlab_tag_skips_and_schedule_scans_everything(upstream: dict) -> None:
    clone = upstream["clone"]
    tag = gitlab_env(CI_PIPELINE_SOURCE="push", CI_COMMIT_TAG="v1", CI_COMMIT_SHA=upstream["main2"])
    assert plan(clone, ci.GITLAB, tag).mode == ci.SKIP
    schedule = gitlab_env(CI_PIPELINE_SOURCE="schedule", CI_COMMIT_BRANCH="main",
                          CI_COMMIT_SHA=upstream["main2"])
    assert plan(clone, ci.GITLAB, schedule).mode == ci.HISTORY


# --------------------------------------------------------------------------- shallow clones fail closed


def shallow_clone(tmp_path: Path, remote: Path, name: str = "shallow") -> Path:
    target = tmp_path / name
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{remote}", str(target))
    return target


def test_shallow_clone_without_the_base_fails_with_fetch_depth_advice(tmp_path: Path, upstream: dict) -> None:
    shallow = shallow_clone(tmp_path, upstream["remote"])
    git(shallow, "remote", "remove", "origin")  # nothing to fetch from
    payload = {"ref": "refs/heads/main", "before": upstream["main0"], "after": upstream["main2"]}
    with pytest.raises(ci.MissingHistoryError) as caught:
        plan(shallow, ci.GITHUB, github_env(tmp_path, "push", payload, upstream["main2"]))
    assert caught.value.exit_code == EXIT_SCAN_ERROR
    assert "fetch-depth: 0" in str(caught.value)
    assert "shallow" in str(caught.value)


def test_shallow_clone_when_the_fetch_fails_still_fails_closed(tmp_path: Path, upstream: dict) -> None:
    shallow = shallow_clone(tmp_path, upstream["remote"])
    git(shallow, "remote", "set-url", "origin", str(tmp_path / "moved-away"))
    env = gitlab_env(CI_PIPELINE_SOURCE="push", CI_COMMIT_BRANCH="main", CI_COMMIT_SHA=upstream["main2"],
                     CI_COMMIT_BEFORE_SHA=upstream["main0"])
    with pytest.raises(ci.MissingHistoryError, match='GIT_DEPTH: "0"'):
        plan(shallow, ci.GITLAB, env)


def test_shallow_clone_full_scan_is_refused(tmp_path: Path, upstream: dict) -> None:
    shallow = shallow_clone(tmp_path, upstream["remote"])
    env = github_env(tmp_path, "schedule", {}, sha=upstream["main2"])
    with pytest.raises(ci.MissingHistoryError, match="fetch-depth: 0"):
        plan(shallow, ci.GITHUB, env, fetch=False)


def test_shallow_clone_is_deepened_when_the_remote_answers(tmp_path: Path, upstream: dict) -> None:
    shallow = shallow_clone(tmp_path, upstream["remote"])
    payload = {"ref": "refs/heads/main", "before": upstream["main0"], "after": upstream["main2"]}
    result = plan(shallow, ci.GITHUB, github_env(tmp_path, "push", payload, upstream["main2"]))
    assert result.range_text == f"{upstream['main0']}..{upstream['main2']}"
    assert git(shallow, "rev-parse", "--is-shallow-repository") == "false"


def test_ancestry_hidden_by_a_shallow_clone_is_refused(tmp_path: Path, upstream: dict) -> None:
    # `before` is present (a tag fetched apart) but the commits linking it to head are cut off.
    git(upstream["remote"], "tag", "old", upstream["main0"])
    shallow = shallow_clone(tmp_path, upstream["remote"])
    git(shallow, "fetch", "-q", "--depth", "1", "origin", "tag", "old")
    payload = {"ref": "refs/heads/main", "before": upstream["main0"], "after": upstream["main2"]}
    with pytest.raises(ci.MissingHistoryError, match="cannot tell whether"):
        plan(shallow, ci.GITHUB, github_env(tmp_path, "push", payload, upstream["main2"]), fetch=False)


def test_range_past_the_shallow_boundary_is_refused(tmp_path: Path, upstream: dict) -> None:
    # main2 is an ancestor of the merge, but the merged branch's commit has its parents cut off:
    # its diff would be the whole tree, and older commits of the branch would be missed.
    remote = upstream["remote"]
    git(remote, "switch", "-q", "-c", "feature", upstream["main0"])
    commit(remote, "f.txt", "one\n")
    commit(remote, "f.txt", "two\n")
    git(remote, "switch", "-q", "main")
    git(remote, "merge", "-q", "--no-ff", "-m", "merge", "feature")
    merge = git(remote, "rev-parse", "HEAD")
    shallow = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{remote}", str(shallow))
    payload = {"ref": "refs/heads/main", "before": upstream["main2"], "after": merge}
    with pytest.raises(ci.MissingHistoryError, match="shallow clone's depth"):
        plan(shallow, ci.GITHUB, github_env(tmp_path, "push", payload, merge), fetch=False)


# --------------------------------------------------------------------------- host plumbing


def test_detect_host_and_disable() -> None:
    assert ci.detect_host({"GITHUB_ACTIONS": "true"}) == ci.GITHUB
    assert ci.detect_host({"GITLAB_CI": "true"}) == ci.GITLAB
    assert ci.detect_host({}) is None
    assert ci.is_disabled({"SONDIER_DISABLED": "true"})
    assert not ci.is_disabled({"SONDIER_DISABLED": "false"})


def test_github_outputs_are_multiline_safe() -> None:
    text = ci.github_output_lines({"scanned-range": "a..b", "note": "two\nlines"})
    lines = text.splitlines()
    assert lines[0].startswith("scanned-range<<ghadelimiter_")
    assert lines[1] == "a..b" and lines[2] == lines[0].split("<<")[1]
    assert "two\nlines\n" in text


def test_dotenv_values_stay_on_one_line() -> None:
    assert ci.dotenv_lines({"SONDIER_SCANNED_RANGE": "a..b\nc"}) == "SONDIER_SCANNED_RANGE=a..b c\n"
