"""The `report` gettext domain: every text of the grade, the badge and the DPO report is translated
in French, and the compiled .mo that ships is the one built from the .po."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from conftest import REPO_ROOT

CATALOG = REPO_ROOT / "sondier" / "locale" / "fr" / "LC_MESSAGES"
KEYWORDS = {"_": None, "gettext": None, "N_": None, "translate": None}


def source_msgids() -> set[str]:
    """What babel-report.cfg extracts: the Python modules and the Jinja2 templates of the report domain."""
    method_map = [("sondier/grade.py", "python"), ("sondier/reporters/grade_report.py", "python"),
                  ("sondier/reporters/dpo.py", "python"), ("sondier/templates/**.j2", "jinja2")]
    options = {"sondier/templates/**.j2": {"extensions": "jinja2.ext.i18n"}}
    found = extract_from_dir(str(REPO_ROOT), method_map, options_map=options, keywords=KEYWORDS)
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def po_catalog() -> dict[str, str]:
    with open(CATALOG / "report.po", "rb") as handle:
        catalog = read_po(handle)
    return {m.id: m.string for m in catalog if m.id and not m.fuzzy}


def test_sources_use_messages() -> None:
    msgids = source_msgids()
    assert len(msgids) > 100
    assert "to be assessed by the DPO" in msgids and "personal data" in msgids


def test_every_msgid_is_translated_in_french() -> None:
    translated = po_catalog()
    missing = sorted(m for m in source_msgids() if not translated.get(m))
    assert not missing, f"untranslated in {CATALOG / 'report.po'}: {missing}"


def test_compiled_mo_is_up_to_date_with_the_po() -> None:
    with open(CATALOG / "report.mo", "rb") as handle:
        compiled = {m.id: m.string for m in read_mo(handle) if m.id}
    assert compiled == po_catalog(), "run `pybabel compile -D report -d sondier/locale`"


def test_placeholders_survive_translation() -> None:
    import re

    placeholder = re.compile(r"%\(\w+\)[ds]")
    for msgid, msgstr in po_catalog().items():
        assert sorted(placeholder.findall(msgid)) == sorted(placeholder.findall(msgstr)), msgid


def test_the_catalog_ships_with_the_package() -> None:
    text = Path(REPO_ROOT / "pyproject.toml").read_text()
    assert "locale/*/LC_MESSAGES/*.mo" in text and "templates/*.j2" in text
