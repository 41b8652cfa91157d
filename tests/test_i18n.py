"""Two languages: language resolution, complete and current catalogs, French typography, and the
command line in both languages with machine formats that never change with the language."""

from __future__ import annotations

import gettext
import io
import json
import re
import tempfile
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from conftest import REPO_ROOT, run_sondier
from test_reporters_common import planted_values, write_planted

from sondier import i18n
from sondier.rules import load_rules

MESSAGES = REPO_ROOT / "sondier" / "locale" / "fr" / "LC_MESSAGES"
CATALOGS = sorted(MESSAGES.glob("*.po"))
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
RULE_FIELDS = ("name", "description", "remediation")
# A locale that says nothing: each test sets only the variables it is about.
NO_LOCALE = {"LC_ALL": "", "LC_MESSAGES": "", "LANG": "", "LANGUAGE": "", "SONDIER_LANG": ""}


def _read_catalog(path: Path):  # type: ignore[no-untyped-def]
    with open(path, "rb") as handle:
        return read_po(handle, locale="fr")


def _french_catalog_texts() -> list[tuple[str, str]]:
    texts = []
    for path in CATALOGS:
        for message in _read_catalog(path):
            if message.id:
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                texts += [(f"{path.name}: {message.id!r}", s) for s in strings]
    return texts


def _french_rule_texts() -> list[tuple[str, str]]:
    texts = []
    for rule in load_rules():
        name, description, remediation = rule.localized("fr")
        texts += [(f"{rule.id}.{field}", text) for field, text in
                  zip(RULE_FIELDS, (name, description, remediation), strict=True)]
    return texts


# ------------------------------------------------------------------------- language choice


@pytest.mark.parametrize(("explicit", "env", "expected"), [
    ("fr", {"SONDIER_LANG": "en", "LANG": "en_US.UTF-8"}, "fr"),
    (None, {"SONDIER_LANG": "fr", "LANG": "en_US.UTF-8"}, "fr"),
    (None, {"SONDIER_LANG": "de", "LANG": "fr_FR.UTF-8"}, "fr"),  # an unknown choice falls through
    (None, {"LC_ALL": "fr_CA.UTF-8", "LANG": "en_GB.UTF-8"}, "fr"),
    (None, {"LC_ALL": "C.UTF-8", "LANG": "fr_FR.UTF-8"}, "en"),  # the first variable set wins
    (None, {"LC_MESSAGES": "fr_BE", "LANG": "C"}, "fr"),
    (None, {"LANG": "de_DE.UTF-8"}, "en"),
    (None, {}, "en"),
])
def test_language_resolution(explicit: str | None, env: dict[str, str], expected: str) -> None:
    assert i18n.resolve_language(explicit, env) == expected


def test_lang_is_read_from_raw_arguments() -> None:
    assert i18n.language_from_argv(["scan", "--lang", "fr", "."]) == "fr"
    assert i18n.language_from_argv(["--lang=en", "rules"]) == "en"
    assert i18n.language_from_argv(["scan", "--", "--lang", "fr"]) is None


# ------------------------------------------------------------------------- catalogs


def test_there_is_a_sondier_catalog() -> None:
    assert MESSAGES / "sondier.po" in CATALOGS
    assert "sondier" in i18n.domains()


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.name)
def test_every_entry_is_translated_and_not_fuzzy(path: Path) -> None:
    catalog = _read_catalog(path)
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"untranslated: {message.id!r}")
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
    assert not problems, f"{path.name}: " + "; ".join(problems)


def _entries(catalog) -> dict[object, object]:  # type: ignore[no-untyped-def]
    frozen = lambda value: value if isinstance(value, str) else tuple(value)  # noqa: E731
    return {frozen(m.id): frozen(m.string) for m in catalog if m.id}


@pytest.mark.parametrize("path", CATALOGS, ids=lambda p: p.name)
def test_compiled_catalog_matches_its_source(path: Path) -> None:
    compiled = path.with_suffix(".mo")
    assert compiled.is_file(), f"{compiled.name} is missing: run scripts/update_catalog.py"
    expected = io.BytesIO()
    write_mo(expected, _read_catalog(path))
    with open(compiled, "rb") as handle:
        shipped = read_mo(handle)
    fresh = read_mo(io.BytesIO(expected.getvalue()))
    assert _entries(shipped) == _entries(fresh), f"{compiled.name} is older than {path.name}: run update_catalog.py"


