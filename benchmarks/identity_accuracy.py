"""Accuracy of the identity-document, health and person rules (issue 15): precision and recall
per rule on a generated, labelled corpus with near misses for each rule.

    python benchmarks/identity_accuracy.py [--count 200] [--seed 15] [--misses N] [--keep DIR]

A second part scores person-record per column kind (name, birth date, address, place of birth),
overall and per record format (CSV, TSV, SQL INSERT, JSON, YAML, vCard, LDIF): for each planted
table, does the finding name exactly its columns of that kind? A column named wrongly is a false
positive of its kind, a planted column left out a false negative. Its near misses: a `nom` of
products or places, `date` columns with no birth context, impossible (31/02) or implausible
(before 1900, future) birth dates, postcodes with the wrong town, postcodes that do not exist, an
address column with no street line. Addresses are real (postcode, commune) pairs of La Poste's list
(Faker's postcode and city are drawn apart and rarely match).

Values come from Faker fr_FR (names, dates, towns, postcodes) and from generators here that
compute the check digits (Luhn for RPPS/IDNPS/FINESS, the NIR key for INS, ICAO 9303 for the
driving-licence MRZ). Each planted value is labelled (rule, file, line); the near misses (wrong
keys, impossible months or departments, letters the SIV never issues, missing or wrong context,
code identifiers, product tables in a `nom` column, postcodes with the wrong town, invalid
dates) must yield nothing. The real `sondier scan DIR --format json` runs on the corpus.

The name lists shipped in sondier/data come from INSEE, not from Faker; Faker's French names are
common ones, so recall on them is an upper bound. A second table of foreign names (Faker en_US,
de_DE, it_IT given names and surnames) shows what the lists miss.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import json
import random
import string
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml
from faker import Faker
from stdnum import luhn
from stdnum.fr import nir

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from sondier.validators.documents import check_digit

RULES = ["fr-cni", "fr-cnie", "fr-residence-permit", "fr-driving-licence", "fr-neph", "fr-vehicle-plate",
         "fr-rpps", "fr-idnps", "fr-adeli", "fr-finess", "fr-ins", "mrz", "fr-birth-date", "person-record",
         "sensitive-record"]  # fmt: skip
SIV = "ABCDEFGHJKLMNPQRSTVWXYZ"
Label = tuple[str, str, int]
ColumnLabel = tuple[str, str, str]
COLUMNS = "records_"  # files of the per-column benchmark (see record_tables)


class Corpus:
    def __init__(self, root: Path, seed: int) -> None:
        self.root = root
        self.rng = random.Random(seed)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.labels: set[Label] = set()
        self.planted: Counter[str] = Counter()
        self.columns: set[ColumnLabel] = set()  # (file, column or key, kind) a finding must name
        self.formats: dict[str, str] = {}  # file -> record format, for the record files of COLUMNS

    def digits(self, n: int) -> str:
        return "".join(self.rng.choice(string.digits) for _ in range(n))

    def dept(self) -> str:
        return f"{self.rng.randint(1, 95):02d}"

    def write(self, name: str, lines: list[tuple[str, str | None]]) -> None:
        """Lines of (text, rule planted on that line or None)."""
        path = self.root / name
        path.write_text("".join(text + "\n" for text, _ in lines), encoding="utf-8")
        for number, (_, rule) in enumerate(lines, 1):
            if rule is not None:
                self.labels.add((rule, name, number))
                self.planted[rule] += 1


def _mrz_name(name: str) -> str:
    """ICAO 9303 transliteration, enough for French names: no accents, `<` for anything else."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().upper()
    return "".join(ch if "A" <= ch <= "Z" else "<" for ch in plain)


def _luhn(body: str) -> str:
    return body + luhn.calc_check_digit(body)


def _wrong_last(value: str) -> str:
    return value[:-1] + str((int(value[-1]) + 1 + random.randrange(8)) % 10)


