"""Languages: French and English for every human text; machine formats never change with them.

The language comes from --lang, else SONDIER_LANG, else the locale (LC_ALL, LC_MESSAGES, LANG:
French for fr_*), else English. Translations are standard gettext catalogs compiled with Babel
(sondier/locale/<lang>/LC_MESSAGES/<domain>.mo); each area keeps its own domain (`sondier` for the
command line and terminal reports, `report` for the DPO report, `fleet` for the fleet dashboard)
and `translations()` chains them, so areas can grow their catalogs independently."""

from __future__ import annotations

import gettext
import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
_LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")


def resolve_language(explicit: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The language to speak: explicit choice, SONDIER_LANG, the locale, else English."""
    env = os.environ if env is None else env
    for candidate in (explicit, env.get("SONDIER_LANG")):
        if candidate:
            language = candidate.strip().lower()[:2]
            if language in LANGUAGES:
                return language
    for name in _LOCALE_VARIABLES:
        value = env.get(name)
        if value:  # the first one set wins, as in POSIX
            return "fr" if value.lower().startswith("fr") else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def domains() -> list[str]:
    """Every catalog domain shipped for French (English is the source language)."""
    folder = LOCALE_DIR / "fr" / "LC_MESSAGES"
    return sorted(p.stem for p in folder.glob("*.mo"))


@lru_cache(maxsize=8)
def translations(language: str) -> gettext.NullTranslations:
    """All domains of ``language`` chained into one; English gets the identity."""
    chain: gettext.NullTranslations = gettext.NullTranslations()
    if language == DEFAULT_LANGUAGE:
        return chain
    first: gettext.NullTranslations | None = None
    for domain in domains():
        catalog = gettext.translation(domain, localedir=str(LOCALE_DIR), languages=[language], fallback=True)
        if first is None:
            first = catalog
        else:
            first.add_fallback(catalog)
    return first if first is not None else chain


def gettext_for(language: str) -> Callable[[str], str]:
    return translations(language).gettext


# The language of this process: set once by the command line (`activate`) before any text is
# produced, so that modules call `_()` where they build a message, not at import time.
_active_language = DEFAULT_LANGUAGE


_explicit_language: str | None = None


def choose_explicitly(language: str) -> None:
    """Remember a language the user asked for (--lang): reports with their own default (the DPO
    report is French unless told otherwise) follow an explicit choice, not the locale."""
    global _explicit_language
    _explicit_language = language if language in LANGUAGES else None


def explicit_language() -> str | None:
    return _explicit_language


def activate(language: str) -> None:
    global _active_language
    _active_language = language if language in LANGUAGES else DEFAULT_LANGUAGE


def active_language() -> str:
    return _active_language


@contextmanager
def speaking(language: str) -> Iterator[None]:
    """``language`` for the messages built inside the block, the previous one after it: the fleet's
    tasks record their texts in English whatever language the worker process was left in."""
    previous = _active_language
    activate(language)
    try:
        yield
    finally:
        activate(previous)


def _(message: str) -> str:
    """``message`` (the English source text, a catalog msgid) in the active language."""
    return translations(_active_language).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations(_active_language).ngettext(singular, plural, count)


def N_(message: str) -> str:
    """Marks a text for extraction whose translation happens later (click help strings)."""
    return message


def language_from_argv(argv: list[str]) -> str | None:
    """The value of `--lang` in raw arguments: help pages are built before click parses them."""
    for index, argument in enumerate(argv):
        if argument == "--":
            break
        if argument == "--lang" and index + 1 < len(argv):
            return argv[index + 1]
        if argument.startswith("--lang="):
            return argument.partition("=")[2]
    return None
