"""The fleet scan in French and in English: its command line (help, errors of the repository list and
of the options, progress and summary lines), the reasons a repository could not be scanned, and
machine outputs (result files, fleet.json) that do not change with the language.

Real `sondier fleet` runs in subprocesses, on the standard-library process pool (no Dask needed)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from sondier import i18n
from sondier.fleet import messages
from tests.conftest import run_sondier
from tests.gitrepo import make_repo, nir

NO_LOCALE = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "", "LANGUAGE": "", "SONDIER_LANG": ""}
FRENCH_LOCALE = {**NO_LOCALE, "LANG": "fr_FR.UTF-8"}
ENGLISH_LOCALE = {**NO_LOCALE, "LANG": "C.UTF-8"}
# (extra arguments, environment, language of the messages): the locale, and --lang against it.
SETUPS = {
    "fr-locale": ([], FRENCH_LOCALE, "fr"),
    "en-locale": ([], ENGLISH_LOCALE, "en"),
    "lang-fr": (["--lang", "fr"], ENGLISH_LOCALE, "fr"),
    "lang-en": (["--lang", "en"], FRENCH_LOCALE, "en"),
}
NBSP = "\u00a0"


def _fleet(args: list[str], setup: str, cwd: Path) -> Any:
    extra, env, _language = SETUPS[setup]
    return run_sondier(["fleet", *args, *extra], cwd=cwd, env=env)


# ------------------------------------------------------------------------- the repository list


@pytest.mark.parametrize(("listing", "content", "french", "english"), [
    ("list.yaml", "- {path: a, colour: red}\n",
     f"list.yaml{NBSP}: entrée 1{NBSP}: clé(s) inconnue(s) colour (attendu{NBSP}: une de ministry, name, "
     "organisation, organization, path, repo, url)",
     "list.yaml: entry 1: unknown key(s) colour (expected one of ministry, name, organisation, organization, "
     "path, repo, url)"),
    ("list.yaml", "- {path: a}\n- {path: b, url: 'https://f.example.org/o/b'}\n",
     f"list.yaml{NBSP}: entrée 2{NBSP}: indiquez exactement une clé parmi repo, path ou url (du texte)",
     "list.yaml: entry 2: give exactly one of repo, path or url (text)"),
    ("list.yaml", "- 3\n", f"list.yaml{NBSP}: entrée 1{NBSP}: dictionnaire attendu, reçu int",
     "list.yaml: entry 1: expected a mapping, got int"),
    ("list.yaml", "- {path: a, ministry: [x]}\n",
     f"list.yaml{NBSP}: entrée 1{NBSP}: «{NBSP}ministry{NBSP}» doit être du texte, reçu list",
     "list.yaml: entry 1: 'ministry' must be text, got list"),
    ("list.yml", "{a: 1}\n",
     f"list.yml{NBSP}: une liste de dépôts est attendue (des dictionnaires avec repo, path ou url)",
     "list.yml: expected a list of repositories (mappings with repo, path or url)"),
    ("list.txt", "# nothing but a comment\n", f"list.txt{NBSP}: la liste des dépôts est vide",
     "list.txt: the repository list is empty"),
    ("list.txt", b"caf\xe9 alpha\n", f"list.txt{NBSP}: la liste des dépôts n’est pas du texte UTF-8",
     "list.txt: the repository list is not UTF-8 text"),
])
@pytest.mark.parametrize("setup", list(SETUPS))
def test_repository_list_errors_speak_the_language(tmp_path: Path, setup: str, listing: str,
                                                   content: str | bytes, french: str, english: str) -> None:
    path = tmp_path / listing
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    done = _fleet([listing, "-o", "out", "--engine", "processes"], setup, tmp_path)
    language = SETUPS[setup][2]
    expected, foreign = (french, english) if language == "fr" else (english, french)
    prefix = f"sondier{NBSP}: erreur{NBSP}: " if language == "fr" else "sondier: error: "
    assert done.returncode == 2, done.stderr
    assert done.stderr == prefix + expected + "\n"
    assert foreign not in done.stderr
    assert not (tmp_path / "out").exists()  # nothing written before the list is read


@pytest.mark.parametrize(("args", "french", "english"), [
    (["--engine", "processes", "--scheduler", "tcp://127.0.0.1:1"],
     "--scheduler demande le moteur dask (retirez --engine processes)",
     "--scheduler needs the dask engine (drop --engine processes)"),
    (["--threshold", "1.5"], "doit être supérieur à 0 et au plus égal à 1, par exemple 0.99",
     "must be more than 0 and at most 1, e.g. 0.99"),
])
@pytest.mark.parametrize("setup", ["fr-locale", "en-locale", "lang-fr"])
def test_option_errors_speak_the_language(tmp_path: Path, setup: str, args: list[str], french: str,
                                          english: str) -> None:
    (tmp_path / "list.txt").write_text("a\n", encoding="utf-8")
    done = _fleet(["list.txt", "-o", "out", *args], setup, tmp_path)
    expected, foreign = (french, english) if SETUPS[setup][2] == "fr" else (english, french)
    assert done.returncode == 2, done.stderr
    assert expected in done.stderr and foreign not in done.stderr, done.stderr


@pytest.mark.parametrize("setup", list(SETUPS))
def test_fleet_help_in_the_chosen_language(setup: str, tmp_path: Path) -> None:
    done = _fleet(["--help"], setup, tmp_path)
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    if SETUPS[setup][2] == "fr":
        assert done.stdout.startswith(f"Utilisation{NBSP}:")
        assert "Noter chaque dépôt de LIST" in text and "Auditer l’historique complet de chaque dépôt" in text
        assert "Grade every repository" not in text
    else:
        assert done.stdout.startswith("Usage:")
        assert "Grade every repository of LIST" in text and "Audit every repository's full history" in text


# ------------------------------------------------------------------------- a run with failures


def _fleet_of_four(base: Path) -> Path:
    """A repository with a NIR (graded E), a plain folder (no history to audit), a path that does
    not exist and a repository whose HEAD cannot be read; the list naming them."""
    good = make_repo(base, "with-nir")
    good.write("README.md", "# with-nir\n")
    good.write("exports/patients.csv", f"id;numero_securite_sociale\n1;{nir(200)}\n")
    good.commit("export")
    (base / "plain").mkdir()
    (base / "plain" / "notes.txt").write_text("nothing personal\n", encoding="utf-8")
    broken = make_repo(base, "broken")
    broken.write("README.md", "# broken\n")
    broken.commit("first")
    head = broken.head()
    obj = broken.path / ".git" / "objects" / head[:2] / head[2:]
    obj.chmod(0o644)
    obj.write_bytes(b"corrupted")
    listing = base / "fleet.txt"
    listing.write_text("with-nir alpha\nplain alpha\nmissing beta\nbroken beta\n", encoding="utf-8")
    return listing


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Any, Path]]:
    """The same `--history` fleet run under each language setup, each into its own folder."""
    base = tmp_path_factory.mktemp("fleet-i18n")
    _fleet_of_four(base)
    done = {}
    for setup in SETUPS:
        output = base / f"out-{setup}"
        done[setup] = (_fleet(["fleet.txt", "-o", str(output), "--history", "--engine", "processes", "-j", "1"],
                              setup, base), output)
    return done


_FRENCH_REASONS = {
    "plain": f"{NBSP}: pas un dépôt git{NBSP}: --history audite des historiques git (sans --history, ses fichiers "
             "sont analysés)",
    "missing": f"{NBSP}: dossier introuvable",
    "broken": f"broken{NBSP}: échec de la lecture de HEAD (code de sortie git 128){NBSP}: ",
}
_ENGLISH_REASONS = {
    "plain": ": not a git repository: --history audits git histories (without --history, its files are scanned)",
    "missing": ": no such folder",
    "broken": "broken: reading HEAD failed (git exit 128): ",
}


@pytest.mark.parametrize("setup", list(SETUPS))
def test_progress_and_reasons_speak_the_language(runs: dict[str, tuple[Any, Path]], setup: str) -> None:
    done, _output = runs[setup]
    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    # The per-repository line keeps its machine status word in every language (logs are searched for it).
    statuses = dict(re.findall(r"^\[\d/4\] ([\w-]+): . \((\w+)\)$", done.stderr, re.MULTILINE))
    assert statuses == {"with-nir": "scanned", "plain": "failed", "missing": "failed", "broken": "failed"}
    reasons, foreign = (_FRENCH_REASONS, _ENGLISH_REASONS) if SETUPS[setup][2] == "fr" else \
        (_ENGLISH_REASONS, _FRENCH_REASONS)
    explained = [line for line in lines if line.startswith("  ")]
    assert len(explained) == 3, done.stderr  # one line of why under each repository that failed
    for name, reason in reasons.items():
        assert any(line.startswith(f"  {name}") and reason in line for line in explained), (name, done.stderr)
    for reason in foreign.values():
        assert reason not in done.stderr
    if SETUPS[setup][2] == "fr":
        assert f"sondier fleet{NBSP}: 4 dépôts sur un groupe de processus local, 1 processus de travail" in lines
        assert any(line.startswith(f"sondier fleet{NBSP}: 1 analysé(s), 0 à jour, 3 impossible(s) à analyser")
                   for line in lines), done.stderr
        assert "scanned," not in done.stderr and "worker" not in done.stderr
    else:
        assert "sondier fleet: 4 repositories on a local process pool, 1 worker" in lines
        assert any(line.startswith("sondier fleet: 1 scanned, 0 up to date, 3 could not be scanned (?)")
                   for line in lines), done.stderr
        assert "analysé" not in done.stderr


def _volatile_free(data: Any) -> Any:
    """A result file or the aggregate without what differs from run to run (timings, the date of
    the aggregate) and without the output folder's name; everything else must be identical."""
    if isinstance(data, dict):
        return {key: _volatile_free(value) for key, value in data.items() if key not in ("duration", "generated_at")}
    if isinstance(data, list):
        return [_volatile_free(item) for item in data]
    return data


