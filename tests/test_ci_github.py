"""`sondier ci` end to end as GitHub Actions runs it: event payload fixtures
(tests/fixtures/github/), real repositories, the real command in a subprocess; checks the
scanned range, the SARIF file (schema), the annotations, the job summary and $GITHUB_OUTPUT."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from conftest import SCHEMAS, run_sondier
from gitrepo import GitRepo, make_repo
from stdnum.fr import nir

FIXTURES = Path(__file__).parent / "fixtures" / "github"
ZERO = "0" * 40


def generated_nir() -> str:
    """A NIR with a valid key, computed here (not a real person's): woman, born 1991-11, Rhône."""
    body = "2911169381457"
    return body + nir.calc_check_digits(body)


NIR = generated_nir()
NIR_SPACED = f"{NIR[0]} {NIR[1:3]} {NIR[3:5]} {NIR[5:7]} {NIR[7:10]} {NIR[10:13]} {NIR[13:]}"
LEAK_LINE = f"nir: {NIR_SPACED}\n"


def assert_no_value(*texts: str) -> None:
    for text in texts:
        assert NIR not in text and NIR_SPACED not in text and NIR[:13] not in text


def read_outputs(path: Path) -> dict[str, str]:
    """Parse $GITHUB_OUTPUT the way the runner does: `name=value` or `name<<DELIM` ... `DELIM`."""
    outputs: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    index = 0
    while index < len(lines):
        line = lines[index]
        if "<<" in line and ("=" not in line or line.index("<<") < line.index("=")):
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, index + 1)
            outputs[name] = "\n".join(lines[index + 1:end])
            index = end + 1
        else:
            name, _, value = line.partition("=")
            outputs[name] = value
            index += 1
    return outputs


