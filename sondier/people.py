"""The person behind a record: tables whose columns name a surname, given name, date or place
of birth, postal address, postcode or town, with values of the right shape (issue 15 §3, §4).

A column counts only when its values are confirmed, not because of its name alone:
- given names and surnames against INSEE frequency lists shipped in sondier/data (a `nom`
  column of product names is not a person's surname);
- dates of birth are real calendar dates in a plausible range;
- postcodes exist, and when a town column sits beside them the town matches the postcode
  (La Poste's official list, sondier/data/postcodes.tsv.gz).
A bare `nom`/`name` column is a surname only beside a confirmed given-name column: too many
French words (Blanc, Rose, Bureau) are also surnames.

A table that joins a person to a special category of data (GDPR art. 9: health, religion,
political opinion, union membership, sexual orientation) is reported as such, naming why.

Only delimited tables (CSV, TSV, `;` or `|` separated) are read here, with the header line at
the top of the chunk or carried by the chunk (`Chunk.header`).
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from sondier.cache import on_disk
from sondier.chunks import Chunk
from sondier.records import Records
from sondier.rules import fold

MIN_CONFIRMED = 0.7  # share of a column's non-empty values that must pass its check
MAX_ROWS = 5000  # rows of one chunk looked at (a sample is enough to confirm a column)
_DELIMITERS = (",", ";", "\t", "|")
_MAX_HEADER = 4000  # characters: a longer first line is not a header

SURNAME, GIVEN_NAME, BIRTH_NAME, FULL_NAME = "surname", "given-name", "birth-name", "full-name"
BIRTH_DATE, BIRTH_PLACE = "birth-date", "birth-place"
ADDRESS, POSTCODE, TOWN, NIR = "address", "postcode", "town", "nir"

# Column names, folded, with `_`, `-`, `.` and spaces removed (`date_de_naissance` -> `datedenaissance`).
_COLUMN_KINDS: dict[str, str] = {}
for _kind, _names in {
    SURNAME: ["nomfamille", "nomdefamille", "lastname", "surname", "familyname", "nomusage", "nomdusage",
              "patronyme", "nompatient", "patientlastname"],
    BIRTH_NAME: ["nomnaissance", "nomdenaissance", "birthname", "maidenname", "nomjeunefille", "nomdejeunefille"],
    GIVEN_NAME: ["prenom", "prenoms", "firstname", "givenname", "forename", "prenompatient", "patientfirstname",
                 "prenomusuel"],
    BIRTH_DATE: ["datenaissance", "datedenaissance", "dob", "birthdate", "dateofbirth", "birthday", "nele", "neele",
                 "naissance", "ddn"],
    BIRTH_PLACE: ["lieunaissance", "lieudenaissance", "communenaissance", "communedenaissance", "villenaissance",
                  "villedenaissance", "birthplace", "placeofbirth"],
    ADDRESS: ["adresse", "address", "adresse1", "address1", "addressline1", "adresseligne1", "rue", "voie",
              "street", "streetaddress", "adressepostale", "numeroetvoie"],
    POSTCODE: ["codepostal", "cp", "postalcode", "postcode", "zip", "zipcode"],
    TOWN: ["ville", "commune", "city", "localite", "town", "libelleacheminement"],
    NIR: ["nir", "nirpp", "numsecu", "numerosecu", "numerosecuritesociale", "nss", "securitesociale", "insnir",
          "matriculeins", "ins", "ssn"],
}.items():
    for _name in _names:
        _COLUMN_KINDS[_name] = _kind
# Kinds of columns whose values a content rule reports one by one (fr-nir).
_OWN_RULE_KINDS = frozenset({NIR})
_AMBIGUOUS_SURNAME = frozenset({"nom", "name", "nomcomplet"})  # a surname only beside given names

# GDPR art. 9 categories: column names (same normalisation) and what they reveal.
_SENSITIVE: dict[str, str] = {}
for _why, _names in {
    "health": ["diagnostic", "diagnosis", "pathologie", "maladie", "traitement", "treatment", "cim10", "codecim10",
               "icd10", "antecedents", "allergies", "handicap", "medicament", "medicaments", "prescription",
               "ordonnance", "motifconsultation", "groupesanguin", "hiv", "vih", "grossesse", "ald",
               # health identifiers: the patient was seen there, or by them
               "finess", "finesset", "finessej", "rpps", "adeli", "idnps", "etablissementsante"],
    "religion": ["religion", "confession", "culte"],
    "political opinion": ["opinionpolitique", "partipolitique", "politicalparty", "politicalopinion", "parti"],
    "union membership": ["syndicat", "tradeunion", "unionmembership", "appartenancesyndicale"],
    "sexual orientation": ["orientationsexuelle", "sexualorientation"],
}.items():
    for _name in _names:
        _SENSITIVE[_name] = _why

_NAME_VALUE = re.compile(r"[^\W\d_]+(?:[ '’-][^\W\d_]+){0,3}")
_TOWN_VALUE = re.compile(r"[^\W\d_]+(?:[ '’-]{1,2}[^\W\d_]+){0,9}")
_ICD10 = re.compile(r"[A-TV-Z]\d{2}(?:\.?\d{1,2})?")
_POSTCODE_VALUE = re.compile(r"(?:\d{5}|2[AB]\d{3})")
# A street line: a house number opening the line (or a part after a comma: `Bât. A, 12 rue...`), or a
# way's name. Not a postcode and town (`69003 Lyon`, `80120 Rue`), not an e-mail address.
_STREET = re.compile(r"(?:^|,)\s*\d{1,4}(?!\d)(?:\s?(?:bis|ter|[a-d]))?,?\s+\S|\b(?:rue|avenue|av\.|boulevard|bd|chemin"
                     r"|impasse|all[ée]e|place|route|quai|cours|square|lieu-dit|r[ée]sidence)\b", re.IGNORECASE)
_NOT_STREET = re.compile(r"^\s*(?:\d{5}|2[AB]\d{3})\b|@")
_DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%d/%m/%y")
_OLDEST_BIRTH_YEAR = 1900
_COMPACT_DATE = re.compile(r"(?:19|20)\d{6}")


def normalize_column(name: str) -> str:
    return re.sub(r"[\s_.\-'’]", "", fold(name.strip().strip("\"'")))


@cache
def _data(resource: str) -> bytes:
    from importlib import resources  # here: ~5 ms of imports a scan without names never needs

    return resources.files("sondier").joinpath("data", resource).read_bytes()


@cache
def _lines(resource: str) -> tuple[str, ...]:
    text = gzip.decompress(_data(resource)).decode("utf-8")
    return tuple(line for line in text.splitlines() if line and not line.startswith("#"))


def _sources(resource: str) -> Callable[[], list[tuple[str, bytes]]]:
    return lambda: [(resource, _data(resource))]


# The name lists, folded, are cached on disk (sondier.cache): building them costs ~80 ms, reading
# them back ~15 ms, and an e-mail address in a staged change is enough to need them.
@cache
@on_disk("given-names", _sources("given_names.txt.gz"), Path(__file__), frozenset)
def given_names() -> frozenset[str]:
    return frozenset(fold(line) for line in _lines("given_names.txt.gz"))


@cache
@on_disk("surnames", _sources("surnames.txt.gz"), Path(__file__), frozenset)
def surnames() -> frozenset[str]:
    # The most frequent 21,817 are enough for recall; the long tail is mostly rare spellings
    # and common words (Chaise, Lampe), which would confirm product names.
    return frozenset(fold(line) for line in _lines("surnames.txt.gz")[:21817])


@cache
@on_disk("common-words", _sources("common_words.txt.gz"), Path(__file__), frozenset)
def common_words() -> frozenset[str]:
    """Plain French and English words (see the data file's header for its sources)."""
    return frozenset(_lines("common_words.txt.gz"))


# La Poste's 39,000 lines, each town folded: ~0.4 s to build in every worker, a few ms to read back.
@cache
@on_disk("postcodes", _sources("postcodes.tsv.gz"), Path(__file__), dict)
def postcodes() -> dict[str, frozenset[str]]:
    towns: dict[str, set[str]] = {}
    for line in _lines("postcodes.tsv.gz"):
        code, _, town = line.partition("\t")
        towns.setdefault(code, set()).add(_town_key(town))
    return {code: frozenset(names) for code, names in towns.items()}


def _town_key(town: str) -> str:
    key = re.sub(r"[^a-z0-9]+", " ", fold(town)).strip()
    key = re.sub(r"^(?:saint|st) ", "st ", key).replace(" saint ", " st ")
    return re.sub(r" (?:cedex|\d+(?:er|e|eme)? arrondissement)\b.*$", "", key)


def is_given_name(value: str) -> bool:
    value = value.strip()
    if not _NAME_VALUE.fullmatch(value):
        return False
    parts = [p for p in re.split(r"[ -]", fold(value)) if p]
    names = given_names()
    return bool(parts) and all(p in names for p in parts)


def is_surname(value: str) -> bool:
    value = value.strip()
    if not _NAME_VALUE.fullmatch(value):
        return False
    folded = fold(value)
    names = surnames()
    return folded in names or all(p in names for p in re.split(r"[ -]", folded) if p)


def is_birth_date(value: str, today: dt.date | None = None) -> bool:
    value = value.strip()
    today = today or dt.date.today()
    formats = ("%Y%m%d",) if _COMPACT_DATE.fullmatch(value) else _DATE_FORMATS  # vCard BDAY, LDIF, dumps
    for fmt in formats:
        try:
            parsed = dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        return parsed.year >= _OLDEST_BIRTH_YEAR and parsed <= today
    return False


def is_postcode(value: str) -> bool:
    value = value.strip()
    return bool(_POSTCODE_VALUE.fullmatch(value)) and value in postcodes()


def is_town(value: str) -> bool:
    """A commune's name: its shape (`Saint-Cyr-sur-le-Rhône` has five parts, more than a person's
    name), or any commune of La Poste's list as it writes them (`BAUME-D HOSTUN (LA)`)."""
    value = value.strip()
    return bool(_TOWN_VALUE.fullmatch(value)) or _town_key(value) in _all_towns()


@cache
def _all_towns() -> frozenset[str]:
    return frozenset().union(*postcodes().values())


def is_street(value: str) -> bool:
    return bool(_STREET.search(value)) and not _NOT_STREET.search(value) and any(ch.isalpha() for ch in value)


def is_full_name(value: str) -> bool:
    """A given name and a surname in one value, either way round (`Camille Durand`, `DURAND
    Camille`, `Jean-Pierre Le Goff`): both parts found in the lists."""
    words = value.split()
    if not 2 <= len(words) <= 6:
        return False
    for cut in range(1, len(words)):
        head, tail = " ".join(words[:cut]), " ".join(words[cut:])
        if (is_given_name(head) and is_surname(tail)) or (is_surname(head) and is_given_name(tail)):
            return True
    return False


def is_vcard_name(value: str) -> bool:
    """A vCard N value, `family;given;additional;prefixes;suffixes`: both names of the right
    shape, and the family name or the given name found in its list (the property says it is a
    person's name; the lists miss many foreign family names)."""
    parts = [*value.split(";"), ""]
    family, given = parts[0].strip(), parts[1].strip()
    if not (_NAME_VALUE.fullmatch(family) and (not given or _NAME_VALUE.fullmatch(given))):
        return False
    return is_surname(family) or (bool(given) and is_given_name(given))


def is_vcard_address(value: str) -> bool:
    """A vCard ADR value, `box;extended;street;locality;region;postcode;country`: a street line, a
    postcode that exists, and the locality, when there is one, matching it."""
    parts = [p.strip() for p in [*value.split(";"), *[""] * 7][:7]]
    street, town, code = parts[2], parts[3], parts[5]
    return is_street(street) and is_postcode(code) and (not town or town_matches(code, town))


def is_nir(value: str) -> bool:
    from sondier.validators import nir as nir_validator

    verdict = nir_validator.validate(value.strip())
    return verdict.ok and not verdict.test_data


def town_matches(postcode: str, town: str) -> bool:
    return _town_key(town) in postcodes().get(postcode.strip(), frozenset())


_CHECKS: dict[str, Callable[[str], bool]] = {
    SURNAME: is_surname, BIRTH_NAME: is_surname, GIVEN_NAME: is_given_name, BIRTH_DATE: is_birth_date,
    BIRTH_PLACE: is_town, ADDRESS: is_street, POSTCODE: is_postcode, TOWN: is_town, NIR: is_nir,
}
_ICD10_COLUMNS = frozenset({"cim10", "codecim10", "icd10"})
# Properties and attributes of vCard and LDIF entries (names as records.py gives them, normalized):
# their kind and the check of their values, which for N and ADR read the value's components.
_RECORD_COLUMNS: dict[str, dict[str, tuple[str, Callable[[str], bool]]]] = {
    "vcard": {"n": (FULL_NAME, is_vcard_name), "fn": (FULL_NAME, is_full_name), "bday": (BIRTH_DATE, is_birth_date),
              "adr": (ADDRESS, is_vcard_address), "birthplace": (BIRTH_PLACE, is_town)},
    "ldif": {"sn": (SURNAME, is_surname), "cn": (FULL_NAME, is_full_name), "l": (TOWN, is_town)},
}


@dataclass
class PersonTable:
    """What a table reveals about people: confirmed columns (name -> kind), rows, art. 9 columns."""

    columns: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    sensitive: dict[str, str] = field(default_factory=dict)  # column name -> category
    first_row_offset: int = 0
    row_starts: list[int] = field(default_factory=list)  # chunk offset of each row read
    # Rows whose own cells say they are made up (see placeholder_row); detection adds the rows
    # whose e-mails or phones the verdict stage judged test data.
    placeholder_rows: set[int] = field(default_factory=set)

    @property
    def identifies(self) -> bool:
        kinds = set(self.columns.values())
        if FULL_NAME in kinds:  # a given name and a surname confirmed together
            kinds |= {SURNAME, GIVEN_NAME}
        if NIR in kinds:
            return True
        if kinds & {SURNAME, BIRTH_NAME} and kinds & {GIVEN_NAME, BIRTH_DATE, ADDRESS, BIRTH_PLACE}:
            return True
        # An address alone may be an organisation's: it needs a given name beside it.
        return GIVEN_NAME in kinds and bool(kinds & {BIRTH_DATE, ADDRESS, POSTCODE})

    @property
    def describes(self) -> bool:
        """Whether the table says who its people are beyond values a rule of their own reports.

        A column of NIRs alone (`nir`, or `nom,nir` whose `nom` holds no confirmed surnames) is
        already reported NIR by NIR by fr-nir, or as one fr-nir export: a person-record on top
        would report the same column twice and say nothing new. Beside a confirmed name, birth
        date, address... it does say something new: the NIR is joined to a person one can name
        or find, which is what person-record reports. Such a table still *identifies* people,
        so art. 9 data beside the NIRs is reported (sensitive-record): fr-nir does not say that."""
        return bool(set(self.columns.values()) - _OWN_RULE_KINDS)


def _header_and_rows(chunk: Chunk) -> tuple[str, str, int] | None:
    """(header line, text of the data rows, offset of the rows in the chunk) or None."""
    text = chunk.text
    if chunk.header is not None:
        return chunk.header, text, 0
    if chunk.start_line != 1 or chunk.line_numbers is not None:
        return None
    end = text.find("\n")
    if end < 0:
        return None
    return text[:end], text[end + 1 :], end + 1


def _delimiter(header: str) -> str | None:
    delimiter = max(_DELIMITERS, key=header.count)
    return delimiter if header.count(delimiter) >= 1 else None


def _column_kinds(names: list[str], record_kind: str | None = None) -> tuple[dict[int, str], dict[int, str]]:
    kinds: dict[int, str] = {}
    sensitive: dict[int, str] = {}
    normalized = [normalize_column(n) for n in names]
    has_given = any(_COLUMN_KINDS.get(n) == GIVEN_NAME for n in normalized)
    own = _RECORD_COLUMNS.get(record_kind or "", {})
    for index, name in enumerate(normalized):
        if name in own:
            kinds[index] = own[name][0]
        elif name in _COLUMN_KINDS:
            kinds[index] = _COLUMN_KINDS[name]
        elif name in _AMBIGUOUS_SURNAME and has_given:
            kinds[index] = SURNAME
        if name in _SENSITIVE:
            sensitive[index] = _SENSITIVE[name]
    return kinds, sensitive


def _confirmed(values: Iterable[str], check: Callable[[str], bool]) -> bool:
    present = [v for v in values if v.strip()]
    return bool(present) and sum(check(v) for v in present) >= MIN_CONFIRMED * len(present)


def analyze_table(chunk: Chunk) -> PersonTable | None:
    """The people a delimited table of this chunk describes, or None when it describes none."""
    found = _header_and_rows(chunk)
    if found is None:
        return None
    header, body, offset = found
    delimiter = _delimiter(header) if len(header) <= _MAX_HEADER else None
    if delimiter is None:
        return None
    try:
        names = next(csv.reader([header], delimiter=delimiter), [])
        if not _may_identify(names):
            return None
        rows, starts = _read_rows(body, delimiter, len(names))
    except csv.Error:
        return None  # not a table after all (a huge quoted field, a stray NUL)
    return analyze_rows(names, rows, offset, [offset + start for start in starts])


def _read_rows(body: str, delimiter: str, width: int) -> tuple[list[list[str]], list[int]]:
    """The rows of ``width`` fields (at most MAX_ROWS) and the offset in ``body`` where each
    starts: the reader pulls lines one by one, so what it has consumed before a row is where
    that row starts, quoted newlines included."""
    lines = io.StringIO(body)
    consumed = [0]

    def pulled() -> Iterator[str]:
        for line in lines:
            yield line
            consumed[0] += len(line)

    reader = csv.reader(pulled(), delimiter=delimiter)
    rows: list[list[str]] = []
    starts: list[int] = []
    start = 0
    for row in itertools.islice(reader, MAX_ROWS):
        if len(row) == width:
            rows.append(row)
            starts.append(start)
        start = consumed[0]
    return rows, starts


def _may_identify(names: list[str], record_kind: str | None = None) -> bool:
    kinds, _ = _column_kinds(names, record_kind)
    return len(kinds) >= 2 or NIR in kinds.values()  # one column (a NIR apart) never identifies anyone


def analyze_rows(
    names: list[str], rows: list[list[str]], offset: int, row_starts: list[int] | None = None,
    record_kind: str | None = None,
) -> PersonTable | None:
    """The people rows of one shape (column ``names``) describe, or None; ``offset`` is where
    the first row starts in the chunk, ``row_starts`` where each row does. ``record_kind``
    (`vcard`, `ldif`) adds the names of that syntax's properties (`N`, `ADR`, `sn`, `l`)."""
    kinds, sensitive = _column_kinds(names, record_kind)
    if not rows or not _may_identify(names, record_kind):
        return None
    own = _RECORD_COLUMNS.get(record_kind or "", {})
    table = PersonTable(rows=len(rows), first_row_offset=offset, row_starts=list(row_starts or []))
    for index, kind in kinds.items():
        name = normalize_column(names[index])
        check = own[name][1] if name in own else _CHECKS[kind]
        if _confirmed((r[index] for r in rows), check):
            table.columns[names[index].strip()] = kind
    _confirm_explicit_surnames(table, names, kinds, rows)
    _check_addresses(table, names, kinds, rows)
    if not table.identifies:
        return None
    name_columns = [i for i, kind in kinds.items() if kind in _NAME_KINDS]  # confirmed or not: `DOE` is in no list
    table.placeholder_rows = {i for i, row in enumerate(rows) if placeholder_row(row, name_columns)}
    table.sensitive = {names[i].strip(): why for i, why in sensitive.items() if _holds_sensitive(names[i], i, rows)}
    return table


def analyze_records(records: Records, limit: int = MAX_ROWS) -> list[PersonTable]:
    """Tables of people among a chunk's JSON objects, SQL tuples, YAML mappings, LDIF entries or
    vCards (sondier/records.py): records with the same keys form one table."""
    text = records.chunk.text
    if records.kind not in _RECORD_KINDS or not mentions_person_key(text):
        return []  # cheap: no records at all, or no key that could name a person
    groups: dict[tuple[str, ...], tuple[int, list[list[str]], list[int]]] = {}
    seen: set[int] = set()
    for offset in _record_openings(text):
        record = records.at(offset)
        if record is None or record.start in seen:
            continue
        seen.add(record.start)
        fields = records.fields(record)
        names = tuple(f.name or "" for f in fields)
        if not names or not _may_identify(list(names), records.kind):
            continue
        _, rows, starts = groups.setdefault(names, (record.start, [], []))
        if len(rows) < limit:
            rows.append([text[f.start : f.end].strip().strip("\"'") for f in fields])
            starts.append(record.start)
    tables = [analyze_rows(list(names), rows, first, starts, records.kind)
              for names, (first, rows, starts) in groups.items()]
    return [t for t in tables if t is not None]


def _record_openings(text: str) -> Iterable[int]:
    """Offsets inside each record: after every `{`, `(` and line start (bounded, cheap)."""
    for count, match in enumerate(_OPENING.finditer(text), 1):
        yield min(match.end(), len(text) - 1)
        if count >= _MAX_OPENINGS:
            return


_MAX_OPENINGS = 20_000  # offsets tried in one chunk: bounds the cost on huge JSON files
_RECORD_KINDS = frozenset({"sql", "copy", "json", "yaml", "ldif", "vcard"})
_PERSON_KEY = re.compile(r"(?i)\bnom|pr[ée]nom|first_?name|last_?name|given_?name|surname|family_?name|naissance"
                         r"|birth|\bdob\b|adress|address|code_?postal|postal_?code|zip_?code|\bnir\b|num_?secu"
                         r"|^sn:|^n:", re.MULTILINE)
# The keys of _PERSON_KEY as plain substrings of the lower-cased text, grouped under a shorter
# core that each contains: a case-blind alternation of 19 branches is tried at every position
# of the text (9 s on the standard library), substring tests run at memory speed.
_KEY_CORES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("name", ("firstname", "first_name", "lastname", "last_name", "givenname", "given_name", "surname",
              "familyname", "family_name")),
    ("nom", ("prénom", "prenom")),
    ("naissance", ("naissance",)),
    ("birth", ("birth",)),
    ("dress", ("adress", "address")),
    ("postal", ("codepostal", "code_postal", "postalcode", "postal_code")),
    ("zip", ("zipcode", "zip_code")),
    ("secu", ("numsecu", "num_secu")),
)


