"""The verdict stage: real files of each kind written in temporary folders and scanned through
the pipeline, so the verdict comes from the same place as in a user's scan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_sondier
from faker import Faker

from sondier import pipeline
from sondier.config import Config, VerdictSettings
from sondier.exports import individual_findings
from sondier.findings import Finding
from sondier.verdict import Judge, builtin_lists, is_patterned_phone

PERSON_MAIL = "jeanne.martin@orange.fr"
PERSON_PHONE = "06 23 45 67 18"
SIRET = "443 061 841 00120"


def _scan(root: Path, **overrides: object) -> tuple[list[Finding], list[Finding]]:
    config = Config(root=root, fingerprints=False, jobs=1).with_overrides(**overrides)
    result = pipeline.scan_paths([root], config)
    return result.findings, result.annotated


def _verdicts(root: Path, name: str, content: str, **overrides: object) -> list[tuple[str, str, str]]:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    findings, annotated = _scan(root, **overrides)
    return sorted((f.rule_id, f.value, f.verdict) for f in findings + annotated)


@pytest.mark.parametrize(
    ("name", "content", "value"),
    [
        (".mailmap", "Jeanne Martin <jeanne.martin@orange.fr> <jm@laptop.lan>\n", PERSON_MAIL),
        ("AUTHORS", "Maintainers:\n  Jeanne Martin <jeanne.martin@orange.fr>\n", PERSON_MAIL),
        ("package.json", '{\n  "name": "x",\n  "author": {\n    "email": "jeanne.martin@orange.fr"\n  }\n}\n',
         PERSON_MAIL),
        ("locale/fr/LC_MESSAGES/django.po",
         'msgid ""\nmsgstr ""\n"Last-Translator: Jeanne Martin <jeanne.martin@orange.fr>\\n"\n', PERSON_MAIL),
        ("src/module.py", '"""Tools.\n\nAuthor: Jeanne Martin <jeanne.martin@orange.fr>\n"""\n', PERSON_MAIL),
        ("lib/Thing.java", "/**\n * @author jeanne.martin@orange.fr\n */\n", PERSON_MAIL),
    ],
)
def test_authorship_is_contributor(tmp_path: Path, name: str, content: str, value: str) -> None:
    verdicts = _verdicts(tmp_path, name, content)
    assert ("email", value, "contributor") in verdicts
    assert {v for *_, v in verdicts} == {"contributor"}


def test_licence_header_with_a_role_mailbox_is_public_contact(tmp_path: Path) -> None:
    header = "# Licence EUPL-1.2. Questions : contact@ma-cantine.example.fr\n"
    header += "# Signalement : secretariat@ac-lyon.fr, ce.0691234A@ac-lyon.fr, log@ecologie.gouv.fr\n"
    verdicts = _verdicts(tmp_path, "src/app.py", header)
    assert [v for _, _, v in verdicts].count("public-contact") == 3
    assert ("email", "contact@ma-cantine.example.fr", "test-data") in verdicts  # reserved .example label


def test_institutional_domains_are_public_contact(tmp_path: Path) -> None:
    verdicts = _verdicts(tmp_path, "src/dreals.ts",
                         'export const DREAL = ["paul.durand@developpement-durable.gouv.fr",'
                         ' "prenom.nom@ac-grenoble.fr"]\n')
    assert {v for _, _, v in verdicts} == {"public-contact", "test-data"}  # prenom.nom: generic words only
    assert ("email", "paul.durand@developpement-durable.gouv.fr", "public-contact") in verdicts


def test_hotline_in_a_help_page_is_public_contact(tmp_path: Path) -> None:
    page = "<p>Pour toute question, vous pouvez appeler le 05 57 57 50 00 du lundi au vendredi.</p>\n"
    page += '<a href="tel:+33557575001">Appeler</a>\n'
    verdicts = _verdicts(tmp_path, "templates/aide.html", page)
    assert [v for _, _, v in verdicts] == ["public-contact", "public-contact"]


@pytest.mark.parametrize("number", ["01 01 01 01 03", "06 11 22 33 44", "06 01 02 03 04", "05 05 05 05 05"])
def test_ruby_seed_with_a_placeholder_phone_is_test_data(tmp_path: Path, number: str) -> None:
    seed = f'User.create!(first_name: "Jeanne", phone_number: "{number}", email: "{PERSON_MAIL}")\n'
    verdicts = _verdicts(tmp_path, "db/seeds.rb", seed)
    assert ("fr-phone", number, "test-data") in verdicts
    assert ("email", PERSON_MAIL, "personal") in verdicts


def test_patterned_phone_numbers() -> None:
    assert all(is_patterned_phone(n) for n in ["0101010103", "0611223344", "0601020304", "0505050505",
                                               "0557102030", "0690111213", "0190234567", "0472000001"])
    assert not any(is_patterned_phone(n) for n in ["0623456718", "0476234518", "0557575000", "0621127286"])


@pytest.mark.parametrize(
    ("line", "verdict"),
    [
        ('<input type="tel" placeholder="06 21 12 72 86">', "test-data"),
        ("# ie: 05 61 08 37 31", "test-data"),
        ("expect(build(:convict, phone: '0612458745')).to be_valid", "test-data"),
        ("accueil2@chrs-laporte.fr", "public-contact"),
        ("servicesocial@asso-fontaine.fr", "public-contact"),
        ("ccas@ville-grangier.fr", "public-contact"),
        ('create(:user, last_name: "DUTRONC", email: "francis@dutronc.fr")', "test-data"),
        ('username="tim@tim.fr"', "test-data"),
        ('email: "contactEmail@mail.com"', "test-data"),
        ('manager_email: "bob@bobby.bob"', "test-data"),
        ('"example": "johnny@laposte.net",', "test-data"),
        ('from: ["ne-pas-repondre-grc@hauts-de-seine.fr"],', "public-contact"),
        ('jean = create(:user, phone_number: "01 30 30 04 04")', "test-data"),
        ("Tél : 06 21 12 72 86, jeanne.martin@orange.fr", "personal"),
    ],
)
def test_verdict_of_a_line(tmp_path: Path, line: str, verdict: str) -> None:
    verdicts = _verdicts(tmp_path, "app/page.txt", line + "\n")
    assert verdicts and {v for *_, v in verdicts} == {verdict}


def test_template_files_are_test_data(tmp_path: Path) -> None:
    assert _verdicts(tmp_path, ".env.example", f"ADMIN_EMAIL={PERSON_MAIL}\n") == [
        ("email", PERSON_MAIL, "test-data")]


def test_other_addresses_under_an_organisations_domain(tmp_path: Path) -> None:
    content = "support@cabinet-roux.fr\njeanne.martin@cabinet-roux.fr\npaul.roux@gmail.com\ncontact.asso@gmail.com\n"
    verdicts = {value: verdict for _, value, verdict in _verdicts(tmp_path, "a.txt", content)}
    assert verdicts["jeanne.martin@cabinet-roux.fr"] == "public-contact"
    assert verdicts["paul.roux@gmail.com"] == "personal"  # a mailbox provider is nobody's organisation


@pytest.mark.parametrize(
    "address",
    ["test22@free.fr", "usager_1@laposte.net", "fake@orange.fr", "super-great-admin@beta.example.fr",
     "admin-territoire-13-01@signal-logement.fr", "jon.snow@trackdechets.fr", "someone@yopmail.com",
     "agent@demo.rdv-solidarites.fr", "x@mailinator.com", "a@b.fr", "paul@e.fr"],
)
def test_test_accounts_are_test_data(tmp_path: Path, address: str) -> None:
    assert _verdicts(tmp_path, "spec/users_spec.rb", f'let(:user) {{ create(:user, email: "{address}") }}\n') == [
        ("email", address, "test-data")]


def test_realistic_export_under_tests_fixtures_stays_personal(tmp_path: Path) -> None:
    fake = Faker("fr_FR")
    fake.seed_instance(2024)
    rows = ["nom;prenom;email;telephone"]
    rows += [f"{fake.last_name()};{fake.first_name()};{fake.free_email()};{_mobile(fake)}" for _ in range(20)]
    findings, annotated = _scan_file(tmp_path, "tests/fixtures/export_usagers.csv", "\n".join(rows) + "\n")
    findings = list(individual_findings(findings))  # 20 rows: one export finding per rule
    tables = [f for f in findings if f.rule_id == "person-record"]  # the table itself: names in a record
    findings = [f for f in findings if f.rule_id != "person-record"]
    assert len(tables) == 1 and tables[0].verdict == "personal"
    assert len(findings) == 40 and not annotated
    assert {f.verdict for f in findings} == {"personal"}


def _mobile(fake: Faker) -> str:
    """A mobile number the numbering plan allows (some 06 blocks are not allocated)."""
    from sondier.validators import get

    while True:
        number = f"06{fake.random_int(20000000, 99999999)}"
        if get("fr-phone")(number).ok and not is_patterned_phone(number):
            return number


def _scan_file(root: Path, name: str, content: str) -> tuple[list[Finding], list[Finding]]:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return _scan(root)


def test_siret_alone_is_business_and_personal_beside_a_persons_email(tmp_path: Path) -> None:
    content = f"Fournisseur SIRET {SIRET}\nartisan,{PERSON_MAIL},{SIRET}\n"
    findings, annotated = _scan_file(tmp_path, "data/fournisseurs.txt", content)
    verdicts = {(f.line, f.rule_id): f for f in findings + annotated}
    assert verdicts[(1, "fr-siret")].verdict == "business"
    assert verdicts[(2, "fr-siret")].verdict == "personal"
    assert verdicts[(2, "fr-siret")].verdict_reasons == ["in a record holding a person's data (email)"]


def test_siret_in_a_record_with_a_person_follows_the_record_not_the_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(f"SIRET {SIRET}\n{PERSON_MAIL}\n", encoding="utf-8")
    config = Config(root=tmp_path, fingerprints=False, jobs=1)
    result = pipeline.scan_files(_tasks(tmp_path), pipeline.load_selected_rules(config), config)
    for finding in result.findings:
        finding.record = "row 1"  # what the records stage sets for both values of one row
    pipeline.finish(result, config, 0.0)
    assert {f.rule_id: f.verdict for f in result.findings} == {"fr-siret": "personal", "email": "personal"}


def _tasks(root: Path) -> list[object]:
    from sondier.sources.files import walk

    return list(walk([root], root))


def test_business_identifiers_when_asked_for(tmp_path: Path) -> None:
    (tmp_path / "f.txt").write_text(f"SIRET {SIRET}\n", encoding="utf-8")
    assert _scan(tmp_path)[0] == []
    asked = _scan(tmp_path, verdicts=VerdictSettings(business_as_personal=True))[0]
    assert [(f.rule_id, f.verdict) for f in asked] == [("fr-siret", "personal")]
    by_rule = _scan(tmp_path, enable=("fr-siret",))[0]
    assert [f.verdict_reasons for f in by_rule] == [["business identifiers asked for as personal data"]]


def test_configuration_extends_the_lists(tmp_path: Path) -> None:
    content = "Écrire à jeanne.martin@cabinet-roux.fr ou à astreinte@orange.fr\n"
    assert {v for *_, v in _verdicts(tmp_path, "a.txt", content)} == {"personal"}
    settings = VerdictSettings(public_domains=("cabinet-roux.fr",), role_local_parts=("astreinte",))
    assert {v for *_, v in _verdicts(tmp_path, "a.txt", content, verdicts=settings)} == {"public-contact"}


def test_every_list_names_its_source() -> None:
    lists = builtin_lists()
    assert "gouv.fr" in lists.public_domains and "contact" in lists.role_local_parts
    assert "yopmail.com" in lists.disposable_domains and ".mailmap" in lists.contributor_files
    for path in (Path(__file__).parents[1] / "sondier" / "verdicts").glob("*.yaml"):
        assert "source:" in path.read_text(encoding="utf-8"), path


def test_secrets_keep_their_verdict() -> None:
    finding = Finding(rule_id="github-pat", rule_name="x", category="secret", severity="high", confidence=1,
                      path="a", line=1, column=1, end_line=1, end_column=2, value="ghp_x")
    Judge().judge(finding, "author: ghp_x")
    assert finding.verdict == "secret" and finding.actionable


# --- through the command line ------------------------------------------------------------------


def _tree(tmp_path: Path) -> Path:
    (tmp_path / "AUTHORS").write_text(f"Jeanne Martin <{PERSON_MAIL}>\n", encoding="utf-8")
    (tmp_path / "users.csv").write_text(f"nom,email\nMartin,{PERSON_MAIL}\n", encoding="utf-8")
    return tmp_path


def test_json_contract_findings_fail_annotated_apart(tmp_path: Path) -> None:
    result = run_sondier(["scan", str(_tree(tmp_path)), "--format", "json"])
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert [(f["path"], f["verdict"]) for f in report["findings"]] == [("users.csv", "personal")]
    assert [(f["path"], f["verdict"], f["verdict_reasons"]) for f in report["annotated"]] == [
        ("AUTHORS", "contributor", ["authorship file (AUTHORS)"])]
    assert report["summary"]["by_verdict"] == {"contributor": 1, "personal": 1}
    assert report["summary"]["total"] == 1
    assert PERSON_MAIL not in result.stdout


def test_only_annotated_findings_exit_0(tmp_path: Path) -> None:
    (tmp_path / "AUTHORS").write_text(f"Jeanne Martin <{PERSON_MAIL}>\n", encoding="utf-8")
    (tmp_path / "aide.md").write_text("Pour toute question, appelez le 05 57 57 50 00.\n", encoding="utf-8")
    result = run_sondier(["scan", str(tmp_path), "--format", "json"])
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["findings"] == [] and len(report["annotated"]) == 2


def test_text_report_counts_verdicts_and_show_all_lists_them(tmp_path: Path) -> None:
    _tree(tmp_path)
    plain = run_sondier(["scan", str(tmp_path), "--no-color"])
    assert "By verdict: contributor 1, personal 1" in plain.stdout
    assert "AUTHORS" not in plain.stdout
    shown = run_sondier(["scan", str(tmp_path), "--no-color", "--show-all"])
    assert "AUTHORS" in shown.stdout and "[contributor: authorship file (AUTHORS)]" in shown.stdout
    assert PERSON_MAIL not in shown.stdout


def test_ci_formats_report_only_actionable_findings(tmp_path: Path) -> None:
    _tree(tmp_path)
    result = run_sondier(["scan", str(tmp_path), "--format", "sarif"])
    sarif = json.loads(result.stdout)
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]]
    assert uris and all(uri.endswith("users.csv") for uri in uris)


def test_suppression_applies_to_annotated_findings(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / ".sondier.yml").write_text("allowlist:\n  paths: [AUTHORS]\n", encoding="utf-8")
    report = json.loads(run_sondier(["scan", str(tmp_path), "--format", "json"]).stdout)
    assert report["annotated"] == [] and report["summary"]["suppressed"] == 1


@pytest.mark.parametrize(
    "line",
    ["# Michael Martin <m.martin@lab.example.org> wrote:",
     "# Added the POP3_SSL class. Hector Martin <hmartin@mrbook.org> Aug 2003",
     "   .. sectionauthor:: Juan Reyna <reyna@us.es>",
     "# Modules contributed by BasSw (bassw@gmail.com)",
     " * Written by Jeanne Martin (jeanne.martin@orange.fr)"],
)
def test_people_credited_in_code_comments_are_contributors(tmp_path: Path, line: str) -> None:
    verdicts = _verdicts(tmp_path, "lib/module.py", line + "\n")
    assert {v for *_, v in verdicts} <= {"contributor", "test-data"} and verdicts


def test_an_address_in_a_comment_without_a_name_stays_personal(tmp_path: Path) -> None:
    assert _verdicts(tmp_path, "lib/module.py", f"# user {PERSON_MAIL} failed twice\n") == [
        ("email", PERSON_MAIL, "personal")]


@pytest.mark.parametrize(
    "line",
    ['emitterCompanyPhone: "06 21 12 72 86",', "'company_mail' => 'jeanne.martin@orange.fr',",
     'structure_email = "jeanne.martin@orange.fr"', '"feed_contact_email": "jeanne.martin@orange.fr"'],
)
def test_a_key_naming_an_organisation_makes_a_public_contact(tmp_path: Path, line: str) -> None:
    assert {v for *_, v in _verdicts(tmp_path, "src/factories.ts", line + "\n")} == {"public-contact"}


def test_a_key_naming_a_person_stays_personal(tmp_path: Path) -> None:
    line = 'occupantPhone: "06 21 12 72 86", mail_occupant: "jeanne.martin@orange.fr"'
    assert {v for *_, v in _verdicts(tmp_path, "src/factories.ts", line + "\n")} == {"personal"}


def test_test_data_reason_is_the_test_signal_not_the_context_word(tmp_path: Path) -> None:
    (tmp_path / "users.csv").write_text("nom,email\nMartin,jeanne@example.org\n", encoding="utf-8")
    [finding] = _scan(tmp_path)[1]
    assert finding.verdict_reasons == ["reserved documentation domain"]


def test_an_address_alone_below_an_authorship_line_is_a_contributor(tmp_path: Path) -> None:
    header = "-- Please send comments, suggestions, and corrections to the author: --\n--   m.martin@lab.fr   --\n"
    assert _verdicts(tmp_path, "data/base.decTest", header) == [("email", "m.martin@lab.fr", "contributor")]
    assert _verdicts(tmp_path, "data/base.decTest", f"-- author --\nsent to {PERSON_MAIL}\n") == [
        ("email", PERSON_MAIL, "personal")]


def test_author_credited_a_few_lines_above_a_lone_address_is_a_contributor(tmp_path: Path) -> None:
    header = ("-- Please send comments, suggestions, and corrections to the author:  --\n"
              "--   Jeanne Martin, chercheuse                                        --\n"
              "--   12 rue des Lilas, 75011 Paris                                    --\n"
              "--   jeanne.martin@orange.fr                                          --\n")
    for folder in ("near", "far", "row"):
        (tmp_path / folder).mkdir()
    assert _verdicts(tmp_path / "near", "abs.decTest", header) == [("email", "jeanne.martin@orange.fr", "contributor")]
    # Four lines down, or on a line holding other data, the credit no longer vouches for it.
    far = header.replace("--   jeanne.martin", "--\n--   jeanne.martin")
    assert _verdicts(tmp_path / "far", "abs.decTest", far) == [("email", "jeanne.martin@orange.fr", "personal")]
    row = header.replace("--   jeanne.martin@orange.fr ", "Martin;jeanne.martin@orange.fr;0647298153")
    assert ("email", "jeanne.martin@orange.fr", "personal") in _verdicts(tmp_path / "row", "abs.decTest", row)


@pytest.mark.parametrize(
    ("line", "verdict"),
    [
        # Made-up people: placeholder titles, fictional or famous names, words as surnames.
        ('email: "monsieurtransporteur@orange.fr"', "test-data"),
        ('email: "walter.white@orange.fr"', "test-data"),
        ('email: "saulgoodman@free.fr"', "test-data"),
        ('email: "jean.voiture@orange.fr"', "test-data"),
        # Made-up domains: a plain word, a word and `co`, a provider's look-alike, a given name.
        ('email: "michel@lapin.com"', "test-data"),
        ('email: "jeanne.martin@transportco.fr"', "test-data"),
        ('email: "jeanne.martin@gmail-dechetterie.com"', "test-data"),
        ('email: "jeanne.martin@paul.com"', "test-data"),
        ('email: "jeanne@longo.fr"', "test-data"),
        ('email: "marie@gmail.com"', "test-data"),
        # People's addresses keep their verdict: word-named employers, chosen TLDs, sub-domains,
        # a provider's mailbox with more than a bare given name.
        ('email: "jeanne.martin@orange.fr"', "personal"),
        ('email: "jeanne.martin@airbus.com"', "personal"),
        ('email: "jeanne.martin@lapin.paris"', "personal"),
        ('email: "jeanne.martin@rh.lapin.com"', "personal"),
        ('email: "marie.lefebvre72@gmail.com"', "personal"),
        ('email: "jeanne.durand@free.fr"', "personal"),
    ],
)
def test_made_up_people_and_domains(tmp_path: Path, line: str, verdict: str) -> None:
    verdicts = _verdicts(tmp_path, "app/users.yml", line + "\n")
    assert verdicts and {v for *_, v in verdicts} == {verdict}, verdicts


def test_a_phone_on_a_legal_notice_page_is_public_contact(tmp_path: Path) -> None:
    page = f"<p>Éditeur du site : Association Lapin, tél. {PERSON_PHONE}</p>\n"
    assert _verdicts(tmp_path, "app/views/pages/mentions-legales.html.erb", page) == [
        ("fr-phone", PERSON_PHONE, "public-contact")]
    assert _verdicts(tmp_path / "other", "app/views/pages/accueil.html.erb", page) == [
        ("fr-phone", PERSON_PHONE, "personal")]


def test_a_phone_in_the_record_of_a_place_is_public_contact(tmp_path: Path) -> None:
    seed = ('Lieu.create!(\n  name: "Point-justice de Lapin",\n  address: "3 rue de la Gare",\n'
            f'  phone_number: "{PERSON_PHONE}"\n)\n')
    assert _verdicts(tmp_path, "db/seeds.rb", seed) == [("fr-phone", PERSON_PHONE, "public-contact")]
    person = seed.replace("Lieu.create!", "User.create!").replace("Point-justice de Lapin", "Jeanne Martin")
    assert _verdicts(tmp_path / "other", "db/seeds.rb", person) == [("fr-phone", PERSON_PHONE, "personal")]


def test_a_number_spelled_three_ways_in_one_file_is_a_formatting_test(tmp_path: Path) -> None:
    spec = "".join(f'expect(format("{s}")).to eq "0623456718"\n'
                   for s in ("06 23 45 67 18", "+33623456718", "06.23.45.67.18"))
    verdicts = _verdicts(tmp_path, "spec/phone_spec.rb", spec)
    assert verdicts and {v for *_, v in verdicts} == {"test-data"}


def test_numbers_counted_up_are_numbered_fixtures(tmp_path: Path) -> None:
    fixtures = "".join(f"- telephone: 06 23 45 67 {end}\n" for end in (15, 16, 17))
    verdicts = _verdicts(tmp_path, "fixtures/agents.yml", fixtures)
    assert [v for *_, v in verdicts] == ["test-data"] * 3
    apart = "- telephone: 06 23 45 67 15\n- telephone: 06 23 45 67 48\n"
    assert {v for *_, v in _verdicts(tmp_path / "other", "fixtures/agents.yml", apart)} == {"personal"}


def test_one_name_at_three_domains_is_an_address_test(tmp_path: Path) -> None:
    mails = "".join(f'"jeanne.martin@{d}",\n' for d in ("orange.fr", "laposte.net", "sfr.fr"))
    verdicts = _verdicts(tmp_path, "src/validate.test.ts", mails)
    assert [v for *_, v in verdicts] == ["test-data"] * 3


def test_an_export_keeps_its_values_personal_whatever_their_neighbours(tmp_path: Path) -> None:
    """Counted-up numbers inside a file that fills an export are judged one by one."""
    rows = ["nom;prenom;telephone"] + [f"Martin;Jeanne;06 23 45 67 {10 + n}" for n in range(12)]
    findings, annotated = _scan_file(tmp_path, "exports/agents.csv", "\n".join(rows) + "\n")
    members = [f for f in individual_findings(findings) if f.rule_id == "fr-phone"]
    assert len(members) == 12 and {f.verdict for f in members} == {"personal"}
    assert not [f for f in annotated if f.rule_id == "fr-phone"]


def test_a_phone_beside_a_made_up_address_is_test_data(tmp_path: Path) -> None:
    record = f'{{name: "Transporteur 002", phone: "{PERSON_PHONE}", email: "transporteur002@transport.com"}}\n'
    assert {v for *_, v in _verdicts(tmp_path, "seeds/companies.ts", record)} == {"test-data"}
    real = record.replace("transporteur002@transport.com", PERSON_MAIL)
    assert {v for *_, v in _verdicts(tmp_path / "other", "seeds/companies.ts", real)} == {"personal"}


@pytest.mark.parametrize(
    ("name", "content", "verdict"),
    [
        # Mailing lists and their robots.
        ("docs/README.txt", "For support, use the optik-users@lists.sourceforge.net mailing list\n", "public-contact"),
        ("tests/data/msg.txt", "Sender: scr-admin@socal-raves.org\n", "public-contact"),
        ("tests/data/msg.txt", "Errors-To: owner-freebsd-isp@freebsd.org\n", "public-contact"),
        ("tests/data/msg.txt", "To: freebsd-isp@freebsd.org\n", "public-contact"),
        # Credits: a byline, a Unicode name, `Name (address)`, a labelled address under a credit.
        ("lib/optparse.py", '"""Option parser.\n\nBy Greg Ward <gward@python.net>\n"""\n', "contributor"),
        ("lib/getopt.py", "# Peter Åstrand <astrand@lysator.liu.se> added gnu_getopt().\n", "contributor"),
        ("lib/tix.py", "#       - Sudhir Shenoy (sshenoy@gol.com), Dec. 1995.\n", "contributor"),
        ("lib/sysconfig.py", '"""Config.\n\nWritten by:   Fred L. Drake, Jr.\nEmail:        <fdrake@acm.org>\n"""\n',
         "contributor"),
        ("lib/turtle.py", "# Copyright (C) 2006 - 2010  Gregor Lingl\n# email: glingl@aon.at\n", "contributor"),
        ("lib/inspect.py", "__author__ = ('Ka-Ping Yee <ping@lfw.org>',\n"
         "              'Yury Selivanov <yselivanov@sprymix.com>')\n", "contributor"),
        ("idlelib/HISTORY.txt", "IDLEfork 0.7.1\n   David Scherer  <dscherer@cmu.edu>\n", "contributor"),
        # Made-up: civil titles, RFC 3261's example domains, code words as local parts.
        ("tests/test_smtp.py", "sender = 'Mrs.C@somewhereesle.com'\n", "test-data"),
        ("tests/test_sip.py", "to = 'alice@atlanta.com'\n", "test-data"),
        ("tests/test_mail.py", "addr = 'None@bounce2.pobox.com'\n", "test-data"),
    ],
)
def test_lists_credits_and_made_up_addresses_of_mail_code(tmp_path: Path, name: str, content: str,
                                                          verdict: str) -> None:
    verdicts = _verdicts(tmp_path, name, content)
    assert verdicts and {v for *_, v in verdicts} == {verdict}, verdicts


def test_a_person_in_a_saved_message_stays_personal(tmp_path: Path) -> None:
    message = "From: Jeanne Martin <jeanne.martin@orange.fr>\nTo: paul.durand@free.fr\nSubject: rendez-vous\n"
    assert {v for *_, v in _verdicts(tmp_path, "tests/data/msg_01.txt", message)} == {"personal"}


def test_an_address_in_a_list_of_contributors_is_a_contributor(tmp_path: Path) -> None:
    schema = ('{\n  "name": "schema-irve",\n  "contributors": [\n    {\n      "title": "Jeanne Martin",\n'
              '      "organisation": "Etalab",\n      "role": "author"\n    },\n    {\n'
              f'      "title": "Paul Durand",\n      "email": "{PERSON_MAIL}",\n      "role": "contributor"\n'
              '    }\n  ]\n}\n')
    assert _verdicts(tmp_path, "apps/meta/schema.json", schema) == [("email", PERSON_MAIL, "contributor")]
    users = schema.replace('"contributors"', '"users"')
    assert _verdicts(tmp_path / "other", "apps/meta/schema.json", users) == [("email", PERSON_MAIL, "personal")]


@pytest.mark.parametrize("line", ['email: "ref1@orga.com"', 'contact: "opendata@ma-collectivite.fr"',
                                  'email: "jaskier@ccas.fr"'])
def test_more_fixture_and_role_shapes(tmp_path: Path, line: str) -> None:
    verdicts = _verdicts(tmp_path, "tests/test_models.py", line + "\n")
    assert verdicts and {v for *_, v in verdicts} <= {"test-data", "public-contact"}, verdicts


@pytest.mark.parametrize("line", ['email: "null@co.fr"', 'email: "none@co.fr"', 'email: "jeff@gmail.dechetterie.com"'])
def test_code_words_and_provider_subdomains_are_made_up(tmp_path: Path, line: str) -> None:
    verdicts = _verdicts(tmp_path, "src/helpers.test.ts", line + "\n")
    assert verdicts and {v for *_, v in verdicts} == {"test-data"}, verdicts


def test_every_word_of_the_lists_is_a_string() -> None:
    """YAML 1.1 reads an unquoted `null`, `no`, `yes` or `on` as something else than a word."""
    import yaml

    from sondier.verdict import LISTS_DIR

    for path in sorted(LISTS_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key, values in data.items():
            if isinstance(values, list):
                assert all(isinstance(v, str) for v in values), (path.name, key)


def test_every_name_of_a_long_author_tuple_is_a_contributor(tmp_path: Path) -> None:
    names = ["Guido Rossum", "Mike Verdone", "Mark Russell", "Antoine Pitrou", "Amaury Forgeot", "Paul Durand"]
    lines = [f"              \"{n} <{n.lower().replace(' ', '.')}@orange.fr>, \"" for n in names]
    source = "__author__ = (" + "\n".join(lines).lstrip() + ")\n\nPERSON = 'jeanne.martin@orange.fr'\n"
    verdicts = _verdicts(tmp_path, "lib/io.py", source)
    assert [v for _, value, v in verdicts if value != PERSON_MAIL] == ["contributor"] * len(names)
    assert ("email", PERSON_MAIL, "personal") in verdicts


def test_address_index_finds_exactly_the_addresses_in_the_same_record() -> None:
    import random

    from sondier.verdict import _AddressIndex, _same_record

    rng = random.Random(7)

    def finding(rule_id: str, line: int, record: str | None) -> Finding:
        return Finding(rule_id=rule_id, rule_name=rule_id, category="pii", severity="medium", confidence=1.0,
                       path="f.csv", line=line, column=1, end_line=line, end_column=2, value="v", record=record)

    def some_record() -> str | None:
        return rng.choice([None, "r1", "r2", "r3", f"r{rng.randint(4, 40)}"])

    addresses = [finding("email", rng.randint(1, 60), some_record()) for _ in range(300)]
    index = _AddressIndex(addresses)
    for _ in range(300):
        phone = finding("fr-phone", rng.randint(1, 60), some_record())
        expected = sorted(id(a) for a in addresses if _same_record(a, phone))
        assert sorted(id(a) for a in index.near(phone)) == expected


def test_last_opener_substring_test_never_hides_an_opener() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from sondier.verdict import _OPENER, _last_opener

    pieces = st.sampled_from(["Lieu", ".create", ".new!", "create(", " :org", "company", ": {", "= [", ":", "\n",
                              "  ", "x", "phone;", "06 12", "{", "(", "[", "'k'", ".objects.create"])

    @given(st.lists(pieces, max_size=12).map("".join))
    @settings(max_examples=500, deadline=None)
    def check(text: str) -> None:
        openers = list(_OPENER.finditer(text))
        expected = next(g for g in openers[-1].groups() if g) if openers else None
        assert _last_opener(text) == expected

    check()


def test_domain_patterns_answer_as_fnmatch_over_the_list() -> None:
    import fnmatch

    from sondier.verdict import _domain_matches

    patterns = ("gouv.fr", "ac-*.fr", "example.org", "*.test", "x?z.fr")

    def reference(domain: str) -> bool:
        labels = domain.split(".")
        return any(len(labels) >= p.count(".") + 1 and fnmatch.fnmatchcase(".".join(labels[-(p.count(".") + 1):]), p)
                   for p in patterns)

    for domain in ("gouv.fr", "mairie.gouv.fr", "xgouv.fr", "ac-lyon.fr", "a.ac-lyon.fr", "ac.fr", "example.org",
                   "mail.example.org", "foo.test", "test", "xyz.fr", "a.xyz.fr", "orange.fr", "fr", ""):
        assert _domain_matches(domain, patterns) == reference(domain), domain
        assert _domain_matches(domain, list(patterns)) == reference(domain), domain  # any sequence


def test_an_address_on_a_huge_line_of_names_is_judged_from_its_surroundings_only() -> None:
    """A minified file's one line of capitalised words: the named-address pattern backtracked over
    the whole line for each address (a 20-commit history never ended). A 240 KB line now costs
    what a short one does; the old code did not finish within a minute."""
    import time

    value = "jean.dupont@exemple-mairie.fr"
    line = "Aa Bb " * 20000 + value + " Cc Dd" * 20000
    finding = Finding(rule_id="email", rule_name="e", category="pii", severity="medium", confidence=1.0,
                      path="app.min.js", line=1, column=line.index(value) + 1, end_line=1, end_column=1, value=value)
    started = time.perf_counter()
    Judge().judge(finding, line, None, above=None, block="x")
    assert time.perf_counter() - started < 5  # generous: milliseconds here, minutes before
    assert finding.verdict  # judged, whatever the verdict