class Runner:
    """A fake runner: event file, GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, RUNNER_TEMP in tmp_path."""

    def __init__(self, tmp_path: Path, checkout: GitRepo) -> None:
        self.tmp = tmp_path / "runner"
        self.tmp.mkdir()
        self.checkout = checkout
        self.output = self.tmp / "output"
        self.summary = self.tmp / "summary.md"

    def run(self, fixture: str, event: str, values: dict[str, str], sha: str, *args: str,
            extra_env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
        text = (FIXTURES / fixture).read_text(encoding="utf-8")
        for key, value in values.items():
            text = text.replace(f"__{key}__", value)
        event_path = self.tmp / "event.json"
        event_path.write_text(text, encoding="utf-8")
        env = {**self.checkout.env, "GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": event,
               "GITHUB_EVENT_PATH": str(event_path), "GITHUB_SHA": sha, "GITHUB_OUTPUT": str(self.output),
               "GITHUB_STEP_SUMMARY": str(self.summary), "RUNNER_TEMP": str(self.tmp),
               "GITHUB_WORKSPACE": str(self.checkout.path), **(extra_env or {})}
        return run_sondier(["ci", *args], cwd=self.checkout.path, env=env)

    def outputs(self) -> dict[str, str]:
        return read_outputs(self.output)

    def sarif(self) -> dict:
        data = json.loads((self.tmp / "sondier.sarif").read_text(encoding="utf-8"))
        schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
        jsonschema.validate(data, schema)
        return data


@pytest.fixture
def project(tmp_path: Path) -> dict:
    """origin: main with two clean commits; the runner's full clone (fetch-depth: 0)."""
    origin = make_repo(tmp_path, "origin")
    origin.write("README.md", "# app\n")
    first = origin.commit("readme")
    origin.write("src/app.py", "print('hello')\n")
    main = origin.commit("app")
    checkout = origin.clone(tmp_path / "checkout")
    return {"origin": origin, "checkout": checkout, "first": first, "main": main, "tmp": tmp_path}


def leak_on_feature(checkout: GitRepo, start: str = "main") -> tuple[str, str]:
    """A feature branch: one commit adds the NIR to a CSV, the next removes it again."""
    checkout.run_git("switch", "-q", "-c", "feature", start)
    checkout.write("data/patients.csv", f"nom,nir\nMartin,{NIR_SPACED}\n")
    leaked = checkout.commit("import patients")
    checkout.write("data/patients.csv", "nom,nir\n")
    return leaked, checkout.commit("remove the data")


def annotations(stdout: str) -> list[str]:
    return [line for line in stdout.splitlines() if re.match(r"::(error|warning|notice) ", line)]


def test_pull_request_reports_in_sarif_annotations_summary_and_outputs(project: dict) -> None:
    checkout = project["checkout"]
    leaked, head = leak_on_feature(checkout)
    runner = Runner(project["tmp"], checkout)
    done = runner.run("pull_request.json", "pull_request", {"BASE": project["main"], "HEAD": head}, sha=head)
    assert done.returncode == 1, done.stderr
    assert f"{project['main'][:12]}..{head[:12]}" in done.stderr
    outputs = runner.outputs()
    assert outputs["exit-code"] == "1"
    assert outputs["findings-count"] == "1"
    assert outputs["scanned-range"] == f"{project['main']}..{head}"
    assert outputs["sarif-file"] == str(runner.tmp / "sondier.sarif")
    # The value was removed by the second commit: only the per-commit scan sees it.
    sarif = runner.sarif()
    results = sarif["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["fr-nir"]
    assert sarif["runs"][0]["automationDetails"]["id"].startswith("sondier/diff/")
    location = results[0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "data/patients.csv"
    assert location["region"]["startLine"] == 2
    found = annotations(done.stdout)
    assert len(found) == 1 and "file=data/patients.csv" in found[0] and "line=2" in found[0]
    summary = runner.summary.read_text(encoding="utf-8")
    assert "fr" in summary and "nir" in summary and "patients.csv" in summary
    assert_no_value(done.stdout, done.stderr, summary, json.dumps(sarif), runner.output.read_text())
    assert leaked[:7] in json.dumps(sarif) or leaked in json.dumps(sarif) or "commit" in summary.lower()


def test_clean_pull_request_passes_with_a_summary(project: dict) -> None:
    checkout = project["checkout"]
    checkout.run_git("switch", "-q", "-c", "feature")
    checkout.write("src/util.py", "def add(a, b):\n    return a + b\n")
    head = checkout.commit("util")
    runner = Runner(project["tmp"], checkout)
    done = runner.run("pull_request.json", "pull_request", {"BASE": project["main"], "HEAD": head}, sha=head)
    assert done.returncode == 0, done.stderr
    assert runner.outputs()["findings-count"] == "0"
    assert runner.sarif()["runs"][0]["results"] == []
    assert annotations(done.stdout) == []
    assert runner.summary.read_text(encoding="utf-8").strip()


def test_push_scans_before_to_after_and_fail_on_never_exits_zero(project: dict) -> None:
    checkout = project["checkout"]
    checkout.write("notes.txt", LEAK_LINE)
    after = checkout.commit("notes")
    runner = Runner(project["tmp"], checkout)
    done = runner.run("push.json", "push", {"BEFORE": project["main"], "AFTER": after}, after,
                      "--fail-on", "never")
    assert done.returncode == 0, done.stderr
    outputs = runner.outputs()
    assert (outputs["exit-code"], outputs["findings-count"]) == ("0", "1")
    assert outputs["scanned-range"] == f"{project['main']}..{after}"
    assert_no_value(done.stdout, done.stderr)


def test_first_push_of_a_branch_scans_only_its_own_commits(project: dict) -> None:
    checkout = project["checkout"]
    _, head = leak_on_feature(checkout, start=project["first"])
    runner = Runner(project["tmp"], checkout)
    done = runner.run("push_new_branch.json", "push", {"AFTER": head}, head)
    assert done.returncode == 1, done.stderr
    assert runner.outputs()["scanned-range"] == f"{project['first']}..{head}"
    assert "new branch" in done.stderr


def test_force_push_falls_back_to_the_branch_own_commits(project: dict) -> None:
    checkout = project["checkout"]
    _, head = leak_on_feature(checkout)
    gone = "f" * 40  # the tip the force push replaced: no longer anywhere
    runner = Runner(project["tmp"], checkout)
    done = runner.run("push_forced.json", "push", {"BEFORE": gone, "AFTER": head}, head)
    assert done.returncode == 1, done.stderr
    assert runner.outputs()["scanned-range"] == f"{project['main']}..{head}"
    assert "force push" in done.stderr


def test_schedule_scans_the_whole_history(project: dict) -> None:
    checkout = project["checkout"]
    _, head = leak_on_feature(checkout)
    checkout.run_git("switch", "-q", "main")
    checkout.run_git("merge", "-q", "--ff-only", "feature")
    runner = Runner(project["tmp"], checkout)
    done = runner.run("schedule.json", "schedule", {}, head)
    assert done.returncode == 1, done.stderr
    outputs = runner.outputs()
    assert outputs["scanned-range"] == head
    assert outputs["findings-count"] == "1"


def test_tag_push_scans_nothing_but_still_writes_an_empty_sarif(project: dict) -> None:
    runner = Runner(project["tmp"], project["checkout"])
    done = runner.run("push_tag.json", "push", {"AFTER": project["main"]}, project["main"],
                      extra_env={"GITHUB_REF_TYPE": "tag"})
    assert done.returncode == 0, done.stderr
    assert runner.outputs()["scanned-range"] == ""
    assert runner.sarif()["runs"][0]["results"] == []


def test_shallow_clone_fails_closed_with_the_fetch_depth_advice(project: dict) -> None:
    origin = project["origin"]
    origin.write("notes.txt", LEAK_LINE)
    after = origin.commit("notes")
    shallow = origin.clone(project["tmp"] / "shallow", "--depth", "1")  # actions/checkout's default
    shallow.run_git("remote", "remove", "origin")  # the runner cannot fetch more here
    runner = Runner(project["tmp"], shallow)
    done = runner.run("push.json", "push", {"BEFORE": project["first"], "AFTER": after}, after)
    assert done.returncode == 3
    assert "fetch-depth: 0" in done.stderr
    assert runner.outputs()["exit-code"] == "3"
    assert "scan failed" in runner.summary.read_text(encoding="utf-8")
    assert not (runner.tmp / "sondier.sarif").exists()  # no report that could pass for a clean one


def test_not_in_ci_is_a_usage_error(project: dict) -> None:
    env = {k: v for k, v in project["checkout"].env.items()}
    env.update(GITHUB_ACTIONS="", GITLAB_CI="")
    done = run_sondier(["ci"], cwd=project["checkout"].path, env=env)
    assert done.returncode == 2
    assert "no CI detected" in done.stderr


def test_sondier_disabled_skips(project: dict) -> None:
    runner = Runner(project["tmp"], project["checkout"])
    done = runner.run("schedule.json", "schedule", {}, project["main"], extra_env={"SONDIER_DISABLED": "true"})
    assert done.returncode == 0
    assert "SONDIER_DISABLED" in done.stderr


NBSP = "\u00a0"
# How each run chooses its language: the checkout's environment says LC_ALL=C (English).
LANGUAGE_SETUPS = {
    "fr-locale": ((), {"LC_ALL": "", "LANG": "fr_FR.UTF-8"}, "fr"),
    "lang-fr": (("--lang", "fr"), {}, "fr"),
    "en-locale": ((), {"LC_ALL": "C.UTF-8"}, "en"),
    "lang-en": (("--lang", "en"), {"LC_ALL": "", "LANG": "fr_FR.UTF-8"}, "en"),
}


def test_job_log_and_summary_speak_the_language_the_json_report_does_not(project: dict) -> None:
    """The plan's reason is recorded in English (`scan.scan_reason`, a machine field) and read in
    the reader's language in the job log and the job summary."""
    checkout = project["checkout"]
    _, head = leak_on_feature(checkout, start=project["first"])
    reports = {}
    for setup, (args, env, language) in LANGUAGE_SETUPS.items():
        (project["tmp"] / setup).mkdir()
        runner = Runner(project["tmp"] / setup, checkout)
        report = runner.tmp / "report.json"
        done = runner.run("push_new_branch.json", "push", {"AFTER": head}, head, *args, f"--report=json={report}",
                          extra_env=env)
        assert done.returncode == 1, done.stderr
        summary = runner.summary.read_text(encoding="utf-8")
        short = f"{project['first'][:12]}..{head[:12]}"
        if language == "fr":
            assert (f"sondier{NBSP}: github push{NBSP}: à analyser{NBSP}: les commits de {short} (nouvelle branche"
                    f"{NBSP}; base = merge-base avec main)") in done.stderr, done.stderr
            assert f"nouvelle branche{NBSP}; base = merge\\-base avec main" in summary, summary
            assert "new branch" not in done.stderr + summary
        else:
            assert f"sondier: github push: scanning the commits in {short} (new branch; base = merge-base with " \
                   "main)" in done.stderr, done.stderr
            assert "(new branch; base = merge\\-base with main)" in summary, summary
        data = json.loads(report.read_text(encoding="utf-8"))
        assert data["scan"]["scan_reason"] == "new branch; base = merge-base with main"
        data["scan"].pop("duration_seconds")
        reports[setup] = data
    assert all(data == reports["en-locale"] for data in reports.values())


def test_missing_history_advice_and_failed_summary_in_french(project: dict) -> None:
    origin = project["origin"]
    origin.write("notes.txt", LEAK_LINE)
    after = origin.commit("notes")
    shallow = origin.clone(project["tmp"] / "shallow", "--depth", "1")
    shallow.run_git("remote", "remove", "origin")
    runner = Runner(project["tmp"], shallow)
    done = runner.run("push.json", "push", {"BEFORE": project["first"], "AFTER": after}, after, "--lang", "fr")
    assert done.returncode == 3
    stderr = done.stderr.replace("\u202f", NBSP)  # either no-break space is right before `;`
    assert f"sondier{NBSP}: erreur{NBSP}: le commit d’avant le push {project['first'][:12]} n’est pas dans le " \
           f"clone (ce clone est superficiel){NBSP}; l’analyse est impossible sans cela." in stderr, stderr
    assert f"Récupérez tout l’historique à l’étape de checkout{NBSP}:\n    - uses: actions/checkout@v4\n" \
           "      with:\n        fetch-depth: 0" in stderr
    summary = runner.summary.read_text(encoding="utf-8")
    assert summary.startswith(f"## Sondier{NBSP}: échec de l’analyse\n\nL’analyse n’est pas allée jusqu’au bout")
    assert "scan failed" not in summary and "fetch-depth: 0" in summary
