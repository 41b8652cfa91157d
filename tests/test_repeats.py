"""Repeats: a value written at several places is one finding with its locations, in every report;
baselines and counts still see each place."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema

from sondier import repeats
from tests.conftest import SCHEMAS, make_finding, run_sondier

# A generated mobile number (no pattern, no test word), written three ways in three files.
SPELLINGS = ("06 47 18 29 53", "+33 6 47 18 29 53", "0647182953")


def _tree(root: Path) -> Path:
    for number, spelling in enumerate(SPELLINGS):
        (root / f"conf{number}.yml").write_text(f"referent:\n  telephone: \"{spelling}\"\n", encoding="utf-8")
    return root


def _scan(root: Path, *args: str) -> tuple[int, str]:
    done = run_sondier(["scan", ".", "--rule", "fr-phone", *args], cwd=root)
    assert done.returncode in (0, 1), done.stderr
    return done.returncode, done.stdout


def _json(root: Path, *args: str) -> dict[str, Any]:
    return json.loads(_scan(root, "--format", "json", *args)[1])


def test_canonical_reads_every_spelling_of_one_phone_number_alike() -> None:
    keys = {repeats.canonical(make_finding(s, rule_id="fr-phone")) for s in SPELLINGS}
    assert keys == {"647182953"}
    assert repeats.canonical(make_finding("Jean.Dupont@Example.org")) != repeats.canonical(
        make_finding("jean.dupond@example.org"))


def test_group_keeps_one_finding_per_value_at_its_first_place() -> None:
    first = replace(make_finding(SPELLINGS[0], path="a.yml", rule_id="fr-phone"), line=3)
    second = replace(make_finding(SPELLINGS[1], path="b.yml", rule_id="fr-phone"), line=1)
    third = replace(make_finding(SPELLINGS[2], path="a.yml", rule_id="fr-phone"), line=9)
    alone = make_finding("0555443322", path="c.yml", rule_id="fr-phone")
    grouped = repeats.group([third, alone, second, first])
    assert len(grouped) == 2
    merged = next(f for f in grouped if repeats.REPEATED in f.extra)
    assert (merged.path, merged.line) == ("a.yml", 3)
    assert merged.extra[repeats.REPEATED] == {"count": 3, "files": 2,
                                              "locations": [["a.yml", 3, 1], ["a.yml", 9, 1], ["b.yml", 1, 1]]}
    assert merged.reasons[0] == "the same value at 3 places in 2 files"
    assert repeats.other_locations(merged) == [("a.yml", 9, 1), ("b.yml", 1, 1)]
    assert repeats.other_locations(alone) == []


def test_findings_of_a_history_scan_are_left_alone() -> None:
    """Git sources group by value themselves (occurrences): a second grouping would mix commits."""
    a = replace(make_finding(SPELLINGS[0], path="a.yml", rule_id="fr-phone"), commit="a" * 40)
    b = replace(make_finding(SPELLINGS[0], path="b.yml", rule_id="fr-phone"), commit="b" * 40)
    assert repeats.group([a, b]) == sorted([a, b], key=type(a).sort_key)


def test_json_report_lists_one_finding_with_every_location(tmp_path: Path) -> None:
    report = _json(_tree(tmp_path))
    assert len(report["findings"]) == 1
    finding = report["findings"][0]
    assert finding["path"] == "conf0.yml"
    assert finding["repeated"] == {"count": 3, "files": 3,
                                   "locations": [["conf0.yml", 2, 15], ["conf1.yml", 2, 15], ["conf2.yml", 2, 15]]}
    assert report["summary"]["repeated"] == 1
    # The locations never carry the value, in any spelling.
    text = json.dumps(report)
    assert not any(s in text or s.replace(" ", "") in text for s in SPELLINGS)


def test_group_repeats_false_in_the_configuration_reports_each_place(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    (root / ".sondier.yml").write_text("group-repeats: false\n", encoding="utf-8")
    report = _json(root)
    assert [f["path"] for f in report["findings"]] == ["conf0.yml", "conf1.yml", "conf2.yml"]
    assert report["summary"]["repeated"] == 0


def test_a_bad_group_repeats_value_is_a_configuration_error(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    (root / ".sondier.yml").write_text("group-repeats: sometimes\n", encoding="utf-8")
    done = run_sondier(["scan", "."], cwd=root)
    assert done.returncode == 2
    assert "group-repeats" in done.stderr


def test_terminal_report_names_the_other_places(tmp_path: Path) -> None:
    code, out = _scan(_tree(tmp_path), "--lang", "en")
    assert code == 1
    assert "also at conf1.yml:2:15" in out and "also at conf2.yml:2:15" in out
    assert not any(s in out for s in SPELLINGS)


def test_terminal_report_shortens_a_long_list(tmp_path: Path) -> None:
    for number in range(8):
        (tmp_path / f"page{number}.html").write_text(f"<p>Tél. : {SPELLINGS[0]}</p>\n", encoding="utf-8")
    _, out = _scan(tmp_path, "--lang", "en")
    assert out.count("also at") == repeats_shown()
    assert "and 2 more (the JSON report lists them all)" in out


def repeats_shown() -> int:
    from sondier.reporters.text import SHOWN_LOCATIONS

    return SHOWN_LOCATIONS


def test_sarif_gives_the_other_places_as_related_locations(tmp_path: Path) -> None:
    sarif = json.loads(_scan(_tree(tmp_path), "--format", "sarif")[1])
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.validators.validator_for(schema)(schema).validate(sarif)
    (result,) = sarif["runs"][0]["results"]
    related = result["relatedLocations"]
    assert [r["physicalLocation"]["artifactLocation"]["uri"] for r in related] == ["conf1.yml", "conf2.yml"]
    assert [r["id"] for r in related] == [1, 2]


def test_a_baseline_accepts_every_place_of_a_repeated_value(tmp_path: Path) -> None:
    root = _tree(tmp_path)
    created = run_sondier(["baseline", "create", ".", "--rule", "fr-phone"], cwd=root)
    assert created.returncode == 0, created.stderr
    report = _json(root, "--baseline", ".sondier-baseline.json")
    assert report["findings"] == [] and report["summary"]["suppressed"] == 3
    # The baseline was written from the members (each place), so it holds with grouping off too.
    (root / ".sondier.yml").write_text("group-repeats: false\n", encoding="utf-8")
    assert _scan(root, "--baseline", ".sondier-baseline.json")[0] == 0
    # A fourth place of the value is new: the finding comes back, with that place only.
    (root / "conf3.yml").write_text("referent:\n  telephone: \"06.47.18.29.53\"\n", encoding="utf-8")
    (root / ".sondier.yml").unlink()
    report = _json(root, "--baseline", ".sondier-baseline.json")
    assert [f["path"] for f in report["findings"]] == ["conf3.yml"]


def test_two_tables_with_the_same_header_stay_two_findings(tmp_path: Path) -> None:
    """A person-record's value is its column names: the same header in two files is two tables."""
    from faker import Faker

    fake = Faker("fr_FR")
    fake.seed_instance(7)
    for name in ("a.csv", "b.csv"):
        rows = "".join(f"{fake.last_name()};{fake.first_name()};{fake.date_of_birth().strftime('%d/%m/%Y')}\n"
                       for _ in range(5))
        (tmp_path / name).write_text("nom;prenom;date_naissance\n" + rows, encoding="utf-8")
    done = run_sondier(["scan", ".", "--rule", "person-record", "--format", "json"], cwd=tmp_path)
    report = json.loads(done.stdout)
    assert [f["path"] for f in report["findings"]] == ["a.csv", "b.csv"]
    assert all("repeated" not in f for f in report["findings"])
