"""Fleet scan end to end: a real two-worker Dask LocalCluster grading a dozen throw-away
repositories (clean, NIRs in HEAD, NIRs in the history only, broken, shallow, a plain folder, a
clone URL), the aggregate and the dashboard (opened in a real browser), resuming an interrupted run,
and a worker killed during a task."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_sondier, sondier_command
from tests.gitrepo import GitRepo, make_repo, nir

distributed = pytest.importorskip("distributed", reason="the fleet tests need Dask distributed (test extra)")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]
VOLATILE = ("duration",)  # timings differ from run to run; everything else must not


def _csv_with_nirs(seeds: range) -> str:
    return "id;numero_securite_sociale\n" + "".join(f"{i};{nir(s)}\n" for i, s in enumerate(seeds, 1))


def _clean(repo: GitRepo, label: str) -> None:
    repo.write("README.md", f"# {label}\n\nNothing personal here.\n")
    repo.write("src/app.py", "def total(values):\n    return sum(values)\n")
    repo.commit("first")


def _build_fleet(base: Path) -> tuple[Path, dict[str, str], list[str]]:
    """Twelve repositories and the list naming them; returns (list, expected HEAD grades, values)."""
    values = [nir(s) for s in range(100, 106)]
    expected: dict[str, str] = {}
    for name in ("clean-a1", "clean-a2", "clean-a3", "clean-b1", "clean-b2"):
        _clean(make_repo(base, name), name)
        expected[name] = "A"
    for name, seeds in (("nir-a", range(100, 102)), ("nir-b", range(102, 103))):
        repo = make_repo(base, name)
        _clean(repo, name)
        repo.write("exports/patients.csv", _csv_with_nirs(seeds))
        repo.commit("export")
        expected[name] = "E"  # a NIR in HEAD is critical
    history = make_repo(base, "history-only")
    _clean(history, "history-only")
    history.write("exports/patients.csv", _csv_with_nirs(range(103, 104)))
    history.commit("export")
    history.remove("exports/patients.csv")
    history.commit("remove the export")
    expected["history-only"] = "A"  # HEAD is clean; --history makes it B
    broken = make_repo(base, "broken")
    _clean(broken, "broken")
    head = broken.head()
    obj = broken.path / ".git" / "objects" / head[:2] / head[2:]
    obj.chmod(0o644)
    obj.write_bytes(b"corrupted")  # HEAD's commit object can no longer be read
    expected["broken"] = "?"
    origin = make_repo(base, "origin-for-shallow")
    _clean(origin, "shallow")
    origin.write("exports/patients.csv", _csv_with_nirs(range(104, 105)))
    origin.commit("export")
    origin.remove("exports/patients.csv")
    origin.commit("remove the export")
    origin.clone(base / "shallow", "--depth", "1")
    expected["shallow"] = "A"  # HEAD is clean; its history cannot be audited: '?' with --history
    folder = base / "plain-folder"
    folder.mkdir()
    (folder / "dump.csv").write_text(_csv_with_nirs(range(105, 106)), encoding="utf-8")
    expected["plain-folder"] = "E"
    remote = make_repo(base, "remote-clean")
    _clean(remote, "remote")
    expected["remote-clean"] = "A"
    lines = ["# a dozen throw-away repositories"]
    for name in expected:
        if name == "remote-clean":
            lines.append(f"{remote.path.as_uri()} beta")
        else:
            lines.append(f"{name} {'beta' if name in ('clean-b1', 'clean-b2', 'nir-b', 'history-only') else 'alpha'}")
    listing = base / "fleet.txt"
    listing.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return listing, expected, values


@pytest.fixture(scope="module")
def fleet_list(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str], list[str]]:
    return _build_fleet(tmp_path_factory.mktemp("fleet"))


@pytest.fixture(scope="module")
def cluster() -> Any:
    import logging

    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None,
                      silence_logs=logging.ERROR) as local:
        yield local


def _git_env(listing: Path) -> dict[str, str]:
    # file:// clones of the throw-away repositories need protocol.file.allow (as the helpers set)
    return {"GIT_CONFIG_GLOBAL": str(listing.parent / ".remote-clean-home" / "gitconfig"), "GIT_CONFIG_NOSYSTEM": "1"}


def _results(output: Path) -> dict[str, dict[str, Any]]:
    return {json.loads(p.read_text())["repository"]["name"]: json.loads(p.read_text())
            for p in sorted((output / "repos").glob("*.json"))}


def _stable(record: dict[str, Any]) -> dict[str, Any]:
    """A result without its timings, to compare runs."""
    return {key: (_stable(value) if isinstance(value, dict) else value)
            for key, value in record.items() if key not in VOLATILE}


def _statuses(stderr: str) -> dict[str, str]:
    """name -> status from the per-repository lines `[i/N] name: X (status)`."""
    found = {}
    for line in stderr.splitlines():
        if line.startswith("[") and "(" in line:
            name = line.split("] ", 1)[1].split(":", 1)[0]
            assert name not in found, f"{name} reported twice"
            found[name] = line.rsplit("(", 1)[1].rstrip(")")
    return found


@pytest.fixture(scope="module")
def head_run(fleet_list: tuple[Path, dict[str, str], list[str]], cluster: Any,
             tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    listing, _, _ = fleet_list
    output = tmp_path_factory.mktemp("out-head")
    done = run_sondier(["fleet", str(listing), "--output", str(output), "--scheduler", cluster.scheduler_address,
                        "--cache", str(output.parent / "cache-head")], env=_git_env(listing))
    return output, done


def test_grades_on_a_two_worker_cluster(fleet_list: Any, head_run: Any) -> None:
    _, expected, values = fleet_list
    output, done = head_run
    assert done.returncode == 0, done.stderr
    assert "Dask cluster at tcp://127.0.0.1" in done.stderr
    results = _results(output)
    assert {name: r["grade"]["letter"] for name, r in results.items()} == expected
    broken = results["broken"]
    assert broken["grade"]["score"] is None and "reading HEAD failed" in broken["error"] and broken["commit"] is None
    nir_a = results["nir-a"]
    # Two NIRs in a table naming no one: each value, and no person-record repeating the column.
    assert nir_a["counts"]["by_rule"] == {"fr-nir": 2}
    assert nir_a["counts"]["by_verdict"] == {"personal": 2}
    assert nir_a["counts"]["by_category"] == {"pii": 2} and len(nir_a["commit"]) == 40
    assert nir_a["method"]["grade"] == "sondier-grade-v1" and nir_a["method"]["history"] is False
    assert results["plain-folder"]["commit"] is None and results["plain-folder"]["revision"].startswith("folder-")
    assert results["remote-clean"]["repository"]["source"].startswith("file://")
    assert (output.parent / "cache-head").is_dir()  # the clone is kept in the cache the user named
    _assert_no_value(output, values)


def _assert_no_value(output: Path, values: list[str]) -> None:
    """Neither a value nor a redacted sample in any file written (result files, aggregate, dashboard)."""
    for path in output.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            for value in values:
                assert value not in text and value[:7] not in text, f"{path.name} holds a value"
            assert "********" not in text, f"{path.name} holds a redacted sample"


def test_aggregate_and_dashboard(head_run: Any) -> None:
    output, _ = head_run
    fleet = json.loads((output / "fleet.json").read_text())
    assert fleet["completeness"] == {"repositories": 12, "with_result": 12, "ratio": 1.0, "threshold": 0.99,
                                     "reached": True, "graded": 11, "unknown": 1, "missing": []}
    assert fleet["distribution"] == {"A": 8, "B": 0, "C": 0, "D": 0, "E": 3, "?": 1}
    groups = {g["name"]: g for g in fleet["organisations"]}
    assert groups["alpha"]["distribution"] == {"A": 4, "B": 0, "C": 0, "D": 0, "E": 2, "?": 1}
    assert groups["beta"]["share_a"] == 0.8  # clean-b1, clean-b2, history-only, remote-clean: A; nir-b: E
    rows = {row["name"]: row for row in fleet["repositories"]}
    assert rows["nir-b"]["peers"] == {"count": 4, "graded": 4, "share_a": 1.0}
    html = (output / "index.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in html and "Répartition des notes" in html
    assert "vous\u00a0: E, vos pairs\u00a0: 100\u202f% de A (4 dépôts)" in html
    assert "http://" not in html and "https://" not in html and "src=" not in html and "<link" not in html


def test_dashboard_in_a_real_browser(head_run: Any) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"no browser: {CHROMIUM} is missing (apt-get install chromium)")
    playwright_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the test extra")
    output, _ = head_run
    page_url = (output / "index.html").as_uri()
    requests: list[str] = []
    problems: list[str] = []
    with playwright_api.sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.on("console", lambda message: problems.append(message.text) if message.type == "error" else None)
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.goto(page_url)
            letters = page.locator("tr.repo").evaluate_all("rows => rows.map(r => r.dataset.letter)")
            assert letters[:3] == ["E", "E", "E"] and len(letters) == 12  # worst first
            assert page.locator("#overall svg g.bar").count() == 6
            assert page.locator("tr.organisation").count() == 2
            page.locator("#repos th").nth(2).locator("button").click()  # sort by grade, A first
            letters = page.locator("tr.repo").evaluate_all("rows => rows.map(r => r.dataset.letter)")
            assert letters[0] == "A" and letters[-1] == "?"  # "?" last
            assert page.locator("#repos th").nth(2).get_attribute("aria-sort") == "ascending"
            assert "12 dépôts sur 12" in page.locator("#completeness-text").inner_text()
        finally:
            browser.close()
    assert requests == [page_url], f"the dashboard fetched something: {requests}"
    assert problems == []


def test_history_run_with_a_worker_killed_during_a_task(fleet_list: Any, cluster: Any, tmp_path: Path) -> None:
    listing, expected, _ = fleet_list
    marker = tmp_path / "killed-once"
    done = run_sondier(["fleet", str(listing), "--output", str(tmp_path / "out"), "--history", "--scheduler",
                        cluster.scheduler_address], env={**_git_env(listing),
                                                         "SONDIER_FLEET_TEST_KILL_ONCE": f"{marker}|clean-a1"})
    assert done.returncode == 0, done.stderr
    assert marker.exists()  # the worker running clean-a1 did kill itself
    statuses = _statuses(done.stderr)
    assert statuses["clean-a1"] == "scanned" and len(statuses) == 12  # retried elsewhere, reported once
    results = _results(tmp_path / "out")
    letters = {name: r["grade"]["letter"] for name, r in results.items()}
    # A plain folder has no history to audit: '?' rather than a letter for half the question.
    assert letters == {**expected, "history-only": "B", "shallow": "?", "plain-folder": "?"}
    assert "not a git repository: --history audits git histories" in results["plain-folder"]["error"]
    assert "shallow clone" in results["shallow"]["error"] or "shallow" in " ".join(
        results["shallow"]["scan"]["error_messages"])
    assert results["history-only"]["grade"]["counts"]["open_history_only"] == 1
    assert results["clean-a1"]["method"]["history"] is True


def test_process_pool_rebuilds_after_a_killed_worker(fleet_list: Any, tmp_path: Path) -> None:
    listing, _, _ = fleet_list
    small = tmp_path / "two.txt"
    small.write_text(f"{listing.parent / 'clean-a2'} alpha\n{listing.parent / 'nir-b'} beta\n", encoding="utf-8")
    marker = tmp_path / "killed-once"
    done = run_sondier(["fleet", str(small), "-o", str(tmp_path / "out"), "--engine", "processes", "-j", "1"],
                       env={"SONDIER_FLEET_TEST_KILL_ONCE": f"{marker}|nir-b"})
    assert done.returncode == 0, done.stderr
    assert marker.exists() and "task(s) retried" in done.stderr and " 0 task(s) retried" not in done.stderr
    assert _statuses(done.stderr) == {"clean-a2": "scanned", "nir-b": "scanned"}
    assert {n: r["grade"]["letter"] for n, r in _results(tmp_path / "out").items()} == {"clean-a2": "A", "nir-b": "E"}


def test_resume_after_an_interruption(fleet_list: Any, head_run: Any, tmp_path: Path) -> None:
    """Ctrl-C the default engine (an embedded LocalCluster) after a few repositories; the second run
    scans only the rest, and the results equal the uninterrupted run's."""
    listing, _, _ = fleet_list
    reference, _ = head_run
    output = tmp_path / "out"
    command = [*sondier_command(), "fleet", str(listing), "-o", str(output), "-j", "1",
               "--cache", str(reference.parent / "cache-head")]
    env = {**os.environ, **_git_env(listing)}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(list((output / "repos").glob("*.json"))) < 3 and time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        time.sleep(0.02)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert "run the same command again" in stderr and not (output / "fleet.json").exists()
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in (output / "repos").glob("*.json")}
    assert 3 <= len(before) < 12
    up_to_date = {json.loads(data)["repository"]["name"] for data, _ in before.values()
                  if json.loads(data)["revision"]}
    done = run_sondier(["fleet", str(listing), "-o", str(output), "--engine", "processes", "-j", "2",
                        "--cache", str(reference.parent / "cache-head")], env=_git_env(listing))
    assert done.returncode == 0, done.stderr
    statuses = _statuses(done.stderr)
    assert {name for name, status in statuses.items() if status == "skipped"} == up_to_date
    assert len(statuses) == 12
    for name, (data, mtime) in before.items():
        if json.loads(data)["repository"]["name"] in up_to_date:  # untouched, not rewritten
            assert (output / "repos" / name).read_bytes() == data
            assert (output / "repos" / name).stat().st_mtime_ns == mtime
    resumed, uninterrupted = _results(output), _results(reference)
    assert {n: _stable(r) for n, r in resumed.items()} == {n: _stable(r) for n, r in uninterrupted.items()}
    again = run_sondier(["fleet", str(listing), "-o", str(output), "--engine", "processes", "-j", "2",
                         "--cache", str(reference.parent / "cache-head")], env=_git_env(listing))
    assert set(_statuses(again.stderr).values()) == {"skipped", "failed"}  # only the broken one is retried
    shutil.rmtree(output)