def identity_lines(c: Corpus) -> list[tuple[str, str | None]]:
    r, f = c.rng, c.fake
    year = r.choice([*range(88, 100), *range(0, 22)])
    cni = f"{year:02d}{r.randint(1, 12):02d}{c.dept()}{r.randint(0, 9)}{c.digits(5)}"
    letters = "".join(r.choice(string.ascii_uppercase) for _ in range(5))
    cnie = "".join(r.sample(letters + c.digits(4), 9))
    agdref = str(r.randint(1, 9)) + c.digits(9)
    old_licence = f"{r.randint(70, 99)}{r.randint(1, 12):02d}{c.dept()}{c.digits(6)}"
    eu_licence = c.digits(2) + "".join(r.choice(string.ascii_uppercase) for _ in range(2)) + c.digits(5)
    plate = f"{r.choice(SIV)}{r.choice(SIV[:-1])}-{r.randint(1, 999):03d}-{r.choice(SIV)}{r.choice(SIV[:-1])}"
    fni = f"{r.randint(1, 9999)} {''.join(r.choice(SIV) for _ in range(r.randint(1, 3)))} {c.dept()}"
    licence_line = "D1FRA" + eu_licence
    licence_line += check_digit(licence_line) + f"{r.randint(26, 40)}{r.randint(1, 12):02d}{r.randint(1, 28):02d}"
    licence_line += (_mrz_name(f.last_name()) + "<" * 8)[:8]
    licence_line += check_digit(licence_line)
    birth = f.date_of_birth(minimum_age=1, maximum_age=99)
    return [
        (f"CNI n° {cni} délivrée à {f.city()}", "fr-cni"),
        (f"réf commande {cni}", None),
        (f"CNI {year:02d}13{c.dept()}1{c.digits(5)}", None),  # month 13
        (f"uuid 550e8400-e29b-41d4-a716-{cni} cni", None),
        (f"Carte d'identité : {cnie}", "fr-cnie"),
        (f"ref {cnie}", None),
        ("CNI PRINCIPAL", None),
        (f"Titre de séjour, numéro étranger {agdref}", "fr-residence-permit"),
        (f"commande {agdref}", None),
        (f"Permis de conduire n° {old_licence}", "fr-driving-licence"),
        (f'"driving_licence": "{eu_licence}"', "fr-driving-licence"),
        (f"permis de construire {old_licence}", None),
        (f"permis de conduire {old_licence[:2]}13{old_licence[4:]}", None),  # month 13
        (f"NEPH : {c.digits(12)}", "fr-neph"),
        (f"ticket {c.digits(12)}", None),
        (f"Véhicule immatriculé {plate}", "fr-vehicle-plate"),
        (f"plaque : {fni}", "fr-vehicle-plate"),
        (f"plaque {plate[:-1]}O", None),  # O is never issued
        (f"vehicule = registry.get({plate.replace('-', '_')})", None),
        (f"lot {plate}", None),
        (licence_line, "mrz"),
        (_wrong_last(licence_line), None),
        (f"Mme {f.last_name()}, née le {birth.strftime('%d/%m/%Y')} à {f.city()}", "fr-birth-date"),
        (f"fichier créé le {birth.strftime('%d/%m/%Y')}", None),
        (f"née le 31/02/{birth.year}", None),
    ]


def health_lines(c: Corpus) -> list[tuple[str, str | None]]:
    r = c.rng
    rpps = _luhn("1" + c.digits(9))
    finess = _luhn(c.dept() + c.digits(6))
    place = f"{c.dept()}{r.randint(1, 999):03d}"
    body = f"{r.randint(1, 2)}{c.digits(2)}{r.randint(1, 12):02d}{place}{r.randint(1, 999):03d}"
    ins = body + nir.calc_check_digits(body)
    adeli = c.dept() + c.digits(7)
    return [
        (f"RPPS : {rpps}", "fr-rpps"),
        (f"RPPS : {_wrong_last(rpps) if not luhn.is_valid(_wrong_last(rpps)) else rpps[:-1]}", None),
        (f"order {rpps}", None),
        (f"IDNPS=8{rpps}", "fr-idnps"),
        (f"ean 8{rpps}", None),
        (f"FINESS : {finess}", "fr-finess"),
        (f"FINESS {finess[:-1]}{(int(finess[-1]) + 5) % 10}", None),
        (f"siren {finess}", None),
        (f"ADELI : {adeli}", "fr-adeli"),
        (f"ADELI 00{c.digits(7)}", None),
        (f"PID|1||{ins}^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS", "fr-ins"),
        (f"PID|1||{ins}^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS", None),  # test OID
        (f"PID|1||{body}{(int(nir.calc_check_digits(body)) % 97) + 1:02d}^^^&1.2.250.1.213.1.4.8&ISO", None),
    ]