def _machine_outputs(output: Path) -> dict[str, Any]:
    files = [*sorted((output / "repos").glob("*.json")), output / "fleet.json"]
    return {path.relative_to(output).as_posix(): _volatile_free(json.loads(path.read_text(encoding="utf-8")))
            for path in files}


def test_result_files_and_aggregate_do_not_depend_on_the_language(runs: dict[str, tuple[Any, Path]]) -> None:
    outputs = {setup: _machine_outputs(output) for setup, (_done, output) in runs.items()}
    reference = outputs["en-locale"]
    assert len(reference) == 5  # four result files and fleet.json
    for setup, found in outputs.items():
        assert found == reference, f"{setup}: the machine outputs changed with the language"
    errors = {row["name"]: row["error"] for row in reference["fleet.json"]["repositories"]}
    # Recorded in English, from the templates of sondier.fleet.messages, whatever the language of the run.
    assert errors["with-nir"] is None
    assert errors["plain"].endswith(_ENGLISH_REASONS["plain"]) and errors["missing"].endswith(": no such folder")
    assert errors["broken"].startswith(_ENGLISH_REASONS["broken"])
    assert {row["name"]: row["letter"] for row in reference["fleet.json"]["repositories"]} == {
        "with-nir": "E", "plain": "?", "missing": "?", "broken": "?"}


