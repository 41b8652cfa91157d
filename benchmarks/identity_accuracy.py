"""Accuracy of the identity-document, health and person rules (issue 15): precision and recall
per rule on a generated, labelled corpus with near misses for each rule.

    python benchmarks/identity_accuracy.py [--count 200] [--seed 15]

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
import json
import random
import string
import subprocess
import sys
import tempfile
import unicodedata
from collections import Counter
from pathlib import Path

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


class Corpus:
    def __init__(self, root: Path, seed: int) -> None:
        self.root = root
        self.rng = random.Random(seed)
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.labels: set[Label] = set()
        self.planted: Counter[str] = Counter()

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


def build(c: Corpus, count: int) -> None:
    for i in range(count):
        c.write(f"identity_{i}.txt", identity_lines(c))
        c.write(f"health_{i}.log", health_lines(c))
        c.write(f"people_{i}.csv", people_table(c, sensitive=i % 3 == 0))
        c.write(f"foreign_{i}.csv", foreign_people_table(c))
        for j, table in enumerate(near_miss_tables(c)):
            c.write(f"near_{i}_{j}.csv", table)


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
    foreign = {label for label in c.labels if label[1].startswith("foreign_")}
    print(f"{'rule':22} {'planted':>7} {'TP':>5} {'FP':>5} {'FN':>5} {'precision':>9} {'recall':>7} {'F1':>6}")
    for rule in RULES:
        planted = {label for label in c.labels if label[0] == rule and label not in foreign}
        hits = {label for label in found if label[0] == rule and not label[1].startswith("foreign_")}
        _row(rule, planted, hits)
    _row("person-record (foreign names)", {x for x in foreign}, {x for x in found if x[1].startswith("foreign_")})


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
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sondier-identity-") as tmp:
        root = Path(tmp)
        corpus = Corpus(root, args.seed)
        build(corpus, args.count)
        report = scan(root)
        score(corpus, report, root)


if __name__ == "__main__":
    main()
