"""Builds sondier/data/common_words.txt.gz: the common French and English words that a mail
domain made up for a fixture is named after (`michel@lapin.com`, `thomas@worker.fr`).

A word is kept when it is among the 60,000 most frequent words of its language in wordfreq
(3.1.1; data CC BY-SA 4.0, code Apache-2.0) AND in a dictionary word list: the npm packages
`an-array-of-french-words` 2.0.0 and `an-array-of-english-words` 2.0.0 (MIT). Frequency alone
would keep brand names (sncf, veolia), the dictionary alone rare words; both together give
the plain words. Accents are folded, only ASCII letters of 3 to 20 characters are kept.

Dev-time only (needs `pip install wordfreq` and the two npm packages unpacked):

    python scripts/build_common_words.py FRENCH_INDEX_JSON ENGLISH_INDEX_JSON
"""

from __future__ import annotations

import gzip
import json
import sys
import unicodedata
from pathlib import Path

HEADER = """\
# Common French and English words (accents folded): the 60,000 most frequent words of each
# language in wordfreq 3.1.1 (Robyn Speer; data CC BY-SA 4.0) that are also in the dictionary
# lists of the npm packages an-array-of-french-words 2.0.0 and an-array-of-english-words 2.0.0
# (Titus Wormer, MIT). Built by scripts/build_common_words.py; this derived list is CC BY-SA 4.0.
"""


def fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").lower()


def main(french: Path, english: Path) -> None:
    import wordfreq

    words: set[str] = set()
    for language, index in (("fr", french), ("en", english)):
        dictionary = {fold(w) for w in json.loads(index.read_text(encoding="utf-8"))}
        for word in wordfreq.top_n_list(language, 60000):
            folded = fold(word)
            if folded.isascii() and folded.isalpha() and 3 <= len(folded) <= 20 and folded in dictionary:
                words.add(folded)
    text = HEADER + "\n".join(sorted(words)) + "\n"
    target = Path(__file__).resolve().parent.parent / "sondier" / "data" / "common_words.txt.gz"
    target.write_bytes(gzip.compress(text.encode("utf-8"), 9, mtime=0))
    print(f"{len(words)} words -> {target}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