@pytest.mark.parametrize(("setup", "language"), [
    ("fr-locale", "fr"), ("en-locale", "fr"),  # French by default: the locale does not choose the dashboard
    ("lang-fr", "fr"), ("lang-en", "en"),
])
def test_dashboard_language_and_its_reasons(runs: dict[str, tuple[Any, Path]], setup: str, language: str) -> None:
    _done, output = runs[setup]
    html = (output / "index.html").read_text(encoding="utf-8")
    assert f'<html lang="{language}">' in html
    notes = re.findall(r'<span class="note">([^<]*)</span>', html)
    assert len(notes) == 3, notes
    if language == "fr":
        assert any(note.endswith(_FRENCH_REASONS["plain"]) for note in notes)
        assert any(note.endswith(_FRENCH_REASONS["missing"]) for note in notes)
        assert not any("no such folder" in note or "not a git repository" in note for note in notes)
    else:
        assert any(note.endswith(_ENGLISH_REASONS["plain"]) for note in notes)
        assert any(note.endswith(_ENGLISH_REASONS["missing"]) for note in notes)


# ------------------------------------------------------------------------- recorded texts


_SAMPLES = [
    (messages.NOT_SCANNED, "non analysé"),
    (messages.NO_RESULT_YET, "pas encore de résultat"),
    (messages.NO_SUCH_FOLDER.format(source="/srv/a"), f"/srv/a{NBSP}: dossier introuvable"),
    (messages.GIT_FAILED.format(command="git clone", code=128, message="fatal: repository 'x' not found"),
     f"échec de git clone (code de sortie git 128){NBSP}: fatal: repository 'x' not found"),
    (messages.READING_HEAD_FAILED.format(name="r", code=-9, message="no message"),
     f"r{NBSP}: échec de la lecture de HEAD (code de sortie git -9){NBSP}: no message"),
    (messages.GIT_TIMEOUT.format(seconds="3600"), "git n’a pas répondu en 3600\u00a0s"),
    (messages.INTERNAL_ERROR_AT.format(error="KeyError", place="task.py:12"),
     f"erreur interne{NBSP}: KeyError dans task.py:12"),
    (messages.SCAN_ERRORS.format(count=2), "2 erreur(s) d’analyse"),
    (messages.LOST.format(why=messages.WORKER_DIED, attempts=3),
     f"non analysé{NBSP}: son processus de travail s’est arrêté (3 tentative(s){NBSP}; mémoire épuisée ou "
     f"processus tué{NBSP}?)"),
    (messages.LOST.format(why=messages.TASK_FAILED.format(error="KilledWorker"), attempts=3),
     f"non analysé{NBSP}: la tâche a échoué sur le cluster{NBSP}: KilledWorker (3 tentative(s){NBSP}; mémoire "
     f"épuisée ou processus tué{NBSP}?)"),
]