def test_sondier_catalog_matches_the_source() -> None:
    """Every text the code marks is in the catalog, and the catalog holds nothing the code lost."""
    from babel.messages.frontend import parse_mapping_cfg

    with open(REPO_ROOT / "babel.cfg", encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)  # the report and fleet modules have their own domains
    extracted = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(REPO_ROOT / "sondier"), method_map=method_map, options_map=options_map, keywords=KEYWORDS,
            comment_tags=()):
        extracted.add(message if isinstance(message, str) else tuple(message))
    in_catalog = {m.id if isinstance(m.id, str) else tuple(m.id) for m in _read_catalog(MESSAGES / "sondier.po")
                  if m.id}
    assert not extracted - in_catalog, f"not in sondier.po (run scripts/update_catalog.py): {extracted - in_catalog}"
    assert not in_catalog - extracted, f"obsolete in sondier.po: {in_catalog - extracted}"


def test_translations_chain_every_domain() -> None:
    french = i18n.translations("fr")
    assert french.gettext("Usage:") != "Usage:"
    assert isinstance(french, gettext.GNUTranslations)
    assert i18n.translations("en").gettext("Usage:") == "Usage:"


# ------------------------------------------------------------------------- rule texts


def test_every_rule_has_french_and_english_texts() -> None:
    missing = []
    for rule in load_rules():
        languages = {lang for lang, *_ in rule.translations}
        if languages != {"en", "fr"}:
            missing.append(f"{rule.id} ({rule.source}): {sorted(languages) or 'English string only'}")
    assert not missing, "rules without {fr, en} texts: " + "; ".join(missing)


def test_english_texts_are_the_rule_defaults() -> None:
    for rule in load_rules():
        assert rule.localized("en") == (rule.name, rule.description, rule.remediation)


# ------------------------------------------------------------------------- French typography

_CODE = re.compile(r"`[^`]*`")
_PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([a-z]+\)s")
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://\S+")
_SPACES = "\u00a0\u202f"


def typography_problems(text: str) -> list[str]:
    """The rules of French typography that readers notice, on prose (code spans, placeholders
    and URLs are not prose): a non-breaking space before : ; ? ! and inside « », and French
    quotes rather than ASCII double quotes."""
    prose = _URL.sub("", _PLACEHOLDER.sub("x", _CODE.sub("", text)))
    problems = []
    for match in re.finditer(r"[:;?!](?=\s|$|[)»])", prose):
        before = prose[match.start() - 1] if match.start() else ""
        if before not in _SPACES:
            context = prose[max(0, match.start() - 20):match.end()]
            problems.append(f"no non-breaking space before {match.group()!r} in …{context}")
    for match in re.finditer("«(?!\u00a0|\u202f)|(?<![\u00a0\u202f])»", prose):
        problems.append(f"no non-breaking space inside « » at …{prose[max(0, match.start() - 20):match.end() + 20]}")
    if '"' in prose:
        problems.append("ASCII double quote (use « … »)")
    return problems


def test_typography_check_catches_mistakes() -> None:
    assert typography_problems("Erreur : x") and typography_problems("Quoi ?") and typography_problems('le "nom"')
    assert typography_problems("«\u00a0bien »")
    assert not typography_problems("Erreur\u00a0: `a: b` {where}:{line} https://x.fr/a?b «\u00a0bien\u00a0» !x")


def test_french_catalogs_follow_french_typography() -> None:
    problems = [f"{where}: {p}" for where, text in _french_catalog_texts() for p in typography_problems(text)]
    assert not problems, "\n".join(problems)


def test_french_rule_texts_follow_french_typography() -> None:
    problems = [f"{where}: {p}" for where, text in _french_rule_texts() for p in typography_problems(text)]
    assert not problems, "\n".join(problems)


# ------------------------------------------------------------------------- the CLI in both languages


def _env(**values: str) -> dict[str, str]:
    return {**NO_LOCALE, **values}


