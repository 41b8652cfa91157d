from __future__ import annotations

from sondier.chunks import Chunk, CommitInfo
from sondier.detection import Detector
from sondier.rules import compile_rule, load_rules


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
