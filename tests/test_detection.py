from __future__ import annotations

import json
import random
import string
from pathlib import Path
from typing import Any

import pytest
from conftest import run_sondier

from sondier import pipeline
from sondier.chunks import Chunk, CommitInfo
from sondier.config import Config
from sondier.detection import Detector, _Scored, resolve_overlaps, validator_strength
from sondier.matching import Candidate
from sondier.rules import compile_rule, load_rules
from tests.gitrepo import nir


def email_detector(**kwargs: object) -> Detector:
    rules = [compile_rule(r) for r in load_rules() if r.id == "email"]
    return Detector(rules, **kwargs)  # type: ignore[arg-type]


def test_finding_has_position_redaction_and_fingerprint() -> None:
    text = "first line\nname;contact\nDupont;jeanne.martin@orange.fr\n"
    found = email_detector().detect(Chunk(text, "users.csv")).findings
    assert len(found) == 1
    finding = found[0]
    assert (finding.line, finding.column, finding.end_column) == (3, 8, 31)
    assert finding.redacted == "je********"
    assert "jeanne" not in finding.fingerprint
    assert finding.fingerprint.startswith("email:")
    assert "jeanne" not in repr(finding)


def test_csv_header_counts_as_context() -> None:
    text = "nom,email\nDupont,jeanne.martin@orange.fr\n"
    finding = email_detector().detect(Chunk(text, "u.csv")).findings[0]
    assert finding.confidence == 0.9
    assert any("email" in r for r in finding.reasons)


def test_reserved_domains_are_test_data_with_a_verdict_not_hidden() -> None:
    from sondier.verdict import Judge

    detected = email_detector(judge=Judge()).detect(Chunk("jeanne@example.org", "f"))
    assert detected.below_threshold == 0
    [finding] = detected.findings
    assert finding.test_data is True
    assert finding.verdict == "test-data" and not finding.actionable
    assert finding.verdict_reasons == ["reserved documentation domain"]


def test_secret_test_data_still_lowers_confidence() -> None:
    rules = [compile_rule(r) for r in load_rules() if r.id == "generic-password"]
    detected = Detector(rules).detect(Chunk('password = "changeme"\n', "f"))
    assert detected.findings == [] or all(f.confidence <= 0.1 for f in detected.findings)


def test_line_numbers_of_non_contiguous_diff_lines() -> None:
    chunk = Chunk("a\njeanne.martin@orange.fr\n", "f", line_numbers=[10, 42],
                  commit=CommitInfo(sha="abc"))
    finding = email_detector().detect(chunk).findings[0]
    assert finding.line == 42
    assert finding.commit is not None and finding.commit.sha == "abc"


def test_inline_marker_suppresses_and_policy_can_refuse_it() -> None:
    text = "x = 'jeanne.martin@orange.fr'  # sondier:ignore\n"
    assert email_detector().detect(Chunk(text, "f")).findings[0].suppressed_by == "inline"
    assert email_detector(inline_ignore=False).detect(Chunk(text, "f")).findings[0].suppressed_by is None


# ----------------------------------------------------------------------------- one value, one finding

def _detector(*rule_ids: str, **kwargs: object) -> Detector:
    rules = [compile_rule(r) for r in load_rules() if r.id in rule_ids]
    return Detector(rules, **kwargs)  # type: ignore[arg-type]


# A French IBAN (mod 97 and RIB key valid, generated) whose digits hold a Luhn-valid Visa number.
IBAN_HOLDING_A_CARD = "FR76 1251 6798 6232 7287 9502 644"
CARD_INSIDE = "6798 6232 7287 9502 644"


def test_card_number_inside_an_iban_is_the_iban() -> None:
    text = f"IBAN : {IBAN_HOLDING_A_CARD}\n"
    alone = _detector("payment-card").detect(Chunk(text, "rib.txt")).findings
    assert [f.value for f in alone] == [CARD_INSIDE]  # the card rule alone reads one in it
    found = _detector("payment-card", "iban").detect(Chunk(text, "rib.txt")).findings
    assert [(f.rule_id, f.value) for f in found] == [("iban", IBAN_HOLDING_A_CARD)]


def test_email_inside_a_credentials_url_is_the_url() -> None:
    text = "REDIS_URL=redis://:password@mysql.prod:6379\n"
    assert _detector("email").detect(Chunk(text, ".env")).findings  # the e-mail rule alone reads one
    detector = _detector("email", "url-credentials", min_confidence=0.0)
    found = detector.detect(Chunk(text, ".env")).findings
    assert [f.rule_id for f in found] == ["url-credentials"]
    # The URL's password is a placeholder (test data, under the threshold): still no e-mail.
    assert _detector("email", "url-credentials").detect(Chunk(text, ".env")).findings == []


def test_provider_rule_wins_over_generic_on_the_same_value() -> None:
    rng = random.Random(3)
    value = "".join(rng.choice(string.hexdigits.lower()[:16]) for _ in range(64))
    text = f"FC_AS_FS_SECRET={value}\n"
    found = _detector("franceconnect-client-secret", "generic-api-key").detect(Chunk(text, ".env")).findings
    assert [f.rule_id for f in found] == ["franceconnect-client-secret"]


def _scored(rule_id: str, start: int, end: int, confidence: float = 0.7) -> _Scored:
    rule = next(compile_rule(r) for r in load_rules() if r.id == rule_id)
    candidate = Candidate(rule, "x" * (end - start), start, end, start, end)
    return _Scored(candidate, confidence, [], False)