@pytest.mark.parametrize(("args", "env", "french"), [
    (["--help"], _env(LANG="fr_FR.UTF-8"), True),
    (["--help"], _env(LANG="C.UTF-8"), False),
    (["scan", "--help"], _env(LANG="fr_FR.UTF-8"), True),
    (["--lang", "fr", "scan", "--help"], _env(LANG="C.UTF-8"), True),
    (["scan", "--help", "--lang", "fr"], _env(LANG="C.UTF-8"), True),
    (["--lang", "en", "--help"], _env(LANG="fr_FR.UTF-8"), False),
    (["ci", "--help"], _env(LANG="C.UTF-8", SONDIER_LANG="fr"), True),
    (["grade", "--help"], _env(LANG="fr_FR.UTF-8"), True),
    (["grade", "--help", "--lang", "fr"], _env(LANG="C.UTF-8"), True),
    (["fleet", "--help"], _env(LANG="fr_FR.UTF-8"), True),
    (["fleet", "--help"], _env(LANG="C.UTF-8"), False),
])
def test_help_in_the_chosen_language(args: list[str], env: dict[str, str], french: bool) -> None:
    done = run_sondier(args, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Utilisation\u00a0:" if french else "Usage:")
    assert ("Afficher ce message et quitter." in done.stdout) is french


def test_errors_in_french_keep_their_exit_code(tmp_path: Path) -> None:
    (tmp_path / ".sondier.yml").write_text("jobs: 5000\n", encoding="utf-8")
    done = run_sondier(["scan", "."], cwd=tmp_path, env=_env(LANG="fr_FR.UTF-8"))
    assert done.returncode == 2
    assert "doit être compris entre 0 (tous les cœurs) et 1024" in done.stderr
    usage = run_sondier(["scan", "--staged", "--history"], cwd=tmp_path, env=_env(LANG="fr_FR.UTF-8"))
    assert usage.returncode == 2 and "s’excluent mutuellement" in usage.stderr


def test_grade_command_in_both_languages() -> None:
    french = run_sondier(["grade"], env=_env(LANG="fr_FR.UTF-8"))
    english = run_sondier(["grade"], env=_env(LANG="C.UTF-8"))
    assert french.returncode == english.returncode == 2
    assert "utilisez `sondier grade --explain`, ou `sondier scan --format grade` pour obtenir une note" in french.stderr
    assert "use `sondier grade --explain`, or `sondier scan --format grade` for a grade" in english.stderr
    helps = {lang: " ".join(run_sondier(["grade", "--help", "--lang", lang], env=_env()).stdout.split())
             for lang in ("fr", "en")}
    assert "Afficher la méthode de notation (lettres, tranches, modificateurs) et sa version." in helps["fr"]
    assert "Print the grading method (letters, bands, modifiers) and its version." in helps["en"]
    assert "La méthode de la note de confidentialité." in helps["fr"] and "Print the grading" not in helps["fr"]


def test_rules_list_and_show_use_the_localized_texts() -> None:
    french = run_sondier(["--lang", "fr", "rules", "show", "fr-nir"], env=_env())
    english = run_sondier(["rules", "show", "fr-nir"], env=_env(LANG="C.UTF-8"))
    rule = next(r for r in load_rules() if r.id == "fr-nir")
    assert rule.localized("fr")[0] in french.stdout and rule.localized("fr")[2] in french.stdout.replace("\n", " ")
    assert rule.name in english.stdout and "Correction\u00a0:" in french.stdout and "Remediation:" in english.stdout
    listing = run_sondier(["rules", "list", "--category", "pii"], env=_env(LANG="fr_FR.UTF-8"))
    assert rule.localized("fr")[0] in listing.stdout
    as_json = [run_sondier(["--lang", lang, "rules", "list", "--format", "json"], env=_env()).stdout
               for lang in ("fr", "en")]
    assert as_json[0] == as_json[1]


# ------------------------------------------------------------------------- reports in both languages

MACHINE_FORMATS = ("json", "sarif", "gitlab")
HUMAN_FORMATS = ("text", "markdown", "github")


def _without_timings(fmt: str, text: str) -> object:
    data = json.loads(text)
    if fmt == "json":
        data["scan"].pop("duration_seconds")
    if fmt == "gitlab":
        data["scan"].pop("start_time"), data["scan"].pop("end_time")
    return data


@pytest.fixture(scope="module")
def reports_by_language() -> dict[str, dict[str, str]]:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_planted(root / "tree")
        out: dict[str, dict[str, str]] = {}
        for lang, env in (("fr", _env(LANG="fr_FR.UTF-8")), ("en", _env(LANG="C.UTF-8"))):
            reports = [f"--report={fmt}={root / lang / fmt}" for fmt in MACHINE_FORMATS + HUMAN_FORMATS]
            done = run_sondier(["scan", "tree", "--rule", "pii", "--rule", "github-*", "--no-color", *reports],
                               cwd=root, env=env)
            assert done.returncode == 1, done.stderr
            out[lang] = {fmt: (root / lang / fmt).read_text(encoding="utf-8")
                         for fmt in MACHINE_FORMATS + HUMAN_FORMATS}
    return out


@pytest.mark.parametrize("fmt", MACHINE_FORMATS)
def test_machine_formats_do_not_depend_on_the_language(reports_by_language: dict[str, dict[str, str]],
                                                       fmt: str) -> None:
    french, english = reports_by_language["fr"][fmt], reports_by_language["en"][fmt]
    assert _without_timings(fmt, french) == _without_timings(fmt, english)
    if fmt == "sarif":
        assert french == english  # byte-identical: no timing in sondier's SARIF


@pytest.mark.parametrize(("fmt", "french_words", "english_words"), [
    ("text", ["Constats par règle", "constat(s) dans"], ["Findings by rule", "finding(s) in"]),
    ("markdown", ["## Analyse Sondier", "Les valeurs sont masquées."], ["## Sondier scan", "Values are redacted."]),
    ("github", ["(confiance "], ["(confidence "]),
])
def test_human_formats_speak_the_language(reports_by_language: dict[str, dict[str, str]], fmt: str,
                                          french_words: list[str], english_words: list[str]) -> None:
    french, english = reports_by_language["fr"][fmt], reports_by_language["en"][fmt]
    assert all(word in french for word in french_words), french
    assert all(word in english for word in english_words), english
    assert not any(word in french for word in english_words)


def test_human_reports_never_show_values_in_either_language(reports_by_language: dict[str, dict[str, str]]) -> None:
    for reports in reports_by_language.values():
        for fmt in HUMAN_FORMATS + MACHINE_FORMATS:
            assert not [v for v in planted_values() if v in reports[fmt]], fmt


# ------------------------------------------------------------------------- user errors in both languages

FRENCH = _env(LANG="fr_FR.UTF-8")
ENGLISH = _env(LANG="C.UTF-8")
_BAD_RULE = """\
id: my-token
name: My token
category: secret
severity: high
description: A token.
remediation: Revoke it.
regex: '(?P<value>tok_[a-z]{8})'
examples: {positive: [tok_abcdefgh]}
colour: red
"""


@pytest.mark.parametrize(("env", "expected", "foreign"), [
    (FRENCH, "mon-dossier/bad.yaml\u00a0: règle «\u00a0my-token\u00a0»\u00a0: champ «\u00a0colour\u00a0»\u00a0: "
             "champ inconnu (attendu\u00a0: un de ", "unknown field"),
    (ENGLISH, "mon-dossier/bad.yaml: rule 'my-token': field 'colour': unknown field (expected one of ", "champ"),
])
def test_rule_file_errors_speak_the_language(tmp_path: Path, env: dict[str, str], expected: str,
                                             foreign: str) -> None:
    (tmp_path / "mon-dossier").mkdir()
    (tmp_path / "mon-dossier" / "bad.yaml").write_text(_BAD_RULE, encoding="utf-8")
    (tmp_path / "a.txt").write_text("nothing here\n", encoding="utf-8")
    for args in (["scan", "--rules", "mon-dossier", "a.txt"], ["rules", "list", "--rules", "mon-dossier"]):
        done = run_sondier(args, cwd=tmp_path, env=env)
        assert done.returncode == 2, done.stderr
        assert expected in done.stderr and foreign not in done.stderr, done.stderr


@pytest.mark.parametrize(("rule", "french", "english"), [
    ("examples: {positive: [tok_abcdefgh]}\n", None, None),  # the valid rule: control
    ("examples: {positive: []}\n", "au moins un exemple positif est requis",
     "at least one positive example is required"),
    ("examples: {positive: [tok_abcdefgh]}\nconfidence: {base: 2}\n", "doit être compris entre 0 et 1",
     "must be between 0 and 1"),
    ("examples: {positive: [tok_abcdefgh]}\nregex: '(?P<value>(a+)+)'\n", "retour arrière catastrophique",
     "backtrack catastrophically"),
    ("examples: {positive: [tok_abcdefgh]}\nentropy: yes\n", "nombre attendu, reçu True",
     "expected a number, got True"),
    ("examples: {positive: [tok_abcdefgh]}\nname: [a]\n", "str ou dict attendu, reçu list",
     "expected str or dict, got list"),
])
def test_rule_validation_messages_in_both_languages(tmp_path: Path, rule: str, french: str | None,
                                                    english: str | None) -> None:
    text = _BAD_RULE.replace("examples: {positive: [tok_abcdefgh]}\ncolour: red\n", rule)
    if "regex:" in rule:
        text = text.replace("regex: '(?P<value>tok_[a-z]{8})'\n", "")
    (tmp_path / "rules.yaml").write_text(text, encoding="utf-8")
    for env, message in ((FRENCH, french), (ENGLISH, english)):
        done = run_sondier(["rules", "list", "--rules", "rules.yaml"], cwd=tmp_path, env=env)
        if message is None:
            assert done.returncode == 0 and "my-token" in done.stdout, done.stderr
        else:
            assert done.returncode == 2 and message in done.stderr, done.stderr


def test_unknown_rule_id_in_both_languages(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("nothing\n", encoding="utf-8")
    french = run_sondier(["scan", "--rule", "fr-nri", "a.txt"], cwd=tmp_path, env=FRENCH)
    english = run_sondier(["scan", "--rule", "fr-nri", "a.txt"], cwd=tmp_path, env=ENGLISH)
    assert french.returncode == english.returncode == 2
    assert "identifiant de règle inconnu «\u00a0fr-nri\u00a0»" in french.stderr, french.stderr
    assert "unknown rule id 'fr-nri' (see `sondier rules list`)" in english.stderr, english.stderr


@pytest.mark.parametrize(("ignore", "french", "english"), [
    ("rule=email path='*.txt'\n", "chaque entrée a besoin d’une raison", "every entry needs a reason"),
    ("rule=email reason=x color=red\n", "clé inconnue 'color'", "unknown key 'color'"),
    ("fingerprint=email:v2-1a2b3 rule=fr-nir reason=x\n", "appartient à la règle", "belongs to rule 'email'"),
    ("rule=email reason=ok 0612345678\n", "un élément de 10 caractères", "a token of 10 characters"),
])
def test_ignore_file_errors_in_both_languages(tmp_path: Path, ignore: str, french: str, english: str) -> None:
    (tmp_path / "a.txt").write_text("nothing\n", encoding="utf-8")
    (tmp_path / ".sondierignore").write_text("# accepted\n" + ignore, encoding="utf-8")
    for env, message, foreign in ((FRENCH, french, english), (ENGLISH, english, french)):
        done = run_sondier(["scan", "--ignore-file", ".sondierignore", "a.txt"], cwd=tmp_path, env=env)
        assert done.returncode == 2, done.stderr
        assert ".sondierignore:2" in done.stderr and message in done.stderr and foreign not in done.stderr, \
            done.stderr
        assert "0612345678" not in done.stderr  # a value pasted by mistake is never echoed


@pytest.mark.parametrize(("baseline", "french", "english"), [
    (None, "fichier de référence introuvable (créez-en un avec `sondier baseline create`)",
     "baseline file not found (create one with `sondier baseline create`)"),
    ("{", "pas une référence Sondier\u00a0: JSON invalide ligne 1, colonne 2",
     "not a Sondier baseline: invalid JSON at line 1, column 2"),
    ('{"version": 7, "fingerprints": {}, "entries": []}', "la version de format 7 de la référence n’est pas prise "
     "en charge", "baseline format version 7 is not supported (expected 2)"),
    ('{"version": 2, "entries": []}', "clés attendues\u00a0: version, fingerprints et entries",
     "expected the keys version, fingerprints and entries"),
])
def test_baseline_errors_in_both_languages(tmp_path: Path, baseline: str | None, french: str, english: str) -> None:
    (tmp_path / "a.txt").write_text("nothing\n", encoding="utf-8")
    if baseline is not None:
        (tmp_path / "base.json").write_text(baseline, encoding="utf-8")
    for env, message, foreign in ((FRENCH, french, english), (ENGLISH, english, french)):
        for args in (["scan", "--baseline", "base.json", "a.txt"], ["baseline", "show", "--file", "base.json"]):
            done = run_sondier(args, cwd=tmp_path, env=env)
            assert done.returncode == 2, done.stderr
            assert f"base.json{':' if env is ENGLISH else chr(0xa0) + ':'} " in done.stderr, done.stderr
            assert message in done.stderr and foreign not in done.stderr, done.stderr


# ------------------------------------------------------------------------- finding reasons


def _verdict_reasons() -> dict[str, list[str]]:
    """The reasons sondier/verdict.py writes (values it returns, alone or in a verdict's list,
    gives to `_mark` or assigns to `verdict_reasons`), sorted by how they are written:
    `marked` (a literal in `N_()`), `constants` (a name, as `ROLE_MAILBOX`), `templates` (a
    name's `.format()`, as `AUTHORSHIP_FILE.format(...)`) and `plain` (a bare literal or an
    f-string: the catalog never sees it)."""
    import ast

    tree = ast.parse((REPO_ROOT / "sondier" / "verdict.py").read_text(encoding="utf-8"))
    found: dict[str, list[str]] = {"marked": [], "constants": [], "templates": [], "plain": []}

    def add(node: ast.AST) -> None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and " " in node.value:
            found["plain"].append(node.value)  # (one word is a verdict or rule id, not a reason)
        elif isinstance(node, ast.JoinedStr):
            found["plain"].append(ast.unparse(node))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_":
            found["marked"].append(node.args[0].value)  # type: ignore[attr-defined]
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
              and isinstance(node.func.value, ast.Name)):
            found["templates"].append(node.func.value.id)
        elif isinstance(node, ast.Name) and node.id.isupper():
            found["constants"].append(node.id)
        elif isinstance(node, ast.BoolOp):
            for value in node.values:
                for item in value.elts if isinstance(value, ast.List) else ():
                    add(item)

    for node in ast.walk(tree):
        if isinstance(node, ast.Tuple) and len(node.elts) == 2:
            second = node.elts[1]
            for item in second.elts if isinstance(second, ast.List) else [second]:
                add(item)
        elif isinstance(node, ast.Return) and node.value is not None and not isinstance(node.value, ast.Tuple):
            add(node.value)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.List) and any(
                isinstance(t, ast.Attribute) and t.attr == "verdict_reasons" for t in node.targets):
            for item in node.value.elts:
                add(item)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "_mark":
            add(node.args[1])
    return found


