"""Records: the row, tuple, object, mapping, entry or card holding a value, and the column or key
naming it; carried across the chunks of a streamed file; used as context and as evidence."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from stdnum import luhn

from sondier.chunks import Chunk
from sondier.detection import Detector
from sondier.findings import Finding
from sondier.records import COPY, CSV, JSON, LDIF, SQL, VCARD, YAML, Record, Records, open_sql_header
from sondier.rules import load_rules
from sondier.sources import files
from sondier.sources.files import FileTask, read_chunks, read_handle

NIR_BODY = "2850375112345"  # woman, born March 1985 in Paris (75112), order 345: generated
NIR = NIR_BODY + f"{97 - int(NIR_BODY) % 97:02d}"
MOBILE = "0623456718"  # the fr-phone rule's own documented example
SIREN = "82316534" + luhn.calc_check_digit("82316534")  # 823165345, the rule's documented example


def record_at(text: str, path: str, needle: str, occurrence: int = 0) -> tuple[Records, Record]:
    records = Records(Chunk(text, path))
    offset = -1
    for _ in range(occurrence + 1):
        offset = text.index(needle, offset + 1)
    record = records.at(offset)
    assert record is not None
    return records, record


def named_fields(records: Records, record: Record) -> dict[str | None, str]:
    text = records.chunk.text
    return {f.name: text[f.start : f.end] for f in records.fields(record)}


def detect(text: str, path: str, rule_ids: set[str] | None = None) -> list[Finding]:
    rules = [r for r in load_rules() if rule_ids is None or r.id in rule_ids]
    return Detector(rules, fingerprints=False).detect(Chunk(text, path)).findings


def test_csv_header_names_the_column_of_quoted_fields_holding_the_delimiter() -> None:
    text = f'nom,adresse,telephone\n"Dupont, Jean","1, rue de la Paix\n75002 Paris",{MOBILE}\nMartin,Lyon,x\n'
    records, record = record_at(text, "clients.csv", MOBILE)
    assert (record.kind, record.key) == (CSV, "telephone")
    assert named_fields(records, record) == {"nom": "Dupont, Jean", "adresse": "1, rue de la Paix\n75002 Paris",
                                             "telephone": MOBILE}
    assert records.record_id(record) == "clients.csv:2:1"  # the quoted newline stays inside the row
    _, last = record_at(text, "clients.csv", "Lyon")
    assert (last.key, records.record_id(last)) == ("adresse", "clients.csv:4:1")


def test_the_header_itself_is_no_record() -> None:
    assert Records(Chunk("telephone;nom\n", "a.csv")).at(2) is None


def test_tsv() -> None:
    text = f"id\tnom\tportable\n1\tDurand\t{MOBILE}\n"
    records, record = record_at(text, "export.tsv", MOBILE)
    assert (record.kind, record.key) == (CSV, "portable")
    assert named_fields(records, record)["nom"] == "Durand"


def test_a_code_file_is_not_read_as_a_table() -> None:
    text = f"import os, sys\nphone = call(a, '{MOBILE}')\n"
    assert Records(Chunk(text, "app.py")).at(text.index(MOBILE)) is None


def test_sql_multi_row_insert_with_the_header_fifty_lines_above() -> None:
    rows = [f"({i}, 'Nom{i}', '06234567{i:02d}', 'n{i}@example.org')" for i in range(60)]
    text = "-- dump\nINSERT INTO public.usagers (id, nom, telephone, email) VALUES\n" + ",\n".join(rows) + ";\n"
    records, record = record_at(text, "dump.sql", "0623456752")
    assert (record.kind, record.key) == (SQL, "telephone")
    assert records.record_id(record) == "dump.sql:55:1"
    assert named_fields(records, record) == {"id": "52", "nom": "Nom52", "telephone": "0623456752",
                                             "email": "n52@example.org"}
    _, email = record_at(text, "dump.sql", "n52@")
    assert email.key == "email" and email.start == record.start


def test_sql_tuples_on_one_line_are_separate_records_and_strings_hold_commas() -> None:
    text = "INSERT INTO `t` (`a`, `b`) VALUES ('x, (y)', 'it''s'),(NOW(), 'z');\nSELECT 'q';\n"
    records, first = record_at(text, "d.sql", "it''s")
    _, second = record_at(text, "d.sql", "'z'")
    assert (first.key, second.key) == ("b", "b")
    assert records.record_id(first) != records.record_id(second)
    assert records.at(text.index("'q'")) is None  # after the statement's ';'


def test_copy_from_stdin_block() -> None:
    text = (f"SET x = 1;\nCOPY public.patients (id, nom, nir, telephone) FROM stdin;\n"
            f"1\tDupont\t{NIR}\t{MOBILE}\n2\tMartin\t\\N\t\\N\n\\.\n\nSELECT 1;\n")
    records, record = record_at(text, "base.sql", NIR)
    assert (record.kind, record.key) == (COPY, "nir")
    assert named_fields(records, record) == {"id": "1", "nom": "Dupont", "nir": NIR, "telephone": MOBILE}
    assert records.at(text.index("SELECT 1")) is None


def test_json_innermost_object_is_the_record_and_the_key_names_the_value() -> None:
    text = ('{"usagers": [{"nom": "A", "contact": {"email": "a@example.org", "tel": "MOBILE"}},\n'
            '  {"nom": "B", "telephones": ["0611", "MOBILE"]}]}').replace("MOBILE", MOBILE)
    records, first = record_at(text, "data.json", MOBILE)
    assert (first.kind, first.key) == (JSON, "tel")
    assert named_fields(records, first) == {"email": "a@example.org", "tel": MOBILE}
    _, second = record_at(text, "data.json", MOBILE, occurrence=1)
    assert second.key == "telephones"  # a value inside a list is named by the list's key
    assert records.record_id(second) == "data.json:2:3"


def test_json_lines_one_record_a_line() -> None:
    text = '{"id": 1, "mail": "a@example.org"}\n{"id": 2, "mail": "b@example.org"}\n'
    records, record = record_at(text, "events.jsonl", "b@")
    assert (record.key, records.record_id(record)) == ("mail", "events.jsonl:2:1")


def test_yaml_list_of_mappings() -> None:
    text = ("usagers:\n  - nom: A\n    telephone: '0611'\n    emails:\n      - a@example.org\n"
            "  - nom: B\n    # commentaire\n    telephone: '0622'\nconfig:\n  debug: true\n")
    records, first = record_at(text, "seed.yml", "0611")
    assert (first.kind, first.key, records.record_id(first)) == (YAML, "telephone", "seed.yml:2:1")
    _, listed = record_at(text, "seed.yml", "a@example")
    assert (listed.key, listed.start) == ("emails", first.start)
    _, second = record_at(text, "seed.yml", "0622")
    assert records.record_id(second) == "seed.yml:6:1"
    assert named_fields(records, second) == {"nom": "B", "telephone": "0622"}
    _, flag = record_at(text, "seed.yml", "true")
    assert flag.key == "debug"


def test_yaml_key_offsets_give_their_own_mapping_whatever_was_asked_before() -> None:
    """yaml.safe_dump writes list items at column 0; asking about a key's first letter (the
    top-level key first) once cached `no record` for every item below it."""
    text = "personnes:\n- nom: Durand\n  prenom: Camille\n- nom: Martin\n  prenom: Lucas\n"
    records = Records(Chunk(text, "people.yaml"))
    top = records.at(1)  # inside `personnes`: the document's mapping, the key naming no value
    assert top is not None and (top.start, top.key) == (0, None)
    second_line = text.index("- nom")
    dash = records.at(second_line)
    assert dash is not None and dash.key == "personnes"  # the dash: the list the item sits in
    first = records.at(text.index("prenom") + 1)
    assert first is not None and (first.start, first.key) == (second_line, None)
    assert named_fields(records, first) == {"nom": "Durand", "prenom": "Camille"}
    second = records.at(text.index("Martin"))
    assert second is not None and (second.key, records.record_id(second)) == ("nom", "people.yaml:4:1")


def test_ldif_entries() -> None:
    text = ("version: 1\n\ndn: uid=a,ou=people,dc=example,dc=org\ncn: A\nmail: a@example.org\n"
            f"telephoneNumber: {MOBILE}\ndescription: une ligne\n  continuée 0611\n\n"
            "dn: uid=b,ou=people,dc=example,dc=org\nmail: b@example.org\n")
    records, record = record_at(text, "people.ldif", MOBILE)
    assert (record.kind, record.key, records.record_id(record)) == (LDIF, "telephoneNumber", "people.ldif:3:1")
    assert named_fields(records, record)["mail"] == "a@example.org"
    _, folded = record_at(text, "people.ldif", "0611")
    assert folded.key == "description"
    _, other = record_at(text, "people.ldif", "b@")
    assert records.record_id(other) == "people.ldif:10:1"


def test_vcards() -> None:
    text = (f"BEGIN:VCARD\nVERSION:3.0\nFN:A\nTEL;TYPE=cell:{MOBILE}\nEMAIL:a@example.org\nEND:VCARD\n"
            "BEGIN:VCARD\nFN:B\nitem1.EMAIL;TYPE=INTERNET:b@example.org\nEND:VCARD\n")
    records, record = record_at(text, "contacts.vcf", MOBILE)
    assert (record.kind, record.key) == (VCARD, "tel")
    assert named_fields(records, record) == {"fn": "A", "tel": MOBILE, "email": "a@example.org"}
    _, other = record_at(text, "contacts.vcf", "b@")
    assert (other.key, records.record_id(other)) == ("email", "contacts.vcf:7:1")


def test_column_name_vouches_for_a_bare_siren() -> None:
    assert not detect(f"id,numero\n1,{SIREN}\n", "entreprises.csv", {"fr-siren"})
    [finding] = detect(f"id,siren\n1,{SIREN}\n", "entreprises.csv", {"fr-siren"})
    assert finding.column_name == "siren" and "context word 'siren'" in finding.reasons
    assert finding.record == "entreprises.csv:2:1"


def test_column_name_from_camel_case_and_sql_headers_far_above() -> None:
    rows = ",\n".join(f"({i}, '{SIREN}')" for i in range(50))
    findings = detect(f"INSERT INTO e (id, numSiren) VALUES\n{rows};\n", "e.sql", {"fr-siren"})
    assert len(findings) == 50 and {f.column_name for f in findings} == {"numSiren"}


def test_column_name_vouches_for_a_compact_landline() -> None:
    landline = "0476234518"  # compact landlines need context: zero-padded ids look the same
    assert not detect(f"id,ref\n1,{landline}\n", "a.csv", {"fr-phone"})
    [finding] = detect(f"id,telephone\n1,{landline}\n", "a.csv", {"fr-phone"})
    assert finding.column_name == "telephone"


def test_record_with_several_kinds_of_personal_data_raises_confidence() -> None:
    text = f"nom;nir;mobile;email\nDupont;{NIR};{MOBILE};jeanne.dupont@laposte.net\n"
    findings = detect(text, "patients.csv")
    assert {f.rule_id for f in findings} >= {"fr-nir", "fr-phone", "email"}
    assert len({f.record for f in findings}) == 1
    alone = {f.rule_id: f.confidence for f in detect(f"nir\n{NIR}\n", "a.csv")}
    nir = next(f for f in findings if f.rule_id == "fr-nir")
    assert nir.confidence > alone["fr-nir"] or nir.confidence == 1.0
    assert "record with email, fr-nir, fr-phone" in nir.reasons


def test_open_sql_header_follows_statements() -> None:
    def carried(text: str, previous: str | None = None) -> str | None:
        return open_sql_header(text, len(text), previous)

    head = "INSERT INTO t (a, b) VALUES"
    assert carried(f"{head}\n(1, 2),\n(3, 4),\n") == head
    assert carried(f"{head}\n(1, 2);\n(3, 4)\n") is None
    assert carried("(5, 6),\n(7, 8),\n", head) == head
    assert carried("(5, 6);\nSELECT 1;\n", head) is None
    copy = "COPY t (a, b) FROM stdin;\n"
    assert carried(f"{copy}1\t2\n") == copy
    assert carried(f"{copy}1\t2\n\\.\n") is None
    assert carried("3\t4\n", copy) == copy


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Chunks of 256 KiB so a file of a few MiB is streamed in many chunks."""
    monkeypatch.setattr(files, "CHUNK_CHARS", 256 * 1024)
    monkeypatch.setattr(files, "OVERLAP_CHARS", 16 * 1024)