def people_table(c: Corpus, sensitive: bool) -> list[tuple[str, str | None]]:
    f = c.fake
    header = "nom;prenom;date_naissance;adresse;code_postal;ville"
    if sensitive:
        header += ";diagnostic"
    rows = []
    for _ in range(c.rng.randint(3, 30)):
        row = f"{f.last_name()};{f.first_name()};{f.date_of_birth().strftime('%d/%m/%Y')};{f.street_address()};"
        row += f"{f.postcode()};{f.city()}"
        if sensitive:
            row += ";" + c.rng.choice(["diabète de type 2", "asthme", "hypertension", "E11.9"])
        rows.append(row)
    rule = "sensitive-record" if sensitive else "person-record"
    return [(header, None), (rows[0], rule), *[(row, None) for row in rows[1:]]]


def foreign_people_table(c: Corpus) -> list[tuple[str, str | None]]:
    fake = Faker(["en_US", "de_DE", "it_IT"])
    fake.seed_instance(c.rng.randint(0, 10**6))
    rows = [f"{fake.last_name()},{fake.first_name()},{c.fake.email()}" for _ in range(c.rng.randint(3, 30))]
    return [("last_name,first_name,email", None), (rows[0], "person-record"), *[(r, None) for r in rows[1:]]]


def near_miss_tables(c: Corpus) -> list[list[tuple[str, str | None]]]:
    f, r = c.fake, c.rng
    products = [r.choice(["Chaise", "Lampe", "Bureau", "Tasse", "Clavier", "Souris", "Rose", "Orange"])
                for _ in range(10)]
    wrong_town = [f"{f.street_address()},{f.postcode()},{'Lille' if i % 2 else 'Brest'}" for i in range(8)]
    bad_dates = [f"{f.first_name()},{r.randint(1, 28):02d}/{r.randint(13, 19)}/19{r.randint(10, 99)}" for _ in range(8)]
    return [
        [("nom,prix,stock", None), *[(f"{p},{r.randint(1, 99)}.90,{r.randint(0, 50)}", None) for p in products]],
        [("adresse,code_postal,ville", None), *[(w, None) for w in wrong_town]],
        [("prenom,date_naissance", None), *[(b, None) for b in bad_dates]],
        [("nom,description", None), *[(f"{f.last_name()},{f.catch_phrase()}", None) for _ in range(5)]],
    ]


# --- Columns of records (issue 15: the person behind a record) -------------------------------------
# Each table is planted in one of the record formats person-record reads, its columns labelled with
# the kind the finding must name them as; a near-miss column (a `date` that is no birth date, a
# postcode with the wrong town...) is labelled with no kind, so naming it is a false positive.

NAME, BIRTH_DATE, ADDRESS, BIRTH_PLACE = "name", "birth date", "address", "place of birth"
KINDS = [NAME, BIRTH_DATE, ADDRESS, BIRTH_PLACE]
FORMATS = ["csv", "tsv", "sql", "json", "yaml", "vcf", "ldif"]
TABULAR = FORMATS[:5]
# The kinds sondier names (people.py) grouped as the issue asks; nir and the rest are left out.
SONDIER_KINDS = {"surname": NAME, "given-name": NAME, "birth-name": NAME, "full-name": NAME, "birth-date": BIRTH_DATE,
                 "address": ADDRESS, "postcode": ADDRESS, "town": ADDRESS, "birth-place": BIRTH_PLACE}
