"""Refresh the `sondier` French catalog from the source, then compile it (Babel).

    python scripts/update_catalog.py

1. extracts every `_()`, `N_()` and `ngettext()` text of sondier/ into a template (temporary),
2. merges it into sondier/locale/fr/LC_MESSAGES/sondier.po (new texts arrive untranslated,
   changed ones fuzzy: the test suite fails until a translator has seen them),
3. compiles sondier.mo, which the package ships and loads at run time.
Other domains (`report`, `fleet`) have their own catalogs beside it and are compiled the same way."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MESSAGES = ROOT / "sondier" / "locale" / "fr" / "LC_MESSAGES"
KEYWORDS = ["-k", "_", "-k", "N_", "-k", "ngettext:1,2"]


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def extract(template: Path) -> None:
    pybabel("extract", "--no-default-keywords", *KEYWORDS, "-F", "babel.cfg", "--no-location", "--sort-output",
            "--project", "sondier", "-o", str(template), "sondier")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        template = Path(folder) / "sondier.pot"
        extract(template)
        pybabel("update", "--no-fuzzy-matching", "--ignore-obsolete", "-D", "sondier", "-i", str(template),
                "-d", str(ROOT / "sondier" / "locale"), "-l", "fr")
    for catalog in sorted(MESSAGES.glob("*.po")):
        pybabel("compile", "--statistics", "-i", str(catalog), "-o", str(catalog.with_suffix(".mo")))


if __name__ == "__main__":
    main()