def _findings_of_file(path: Path, rule_ids: set[str]) -> tuple[int, list[Finding]]:
    rules = [r for r in load_rules() if r.id in rule_ids]
    detector = Detector(rules, fingerprints=False)
    chunks = list(read_chunks(FileTask(str(path), path.name, path.stat().st_size)))
    findings = [f for c in chunks for f in detector.detect(c).findings]
    return len(chunks), findings


@pytest.mark.usefixtures("small_chunks")
def test_csv_header_is_carried_across_the_chunks_of_a_large_file(tmp_path: Path) -> None:
    path = tmp_path / "entreprises.csv"
    filler = "x" * 60
    path.write_text("id,libelle,siren\n" + "".join(f"{i},{filler},{SIREN}\n" for i in range(20_000)))
    assert path.stat().st_size > 1024 * 1024
    chunks, findings = _findings_of_file(path, {"fr-siren"})
    assert chunks > 4
    assert len(findings) == 20_000 and {f.column_name for f in findings} == {"siren"}
    assert findings[-1].record == "entreprises.csv:20001:1"


@pytest.mark.usefixtures("small_chunks")
def test_sql_insert_header_is_carried_across_chunks(tmp_path: Path) -> None:
    path = tmp_path / "dump.sql"
    filler = "y" * 60
    rows = ",\n".join(f"({i}, '{filler}', '{SIREN}')" for i in range(20_000))
    path.write_text(f"INSERT INTO entreprises (id, libelle, siren) VALUES\n{rows};\nSELECT '{SIREN}';\n")
    chunks, findings = _findings_of_file(path, {"fr-siren"})
    assert chunks > 4
    assert len(findings) == 20_000 and {f.column_name for f in findings} == {"siren"}
    assert len({f.record for f in findings}) == 20_000