_COLUMN_NAMES = {  # role -> (French names, English names)
    "surname": (["nom", "nom_famille", "nom_usage", "NOM", "Nom"], ["last_name", "lastName", "surname", "family_name"]),
    "given": (["prenom", "prénom", "Prénom", "prenoms"], ["first_name", "firstName", "given_name"]),
    "birth_name": (["nom_naissance", "nom_de_jeune_fille"], ["maiden_name", "birth_name"]),
    "birth_date": (["date_naissance", "date_de_naissance", "DateNaissance", "ddn"],
                   ["birth_date", "birthDate", "dob", "date_of_birth"]),
    "birth_place": (["lieu_naissance", "commune_naissance", "ville_naissance"], ["birth_place", "place_of_birth"]),
    "street": (["adresse", "adresse1", "rue", "voie"], ["address", "street", "address_line1"]),
    "postcode": (["code_postal", "cp", "codePostal"], ["postal_code", "zip", "postcode"]),
    "town": (["ville", "commune", "localite"], ["city", "town"]),
    "email": (["email", "courriel", "mail"], ["email", "email_address"]),
    "date": (["date", "date_creation", "date_inscription", "date_maj"], ["date", "created_at", "updated_at"]),
}  # fmt: skip
_LDIF = {"surname": "sn", "given": "givenName", "full": "cn", "street": "street", "postcode": "postalCode",
         "town": "l", "email": "mail"}  # fmt: skip


@dataclass
class Column:
    role: str  # a key of _COLUMN_NAMES, or `other` (products, prices...)
    name: str  # its name in the tabular formats
    values: list[str]
    kind: str | None  # the kind the finding must name it as; None: it must not be named


@dataclass
class Table:
    columns: list[Column]
    formats: list[str]  # the formats it can be written in

    @property
    def rows(self) -> list[dict[str, str]]:
        return [{col.role: col.values[i] for col in self.columns} for i in range(len(self.columns[0].values))]


@dataclass
class Places:
    """(postcode, commune) pairs of La Poste's list, the communes as people write them."""

    pairs: list[tuple[str, str]]
    codes: set[str]
    towns: dict[str, set[str]]

    @classmethod
    def load(cls) -> Places:
        data = Path(__file__).resolve().parents[1] / "sondier" / "data" / "postcodes.tsv.gz"
        pairs, towns = [], {}
        for line in gzip.decompress(data.read_bytes()).decode("utf-8").splitlines():
            if line.startswith("#") or "\t" not in line:
                continue
            code, town = line.split("\t", 1)
            towns.setdefault(code, set()).add(_plain(town))
            if not town.isupper() and "Arrondissement" not in town:
                pairs.append((code, town))
        return cls(pairs, set(towns), towns)


def _plain(town: str) -> str:
    return unicodedata.normalize("NFKD", town).encode("ascii", "ignore").decode().lower().replace("-", " ")


def _name(c: Corpus, role: str, english: bool) -> str:
    return c.rng.choice(_COLUMN_NAMES[role][english])


def _birth_dates(c: Corpus, n: int, fmt: str) -> list[str]:
    return [c.fake.date_of_birth(minimum_age=0, maximum_age=100).strftime(fmt) for _ in range(n)]


def _bad_dates(c: Corpus, n: int, fmt: str) -> list[str]:
    """Impossible (31/02, 30/02, 31/04) or implausible (before 1900, after today) dates of birth."""
    r, values = c.rng, []
    for _ in range(n):
        year = r.choice([r.randint(1700, 1850), r.randint(dt.date.today().year + 1, 2150), r.randint(1920, 2010)])
        day, month = r.choice([(31, 2), (30, 2), (31, 4), (31, 6), (31, 9), (31, 11)]) if year >= 1900 else (
            r.randint(1, 28), r.randint(1, 12))
        values.append(fmt.replace("%d", f"{day:02d}").replace("%m", f"{month:02d}").replace("%Y", str(year)))
    return values


def _date_format(c: Corpus, english: bool) -> str:
    return "%Y-%m-%d" if english or c.rng.random() < 0.3 else c.rng.choice(["%d/%m/%Y", "%d/%m/%Y", "%d-%m-%Y"])


def _names(c: Corpus, n: int, english: bool, fake: Faker | None = None) -> list[Column]:
    fake = fake or c.fake
    upper = c.rng.random() < 0.2  # exports often write surnames in capitals
    surnames = [fake.last_name() for _ in range(n)]
    return [Column("surname", _name(c, "surname", english), [s.upper() if upper else s for s in surnames], NAME),
            Column("given", _name(c, "given", english), [fake.first_name() for _ in range(n)], NAME)]


