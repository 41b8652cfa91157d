"""End-to-end runs of the installed command in a subprocess (and a few through click's runner)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from conftest import run_sondier

from sondier.cli import main

EMAIL = "jeanne.martin@orange.fr"


def test_clean_tree_exits_0(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("nothing personal here\n")
    result = run_sondier(["scan", str(tmp_path)])
    assert result.returncode == 0, result.stderr


def test_findings_exit_1_and_are_redacted(tmp_path: Path) -> None:
    (tmp_path / "users.csv").write_text(f"nom,email\nMartin,{EMAIL}\n")
    result = run_sondier(["scan", str(tmp_path), "--format", "json"])
    assert result.returncode == 1, result.stderr
    assert EMAIL not in result.stdout + result.stderr
    report = json.loads(result.stdout)
    assert report["version"] == 1
    finding = report["findings"][0]
    assert finding["rule_id"] == "email"
    assert (finding["path"], finding["line"], finding["column"]) == ("users.csv", 2, 8)
    assert "value" not in finding
    assert report["summary"]["by_rule"] == {"email": 1}


def test_show_values_is_the_only_way_to_see_values(tmp_path: Path) -> None:
    (tmp_path / "u.txt").write_text(f"contact {EMAIL}\n")
    result = run_sondier(["scan", str(tmp_path), "--format", "json", "--show-values"])
    assert json.loads(result.stdout)["findings"][0]["value"] == EMAIL
    text = run_sondier(["scan", str(tmp_path)])
    assert EMAIL not in text.stdout


def test_custom_exit_code(tmp_path: Path) -> None:
    (tmp_path / "u.txt").write_text(f"contact {EMAIL}\n")
    assert run_sondier(["scan", str(tmp_path), "--exit-code", "7", "-q"]).returncode == 7


def test_stdin(tmp_path: Path) -> None:
    result = run_sondier(["scan", "-", "--format", "json"], input=f"mail: {EMAIL}\n".encode())
    assert result.returncode == 1
    assert json.loads(result.stdout)["findings"][0]["path"] == "-"


def test_bad_config_exits_2(tmp_path: Path) -> None:
    (tmp_path / ".sondier.yml").write_text("unknown: 1\n")
    result = run_sondier(["scan", "."], cwd=tmp_path)
    assert result.returncode == 2
    assert "unknown key 'unknown'" in result.stderr


def test_missing_path_is_a_scan_error_not_a_clean_scan(tmp_path: Path) -> None:
    result = run_sondier(["scan", str(tmp_path / "nope")])
    assert result.returncode == 3
    assert "no such file" in result.stdout + result.stderr


def test_several_reports_in_one_run(tmp_path: Path) -> None:
    (tmp_path / "u.txt").write_text(f"contact {EMAIL}\n")
    out = tmp_path / "out"
    result = run_sondier(["scan", str(tmp_path / "u.txt"), "--report", f"json={out / 'r.json'}", "-f", "text"])
    assert result.returncode == 1
    assert json.loads((out / "r.json").read_text())["summary"]["total"] == 1
    assert "email" in result.stdout


def test_malformed_report_option_exits_2(tmp_path: Path) -> None:
    result = run_sondier(["scan", str(tmp_path), "--report", "nonsense"])
    assert result.returncode == 2


def test_rules_list_show_and_test(tmp_path: Path) -> None:
    runner = CliRunner()
    listed = runner.invoke(main, ["rules", "list"])
    assert listed.exit_code == 0 and "email" in listed.output
    shown = runner.invoke(main, ["rules", "show", "email"])
    assert shown.exit_code == 0 and "RFC 2606" in shown.output
    assert runner.invoke(main, ["rules", "show", "nope"]).exit_code == 2
    rule = tmp_path / "mine.yaml"
    rule.write_text(
        "id: my-ticket\nname: Ticket\ncategory: secret\nseverity: low\ndescription: d\nremediation: r\n"
        "regex: 'TCK-(?P<value>\\d{6})'\nkeywords: [tck-]\n"
        "examples:\n  positive: ['TCK-123456']\n  negative: ['TCK-12', 'TCK-1234567']\n"
    )
    tested = run_sondier(["rules", "test", str(rule)])
    assert "2 passed, 1 failed" in tested.stdout  # TCK-1234567 contains TCK-123456: the example is wrong
    assert tested.returncode == 1


def test_version() -> None:
    result = run_sondier(["--version"])
    assert result.returncode == 0 and "sondier" in result.stdout


def _repo_allowing_everything(path: Path) -> Path:
    """A git work tree whose configuration would silence any finding."""
    import subprocess

    path.mkdir()
    subprocess.run(["git", "init", "-q", str(path)], check=True)
    (path / ".sondier.yml").write_text("allowlist:\n  paths: ['**', '*']\n  values: ['.']\n")
    return path


def test_scan_reads_the_configuration_of_the_scanned_tree_not_the_current_folder(tmp_path: Path) -> None:
    here = _repo_allowing_everything(tmp_path / "here")
    scanned = tmp_path / "scanned"
    (scanned / "sub").mkdir(parents=True)
    (scanned / "sub" / "users.csv").write_text(f"nom,email\nMartin,{EMAIL}\n")
    result = run_sondier(["scan", str(scanned), "--format", "json"], cwd=here)
    assert result.returncode == 1, result.stderr
    assert json.loads(result.stdout)["findings"][0]["path"] == "sub/users.csv"  # report paths as before


def test_scan_of_a_sub_folder_reads_the_configuration_at_the_top_of_its_git_tree(tmp_path: Path) -> None:
    repo = _repo_allowing_everything(tmp_path / "repo")
    (repo / "src").mkdir()
    (repo / "src" / "users.csv").write_text(f"nom,email\nMartin,{EMAIL}\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / ".sondier.yml").write_text("unknown: 1\n")  # never read: not the scanned tree's
    result = run_sondier(["scan", str(repo / "src"), "--format", "json"], cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["suppressed"] == 1


def test_explicit_config_wins_over_the_scanned_tree(tmp_path: Path) -> None:
    repo = _repo_allowing_everything(tmp_path / "repo")
    (repo / "users.csv").write_text(f"nom,email\nMartin,{EMAIL}\n")
    empty = tmp_path / "empty.yml"
    empty.write_text("{}\n")
    assert run_sondier(["scan", str(repo), "--config", str(empty), "-q"]).returncode == 1


def test_a_report_written_to_a_fifo_goes_into_it_and_leaves_it_a_fifo(tmp_path: Path) -> None:
    """`-o /dev/null` or a named pipe: the report is written into the special file; the
    temp-file-and-rename of ordinary reports would replace it (as root, /dev/null itself)."""
    import os
    import stat
    import threading

    (tmp_path / "a.txt").write_text("mail jeanne.martin@orange.fr\n", encoding="utf-8")
    fifo = tmp_path / "report.pipe"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    done = run_sondier(["scan", str(tmp_path / "a.txt"), "-f", "json", "-o", str(fifo)], cwd=tmp_path)
    reader.join(timeout=30)
    assert done.returncode == 1, done.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert received and '"rule_id": "email"' in received[0]


def test_rules_test_says_when_an_example_lacks_the_keywords(tmp_path: Path) -> None:
    rule = tmp_path / "mine.yaml"
    rule.write_text(
        "id: my-bot\nname: Bot\ncategory: secret\nseverity: low\ndescription: d\nremediation: r\n"
        "regex: '(?P<value>M[a-z0-9]{12})'\nkeywords: [mybot]\n"
        "examples:\n  positive: ['mybot=Mabcdef123456', 'Mabcdef123456']\n"
    )
    tested = run_sondier(["rules", "test", str(rule)])
    assert tested.returncode == 1
    assert "1 passed, 1 failed" in tested.stdout
    assert "keywords" in tested.stdout  # why the second example is not found


def test_baseline_ignore_and_fleet_are_imported_only_when_named(tmp_path: Path) -> None:
    """A scan does not pay for the baseline, ignore-file and fleet modules; --help still lists
    them and each still runs."""
    import subprocess
    import sys

    (tmp_path / "a.txt").write_text("nothing here\n", encoding="utf-8")
    code = (
        "import sys\n"
        "from sondier.cli import run\n"
        "sys.argv = ['sondier', *sys.argv[1:]]\n"
        "try:\n    run()\n"
        "except SystemExit:\n    pass\n"
        "print('loaded:', sorted(m for m in ('sondier.baseline_cli', 'sondier.fleet_cli') if m in sys.modules))\n"
    )
    scanned = subprocess.run([sys.executable, "-c", code, "scan", str(tmp_path), "-q"], capture_output=True, text=True)
    assert "loaded: []" in scanned.stdout, scanned.stderr
    runner = CliRunner()
    listed = runner.invoke(main, ["--help"])
    assert all(f"  {name} " in listed.output for name in ("baseline", "ignore", "fleet", "scan", "rules"))
    shown = runner.invoke(main, ["baseline", "show", "--file", str(tmp_path / "absent.json")])
    assert shown.exit_code == 2 and "absent.json" in shown.output
    assert runner.invoke(main, ["fleet", "--help"]).exit_code == 0
    assert runner.invoke(main, ["ignore", "--help"]).exit_code == 0
