"""The person behind a record: tables of people confirmed by INSEE name lists, real birth dates and
La Poste's postcodes; art. 9 columns beside them. Real files, the real command."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import run_sondier
from faker import Faker
from hypothesis import given as hypothesis_given
from hypothesis import settings
from hypothesis import strategies as st

from sondier import people
from sondier.chunks import Chunk
from tests.gitrepo import nir


def _table(text: str) -> people.PersonTable | None:
    return people.analyze_table(Chunk(text, "people.csv"))


def test_shipped_lists_are_loaded_with_their_source_headers_skipped() -> None:
    assert "camille" in people.given_names() and "martin" in people.surnames()
    assert not any(name.startswith("#") for name in people.given_names())
    assert people.town_matches("69003", "Lyon") and people.town_matches("13001", "MARSEILLE")
    assert not people.town_matches("69003", "Marseille")


@pytest.mark.parametrize("value", ["12/03/1984", "1990-07-21", "01.01.1900", "29/02/2000", "19840312"])
def test_birth_dates(value: str) -> None:
    assert people.is_birth_date(value, today=dt.date(2026, 1, 1))


@pytest.mark.parametrize("value", ["31/02/1984", "12/03/1850", "12/03/2030", "1984", "v1.2.3", "29/02/2001",
                                   "19840231", "21840312", "1984031"])
def test_not_birth_dates(value: str) -> None:
    assert not people.is_birth_date(value, today=dt.date(2026, 1, 1))


def test_postcodes_must_exist() -> None:
    assert people.is_postcode("75011") and people.is_postcode("20000")
    assert not people.is_postcode("00000") and not people.is_postcode("99999") and not people.is_postcode("7501")


def test_faker_people_table_names_its_columns_and_rows() -> None:
    fake = Faker("fr_FR")
    fake.seed_instance(15)
    rows = [f"{fake.last_name()},{fake.first_name()},{fake.date_of_birth().strftime('%d/%m/%Y')}" for _ in range(40)]
    table = _table("nom,prenom,date_naissance\n" + "\n".join(rows))
    assert table is not None and table.rows == 40
    assert table.columns == {"nom": "surname", "prenom": "given-name", "date_naissance": "birth-date"}


def test_product_names_in_a_nom_column_are_not_people() -> None:
    assert _table("nom,prix\nChaise,12\nLampe,9\nBureau,150") is None
    assert _table("nom,prenom\nChaise pliante,Table basse\nLampe LED,Tabouret") is None


def test_postcode_with_the_wrong_town_does_not_confirm_an_address() -> None:
    header = "prenom,adresse,code_postal,ville\n"
    good = _table(header + "Julie,12 rue des Lilas,69003,Lyon\nHugo,3 avenue Foch,33000,Bordeaux")
    assert good is not None and set(good.columns.values()) == {"given-name", "address", "postcode", "town"}
    # The street line beside a postcode and a town that do not match is no postal address either.
    wrong = _table("nom," + header + "Durand,Julie,12 rue des Lilas,69003,Bordeaux\n"
                   "Martin,Hugo,3 avenue Foch,33000,Lyon")
    assert wrong is not None and wrong.columns == {"nom": "surname", "prenom": "given-name"}
    assert _table(header + "Julie,12 rue des Lilas,69003,Bordeaux\nHugo,3 avenue Foch,33000,Lyon") is None


def test_postcodes_that_do_not_exist_confirm_no_address() -> None:
    text = ("nom,prenom,adresse,code_postal,ville\nDurand,Julie,12 rue des Lilas,00123,Lyon\n"
            "Martin,Hugo,3 avenue Foch,96000,Rennes")
    table = _table(text)
    assert table is not None and table.columns == {"nom": "surname", "prenom": "given-name"}
    # Without a town column, an existing postcode still confirms the street beside it.
    table = _table("prenom,adresse,code_postal\nJulie,12 rue des Lilas,69003\nHugo,3 avenue Foch,33000")
    assert table is not None and set(table.columns) == {"prenom", "adresse", "code_postal"}


def test_postcode_and_town_without_a_street_are_no_address() -> None:
    # A district, not anyone's door (issue 15 §3): the names are reported, the pair is not named.
    rows = "Durand,Julie,69003,Lyon\nMartin,Hugo,33000,Bordeaux\nPetit,Emma,75011,Paris\n"
    table = _table("nom,prenom,code_postal,ville\n" + rows)
    assert table is not None and set(table.columns) == {"nom", "prenom"}
    alone = _table("nom,prenom,ville\nDurand,Julie,Lyon\nMartin,Hugo,Bordeaux\nPetit,Emma,Paris\n")
    assert alone is not None and set(alone.columns) == {"nom", "prenom"}
    # The same pair beside a street line is a postal address.
    streets = ["12 rue des Lilas", "3 avenue Foch", "8 boulevard Voltaire"]
    with_street = "".join(f"{street},{row}\n" for street, row in zip(streets, rows.splitlines(), strict=True))
    table = _table("adresse,nom,prenom,code_postal,ville\n" + with_street)
    assert table is not None and set(table.columns) == {"adresse", "nom", "prenom", "code_postal", "ville"}


@pytest.mark.parametrize("value", ["12 rue des Lilas", "12, rue des Lilas", "3bis avenue Foch",
                                   "Bât. A, 4 allée des Pins", "Lieu-dit Les Granges", "rue de la Paix"])
def test_street_lines(value: str) -> None:
    assert people.is_street(value)


@pytest.mark.parametrize("value", ["69003 Lyon", "80120 Rue", "LYON CEDEX", "Lyon", "camille.durand@example.fr",
                                   "12 rue@example.org"])
def test_not_street_lines(value: str) -> None:
    assert not people.is_street(value)


def test_an_address_without_a_person_is_not_a_person() -> None:
    assert _table("adresse,code_postal,ville\n12 rue des Lilas,69003,Lyon\n3 avenue Foch,33000,Bordeaux") is None


def test_art9_column_beside_people_and_empty_or_negative_values() -> None:
    table = _table("nom,prenom,religion\nDurand,Camille,catholique")
    assert table is not None and table.sensitive == {"religion": "religion"}
    table = _table("nom,prenom,handicap\nDurand,Camille,non\nMartin,Lucas,")
    assert table is not None and table.sensitive == {}


def test_cli_reports_one_record_finding_without_values(tmp_path: Path) -> None:
    fake = Faker("fr_FR")
    fake.seed_instance(9)
    people_rows = [(fake.last_name(), fake.first_name(), fake.date_of_birth().isoformat()) for _ in range(25)]
    body = "\n".join(f"{n};{p};{d};E11.9" for n, p, d in people_rows)
    (tmp_path / "export.csv").write_text("nom;prenom;date_de_naissance;code_cim10\n" + body + "\n")
    result = run_sondier(["scan", str(tmp_path), "--format", "json", "--rule", "person-record",
                          "--rule", "sensitive-record"])
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    [finding] = report["findings"]
    assert finding["rule_id"] == "sensitive-record" and finding["severity"] == "critical"
    assert (finding["line"], finding["column"]) == (2, 1)
    assert "25 rows" in finding["reasons"]
    assert any("code_cim10 (health)" in reason for reason in finding["reasons"])
    for surname, given, _ in people_rows:
        assert surname not in result.stdout and given not in result.stdout


def test_a_long_export_split_in_chunks_keeps_its_header(tmp_path: Path) -> None:
    fake = Faker("fr_FR")
    fake.seed_instance(3)
    rows = "\n".join(f"{fake.last_name()},{fake.first_name()},{fake.postcode()}" for _ in range(30000))
    (tmp_path / "big.csv").write_text("nom,prenom,code_postal\n" + rows + "\n")
    result = run_sondier(["scan", str(tmp_path), "--format", "json", "--rule", "person-record"])
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    assert findings and all(f["rule_id"] == "person-record" for f in findings)


def test_text_that_is_not_a_table_is_left_alone() -> None:
    assert _table('nom,prenom\n"' + "x" * 200_000 + '",Camille') is None
    assert _table("nom,prenom,date_naissance") is None  # a header alone
    assert _table("just a sentence, with a comma\nand another") is None


def test_explicit_surname_column_is_confirmed_by_shape_beside_confirmed_given_names() -> None:
    text = "last_name,first_name\nKowalczyk,Anna\nMüller-Schmidt,Thomas\nO'Brien,Julie"
    table = _table(text)
    assert table is not None and table.columns["last_name"] == "surname"
    # A bare `nom` column needs the list: unknown words beside given names stay unconfirmed.
    table = _table("nom,prenom,date_naissance\nXyzzor,Anna,12/03/1984\nQwpla,Julie,01/02/1990")
    assert table is not None and "nom" not in table.columns


def _records_tables(text: str, path: str) -> list[people.PersonTable]:
    from sondier.records import Records

    return people.analyze_records(Records(Chunk(text, path)))


def test_json_objects_with_the_same_keys_form_one_table() -> None:
    text = ('[\n  {"nom": "Durand", "prenom": "Camille", "date_naissance": "1984-03-12"},\n'
            '  {"nom": "Martin", "prenom": "Lucas", "date_naissance": "1990-07-21"}\n]\n')
    [table] = _records_tables(text, "users.json")
    assert table.rows == 2 and set(table.columns) == {"nom", "prenom", "date_naissance"}


def test_sql_tuples_and_their_column_list() -> None:
    text = ("INSERT INTO patients (nom, prenom, diagnostic) VALUES ('Durand','Camille','asthme'),"
            " ('Martin','Lucas','diabète');\n")
    [table] = _records_tables(text, "dump.sql")
    assert table.rows == 2 and table.sensitive == {"diagnostic": "health"}


def test_yaml_list_of_people_as_yaml_safe_dump_writes_it() -> None:
    text = ("personnes:\n- nom: Durand\n  prenom: Camille\n  date_naissance: '1984-03-12'\n"
            "- nom: Martin\n  prenom: Lucas\n  date_naissance: '1990-07-21'\n")
    [table] = _records_tables(text, "people.yaml")
    assert table.rows == 2
    assert table.columns == {"nom": "surname", "prenom": "given-name", "date_naissance": "birth-date"}


_VCARDS = ("BEGIN:VCARD\nVERSION:3.0\nN:Durand;Camille;;;\nFN:Camille Durand\nBDAY:19840312\n"
           "ADR;TYPE=home:;;12 rue des Lilas;Lyon;;69003;France\nEND:VCARD\n"
           "BEGIN:VCARD\nVERSION:3.0\nN:Martin;Lucas;;;\nFN:Lucas Martin\nBDAY:1990-07-21\n"
           "ADR;TYPE=home:;;3 avenue Foch;Bordeaux;;33000;France\nEND:VCARD\n")


def test_vcards_name_their_properties_read_component_by_component() -> None:
    [table] = _records_tables(_VCARDS, "contacts.vcf")
    assert table.rows == 2
    assert table.columns == {"n": "full-name", "fn": "full-name", "bday": "birth-date", "adr": "address"}


@pytest.mark.parametrize(("old", "new"), [("69003;France", "13001;France"), ("69003;France", "00123;France"),
                                          (";;12 rue des Lilas;", ";;;"), ("BDAY:19840312", "BDAY:19840231")])
def test_vcard_near_misses_drop_the_property(old: str, new: str) -> None:
    """The wrong town for the postcode, a postcode that does not exist, no street line, 31 Feb."""
    text = _VCARDS.replace(old, new).replace("3 avenue Foch;Bordeaux;;33000", "3 avenue Foch;Marseille;;69003")
    text = text.replace("BDAY:1990-07-21", "BDAY:19900231") if "BDAY" in new else text
    [table] = _records_tables(text, "contacts.vcf")
    assert {"n", "fn"} <= set(table.columns)
    assert ("bday" if "BDAY" in new else "adr") not in table.columns


def test_vcard_of_products_is_no_person() -> None:
    text = "BEGIN:VCARD\nVERSION:3.0\nN:Chaise pliante;;;;\nFN:Chaise pliante\nEND:VCARD\n"
    assert _records_tables(text, "catalogue.vcf") == []


def test_ldif_person_entries_sn_cn_and_locality() -> None:
    entry = ("dn: uid={uid},ou=people,dc=example,dc=fr\nobjectClass: inetOrgPerson\ncn: {given} {sn}\nsn: {sn}\n"
             "givenName: {given}\nstreet: {street}\npostalCode: {code}\nl: {town}\n")
    text = "version: 1\n\n" + "\n".join([
        entry.format(uid="a", given="Camille", sn="Durand", street="12 rue des Lilas", code="69003", town="Lyon"),
        entry.format(uid="b", given="Lucas", sn="Martin", street="3 avenue Foch", code="33000", town="Bordeaux")])
    [table] = _records_tables(text, "people.ldif")
    assert table.columns == {"cn": "full-name", "sn": "surname", "givenName": "given-name", "street": "address",
                             "postalCode": "postcode", "l": "town"}
    wrong = text.replace("l: Lyon", "l: Brest").replace("l: Bordeaux", "l: Lille")
    [table] = _records_tables(wrong, "people.ldif")
    assert set(table.columns) == {"cn", "sn", "givenName"}


@pytest.mark.parametrize("town", ["Saint-Cyr-sur-le-Rhône", "Saint-Remy-en-Bouzemont-Saint-Genest-et-Isson",
                                  "BAUME-D HOSTUN (LA)", "AIGUILLON-LA-PRESQU'ILE (L')", "Lyon"])
def test_long_commune_names_are_towns(town: str) -> None:
    assert people.is_town(town)
    assert not people.is_town("12 rue des Lilas") and not people.is_town("lyon@example.fr")


def test_a_table_with_a_long_commune_name_keeps_its_address() -> None:
    """One commune in three with five parts (`Saint-Cyr-sur-le-Rhône`) failed the town check:
    a table of three rows lost its town column (two towns in three is below MIN_CONFIRMED)."""
    table = _table("nom,prenom,adresse,code_postal,ville\nDurand,Julie,12 rue des Lilas,69560,Saint-Cyr-sur-le-Rhône\n"
                   "Martin,Hugo,3 avenue Foch,33000,Bordeaux\nPetit,Léa,5 rue Nationale,90100,Croix")
    assert table is not None and {"adresse", "code_postal", "ville"} <= set(table.columns)


def test_full_names_either_way_round() -> None:
    assert people.is_full_name("Camille Durand") and people.is_full_name("DURAND Camille")
    assert people.is_full_name("Jean-Pierre Le Goff")
    assert not people.is_full_name("Durand") and not people.is_full_name("Chaise pliante")


def test_json_products_are_not_people() -> None:
    text = '[{"nom": "Chaise", "prix": 12}, {"nom": "Lampe", "prix": 9}]'
    assert _records_tables(text, "products.json") == []


def test_cli_on_a_json_fixture_reports_one_finding(tmp_path: Path) -> None:
    fake = Faker("fr_FR")
    fake.seed_instance(4)
    users = [{"last_name": fake.last_name(), "first_name": fake.first_name(),
              "birth_date": fake.date_of_birth().isoformat()} for _ in range(12)]
    (tmp_path / "users.json").write_text(json.dumps(users, indent=2))
    result = run_sondier(["scan", str(tmp_path), "--format", "json", "--rule", "person-record"])
    assert result.returncode == 1, result.stderr
    [finding] = json.loads(result.stdout)["findings"]
    assert "12 rows" in finding["reasons"]
    assert all(u["last_name"] not in result.stdout for u in users)


def _scan_rules(root: Path) -> list[dict[str, object]]:
    result = run_sondier(["scan", str(root), "--format", "json", "--rule", "pii", "--rule", "person-record",
                          "--rule", "sensitive-record", "--no-group-repeats"])  # files share NIRs on purpose
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)["findings"]


def _by_file(findings: list[dict[str, object]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for finding in findings:
        grouped.setdefault(str(finding["path"]).rsplit("/", 1)[-1], []).append(str(finding["rule_id"]))
    return {path: sorted(rules) for path, rules in grouped.items()}


def test_a_table_of_nirs_alone_is_left_to_fr_nir_but_named_people_with_nirs_are_a_record(tmp_path: Path) -> None:
    fake = Faker("fr_FR")
    fake.seed_instance(21)
    nirs = [nir(seed) for seed in range(12)]
    (tmp_path / "nirs.csv").write_text("nir\n" + "".join(f"{n}\n" for n in nirs[:3]))
    # `nom` alone is a surname only beside given names: here it holds service names, confirmed by nothing.
    (tmp_path / "services.csv").write_text("nom,nir\n" + "".join(
        f"{service},{n}\n" for service, n in zip(["Accueil", "Urgences", "Radiologie"], nirs[3:6], strict=True)))
    (tmp_path / "export.csv").write_text("nir\n" + "".join(f"{n}\n" for n in nirs))  # an fr-nir export
    (tmp_path / "customers.json").write_text(json.dumps([{"numSecu": n, "actif": True} for n in nirs[:4]]))
    (tmp_path / "patients.csv").write_text("nom,prenom,nir\n" + "".join(
        f"{fake.last_name()},{fake.first_name()},{n}\n" for n in nirs[6:9]))
    (tmp_path / "prenoms.csv").write_text("prenom,nir\n" + "".join(f"{fake.first_name()},{n}\n" for n in nirs[9:12]))
    (tmp_path / "sejours.csv").write_text("nir,diagnostic\n" + "".join(f"{n},asthme\n" for n in nirs[:2]))
    assert _by_file(_scan_rules(tmp_path)) == {
        "nirs.csv": ["fr-nir"] * 3,
        "services.csv": ["fr-nir"] * 3,
        "export.csv": ["fr-nir"],  # one export finding for the twelve values
        "customers.json": ["fr-nir"] * 4,
        "patients.csv": ["fr-nir"] * 3 + ["person-record"],
        "prenoms.csv": ["fr-nir"] * 3 + ["person-record"],
        # fr-nir does not say the NIRs sit beside a diagnosis: the art. 9 record does.
        "sejours.csv": ["fr-nir"] * 2 + ["sensitive-record"],
    }


def test_nir_only_table_identifies_but_does_not_describe() -> None:
    table = _table("id,nir\n" + "\n".join(f"{seed},{nir(seed)}" for seed in range(3)))
    assert table is not None and table.identifies and not table.describes
    table = _table("prenom,nir\n" + "\n".join(f"Camille,{nir(seed)}" for seed in range(3)))
    assert table is not None and table.describes


def _tables(root: Path) -> list[tuple[str, str, str]]:
    result = run_sondier(["scan", str(root), "--format", "json", "--rule", "pii"])
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    return sorted((str(f["path"]).rsplit("/", 1)[-1], str(f["rule_id"]), str(f["verdict"]))
                  for f in report["findings"] + report["annotated"] if f["rule_id"] == "person-record")


def test_a_table_of_made_up_people_is_test_data_but_one_real_row_keeps_it_personal(tmp_path: Path) -> None:
    fake = Faker("fr_FR")
    fake.seed_instance(31)
    people_rows = [(fake.last_name(), fake.first_name(), fake.date_of_birth().isoformat()) for _ in range(6)]
    header = "nom,prenom,date_naissance,email\n"
    (tmp_path / "reserved.csv").write_text(header + "".join(
        f"{n},{p},{d},{fake.user_name()}@example.org\n" for n, p, d in people_rows))
    (tmp_path / "real.csv").write_text(header + "".join(
        f"{n},{p},{d},{fake.user_name()}@orange.fr\n" for n, p, d in people_rows))
    # Rows that say what they are: a TEST cell, a fictional surname.
    (tmp_path / "said.csv").write_text("nom;prenom;date_naissance;commune\nDUPNEU;Bob;15/11/1993;TEST\n"
                                       "DOE;John;02/02/1986;Lyon\n")
    mixed = [*people_rows[:3], ("Doe", "John", "1986-02-02")]
    (tmp_path / "mixed.csv").write_text(header + "".join(
        f"{n},{p},{d},{fake.user_name()}@{'example.org' if i else 'orange.fr'}\n"
        for i, (n, p, d) in enumerate(mixed)))
    api = {"paths": {"/users": {"get": {"responses": {"200": {"content": {"application/json": {"examples": {
        "example": {"value": {"users": [{"first_name": p, "last_name": n, "birth_date": d}
                                        for n, p, d in people_rows]}}}}}}}}}}}
    (tmp_path / "openapi.json").write_text(json.dumps(api, indent=2))
    assert _tables(tmp_path) == [
        ("mixed.csv", "person-record", "personal"),  # its first row's address is a real provider's
        ("openapi.json", "person-record", "test-data"),  # an OpenAPI example is documentation
        ("real.csv", "person-record", "personal"),
        ("reserved.csv", "person-record", "test-data"),
        ("said.csv", "person-record", "test-data"),
    ]


@pytest.mark.parametrize(("row", "made_up"), [
    (["Durand", "Camille", "TEST"], True),
    (["Doe", "John", "Lyon"], True),
    (["${LAST}", "Camille", "Lyon"], True),
    (["Durand", "Camille", "Lyon"], False),
    (["Durand", "Camille", "inconnu"], False),  # a status a real table may hold
])
def test_placeholder_rows(row: list[str], made_up: bool) -> None:
    assert people.placeholder_row(row, [0, 1]) is made_up


_KEY_ALPHABET = "nomNOMprénéPRÉfistlaguvyzdbhkcNIRS_:\n -İ"


@settings(max_examples=400, deadline=None)
@hypothesis_given(st.text(alphabet=_KEY_ALPHABET, max_size=40))
def test_fast_person_key_test_answers_as_the_reference_pattern(text: str) -> None:
    assert people.mentions_person_key(text) == (people._PERSON_KEY.search(text) is not None)


@pytest.mark.parametrize("text", [
    "prénom;nom\n", "Nom: x", "a_nom", "anom", "dob", "dobs", "x.dob=1", "nir", "nir2", "n: Doe", "\nsn: Doe",
    "xn: Doe", "FirstName", "first name", "Adresse", "ADDRESS", "zip-code", "zip_code", "NumSecu", "İnom",
])
def test_fast_person_key_test_on_edge_cases(text: str) -> None:
    assert people.mentions_person_key(text) == (people._PERSON_KEY.search(text) is not None)


def test_fast_person_key_test_on_real_source_files() -> None:
    sources = sorted(Path(people.__file__).resolve().parent.rglob("*.py"))  # code full of `name` keys
    assert sources
    for path in sources:
        text = path.read_text(encoding="utf-8", errors="replace")
        assert people.mentions_person_key(text) == (people._PERSON_KEY.search(text) is not None), path