def _address(c: Corpus, places: Places, n: int, english: bool, *, town: str = "right", street: bool = True,
             kind: str | None = ADDRESS) -> list[Column]:
    r = c.rng
    pairs = [r.choice(places.pairs) for _ in range(n)]
    codes = [code for code, _ in pairs]
    towns = [t.upper() if r.random() < 0.25 else t for _, t in pairs]
    if town == "wrong":  # a real commune, of another postcode
        towns = [next(t for _, t in iter(lambda: r.choice(places.pairs), None) if _plain(t) not in places.towns[code])
                 for code in codes]
    elif town == "no postcode":  # a postcode La Poste never issued
        codes = [next(x for x in iter(lambda: f"{r.randint(0, 99999):05d}", None) if x not in places.codes)
                 for _ in range(n)]
    columns = [Column("postcode", _name(c, "postcode", english), codes, kind),
               Column("town", _name(c, "town", english), towns, kind)]
    if street:
        columns.insert(0, Column("street", _name(c, "street", english), [c.fake.street_address() for _ in range(n)],
                                 kind))
    return columns


def _email(c: Corpus, n: int, english: bool) -> Column:
    return Column("email", _name(c, "email", english), [c.fake.email() for _ in range(n)], None)


def person_table(c: Corpus, places: Places) -> Table:
    """A table of people: names, and some of a birth date, an address, a place and a birth name."""
    r = c.rng
    n, english = r.randint(3, 30), r.random() < 0.3
    columns = _names(c, n, english)
    if r.random() < 0.6:
        dates = _birth_dates(c, n, _date_format(c, english))
        columns.append(Column("birth_date", _name(c, "birth_date", english), dates, BIRTH_DATE))
    if r.random() < 0.6:
        columns += _address(c, places, n, english)
    if r.random() < 0.3:
        columns.append(Column("birth_place", _name(c, "birth_place", english),
                              [r.choice(places.pairs)[1] for _ in range(n)], BIRTH_PLACE))
    if r.random() < 0.2:
        columns.insert(1, Column("birth_name", _name(c, "birth_name", english), [c.fake.last_name() for _ in range(n)],
                                 NAME))
    if r.random() < 0.5:
        columns.append(_email(c, n, english))
    r.shuffle(columns)
    return Table(columns, FORMATS)


def near_miss_record_tables(c: Corpus, places: Places) -> list[Table]:
    """Tables whose decoy columns must not be named; the people's names beside them must."""
    r, f = c.rng, c.fake
    n = r.randint(3, 20)
    english = r.random() < 0.3
    products = ["Chaise", "Lampe", "Bureau", "Tasse", "Clavier", "Souris", "Rose", "Orange", "Table basse",
                "Armoire", "Coussin", "Miroir"]
    sites = ["Mairie", "Médiathèque", "Piscine municipale", "École Jean Jaurès", "Gymnase", "Crèche Les Lilas",
             "Salle des fêtes", "Collège Victor Hugo", "Bibliothèque", "Centre social"]
    site_places = _address(c, places, n, english, kind=None)
    return [
        # a `nom` of products, of places (with a real address: an organisation's, not a person's)
        Table([Column("other", "nom", [r.choice(products) for _ in range(n)], None),
               Column("other", "prix", [f"{r.randint(1, 99)}.90" for _ in range(n)], None),
               Column("other", "stock", [str(r.randint(0, 50)) for _ in range(n)], None)], TABULAR),
        Table([Column("other", "nom", [f"{r.choice(sites)} de {t}" if r.random() < 0.5 else t
                                        for t in site_places[2].values], None), *site_places], TABULAR),
        # dates that are no birth dates beside people
        Table([*_names(c, n, english), Column("date", _name(c, "date", english),
                                                [f.date_this_decade().strftime(_date_format(c, english))
                                                 for _ in range(n)], None)], [*TABULAR, "vcf"]),
        # impossible or implausible dates of birth
        Table([*_names(c, n, english), Column("birth_date", _name(c, "birth_date", english),
                                                _bad_dates(c, n, _date_format(c, english)), None)],
              [*TABULAR, "vcf"]),
        # postcodes with the wrong town; postcodes that do not exist
        Table([*_names(c, n, english), *_address(c, places, n, english, town="wrong", kind=None)], FORMATS),
        Table([*_names(c, n, english), *_address(c, places, n, english, town="no postcode", kind=None)], FORMATS),
        # a real postcode and its town, but no street line: a district, not a postal address
        Table([*_names(c, n, english), *_address(c, places, n, english, street=False, kind=None)], FORMATS),
        # an address column with no street line: a town, a postcode and town, an e-mail
        Table([*_names(c, n, english), Column("street", _name(c, "street", english), [
            r.choice([f"{code} {town}", town, f"{town.upper()} CEDEX", f.email()])
            for code, town in (r.choice(places.pairs) for _ in range(n))], None)], [*TABULAR, "vcf"]),
    ]


