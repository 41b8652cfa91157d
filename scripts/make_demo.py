"""Generate the demo/ folder: realistic files holding fake but checksum-valid personal data.

Deterministic (seeded Faker fr_FR + computed checksums), so the committed files and
demo/EXPECTED.json only change when this script does. Every planted value is recorded in
EXPECTED.json as (rule_id, path, line); tests/test_demo.py checks that `sondier scan demo/`
finds exactly those. Documented example values (test data, hidden by default) and look-alikes
that must not be reported (dates, timestamps, order ids, hashes) are planted too.

    python scripts/make_demo.py            # rewrites demo/
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass, field
from pathlib import Path

from faker import Faker
from stdnum import iban as stdnum_iban
from stdnum import luhn
from stdnum.fr import siren as stdnum_siren

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sondier.validators import iban as iban_validator  # noqa: E402
from sondier.validators import nir as nir_validator  # noqa: E402
from sondier.validators import phone as phone_validator  # noqa: E402

SEED = 20240612
DEMO = ROOT / "demo"


@dataclass
class Planted:
    """The lines of one demo file and the findings they must produce."""

    path: str
    lines: list[str] = field(default_factory=list)
    expected: list[dict[str, object]] = field(default_factory=list)

    def add(self, line: str, *rule_ids: str) -> None:
        self.lines.append(line)
        for rule_id in rule_ids:
            self.expected.append({"rule_id": rule_id, "path": self.path, "line": len(self.lines)})


class Generator:
    def __init__(self, seed: int = SEED) -> None:
        self.fake = Faker("fr_FR")
        self.fake.seed_instance(seed)
        self.rng = random.Random(seed)

    def nir(self) -> str:
        while True:
            value = self.fake.ssn()
            verdict = nir_validator.validate(value)
            if verdict.ok and not verdict.weak and not verdict.test_data:
                return value

    def spaced_nir(self) -> str:
        n = self.nir()
        return f"{n[0]} {n[1:3]} {n[3:5]} {n[5:7]} {n[7:10]} {n[10:13]} {n[13:]}"

    def iban_fr(self) -> str:
        """A French IBAN with a correct RIB key (Faker's have a random one)."""
        bank = f"{self.rng.choice([30004, 30003, 10278, 20041, 17515, 18206, 30002]):05d}"
        branch = f"{self.rng.randrange(1, 99999):05d}"
        account = f"{self.rng.randrange(10**9, 10**11):011d}"
        key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
        bban = f"{bank}{branch}{account}{key:02d}"
        number = "FR" + stdnum_iban.calc_check_digits("FR00" + bban) + bban
        assert iban_validator.validate(number).ok and not iban_validator.validate(number).test_data
        return number

    def iban_fr_spaced(self) -> str:
        return stdnum_iban.format(self.iban_fr())

    def mobile(self, style: int) -> str:
        while True:
            digits = self.rng.choice("67") + "".join(self.rng.choice("0123456789") for _ in range(8))
            pairs = [digits[1:3], digits[3:5], digits[5:7], digits[7:9]]
            spelled = [
                f"0{digits[0]} " + " ".join(pairs),
                f"0{digits[0]}." + ".".join(pairs),
                f"+33 {digits[0]} " + " ".join(pairs),
                f"0{digits}",
                f"+33{digits}",
                f"+33 (0){digits[0]} " + " ".join(pairs),
            ][style % 6]
            verdict = phone_validator.validate(spelled)
            if verdict.ok and not verdict.test_data and not verdict.weak:
                return spelled

    def email(self) -> str:
        return self.fake.free_email()

    def card(self) -> str:
        body = "4970" + "".join(self.rng.choice("0123456789") for _ in range(11))
        return body + luhn.calc_check_digit(body)

    def siret(self) -> str:
        siren = self.fake.siren().replace(" ", "")
        assert stdnum_siren.is_valid(siren)
        nic = f"{self.rng.randrange(1, 99):04d}"
        body = siren + nic
        full = body + luhn.calc_check_digit(body)
        return f"{full[:3]} {full[3:6]} {full[6:9]} {full[9:]}"


def users_csv(gen: Generator) -> Planted:
    out = Planted("users.csv")
    out.add("id,nom,prenom,email,telephone,nir,iban,inscrit_le")
    for i in range(1, 9):
        last, first = gen.fake.last_name(), gen.fake.first_name()
        date = gen.fake.date_between("-3y", "today").strftime("%d.%m.%Y")
        out.add(
            f"{i},{last},{first},{gen.email()},{gen.mobile(i)},{gen.nir()},{gen.iban_fr()},{date}",
            "email",
            "fr-phone",
            "fr-nir",
            "iban",
            *(["person-record"] if i == 1 else []),  # the table of named people, on its first row
        )
    return out


def seed_sql(gen: Generator) -> Planted:
    out = Planted("db/seed.sql")
    out.add("-- Données de recette copiées depuis la production (à ne pas faire !)")
    out.add("CREATE TABLE clients (id INT, nom TEXT, email TEXT, telephone TEXT, nir TEXT, siret TEXT);")
    for i in range(1, 6):
        name = gen.fake.name().replace("'", "''")
        out.add(
            f"INSERT INTO clients VALUES ({i}, '{name}', '{gen.email()}', '{gen.mobile(i + 2)}', "
            f"'{gen.spaced_nir()}', '{gen.siret()}');",
            "email",
            "fr-phone",
            "fr-nir",
            "fr-siret",
        )
    out.add("-- Exemple de la documentation SWIFT (donnée de test, masquée par défaut)")
    out.add("INSERT INTO comptes VALUES (1, 'FR14 2004 1010 0505 0001 3M02 606');")
    out.add("INSERT INTO commandes VALUES (1712345678901, '2024-03-12', 'a3f1c9e0b7d2', 1999.99);")
    return out


def fixtures_json(gen: Generator) -> Planted:
    # No person-record here: the objects name nobody (no name, birth date or address); their only
    # column people.py knows is the NIR, which fr-nir reports value by value.
    out = Planted("fixtures/customers.json")
    out.add("[")
    for i in range(1, 5):
        last = "," if i < 4 else ""
        out.add("  {")
        out.add(f'    "id": "{gen.fake.uuid4()}",')
        out.add(f'    "email": "{gen.email()}",', "email")
        out.add(f'    "phone": "{gen.mobile(i)}",', "fr-phone")
        out.add(f'    "numSecu": "{gen.nir()}",', "fr-nir")
        out.add(f'    "iban": "{gen.iban_fr_spaced()}",', "iban")
        out.add(f'    "card_number": "{gen.card()}",', "payment-card")
        out.add('    "card_masked": "4970 10XX XXXX 7890",')
        out.add(f'    "created_at": "{gen.fake.iso8601()}"')
        out.add("  }" + last)
    out.add("]")
    return out


def app_log(gen: Generator) -> Planted:
    out = Planted("logs/app.log")
    for i in range(12):
        stamp = f"2024-03-12T10:{i * 4:02d}:{(i * 7) % 60:02d}.{gen.rng.randrange(1000):03d}Z"
        request = gen.fake.hexify("^" * 32)
        # Look-alikes (zero-padded id, amount, millisecond timestamp, version) sit two lines
        # away from the phone numbers, out of reach of the "sms" context word.
        if i % 4 == 0:
            out.add(f"{stamp} INFO  sms.sent to={gen.mobile(i)} request_id={request}", "fr-phone")
        elif i % 4 == 1:
            out.add(f"{stamp} WARN  login.failed user={gen.email()} attempts=3", "email")
        elif i % 4 == 2:
            out.add(f"{stamp} DEBUG order.created id=0476234518 total=1234.56 ts=1712345678901 v=06.12.34")
        else:
            out.add(f"{stamp} INFO  healthcheck status=ok latency_ms={gen.rng.randrange(5, 90)} build=2024.03.12")
    out.add("2024-03-12T11:00:00.000Z INFO  support callback 01 99 00 12 34 (ARCEP fiction number)")
    return out


README = """# Demo data for `sondier scan demo/`

Every value here is fake: generated by scripts/make_demo.py (Faker fr_FR, seeded, with computed
checksums), not copied from anyone. EXPECTED.json lists each planted finding (rule, file, line);
tests/test_demo.py checks that sondier reports exactly those. Look-alikes that must stay silent
(dates, timestamps, order ids, masked card numbers, documentation examples) are planted too.
"""


def write(planted: list[Planted]) -> None:
    (DEMO / "README.md").write_text(README, encoding="utf-8")
    expected: list[dict[str, object]] = []
    for item in planted:
        target = DEMO / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("\n".join(item.lines) + "\n", encoding="utf-8")
        expected.extend(item.expected)
    expected.sort(key=lambda e: (str(e["path"]), int(str(e["line"])), str(e["rule_id"])))
    (DEMO / "EXPECTED.json").write_text(json.dumps(expected, indent=1) + "\n", encoding="utf-8")


def main() -> None:
    gen = Generator()
    write([users_csv(gen), seed_sql(gen), fixtures_json(gen), app_log(gen)])
    print(f"demo written to {DEMO}")


if __name__ == "__main__":
    main()