def test_every_verdict_reason_reaches_the_catalog() -> None:
    """verdict.py writes each reason once, in a form the catalog extracts: `N_("...")` or a
    template of sondier/reasons.py. A bare literal or an f-string would print in English in a
    French report; this test names it."""
    from sondier import reasons, verdict

    found = _verdict_reasons()
    assert len(found["marked"]) > 30 and found["templates"]  # the walk does find verdict.py's reasons
    assert not found["plain"], f"mark these verdict reasons with N_() (or use a reasons.py template): {found['plain']}"
    french = i18n.translations("fr")
    constants = [getattr(verdict, name) for name in found["constants"] if name.isupper()]
    assert all(isinstance(text, str) for text in constants)
    untranslated = [text for text in found["marked"] + constants if french.gettext(text) == text]
    assert not untranslated, f"no French for these verdict reasons (run scripts/update_catalog.py): {untranslated}"
    for name in found["templates"]:
        assert getattr(reasons, name) in reasons.TEMPLATES, f"{name} is not one of sondier.reasons.TEMPLATES"
        assert getattr(verdict, name) is getattr(reasons, name)


def test_every_reason_template_is_translated_and_keeps_its_placeholders() -> None:
    from sondier import reasons

    french = i18n.translations("fr")
    placeholders = re.compile(r"\{(\w+)\}")
    for template in reasons.TEMPLATES:
        translated = french.gettext(template)
        assert translated != template, template
        assert sorted(placeholders.findall(translated)) == sorted(placeholders.findall(template)), template