def foreign_record_table(c: Corpus) -> Table:
    fake = Faker(["en_US", "de_DE", "it_IT"])
    fake.seed_instance(c.rng.randint(0, 10**6))
    n, english = c.rng.randint(3, 30), c.rng.random() < 0.7
    return Table([*_names(c, n, english, fake), _email(c, n, english)], [*TABULAR, "vcf", "ldif"])


def write_table(c: Corpus, stem: str, table: Table, fmt: str) -> None:
    """Writes the table in ``fmt`` and labels its columns as that format names them."""
    name = f"{stem}.{fmt}"
    labels, text = _render(table, fmt)
    (c.root / name).write_text(text, encoding="utf-8")
    c.formats[name] = fmt
    c.columns |= {(name, column, kind) for column, kind in labels}


def _render(table: Table, fmt: str) -> tuple[list[tuple[str, str]], str]:
    columns = table.columns
    planted = [(col.name, col.kind) for col in columns if col.kind is not None]
    if fmt in ("csv", "tsv"):
        out = io.StringIO()
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow([col.name for col in columns])
        writer.writerows(zip(*(col.values for col in columns), strict=True))
        return planted, out.getvalue()
    if fmt == "sql":
        rows = ",\n".join("  (" + ", ".join("'" + v.replace("'", "''") + "'" for v in row) + ")"
                          for row in zip(*(col.values for col in columns), strict=True))
        return planted, f"INSERT INTO personnes ({', '.join(col.name for col in columns)}) VALUES\n{rows};\n"
    objects = [dict(zip((col.name for col in columns), row, strict=True))
               for row in zip(*(col.values for col in columns), strict=True)]
    if fmt == "json":
        return planted, json.dumps(objects, indent=2, ensure_ascii=False) + "\n"
    if fmt == "yaml":
        return planted, yaml.safe_dump({"personnes": objects}, allow_unicode=True, sort_keys=False)
    if fmt == "vcf":
        return _vcards(table)
    return _ldif(table)


def _vcards(table: Table) -> tuple[list[tuple[str, str]], str]:
    """vCard 3.0: N and FN hold the names, BDAY the birth date (or ANNIVERSARY, a date that is
    none), ADR the address (post office box;extended;street;locality;region;postcode;country)."""
    by_role = {col.role: col for col in table.columns}
    labels = [("n", NAME), ("fn", NAME)]
    cards = []
    for row in table.rows:
        lines = ["BEGIN:VCARD", "VERSION:3.0", f"N:{row['surname']};{row['given']};;;",
                 f"FN:{row['given']} {row['surname']}"]
        if "birth_date" in row:
            lines.append("BDAY:" + str(row["birth_date"]))
        if "date" in row:
            lines.append("ANNIVERSARY:" + str(row["date"]))
        if "postcode" in row or "street" in row:
            lines.append(f"ADR;TYPE=home:;;{row.get('street', '')};{row.get('town', '')};;{row.get('postcode', '')};"
                         "France")
        if "email" in row:
            lines.append(f"EMAIL;TYPE=internet:{row['email']}")
        cards.append("\n".join([*lines, "END:VCARD"]))
    if "birth_date" in by_role and by_role["birth_date"].kind:
        labels.append(("bday", BIRTH_DATE))
    if any(role in by_role and by_role[role].kind for role in ("street", "postcode")):
        labels.append(("adr", ADDRESS))
    return labels, "\n".join(cards) + "\n"