@pytest.mark.parametrize(
    ("outer", "inner", "inner_span"),
    [
        ("fr-siret", "fr-siren", (0, 11)),  # SIREN 823 165 345 inside SIRET 823 165 345 00013
        ("fr-siret", "fr-phone", (4, 17)),  # a phone-shaped run of the SIRET's digits
        ("iban", "fr-nir", (5, 25)),
        ("iban", "payment-card", (5, 28)),
        ("url-credentials", "email", (1, 20)),
    ],
)
def test_the_containing_value_wins(outer: str, inner: str, inner_span: tuple[int, int]) -> None:
    container = _scored(outer, 0, 33, confidence=0.1)
    contained = _scored(inner, *inner_span, confidence=1.0)
    for order in ([container, contained], [contained, container]):
        kept = resolve_overlaps(order)
        assert [k.candidate.rule.id for k in kept] == [outer]


def test_same_span_stronger_validator_wins_and_distinct_values_stay() -> None:
    generic = _scored("generic-api-key", 10, 40, confidence=0.9)
    card = _scored("payment-card", 10, 40, confidence=0.6)
    email = _scored("email", 50, 70)
    kept = resolve_overlaps([generic, card, email])
    assert [k.candidate.rule.id for k in kept] == ["payment-card", "email"]
    assert validator_strength(card.candidate.rule) > validator_strength(generic.candidate.rule)


def test_a_rule_that_refines_another_wins_on_the_same_value_whatever_the_scores() -> None:
    ins = _scored("fr-ins", 10, 25, confidence=0.6)
    plain = _scored("fr-nir", 10, 25, confidence=1.0)  # a context word beside it, a higher score
    for order in ([ins, plain], [plain, ins]):
        assert [k.candidate.rule.id for k in resolve_overlaps(order)] == ["fr-ins"]
    assert "fr-nir" in ins.candidate.rule.refines


def _hl7_message(number: str, oid: str) -> str:
    return ("MSH|^~\\&|DPI|CHU|GAM|CHU|20260112083000||ADT^A04|MSG0001|P|2.5\r\n"
            f"PID|1||{number}^^^ASIP-SANTE-INS-NIR&{oid}&ISO^INS||DURAND^CAMILLE^^^^^L||19850510|F\r\n")


def _fhir_patient(number: str, oid: str) -> str:
    patient = {"resourceType": "Patient", "identifier": [
        {"use": "official", "system": f"urn:oid:{oid}", "value": number}]}
    return json.dumps(patient, indent=2) + "\n"


def _cda_header(number: str, oid: str) -> str:
    return (f'<recordTarget><patientRole>\n  <id root="{oid}" extension="{number}"/>\n'
            "</patientRole></recordTarget>\n")


@pytest.mark.parametrize("spelling", ["compact", "grouped"])
def test_an_ins_is_one_fr_ins_finding_never_also_a_nir(tmp_path: Path, spelling: str) -> None:
    def value(seed: int) -> str:
        number = nir(seed)
        if spelling == "compact":
            return number
        return " ".join([number[0], number[1:3], number[3:5], number[5:7], number[7:10], number[10:13], number[13:]])

    (tmp_path / "adt.hl7").write_text(_hl7_message(value(1), "1.2.250.1.213.1.4.8"))
    (tmp_path / "patient.json").write_text(_fhir_patient(value(2), "1.2.250.1.213.1.4.8"))
    (tmp_path / "cda.xml").write_text(_cda_header(value(3), "1.2.250.1.213.1.4.8"))
    (tmp_path / "test-patient.hl7").write_text(_hl7_message(value(4), "1.2.250.1.213.1.4.10"))
    report = _scan_pii(tmp_path)
    found = sorted((f["path"].rsplit("/", 1)[-1], f["rule_id"]) for f in report["findings"])
    assert found == [("adt.hl7", "fr-ins"), ("cda.xml", "fr-ins"), ("patient.json", "fr-ins")]
    # Sent with the test OID: test data, listed apart, and no NIR finding in its place either.
    annotated = [(f["path"].rsplit("/", 1)[-1], f["rule_id"], f["verdict"]) for f in report["annotated"]]
    assert annotated == [("test-patient.hl7", "fr-ins", "test-data")]


def _scan_pii(root: Path) -> dict[str, Any]:
    result = run_sondier(["scan", str(root), "--format", "json", "--rule", "pii"])
    assert result.returncode in (0, 1), result.stderr
    return json.loads(result.stdout)


def test_numbers_inside_svg_geometry_are_not_personal_data(tmp_path: Path) -> None:
    """A drawing's coordinates spell phone numbers by chance; a number in its text is still one."""
    svg = ('<svg xmlns="http://www.w3.org/2000/svg">\n'
           '  <path class="cls-1" d="m260.32,248.63c.02.34.05.67.05,1.01,0,10.24-8.17,18.55Z"/>\n'
           '  <polygon points="06.47.18.29.53 1,2"/>\n'
           '  <text x="1" y="2">Tél. 06 47 18 29 53</text>\n</svg>\n')
    (tmp_path / "picto.svg").write_text(svg, encoding="utf-8")
    result = pipeline.scan_paths([tmp_path], Config(root=tmp_path, enable=("fr-phone",), jobs=1))
    assert [(f.line, f.value) for f in result.findings + result.annotated] == [(4, "06 47 18 29 53")]