def test_verdict_reasons_are_french_when_rendered() -> None:
    from sondier.reasons import AUTHORSHIP_FILE, PERSON_RECORD, localized

    try:
        i18n.activate("fr")
        assert localized("test data") != "test data"
        authorship = localized(AUTHORSHIP_FILE.format(pattern="AUTHORS*"))
        assert "AUTHORS*" in authorship and authorship != AUTHORSHIP_FILE.format(pattern="AUTHORS*")
        holder = localized(PERSON_RECORD.format(holder="fr-nir"))
        assert holder == "dans un enregistrement contenant les données d’une personne (fr-nir)"
    finally:
        i18n.activate("en")


def test_reasons_are_translated_at_render_time() -> None:
    from sondier.reasons import CONTEXT_WORD, EXPORT_REASON_WITH_COLUMNS, IN_A_TEST_FILE, localized

    nested = IN_A_TEST_FILE.format(reason="placeholder word")
    export = EXPORT_REASON_WITH_COLUMNS.format(count="10,000", rule="fr-nir", records="9,999", columns="nir, nom")
    try:
        i18n.activate("fr")
        assert localized(CONTEXT_WORD.format(word="tel")) == "mot de contexte «\u00a0tel\u00a0»"
        assert localized(nested) == "mot de substitution dans un fichier de test"
        assert localized(export) == ("export\u00a0: 10\u202f000 valeurs de fr-nir dans 9\u202f999 lignes "
                                     "(colonnes nir, nom)")
        assert localized("role mailbox") == "boîte fonctionnelle"
        assert localized("JWT signed with RS256") == "JWT signé avec RS256"
        assert localized("something new") == "something new"  # unknown: left as found, never dropped
        i18n.activate("en")
        assert localized(nested) == nested and localized(export) == export
    finally:
        i18n.activate("en")


