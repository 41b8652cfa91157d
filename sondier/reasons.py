"""Why a finding is reported, in the reader's language: reasons are translated when a human
report is written, never when they are found.

Findings carry their reasons in English (`Finding.reasons`, `Finding.verdict_reasons`), and the
machine formats (JSON, SARIF, GitLab) print them as they are, so that those files are the same
in every language. The terminal report calls :func:`localized`: a fixed reason is a catalog
msgid (marked with `N_()` where it is written), a reason with parameters is built from one of
the templates below and read back into the template and its parameters. Parameters are rule
ids, column names, counts or context words, never a found value (reports print none)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cached_property

from sondier.i18n import DEFAULT_LANGUAGE, N_, active_language, gettext_for

# Templates: the producers format these very constants, so the English text and the template
# cannot drift apart. A fixed reason needs no entry here: it is marked with `N_()` where it is
# written (verdict.py, detection.py...) and `localized` looks it up in the catalog as it comes.
CONTEXT_WORD = N_("context word '{word}'")
DECODED_FROM = N_("decoded from {kind}")
COLUMNS = N_("columns: {columns}")
ROWS = N_("{rows} rows")
SENSITIVE_DATA = N_("art. 9 data: {items}")
RECORD_WITH = N_("record with {rules}")
IN_A_TEST_FILE = N_("{reason} in a test file")
EXPORT_REASON = N_("export: {count} values of {rule} in {records} rows")
EXPORT_REASON_WITH_COLUMNS = N_("export: {count} values of {rule} in {records} rows (columns {columns})")
REPEATED_IN_FILE = N_("the same value at {count} places in this file")
REPEATED_IN_FILES = N_("the same value at {count} places in {files} files")
JWT_SIGNED = N_("JWT signed with {alg}")
STALE_BASELINE_ENTRY = N_("{path}: {count} baseline entry matches nothing any more (prune with "
                          "`sondier baseline update`)")
STALE_BASELINE_ENTRIES = N_("{path}: {count} baseline entries match nothing any more (prune with "
                            "`sondier baseline update`)")
# The verdict stage's (sondier/verdict.py).
AUTHORSHIP_FILE = N_("authorship file ({pattern})")
ORGANISATION_RECORD = N_("in the record of an organisation or a place ({name})")
PERSON_RECORD = N_("in a record holding a person's data ({holder})")
TEMPLATES = (CONTEXT_WORD, DECODED_FROM, COLUMNS, ROWS, SENSITIVE_DATA, RECORD_WITH, IN_A_TEST_FILE, EXPORT_REASON,
             EXPORT_REASON_WITH_COLUMNS, REPEATED_IN_FILE, REPEATED_IN_FILES, JWT_SIGNED, STALE_BASELINE_ENTRY,
             STALE_BASELINE_ENTRIES, AUTHORSHIP_FILE, ORGANISATION_RECORD, PERSON_RECORD)

_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class RecordedTexts:
    """English texts recorded as they were written (in machine outputs: JSON reports, the fleet's
    result files), read back in the reader's language: a fixed text is a catalog msgid; a text
    built from one of `templates` is matched back to its template and parameters, the template
    translated and filled again. `numbers` name the parameters that are counts (`10,000`, written
    the French way in French), `nested` those that are such a text themselves (translated in turn).
    A text matching nothing stays as it is, never dropped."""

    def __init__(self, templates: Iterable[str], numbers: Iterable[str] = (), nested: Iterable[str] = ()) -> None:
        self.templates = tuple(templates)
        self.numbers = frozenset(numbers)
        self.nested = frozenset(nested)

    @cached_property
    def patterns(self) -> tuple[tuple[str, re.Pattern[str]], ...]:
        """Each template as a regex, the most specific (longest literal text) first."""
        compiled = []
        for template in self.templates:
            parts, last = [], 0
            for match in _PLACEHOLDER.finditer(template):
                parts.append(re.escape(template[last:match.start()]))
                name = match.group(1)
                parts.append(rf"(?P<{name}>-?[\d,]+)" if name in self.numbers else rf"(?P<{name}>.+?)")
                last = match.end()
            parts.append(re.escape(template[last:]))
            compiled.append((template, re.compile("".join(parts), re.DOTALL)))
        literal = lambda item: len(_PLACEHOLDER.sub("", item[0]))  # noqa: E731
        return tuple(sorted(compiled, key=literal, reverse=True))

    def localized(self, text: str, language: str | None = None) -> str:
        """`text` (English, as recorded) in `language` (default: the active language)."""
        language = language or active_language()
        if language == DEFAULT_LANGUAGE or not text:
            return text
        translate = gettext_for(language)
        translated = translate(text)
        if translated != text:
            return translated
        for template, pattern in self.patterns:
            match = pattern.fullmatch(text)
            if match is None:
                continue
            values = {name: _number(value, language) if name in self.numbers else
                      self.localized(value, language) if name in self.nested else value
                      for name, value in match.groupdict().items()}
            return translate(template).format(**values)
        return text


def _number(text: str, language: str) -> str:
    """`10,000` as French writes it (a narrow no-break space between thousands)."""
    return text.replace(",", "\u202f") if language == "fr" else text


# Parameters that are numbers, or a reason themselves (`{reason} in a test file`).
REASONS = RecordedTexts(TEMPLATES, numbers=("count", "rows", "records", "files"), nested=("reason",))


def localized(reason: str) -> str:
    """`reason` (English, as found) in the active language; unknown texts stay as they are."""
    return REASONS.localized(reason)


def localized_all(reasons: list[str]) -> list[str]:
    return [localized(reason) for reason in reasons]