def _ldif(table: Table) -> tuple[list[tuple[str, str]], str]:
    """inetOrgPerson entries: sn, givenName, cn, street, postalCode, l (no birth attributes)."""
    by_role = {col.role: col for col in table.columns}
    labels = [("sn", NAME), ("givenName", NAME), ("cn", NAME)]
    labels += [(_LDIF[role], by_role[role].kind) for role in ("street", "postcode", "town")
               if role in by_role and by_role[role].kind]  # type: ignore[misc]
    entries = []
    for number, row in enumerate(table.rows):
        lines = [f"dn: uid=u{number},ou=people,dc=example,dc=fr", "objectClass: inetOrgPerson",
                 f"cn: {row['given']} {row['surname']}", f"sn: {row['surname']}", f"givenName: {row['given']}"]
        lines += [f"{_LDIF[role]}: {row[role]}" for role in ("street", "postcode", "town", "email") if role in row]
        entries.append("\n".join(lines))
    return labels, "version: 1\n\n" + "\n\n".join(entries) + "\n"


def record_tables(c: Corpus, places: Places, i: int) -> None:
    """One table of people, its near misses and one table of foreign names, each in a format."""
    write_table(c, f"{COLUMNS}{i}", person_table(c, places), FORMATS[i % len(FORMATS)])
    for j, table in enumerate(near_miss_record_tables(c, places)):
        write_table(c, f"{COLUMNS}{i}_near{j}", table, table.formats[(i + j) % len(table.formats)])
    foreign = foreign_record_table(c)
    write_table(c, f"{COLUMNS}foreign_{i}", foreign, foreign.formats[i % len(foreign.formats)])


def build(c: Corpus, count: int, seed: int) -> None:
    places = Places.load()
    records = Corpus(c.root, seed + 1)  # its own draws: the per-rule corpus stays the same
    for i in range(count):
        c.write(f"identity_{i}.txt", identity_lines(c))
        c.write(f"health_{i}.log", health_lines(c))
        c.write(f"people_{i}.csv", people_table(c, sensitive=i % 3 == 0))
        c.write(f"foreign_{i}.csv", foreign_people_table(c))
        for j, table in enumerate(near_miss_tables(c)):
            c.write(f"near_{i}_{j}.csv", table)
        record_tables(records, places, i)
    c.columns, c.formats = records.columns, records.formats


def scan(root: Path) -> dict:
    command = [sys.executable, "-m", "sondier", "scan", str(root), "--format", "json", "--exit-code", "0", "-q"]
    for rule in RULES:
        command += ["--rule", rule]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"scan failed ({done.returncode}): {done.stderr[-400:]}")
    return json.loads(done.stdout)


def _places(report: dict) -> set[tuple[str, str, int]]:
    """(rule, path, line) of every value reported: a repeated value at each of its places, an
    export at each of its rows."""
    places = set()
    for f in report["findings"]:
        places.add((f["rule_id"], f["path"], f["line"]))
        for path, line, _column in f.get("repeated", {}).get("locations", []):
            places.add((f["rule_id"], path, line))
        for line, _column in f.get("export", {}).get("locations", []):
            places.add((f["rule_id"], f["path"], line))
    return places


def _relative(path: str, root: Path) -> str:
    """Report paths are relative to the scanned folder (older versions: to the folder sondier ran
    in), or absolute: all to the corpus root."""
    full = Path(path) if Path(path).is_absolute() else root / path
    if not full.exists():
        full = Path.cwd() / path
    return str(full.resolve().relative_to(root.resolve()))


def score(c: Corpus, report: dict, root: Path) -> None:
    found = {(rule, _relative(path, root), line) for rule, path, line in _places(report)}
    found = {x for x in found if not x[1].startswith(COLUMNS)}  # scored per column below
    foreign = {label for label in c.labels if label[1].startswith("foreign_")}
    print(f"{'rule':22} {'planted':>7} {'TP':>5} {'FP':>5} {'FN':>5} {'precision':>9} {'recall':>7} {'F1':>6}")
    for rule in RULES:
        planted = {label for label in c.labels if label[0] == rule and label not in foreign}
        hits = {label for label in found if label[0] == rule and not label[1].startswith("foreign_")}
        _row(rule, planted, hits)
    _row("person-record (foreign names)", {x for x in foreign}, {x for x in found if x[1].startswith("foreign_")})