def test_human_report_reasons_are_french_and_json_is_identical(tmp_path: Path) -> None:
    (tmp_path / "contacts.txt").write_text("contact: test@example.com\ntel: 06 12 34 56 78\n", encoding="utf-8")
    outputs = {}
    for lang in ("fr", "en"):
        done = run_sondier(["--lang", lang, "scan", "contacts.txt", "--rule", "pii", "--show-all", "--no-color",
                            f"--report=json={lang}.json", "--report=text=-"], cwd=tmp_path, env=_env())
        assert done.returncode in (0, 1), done.stderr
        outputs[lang] = (done.stdout, json.loads((tmp_path / f"{lang}.json").read_text(encoding="utf-8")))
    (french, french_json), (english, english_json) = outputs["fr"], outputs["en"]
    assert "mot de contexte «\u00a0contact\u00a0»" in french and "domaine réservé à la documentation" in french
    assert "context word 'contact'" in english and "reserved documentation domain" in english
    assert "context word" not in french and "reserved documentation domain" not in french
    for data in (french_json, english_json):
        data["scan"].pop("duration_seconds")
    assert french_json == english_json
    reasons = [r for f in english_json["annotated"] for r in f["reasons"]]
    assert "context word 'contact'" in reasons  # the machine format keeps the English, stable text