@pytest.mark.parametrize(("recorded", "french"), _SAMPLES)
def test_recorded_texts_read_back_in_french(recorded: str, french: str) -> None:
    assert messages.localized(recorded, "fr") == french
    assert messages.localized(recorded, "en") == recorded


def test_every_recorded_template_is_read_back() -> None:
    """Each template of sondier.fleet.messages, filled, comes back translated with its parameters."""
    for template in messages.TEMPLATES:
        names = re.findall(r"\{(\w+)\}", template)
        values = {name: "7" if name in messages.RECORDED.numbers else f"<{name}>" for name in names}
        french = messages.localized(template.format(**values), "fr")
        assert french != template.format(**values), template
        assert all(value in french for value in values.values()), (template, french)


def test_an_unknown_recorded_text_is_left_as_it_is() -> None:
    assert messages.localized("something a newer sondier wrote", "fr") == "something a newer sondier wrote"
    assert messages.localized(None, "fr") == ""


def test_a_task_records_english_in_a_french_process(tmp_path: Path) -> None:
    """Workers may have been left in French (a process started from a French CLI): the result file
    is written in English all the same, and the process's language is given back afterwards."""
    from sondier.fleet.repolist import RepoSpec
    from sondier.fleet.task import TaskOptions, read_json, result_path, run_task

    spec = RepoSpec(source=str(tmp_path / "missing"), name="missing")
    options = TaskOptions(results=str(tmp_path / "repos"))
    try:
        i18n.activate("fr")
        [outcome] = run_task([spec], options)
        assert i18n.active_language() == "fr"
    finally:
        i18n.activate("en")
    record = read_json(result_path(options.results, spec))
    assert record is not None
    assert outcome.status == "failed" and outcome.error == record["error"]
    assert record["error"] == f"{tmp_path / 'missing'}: no such folder"
