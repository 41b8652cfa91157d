"""Accuracy of the PII rules: precision and recall on a generated, labelled corpus, and false
positives on the Python standard library (which holds no French personal data).

    python benchmarks/pii_accuracy.py [--count 150] [--seed 1] [--stdlib PATH] [--no-stdlib]

The corpus is written to a temporary folder: realistic files (CSV exports, SQL dumps, JSON
fixtures, logs, prose) with Faker fr_FR values and computed checksums, each planted value
labelled (rule, file, line); plus near-miss negatives (wrong keys, Faker IBANs with a wrong
RIB key, documented examples, timestamps, UUIDs, hashes, dates, versions, amounts, masked
cards, bare Luhn numbers without context). The real `sondier scan DIR --format json` runs on
it; a finding is a true positive when its (rule, file, line) was planted.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from faker import Faker
from stdnum import iban as stdnum_iban
from stdnum import luhn

RULES = ["fr-nir", "iban", "fr-phone", "email", "fr-siren", "fr-siret", "fr-tva", "fr-nif", "payment-card", "mrz",
         "fr-passport"]  # fmt: skip
Label = tuple[str, str, int]


def _valid_phone(value: str) -> bool:
    """Ground truth independent of sondier's regexes: phonenumbers, with the overseas regions
    for national numbers (phonenumbers files 0690... under +33 otherwise), no 08 numbers."""
    import phonenumbers

    # ARCEP marketing-call blocks (since 2023) belong to businesses, not people.
    marketing = ("162", "163", "270", "271", "377", "378", "424", "425", "568", "569", "948", "949")
    for region in ("FR", "GP", "GF", "MQ", "RE", "YT"):
        parsed = phonenumbers.parse(value, region)
        if phonenumbers.is_valid_number(parsed):
            national = phonenumbers.national_significant_number(parsed)
            return not national.startswith(("8", *marketing))
    return False


def _rib_key_ok(bban: str) -> bool:
    if not bban.isdigit():
        return True  # letters in the account: keep out of the negatives, too rare to matter
    bank, branch, account, key = int(bban[:5]), int(bban[5:10]), int(bban[10:21]), int(bban[21:])
    return 97 - (89 * bank + 15 * branch + 3 * account) % 97 == key


class Corpus:
    def __init__(self, root: Path, seed: int) -> None:
        self.root = root
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.rng = random.Random(seed)
        self.labels: Counter[Label] = Counter()
        self.files: dict[str, list[str]] = {}

    def line(self, path: str, text: str, *rules: str) -> None:
        lines = self.files.setdefault(path, [])
        lines.append(text)
        for rule in rules:
            self.labels[(rule, path, len(lines))] += 1

    def write(self) -> None:
        for path, lines in self.files.items():
            target = self.root / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text("\n".join(lines) + "\n", encoding="utf-8")

    # --- value generators -------------------------------------------------------------
    def digits(self, n: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(n))

    def nir(self) -> str:
        value = self.fake.ssn()
        style = self.rng.randrange(4)
        if style == 1:
            return f"{value[0]} {value[1:3]} {value[3:5]} {value[5:7]} {value[7:10]} {value[10:13]} {value[13:]}"
        if style == 2:
            return f"{value[:13]} {value[13:]}"
        if style == 3:
            return ".".join([value[0], value[1:3], value[3:5], value[5:7], value[7:10], value[10:13], value[13:]])
        return value

    def nir_wrong_key(self) -> str:
        value = self.fake.ssn()
        key = (int(value[13:]) % 97) + 1
        return value[:13] + f"{key:02d}"

    def iban_fr(self) -> str:
        bank, branch, account = self.digits(5), self.digits(5), self.digits(11)
        key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
        bban = f"{bank}{branch}{account}{key:02d}"
        value = "FR" + stdnum_iban.calc_check_digits("FR00" + bban) + bban
        return stdnum_iban.format(value) if self.rng.random() < 0.5 else value

    def iban_foreign(self) -> str:
        locale = self.rng.choice(["de_DE", "es_ES", "it_IT", "nl_NL", "en_GB", "pt_PT"])
        faker = Faker(locale)
        faker.seed_instance(self.rng.randrange(10**9))
        value = faker.iban()
        return stdnum_iban.format(value) if self.rng.random() < 0.5 else value

    def phone(self) -> str:
        """A French number that phonenumbers (the ground truth here) considers valid."""
        while True:
            value = self._phone_shape()
            if _valid_phone(value):
                return value

    def _phone_shape(self) -> str:
        lead = self.rng.choice(["6", "7", "1", "2", "3", "4", "5", "9"])
        if lead == "7":
            lead += self.rng.choice("3456789")
        elif lead == "6":
            lead += self.rng.choice("0124578")
        else:
            lead += self.rng.choice("123456789")
        rest = lead + self.digits(9 - len(lead))
        pairs = [rest[1:3], rest[3:5], rest[5:7], rest[7:9]]
        return self.rng.choice(
            [
                f"0{rest[0]} " + " ".join(pairs),
                f"0{rest[0]}." + ".".join(pairs),
                f"0{rest[0]}-" + "-".join(pairs),
                f"+33 {rest[0]} " + " ".join(pairs),
                f"+33 (0){rest[0]} " + " ".join(pairs),
                f"0033 {rest[0]} " + " ".join(pairs),
                f"+33{rest}",
            ]
        )

    def phone_overseas(self) -> str:
        while True:
            prefix = self.rng.choice(["0690", "0694", "0696", "0692", "0693", "0639", "0590", "0594", "0596", "0262"])
            rest = self.digits(6)
            value = f"{prefix} {rest[:2]} {rest[2:4]} {rest[4:]}"
            if _valid_phone(value):
                return value

    def faker_iban_with_wrong_rib_key(self) -> str:
        """Faker's FR IBANs pass mod 97; the ~1% whose RIB key is right by chance are
        indistinguishable from real accounts, so they are not used as negatives."""
        while True:
            value = self.fake.iban()
            if not _rib_key_ok(value[4:]):
                return value

    def siren(self) -> str:
        return self.fake.siren()

    def siret(self) -> str:
        return self.fake.siret()

    def tva(self) -> str:
        return self.fake.company_vat()

    def nif(self) -> str:
        head = self.rng.choice("0123") + self.digits(9)
        value = head + f"{int(head) % 511:03d}"
        return f"{value[:2]} {value[2:4]} {value[4:7]} {value[7:10]} {value[10:]}"

    def card(self) -> str:
        prefix = self.rng.choice(["4970", "4978", "5131", "5412", "2221", "4000"])
        body = prefix + self.digits(11)
        number = body + luhn.calc_check_digit(body)
        return " ".join(number[i : i + 4] for i in range(0, 16, 4))

    def luhn_number(self, n: int) -> str:
        body = self.digits(n - 1)
        return body + luhn.calc_check_digit(body)


def build(corpus: Corpus, count: int) -> None:
    fake, rng = corpus.fake, corpus.rng
    # 1. CSV export: headers give context to every column.
    corpus.line("export/clients.csv", "nom,email,telephone,nir,iban,siret,siren,numero_fiscal,carte")
    for _ in range(count):
        cells = [fake.last_name(), fake.free_email(), corpus.phone(), corpus.nir(), corpus.iban_fr(),
                 corpus.siret(), corpus.siren().replace(" ", ""), corpus.nif().replace(" ", ""),
                 corpus.card().replace(" ", "")]  # fmt: skip
        corpus.line("export/clients.csv", ",".join(cells), "email", "fr-phone", "fr-nir", "iban", "fr-siret",
                    "fr-siren", "fr-nif", "payment-card")  # fmt: skip
    # 2. SQL dump: one statement per line, values quoted.
    for i in range(count):
        corpus.line(
            "db/dump.sql",
            f"INSERT INTO adherents (id, nom, mail, tel, iban) VALUES ({i}, '{fake.last_name()}', "
            f"'{fake.free_email()}', '{corpus.phone_overseas()}', '{corpus.iban_foreign()}');",
            "email", "fr-phone", "iban",
        )  # fmt: skip
    # 3. Prose without context words: only the strong spellings are expected.
    for _ in range(count):
        corpus.line("notes/compte-rendu.md", f"Rappeler {fake.name()} au {corpus.phone()} demain.", "fr-phone")
        corpus.line("notes/compte-rendu.md", f"Dossier de {fake.first_name()} : {corpus.nir()}.", "fr-nir")
        corpus.line("notes/compte-rendu.md", f"Facture de {fake.company()}, {corpus.tva()}.", "fr-tva")
        corpus.line("notes/compte-rendu.md", f"Paiement refusé pour {corpus.card()} hier.", "payment-card")
        corpus.line("notes/compte-rendu.md", f"Avis d'imposition {corpus.nif()} reçu.", "fr-nif")
    # 4. Near misses: none of these lines may be reported.
    # Each family in its own file, so that the context words of one trap (`nir=`, `tel`,
    # `carte`) do not lend context to the numbers of the next line.
    negatives: dict[str, Callable[[], str]] = {
        "nir-wrong-key": lambda: f"nir={corpus.nir_wrong_key()}",
        "faker-iban": lambda: f"iban={corpus.faker_iban_with_wrong_rib_key()}",  # test data
        "documented-iban": lambda: "iban FR1420041010050500013M02606",
        "timestamps": lambda: f"ts={rng.randrange(1_500_000_000_000, 1_800_000_000_000)} ms",
        "uuids": lambda: f"uuid={fake.uuid4()}",
        "sha1": lambda: f"sha1 {fake.sha1()}",
        "sha256": lambda: f"sha256 {fake.sha256()}",
        "dates": lambda: f"le {fake.date(pattern='%d.%m.%Y')} à {fake.time(pattern='%H:%M')}",
        "versions": lambda: f"version {rng.randrange(10)}.{rng.randrange(40)}.{rng.randrange(99)}",
        "amounts": lambda: f"total {rng.randrange(10**6)},{rng.randrange(100):02d} EUR",
        "order-ids": lambda: f"order_id=0{rng.choice('12345')}{corpus.digits(8)}",
        "luhn9": lambda: f"ref {corpus.luhn_number(9)}",
        "luhn14": lambda: f"id {corpus.luhn_number(14)}",
        "luhn16": lambda: f"id {corpus.luhn_number(16)}",
        "masked-cards": lambda: f"carte 4970 10XX XXXX {corpus.digits(4)}",
        "seeds": lambda: f"seed {rng.randrange(10**14, 10**15)}",
        "fiction-phone": lambda: f"tel 01 99 00 {corpus.digits(2)} {corpus.digits(2)}",
        "safe-emails": lambda: f"mail {fake.email()}",  # Faker safe e-mail: example.org/.com/.net
        "builds": lambda: f"build {corpus.digits(13)}",
    }
    for name, make in negatives.items():
        for _ in range(count):
            corpus.line(f"near-misses/{name}.log", make())


def run_scan(target: Path, *extra: str) -> tuple[dict, float]:
    command = [sys.executable, "-m", "sondier", "scan", ".", "--format", "json", "--rule", "pii", *extra]
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, check=False, cwd=target)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1):
        raise SystemExit(f"sondier failed ({result.returncode}): {result.stderr}")
    return json.loads(result.stdout), elapsed


def _locations(findings: list[dict]) -> list[Label]:
    """Every location behind the findings: an export (one finding for a file's rows) and a
    repeated value (one finding for its places) list theirs."""
    labels: list[Label] = []
    for f in findings:
        path = f["path"].removeprefix("./")
        if "export" in f:
            labels += [(f["rule_id"], path, line) for line, _ in f["export"]["locations"]]
        elif "repeated" in f:
            labels += [(f["rule_id"], p.removeprefix("./"), line) for p, line, _ in f["repeated"]["locations"]]
        else:
            labels.append((f["rule_id"], path, f["line"]))
    return labels


def score(corpus: Corpus, report: dict) -> None:
    # A company's VAT number in an invoice line is a legal person's: found, with the `business`
    # verdict (annotated, not failing). It counts as found for the business rules.
    business = [f for f in report.get("annotated", []) if f.get("verdict") == "business"]
    found: Counter[Label] = Counter(_locations(report["findings"]) + _locations(business))
    print(f"{'rule':14s} {'planted':>7s} {'TP':>5s} {'FP':>5s} {'FN':>5s} {'precision':>9s} {'recall':>7s}")
    for rule in RULES:
        planted = Counter({k: v for k, v in corpus.labels.items() if k[0] == rule})
        got = Counter({k: v for k, v in found.items() if k[0] == rule})
        tp = sum((planted & got).values())
        fp = sum((got - planted).values())
        fn = sum((planted - got).values())
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        print(f"{rule:14s} {sum(planted.values()):7d} {tp:5d} {fp:5d} {fn:5d} {precision:9.3f} {recall:7.3f}")


def stdlib_false_positives(stdlib: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "stdlib"
        shutil.copytree(stdlib, copy, ignore=shutil.ignore_patterns("site-packages", "__pycache__"), symlinks=True)
        files = sum(1 for p in copy.rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in copy.rglob("*") if p.is_file())
        report, elapsed = run_scan(copy)
        everything, _ = run_scan(copy, "--min-confidence", "0")
    by_rule = Counter(f["rule_id"] for f in report["findings"])
    hidden = Counter(f["rule_id"] for f in everything["findings"]) - by_rule
    print(f"\nstandard library: {files} files, {size / 1e6:.0f} MB, `sondier scan --rule pii` took {elapsed:.1f} s")
    print(f"{'rule':14s} {'reported':>8s} {'hidden (test data / below threshold)':>38s}")
    for rule in RULES:
        print(f"{rule:14s} {by_rule[rule]:8d} {hidden[rule]:38d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100, help="rows per file family")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stdlib", type=Path, default=Path(sysconfig.get_paths()["stdlib"]))
    parser.add_argument("--no-stdlib", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Corpus(Path(tmp), args.seed)
        build(corpus, args.count)
        corpus.write()
        report, elapsed = run_scan(Path(tmp))
        print(f"labelled corpus: {sum(corpus.labels.values())} planted values, scan {elapsed:.1f} s")
        score(corpus, report)
    if not args.no_stdlib:
        stdlib_false_positives(args.stdlib)


if __name__ == "__main__":
    # `python benchmarks/pii_accuracy.py` from a checkout: make `sondier` importable.
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    main()