def found_columns(report: dict, root: Path) -> set[ColumnLabel]:
    """(file, column, kind) of every column a person-record or sensitive-record finding names, as
    its reason `columns: nom (surname), prenom (given-name), ...` says (the JSON report's
    `column_name` lists the names without their kind)."""
    found = set()
    for f in report["findings"]:
        if f["rule_id"] not in ("person-record", "sensitive-record"):
            continue
        path = _relative(f["path"], root)
        for reason in f["reasons"]:
            if not reason.startswith("columns: "):
                continue
            for part in reason.removeprefix("columns: ").split(", "):
                column, _, kind = part.rpartition(" (")
                if (grouped := SONDIER_KINDS.get(kind.removesuffix(")"))) is not None:
                    found.add((path, column, grouped))
    return found


def score_columns(c: Corpus, report: dict, root: Path, misses: int) -> None:
    found = {x for x in found_columns(report, root) if x[0].startswith(COLUMNS)}
    foreign = {x for x in c.columns if x[0].startswith(COLUMNS + "foreign_")}
    french = c.columns - foreign
    print()
    print("Columns of records: planted columns, columns the finding names, correct ones")
    header = f"{'kind':22} {'planted':>7} {'found':>5} {'correct':>7} {'precision':>9} {'recall':>7} {'F1':>6}"
    print(header)
    for kind in KINDS:
        _column_row(kind, {x for x in french if x[2] == kind},
                    {x for x in found if x[2] == kind and not x[0].startswith(COLUMNS + "foreign_")})
    _column_row("name (foreign names)", {x for x in foreign if x[2] == NAME},
                {x for x in found if x[0].startswith(COLUMNS + "foreign_") and x[2] == NAME})
    print()
    print("Per format (foreign names apart)")
    print(header.replace("kind                  ", "kind / format         "))
    for kind in KINDS:
        for fmt in FORMATS:
            planted = {x for x in french if x[2] == kind and c.formats[x[0]] == fmt}
            hits = {x for x in found if x[2] == kind and c.formats[x[0]] == fmt and x not in foreign}
            hits = {x for x in hits if not x[0].startswith(COLUMNS + "foreign_")}
            if planted or hits:
                _column_row(f"{kind} / {fmt}", planted, hits)
    if misses:
        for what, labels in (("missed", french - found), ("wrongly named", found - french - foreign),
                             ("missed foreign", foreign - found)):
            print(f"\n{what} ({len(labels)}):")
            for label in sorted(labels)[:misses]:
                print("  ", *label)


def _column_row(kind: str, planted: set[ColumnLabel], hits: set[ColumnLabel]) -> None:
    correct = len(hits & planted)
    precision = correct / len(hits) if hits else 1.0
    recall = correct / len(planted) if planted else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"{kind:22} {len(planted):>7} {len(hits):>5} {correct:>7} {precision:>9.3f} {recall:>7.3f} {f1:>6.3f}")


def _row(rule: str, planted: set[Label], hits: set[Label]) -> None:
    tp, fp, fn = len(hits & planted), len(hits - planted), len(planted - hits)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"{rule:22} {len(planted):>7} {tp:>5} {fp:>5} {fn:>5} {precision:>9.3f} {recall:>7.3f} {f1:>6.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=15)
    parser.add_argument("--misses", type=int, default=0, metavar="N",
                        help="list up to N missed and N wrongly named columns of records")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="write the corpus into DIR (kept) to read it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sondier-identity-") as tmp:
        root = Path(tmp) if args.keep is None else args.keep
        root.mkdir(parents=True, exist_ok=True)
        corpus = Corpus(root, args.seed)
        build(corpus, args.count, args.seed)
        report = scan(root)
        score(corpus, report, root)
        score_columns(corpus, report, root, args.misses)


if __name__ == "__main__":
    main()