def test_verdict_list_error_in_both_languages(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sondier import verdict
    from sondier.errors import ConfigError

    (tmp_path / "role-local-parts.yaml").write_text("values: [contact]\n", encoding="utf-8")  # no `source:`
    monkeypatch.setattr(verdict, "LISTS_DIR", tmp_path)
    messages = {}
    try:
        for language in ("fr", "en"):
            i18n.activate(language)
            with pytest.raises(ConfigError) as raised:
                verdict._read("role-local-parts.yaml")
            messages[language] = str(raised.value)
    finally:
        i18n.activate("en")
    where = str(tmp_path / "role-local-parts.yaml")
    assert messages["fr"] == f"{where}\u00a0: une liste de verdicts a besoin d’une note `source:` et de ses valeurs"
    assert messages["en"] == f"{where}: a verdict list needs a `source:` note and its values"


def _recorded_text_sets() -> dict[str, object]:
    from sondier import ci, reasons
    from sondier.fleet import messages

    return {"reasons": reasons.REASONS, "fleet": messages.RECORDED, "ci": ci.PLAN_REASONS}


@pytest.mark.parametrize("name", ["reasons", "fleet", "ci"])
def test_recorded_templates_read_back_in_french(name: str) -> None:
    """Texts that machine outputs record in English (finding reasons, a fleet repository's error, a
    CI plan's reason) come back in French with their parameters, each template of each set."""
    from sondier.reasons import RecordedTexts

    recorded = _recorded_text_sets()[name]
    assert isinstance(recorded, RecordedTexts) and recorded.templates
    translate = i18n.gettext_for("fr")
    translated = {m.id: m.string for m in _read_catalog(MESSAGES / "sondier.po") if m.id and m.string}
    for template in recorded.templates:
        assert template in translated, f"{template!r} has no French in sondier.po"
        names = re.findall(r"\{(\w+)\}", template)
        values = {key: "12" if key in recorded.numbers else "role mailbox" if key in recorded.nested else
                  f"<{key}>" for key in names}
        english = template.format(**values)
        expected = translate(template).format(**{key: "boîte fonctionnelle" if key in recorded.nested else value
                                                 for key, value in values.items()})
        assert recorded.localized(english, "fr") == expected, template
        assert recorded.localized(english, "en") == english, template
        assert not typography_problems(expected), (template, expected)


def test_ci_plan_is_described_in_the_reader_language() -> None:
    from sondier import ci

    plan = ci.ScanPlan(ci.GITHUB, "push", ci.DIFF, "b" * 40, "a" * 40,
                       ci.MERGE_BASE.format(reason=ci.NEW_BRANCH, branch="main"))
    try:
        i18n.activate("fr")
        french = plan.describe()
        skipped = ci.ScanPlan(ci.GITHUB, "", ci.SKIP, reason=ci.PUSH_DELETED_REF).describe()
    finally:
        i18n.activate("en")
    assert french == (f"github push\u00a0: à analyser\u00a0: les commits de {'a' * 12}..{'b' * 12} (nouvelle "
                      "branche\u00a0; base = merge-base avec main)")
    assert skipped == "github exécution\u00a0: à analyser\u00a0: rien (le push a supprimé une référence)"
    assert plan.describe() == (f"github push: scanning the commits in {'a' * 12}..{'b' * 12} (new branch; "
                               "base = merge-base with main)")
    assert plan.reason == "new branch; base = merge-base with main"  # recorded in English, whatever the language


def test_a_text_shared_by_two_domains_has_one_translation() -> None:
    """`translations()` chains the domains (fleet, report, sondier): the first catalog holding a msgid
    answers for all, so a msgid translated differently in another domain would be silently ignored."""
    seen: dict[object, tuple[str, object]] = {}
    conflicts = []
    for path in CATALOGS:
        for message in _read_catalog(path):
            if not message.id:
                continue
            key = message.id if isinstance(message.id, str) else tuple(message.id)
            string = message.string if isinstance(message.string, str) else tuple(message.string)
            if key in seen and seen[key][1] != string:
                conflicts.append(f"{key!r}: {seen[key][0]} {seen[key][1]!r}, {path.name} {string!r}")
            seen.setdefault(key, (path.name, string))
    assert not conflicts, "\n".join(conflicts)


def test_scan_errors_are_read_in_french_and_recorded_in_english(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    french = run_sondier(["scan", "--lang", "fr", str(missing)])
    assert french.returncode == 3
    assert "fichier ou dossier introuvable" in french.stdout and "no such file" not in french.stdout
    english = run_sondier(["scan", "--lang", "en", str(missing)])
    assert "no such file or directory" in english.stdout
    reports = [json.loads(run_sondier(["scan", "--lang", lang, "--format", "json", str(missing)]).stdout)
               for lang in ("fr", "en")]
    assert reports[0]["scan"]["errors"] == reports[1]["scan"]["errors"]
    assert reports[0]["scan"]["errors"][0].endswith(": no such file or directory")


def test_every_scan_error_template_reads_back_in_french() -> None:
    from sondier import scan_errors
    from sondier.i18n import speaking

    samples = {
        scan_errors.CANNOT_READ.format(path="a.txt", reason="Permission denied"): "illisible",
        scan_errors.SKIPPED_WITH_ERROR.format(path="b", reason=scan_errors.CANNOT_LIST.format(reason="x")):
            "impossible de lister le dossier",
        scan_errors.TOO_LARGE.format(size=20, limit=10): "octets",
        scan_errors.REGEX_TIME_LIMIT.format(path="c", rule="r", source="s.yaml", seconds=5.0): "temps limite",
        scan_errors.UNREADABLE_COMMIT.format(commit="abc", reason="git failed"): "illisible",
        scan_errors.MISSING_OBJECT.format(commit="abc", path="p", object="def"): "absent",
    }
    with speaking("fr"):
        for english, french_word in samples.items():
            shown = scan_errors.localized_error(english)
            assert french_word in shown and shown != english, (english, shown)
            assert not typography_problems(shown), shown