def mentions_person_key(text: str) -> bool:
    """Whether ``text`` holds a key that could name a person: the same answer as
    `_PERSON_KEY.search(text)` (a test holds them equal), at a fraction of its cost."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a letter whose lower case is longer ('İ'): offsets differ
        return _PERSON_KEY.search(text) is not None
    for core, keys in _KEY_CORES:
        if core in lowered and any(key in lowered for key in keys):
            return True
    return (_at_word_start(lowered, "nom", whole=False) or _at_word_start(lowered, "dob", whole=True)
            or _at_word_start(lowered, "nir", whole=True) or lowered.startswith(("n:", "sn:"))
            or "\nn:" in lowered or "\nsn:" in lowered)


def _is_word_character(character: str) -> bool:
    return character.isalnum() or character == "_"


def _at_word_start(lowered: str, word: str, whole: bool) -> bool:
    """`\\bword` (or `\\bword\\b` when ``whole``) in ``lowered``, with str.find."""
    position = lowered.find(word)
    while position >= 0:
        end = position + len(word)
        if (position == 0 or not _is_word_character(lowered[position - 1])) and (
            not whole or end >= len(lowered) or not _is_word_character(lowered[end])
        ):
            return True
        position = lowered.find(word, position + 1)
    return False


_OPENING = re.compile(r"[{(]\s*|^[ \t]*\S", re.MULTILINE)


_NAME_KINDS = frozenset({SURNAME, BIRTH_NAME, GIVEN_NAME, FULL_NAME})
# A cell that is code, not data: a template's placeholder (`${EMAIL1}`, `{{ nom }}`, `%(nom)s`,
# `:email`, `?`). A row holding one is written by a program (a test's seed query), not exported.
_PLACEHOLDER_CELL = re.compile(r"\$\{[^}]*\}|\{\{[^}]*\}\}|%(?:\([\w.]+\))?s|:[A-Za-z_]\w*|\?|#\{[^}]*\}")


# Whole cells that only made-up rows hold. Narrower than the verdict stage's test words: a real
# table may well say `inconnu`, `local` or `preprod` in a status column.
_MADE_UP_CELLS = frozenset({
    "test", "tests", "testing", "fake", "dummy", "demo", "sample", "example", "exemple", "factice", "fictif",
    "fictive", "bidon", "placeholder", "lorem", "ipsum", "foo", "bar", "baz", "foobar", "toto", "tata", "titi",
    "tutu", "xxx", "yyy", "zzz", "changeme", "fixture", "mock", "bogus",
})  # fmt: skip


def placeholder_row(row: list[str], name_columns: list[int], name_words: Iterable[str] | None = None) -> bool:
    """Whether a row's own cells say it is made up: a cell that is a test word (`TEST`, `demo`),
    a name holding a placeholder or fictional name (`DOE`, `Toto`, `Simpson`: the verdict
    stage's test and fiction words), or a template placeholder. Real people have none of these;
    a real export may have a few such rows, but not only such rows (see detection)."""
    vocabulary = _name_vocabulary() if name_words is None else frozenset(name_words)
    for index, cell in enumerate(row):
        value = cell.strip()
        if not value:
            continue
        if fold(value) in _MADE_UP_CELLS or _PLACEHOLDER_CELL.fullmatch(value):
            return True
        if index in name_columns and any(part in vocabulary for part in re.split(r"[ '’-]", fold(value)) if part):
            return True
    return False


@cache
def _name_vocabulary() -> frozenset[str]:
    from sondier.verdict import builtin_lists

    lists = builtin_lists()
    return lists.test_words | lists.fiction_words


def _holds_sensitive(name: str, index: int, rows: list[list[str]]) -> bool:
    """An art. 9 column counts when it holds values; a CIM-10 column when they are CIM-10 codes."""
    if normalize_column(name) in _ICD10_COLUMNS:
        return _confirmed((r[index] for r in rows), is_icd10)
    return any(r[index].strip() and fold(r[index].strip()) not in _EMPTY_VALUES for r in rows)


_EMPTY_VALUES = frozenset({"non", "no", "false", "0", "aucun", "aucune", "none", "null", "n/a", "na", "-"})


def _confirm_explicit_surnames(
    table: PersonTable, names: list[str], kinds: dict[int, str], rows: list[list[str]]
) -> None:
    """Surnames have a long tail the frequency list misses (a quarter of foreign surnames are in
    it). A column explicitly named for surnames (`nom_famille`, `last_name`, not a bare `nom`) is
    confirmed by the shape of its values when a given-name column beside it is confirmed."""
    if GIVEN_NAME not in table.columns.values():
        return
    for index, kind in kinds.items():
        name = names[index].strip()
        if kind not in (SURNAME, BIRTH_NAME) or name in table.columns:
            continue
        if normalize_column(name) in _AMBIGUOUS_SURNAME:
            continue
        if _confirmed((r[index] for r in rows), lambda v: bool(_NAME_VALUE.fullmatch(v.strip()))):
            table.columns[name] = kind


def _check_addresses(table: PersonTable, names: list[str], kinds: dict[int, str], rows: list[list[str]]) -> None:
    """A postal address is a street line whose postcode exists and whose town matches it. Beside
    a postcode column, the town and street columns count only when the postcodes are confirmed
    (they exist), the towns beside them, if any, match them, and a street column is confirmed;
    otherwise none of the three is an address: `12 rue des Lilas, 69003, Bordeaux` points at no
    one's door, and `69003, Lyon` at a district."""
    street = any(kind == ADDRESS and names[i].strip() in table.columns for i, kind in kinds.items())
    postcodes = [i for i, k in kinds.items() if k == POSTCODE]
    if not postcodes:
        if not street:  # a town alone is where someone lives, not an address: not named as one
            for index, kind in kinds.items():
                if kind == TOWN:
                    table.columns.pop(names[index].strip(), None)
        return
    postcode = next((i for i in postcodes if names[i].strip() in table.columns), None)
    town = next((i for i, k in kinds.items() if k == TOWN), None)
    if postcode is not None and town is not None:
        pairs = [(r[postcode], r[town]) for r in rows if r[postcode].strip() and r[town].strip()]
        if not _confirmed((f"{p}\t{t}" for p, t in pairs), lambda v: town_matches(*v.split("\t", 1))):
            postcode = None
    if postcode is None or not street:
        # Without a street line a postcode and town point at a town, not at anyone's door: not a
        # postal address (issue 15 §3), so the columns are not named as one.
        for index, kind in kinds.items():
            if kind in (POSTCODE, TOWN, ADDRESS):
                table.columns.pop(names[index].strip(), None)


def is_icd10(value: str) -> bool:
    """A CIM-10 (ICD-10) code shape: used only with a health column name (e.g. `code_cim10`)."""
    return bool(_ICD10.fullmatch(value.strip().upper()))