@pytest.mark.usefixtures("small_chunks")
def test_copy_header_is_carried_across_chunks(tmp_path: Path) -> None:
    path = tmp_path / "dump.sql"
    filler = "z" * 60
    rows = "".join(f"{i}\t{filler}\t{SIREN}\n" for i in range(20_000))
    path.write_text(f"COPY entreprises (id, libelle, siren) FROM stdin;\n{rows}\\.\n")
    chunks, findings = _findings_of_file(path, {"fr-siren"})
    assert chunks > 4
    assert len(findings) == 20_000 and {f.column_name for f in findings} == {"siren"}


@pytest.mark.usefixtures("small_chunks")
def test_stdin_stream_carries_the_header_too() -> None:
    data = ("a;siren\n" + "".join(f"{i};{SIREN}\n" for i in range(100_000))).encode()
    chunks = list(read_handle(io.BytesIO(data), "-"))
    assert len(chunks) > 2 and all(c.header == "a;siren" for c in chunks[1:])


def test_a_first_row_of_data_is_no_header_and_values_never_become_names() -> None:
    text = f"Dupont;{MOBILE};Lyon\nMartin;0611;Paris\n"
    records, row = record_at(text, "sans-entete.csv", "0611")  # still a row: the file says it is a table
    assert (row.key, records.record_id(row)) == (None, "sans-entete.csv:2:1")
    assert Records(Chunk(text, "notes.txt")).at(text.index("0611")) is None
    keyed = '{"jeanne.dupont@example.org": {"tel": "0611"}, "0623456718": "x"}'
    records, record = record_at(keyed, "a.json", '"x"')
    assert record.key is None
    _, inner = record_at(keyed, "a.json", "0611")
    assert inner.key == "tel"
    assert all(f.name is None for f in records.fields(record))


@pytest.mark.parametrize("column", ["pan", "carte", "numeroCarte", "card_number"])
def test_column_name_vouches_for_a_card_number(column: str) -> None:
    card = "497010123456789" + luhn.calc_check_digit("497010123456789")
    assert not detect(f"id,ref\n1,{card}\n", "paiements.csv", {"payment-card"})
    [finding] = detect(f"id,{column}\n1,{card}\n", "paiements.csv", {"payment-card"})
    assert finding.column_name == column
