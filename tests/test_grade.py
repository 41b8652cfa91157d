"""The grade (sondier-grade-v1): hand-built results for the method's arithmetic, real throw-away
repositories and the real command for what users see."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import pytest
from conftest import make_finding, run_sondier
from gitrepo import make_repo, nir

from sondier.chunks import CommitInfo
from sondier.findings import TEST_DATA, Finding, ScanResult
from sondier.grade import (
    BANDS,
    METHOD,
    Hygiene,
    compute_grade,
    detect_hygiene,
    explain,
)

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)


def finding(severity: str = "medium", rule_id: str = "email", in_head: bool | None = None,
            date: str | None = None, value: str = "someone.12@orange.fr") -> Finding:
    item = make_finding(value, rule_id=rule_id)
    item.severity = severity
    if in_head is not None:
        item.extra = {**item.extra, "in_head": in_head}
    if date:
        item.commit = CommitInfo(sha="a" * 40, date=date)
    return item


@pytest.mark.parametrize(("severity", "letter"), [("critical", "E"), ("high", "D"), ("medium", "C"),
                                                  ("low", "B"), ("info", "B")])
def test_the_worst_open_finding_caps_the_letter(severity: str, letter: str) -> None:
    result = ScanResult(findings=[finding("low", "fr-phone"), finding(severity)])
    grade = compute_grade(result, now=NOW)
    assert grade.letter == letter
    low, high = BANDS[letter]
    assert low <= grade.score <= high


def test_one_critical_finding_is_enough_whatever_else_is_clean() -> None:
    result = ScanResult(findings=[finding("critical", "fr-nir")], files_scanned=10_000)
    assert compute_grade(result, now=NOW).letter == "E"


def test_nothing_open_is_a_with_the_clean_score() -> None:
    grade = compute_grade(ScanResult(), now=NOW)
    assert (grade.letter, grade.score, grade.method) == ("A", 95, METHOD)
    assert grade.reasons[0] == "no open finding"


def test_history_only_values_cap_at_b_and_lower_the_score() -> None:
    one = compute_grade(ScanResult(findings=[finding("critical", "fr-nir", in_head=False)]), history=True, now=NOW)
    three = compute_grade(ScanResult(findings=[finding("critical", "fr-nir", in_head=False, value=f"v{i}")
                                               for i in range(3)]), history=True, now=NOW)
    assert one.letter == three.letter == "B"
    assert three.score < one.score <= BANDS["B"][1]
    assert one.counts.open_history_only == 1 and one.counts.open_in_head == 0


def test_history_exposure_lowers_a_head_grade_within_its_band() -> None:
    head = finding("medium", in_head=True)
    alone = compute_grade(ScanResult(findings=[head]), history=True, now=NOW)
    with_history = compute_grade(ScanResult(findings=[head, finding("critical", "fr-nir", in_head=False)]),
                                 history=True, now=NOW)
    assert alone.letter == with_history.letter == "C"
    assert with_history.score < alone.score


def test_volume_kinds_and_age_modifiers_are_published_and_capped() -> None:
    many = [finding("medium", rule_id=f"rule-{i % 5}", value=f"v{i}", date="2019-06-01T00:00:00+00:00")
            for i in range(200)]
    grade = compute_grade(ScanResult(findings=many), now=NOW)
    assert grade.letter == "C"
    # volume -8 (cap), kinds -6 (cap: 5 kinds), age -4 (cap: 7 years)
    assert grade.score == BANDS["C"][1] - 8 - 6 - 4
    assert any("volume" in reason for reason in grade.reasons)
    assert any("year(s)" in reason for reason in grade.reasons)


def test_the_score_never_leaves_the_band() -> None:
    many = [finding("high", rule_id=f"r{i}", in_head=i % 2 == 0, value=f"v{i}", date="2000-01-01T00:00:00Z")
            for i in range(100)]
    grade = compute_grade(ScanResult(findings=many), history=True, now=NOW)
    assert (grade.letter, grade.score) == ("D", BANDS["D"][0])


def test_an_incomplete_scan_is_unknown_never_a_letter() -> None:
    grade = compute_grade(ScanResult(errors=["commit abc is the edge of a shallow clone"]), now=NOW)
    assert (grade.letter, grade.score) == ("?", None)
    assert "incomplete" in grade.reasons[0]
    assert grade.to_dict()["letter"] == "?"


def test_annotated_and_suppressed_are_shown_but_do_not_lower_the_grade() -> None:
    annotated = finding("critical", "fr-nir")
    annotated.verdict = TEST_DATA
    suppressed = finding("critical", "fr-nir")
    suppressed.suppressed_by = "inline"
    grade = compute_grade(ScanResult(annotated=[annotated], suppressed=[suppressed]), now=NOW)
    assert (grade.letter, grade.score) == ("A", 95)
    assert (grade.counts.annotated, grade.counts.suppressed, grade.counts.raw) == (1, 1, 2)
    assert grade.counts.annotated_by_verdict == {TEST_DATA: 1}
    assert any("1 annotated finding(s)" in reason for reason in grade.reasons)
    assert any("1 suppressed finding(s)" in reason for reason in grade.reasons)


def test_hygiene_counts_only_when_nothing_is_open() -> None:
    hygiene = Hygiene(pre_commit=True, ci_gate=True, sources=(".pre-commit-config.yaml",))
    clean = compute_grade(ScanResult(), hygiene=hygiene, now=NOW)
    assert (clean.letter, clean.score) == ("A", 100)
    low = ScanResult(findings=[finding("low")])
    assert compute_grade(low, hygiene=hygiene, now=NOW).score == compute_grade(low, now=NOW).score
    assert any("no bonus" in reason for reason in compute_grade(low, hygiene=hygiene, now=NOW).reasons)
    unconfigured = compute_grade(ScanResult(), hygiene=Hygiene(), now=NOW)
    assert any("no sondier pre-commit hook" in reason for reason in unconfigured.reasons)


def test_detect_hygiene_reads_pre_commit_and_ci_files(tmp_path: Path) -> None:
    assert detect_hygiene(tmp_path) == Hygiene()
    (tmp_path / ".pre-commit-config.yaml").write_text("repos:\n- repo: https://github.com/sondier/sondier\n"
                                                      "  hooks: [{id: sondier}]\n")
    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".github" / "workflows" / "test.yml").write_text("jobs: {test: {steps: [{run: pytest}]}}\n")
    found = detect_hygiene(tmp_path)
    assert (found.pre_commit, found.ci_gate) == (True, False)
    (tmp_path / ".gitlab-ci.yml").write_text("include:\n  - component: gitlab.com/sondier/sondier/sondier@1\n")
    found = detect_hygiene(tmp_path)
    assert (found.pre_commit, found.ci_gate) == (True, True)
    assert found.sources == (".pre-commit-config.yaml", ".gitlab-ci.yml")


def test_to_dict_is_stable_for_the_fleet_scan() -> None:
    data = compute_grade(ScanResult(findings=[finding("high")]), hygiene=Hygiene(), now=NOW).to_dict()
    assert set(data) >= {"letter", "score", "reasons", "method", "method_date", "counts", "hygiene"}
    assert json.loads(json.dumps(data)) == data


def test_explain_names_the_method_and_every_band() -> None:
    text = explain()
    assert METHOD in text
    for letter, (low, high) in BANDS.items():
        assert f"{letter} {low}-{high}" in text


def test_grade_reasons_translate_to_french() -> None:
    from sondier.i18n import gettext_for

    grade = compute_grade(ScanResult(findings=[finding("critical", "fr-nir")]), now=NOW)
    french = grade.localized_reasons(gettext_for("fr"))
    assert french[0].startswith("pire constat ouvert dans HEAD\u00a0: critique (fr-nir)")


# --------------------------------------------------------------------------- real repositories


def grade_of(repo_path: Path, *args: str) -> tuple[dict, int]:
    done = run_sondier(["scan", *args, "--format", "json", "--report", "grade=-"], cwd=repo_path)
    assert done.returncode in (0, 1), done.stderr
    text, _, _ = done.stdout.partition("\nPrivacy grade:")
    return json.loads(text)["summary"]["grade"], done.returncode


def test_clean_repository_is_a(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    repo.write("src/app.py", "def add(a, b):\n    return a + b\n")
    repo.commit("code")
    grade, code = grade_of(repo.path, "--history")
    assert (grade["letter"], code) == ("A", 0)


def test_one_nir_in_head_is_e(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    repo.write("notes.txt", f"nir du patient : {nir(1)}\n")  # one value, no table of people
    repo.commit("export")
    grade, code = grade_of(repo.path)
    assert (grade["letter"], code) == ("E", 1)
    assert grade["counts"]["open_in_head"] == 1


def test_a_nir_only_in_history_is_at_most_b(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    repo.write("export.csv", f"nir,nom\n{nir(2)},Martin\n")
    repo.commit("export", date="2021-03-01T10:00:00+00:00")
    repo.remove("export.csv")
    repo.commit("oops, remove the export")
    files, _ = grade_of(repo.path)
    history, code = grade_of(repo.path, "--history")
    assert files["letter"] == "A"  # the files are clean...
    assert history["letter"] == "B" and code == 1  # ...but anyone who clones reads the NIR
    assert history["counts"]["open_history_only"] == 1
    assert history["counts"]["oldest_exposure"] == "2021-03-01"
    assert history["score"] < BANDS["B"][1]


def test_a_test_data_only_repository_is_a_with_the_annotated_count_shown(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    # Documented examples and reserved domains: test data, never a person's.
    repo.write("tests/fixtures/users.csv", "email,telephone\njeanne.martin@example.org,0600000000\n"
                                           "paul.durand@example.com,0612345678\n")
    repo.commit("fixtures")
    done = run_sondier(["scan", "--history", "--format", "json", "--report", "grade=-"], cwd=repo.path)
    report_text, _, grade_text = done.stdout.partition("\nPrivacy grade:")
    grade = json.loads(report_text)["summary"]["grade"]
    assert grade["letter"] == "A" and done.returncode == 0
    counts = grade["counts"]
    assert counts["open"] == 0
    assert counts["annotated"] == 4 and counts["annotated_by_verdict"] == {"test-data": 4}
    # Shown beside the grade, never hidden: the count the verdict stage annotated, and the raw total.
    assert f"annotated: {counts['annotated']}" in grade_text
    assert f"raw: {counts['raw']}" in grade_text


def test_a_shallow_clone_scanned_with_history_is_unknown_and_exits_3(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    for index in range(3):
        repo.write("notes.txt", f"note {index}\n")
        repo.commit(f"note {index}")
    shallow = repo.clone(tmp_path / "shallow", "--depth", "1")
    done = run_sondier(["scan", "--history", "--format", "grade", "--report", "shields=badge.json"], cwd=shallow.path)
    assert done.returncode == 3
    assert done.stdout.startswith("Privacy grade: ? (score -/100)")
    assert "shallow clone" in done.stderr
    assert json.loads((shallow.path / "badge.json").read_text())["message"] == "?"


def test_grade_explain_command() -> None:
    done = run_sondier(["grade", "--explain"])
    assert done.returncode == 0 and METHOD in done.stdout
    french = run_sondier(["grade", "--explain", "--lang", "fr"])
    assert "La lettre est plafonnée" in french.stdout
    assert run_sondier(["grade"]).returncode == 2


def test_grade_is_computed_once_per_result() -> None:
    from sondier.grade import grade_for_report

    result = ScanResult(findings=[finding("low")])
    first = grade_for_report(result, ".")
    assert grade_for_report(result, ".") is first
    assert replace(first).letter == "B"
