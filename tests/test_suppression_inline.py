"""Inline markers in every comment syntax and data file, and the policy that refuses them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_sondier

from sondier.suppression.inline import marker_for

CONFIG = "rules:\n  enable: [email]\n"  # only the rule these files exercise
KNOWN = frozenset({"fr-nir", "iban", "email", "fr-phone"})


def covers(line: str, previous: str | None = None, rule: str = "fr-nir", category: str = "pii") -> bool:
    return marker_for(line, previous, rule, category, KNOWN) == "inline"


@pytest.mark.parametrize(
    "line",
    [
        "nir = '...'  # sondier:ignore",
        "const nir = '...'; // sondier:ignore",
        "SELECT '...'; -- sondier:ignore",
        "x = '...' /* sondier:ignore */",
        "<td>...</td> <!-- sondier:ignore -->",
        "key = ... ; sondier:ignore",
        "value % sondier:ignore",
        "REM SONDIER:IGNORE",
        '{"nir": "...", "_note": "sondier:ignore"}',
        "1 84 ...,Dupont,sondier:ignore",
        "nir: '...'  # sondier:ignore fr-nir",
        "nir: '...'  # sondier:ignore=fr-nir,iban",
        "nir: '...'  # sondier:ignore: iban fr-nir",
        "nir: '...'  # sondier:ignore pii",
        "nir: '...'  # sondier:ignore fr-nir -- INSEE documentation example",
        "nir: '...'  # sondier:ignore test fixture from the spec",
        "nir: '...'  /* sondier:ignore fr-nir */",
        "nir: '...'  <!-- sondier:ignore fr-nir -->",
    ],
)
def test_marker_on_the_line_covers(line: str) -> None:
    assert covers(line)


@pytest.mark.parametrize(
    "line",
    [
        "nir = '...'",
        "nir = '...'  # sondier:ignore iban",  # another rule
        "nir = '...'  # sondier:ignore secret",  # another category
        "nir = '...'  # sondier:ignore fr-nri",  # a typo restricts to nothing: fail closed
        "nir = '...'  # sondier:ignored",  # not the marker
        "nir = '...'  # sondier:ignore-me",
        "nir = '...'  # sondier:ignore-next-line",  # applies to the next line only
    ],
)
def test_marker_on_the_line_does_not_cover(line: str) -> None:
    assert not covers(line)


def test_ignore_next_line() -> None:
    assert covers("nir = '...'", "# sondier:ignore-next-line")
    assert covers("nir = '...'", "// sondier:ignore-next-line fr-nir")
    assert not covers("nir = '...'", "# sondier:ignore-next-line iban")
    assert not covers("nir = '...'", "# sondier:ignore")  # a same-line marker on the previous line
    assert not covers("nir = '...'", None)


def _write(root: Path, name: str, text: str) -> None:
    (root / name).write_text(text, encoding="utf-8")


@pytest.fixture
def marked_repo(tmp_path: Path) -> Path:
    # Addresses under a non-reserved domain, invented for the test (not real people).
    _write(
        tmp_path,
        "app.py",
        "contact = 'zoe.ferrand@orange.fr'  # sondier:ignore email\n"
        "# sondier:ignore-next-line\ncontact2 = 'luc.noel@orange.fr'\n"
        "contact3 = 'ines.petit@orange.fr'\n",
    )
    _write(tmp_path, "data.csv", "email,nom,note\nmaud.roy@orange.fr,Roy,sondier:ignore\n")
    _write(tmp_path, "data.json", '{"email": "paul.marc@orange.fr", "_sondier": "sondier:ignore"}\n')
    _write(tmp_path, "data.yaml", "email: eva.blanc@orange.fr  # sondier:ignore\n")
    _write(tmp_path, ".sondier.yml", CONFIG)
    return tmp_path


def _scan_json(root: Path, *args: str) -> dict[str, object]:
    proc = run_sondier(["scan", "--format", "json", "--show-suppressed", *args], cwd=root)
    assert proc.returncode in (0, 1), proc.stderr
    data: dict[str, object] = json.loads(proc.stdout)
    return data


def test_markers_end_to_end_in_code_and_data_files(marked_repo: Path) -> None:
    data = _scan_json(marked_repo)
    reported = [(f["path"], f["line"]) for f in data["findings"]]  # type: ignore[index, union-attr]
    assert reported == [("app.py", 4)]
    suppressed = data["suppressed"]
    assert len(suppressed) == 5  # type: ignore[arg-type]
    assert {f["suppressed_by"] for f in suppressed} == {"inline"}  # type: ignore[union-attr]
    assert data["summary"]["suppressed"] == 5  # type: ignore[index, call-overload]


def test_no_inline_ignore_flag_refuses_markers(marked_repo: Path) -> None:
    data = _scan_json(marked_repo, "--no-inline-ignore")
    assert len(data["findings"]) == 6  # type: ignore[arg-type]
    assert data["summary"]["suppressed"] == 0  # type: ignore[index, call-overload]


def test_configuration_policy_refuses_markers(marked_repo: Path) -> None:
    _write(marked_repo, ".sondier.yml", CONFIG + "inline-ignore: false\n")
    data = _scan_json(marked_repo)
    assert len(data["findings"]) == 6  # type: ignore[arg-type]
