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
from functools import cache

from sondier.i18n import N_, _, active_language

# Templates: the producers format these very constants, so the English text and the template
# cannot drift apart (verdict.py's are copied here, and tests/test_i18n.py checks them).
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
_VERDICT_TEMPLATES = (
    N_("authorship file ({pattern})"),
    N_("in the record of an organisation or a place ({name})"),
    N_("in a record holding a person's data ({holder})"),
)
TEMPLATES = (CONTEXT_WORD, DECODED_FROM, COLUMNS, ROWS, SENSITIVE_DATA, RECORD_WITH, IN_A_TEST_FILE, EXPORT_REASON,
             EXPORT_REASON_WITH_COLUMNS, REPEATED_IN_FILE, REPEATED_IN_FILES, JWT_SIGNED, STALE_BASELINE_ENTRY,
             STALE_BASELINE_ENTRIES, *_VERDICT_TEMPLATES)

# The fixed verdict reasons of sondier/verdict.py, which keeps its texts plain: marked here for
# the catalog (tests/test_i18n.py fails when verdict.py gains a reason this list lacks).
VERDICT_REASONS = (
    N_("test data"),
    N_('example, placeholder or validation input on the line'),
    N_('published on a legal notice page (mentions légales)'),
    N_('the same number in several spellings in one file (a formatting test)'),
    N_('numbers counted up one by one (numbered fixtures)'),
    N_('the same name at several mail domains in one file (an address test)'),
    N_('template file (its name says it is an example)'),
    N_('identifies a legal person (business register number)'),
    N_("the key names an organisation's contact (company, structure...)"),
    N_('authorship line (author, copyright, translator...)'),
    N_('a person credited by name in a code comment'),
    N_('a byline (by Name <address>)'),
    N_('role mailbox'),
    N_('a mailing list or its robot (lists., -request, owner-)'),
    N_('generic words only in the local part'),
    N_('institutional domain'),
    N_('authorship line above an address standing alone'),
    N_('reserved or disposable mail domain'),
    N_('test word in the mail domain'),
    N_('fictional name in the mail domain'),
    N_('made-up mail domain (one letter, or a top-level name such as com.com)'),
    N_('local part repeats the mail domain'),
    N_('test word in the local part'),
    N_('fictional name in the local part'),
    N_('one repeated letter as local part'),
    N_('a generic word as local part'),
    N_('numbered generic account'),
    N_('a placeholder title opens the local part (monsieur, madame...)'),
    N_("a fictional or famous person's name"),
    N_('a common word as surname (jean.voiture@)'),
    N_("a mailbox provider's name as a sub-domain (gmail.dechetterie.com)"),
    N_("a first name at a surname's domain (prenom@nom.fr)"),
    N_("a mailbox provider's look-alike (gmail-dechetterie.com, autremail.fr)"),
    N_('a common word as mail domain'),
    N_('a made-up company domain (a word and `co`, as in transportco)'),
    N_('a given name as mail domain'),
    N_("a bare given name at a mailbox provider (a fixture's shape)"),
    N_('patterned number'),
    N_('number published as a tel: link'),
    N_('service number given in prose'),
    N_('mail domain made from a name on the line'),
    N_("an organisation's domain (role mailboxes under it in the scanned tree)"),
    N_("beside a made-up address (a fixture person's record)"),
    N_('business identifiers asked for as personal data'),
    N_('in a list of authors or contributors (package or schema metadata)'),
)

# Parameters that are numbers (`10,000`), or a reason themselves (translated in turn).
_NUMBERS = frozenset({"count", "rows", "records", "files"})
_NESTED = frozenset({"reason"})
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each template as a regex, the most specific (longest literal text) first."""
    compiled = []
    for template in TEMPLATES:
        parts, last = [], 0
        for match in _PLACEHOLDER.finditer(template):
            parts.append(re.escape(template[last:match.start()]))
            name = match.group(1)
            parts.append(rf"(?P<{name}>[\d,]+)" if name in _NUMBERS else rf"(?P<{name}>.+?)")
            last = match.end()
        parts.append(re.escape(template[last:]))
        compiled.append((template, re.compile("".join(parts), re.DOTALL)))
    literal = lambda item: len(_PLACEHOLDER.sub("", item[0]))  # noqa: E731
    return tuple(sorted(compiled, key=literal, reverse=True))


def _number(text: str) -> str:
    """`10,000` as French writes it (a narrow no-break space between thousands)."""
    return text.replace(",", "\u202f") if active_language() == "fr" else text


def localized(reason: str) -> str:
    """`reason` (English, as found) in the active language; unknown texts stay as they are."""
    if active_language() == "en" or not reason:
        return reason
    translated = _(reason)
    if translated != reason:
        return translated
    for template, pattern in _patterns():
        match = pattern.fullmatch(reason)
        if match is None:
            continue
        values = {name: _number(value) if name in _NUMBERS else localized(value) if name in _NESTED else value
                  for name, value in match.groupdict().items()}
        return _(template).format(**values)
    return reason


def localized_all(reasons: list[str]) -> list[str]:
    return [localized(reason) for reason in reasons]
