from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sondier import decoding
from sondier.chunks import Chunk
from sondier.decoding import LongRunDetector, find_encoded
from sondier.detection import Detector
from sondier.rules import load_rules

EMAIL = "jeanne.martin@orange.fr"


def email_detector(**kwargs: object) -> Detector:
    return Detector([r for r in load_rules() if r.id == "email"], **kwargs)  # type: ignore[arg-type]


def test_base64_value_is_found_at_the_encoded_location() -> None:
    encoded = base64.b64encode(EMAIL.encode()).decode()
    text = f"kind: Secret\ndata:\n  contact: {encoded}\n"
    findings = email_detector().detect(Chunk(text, "secret.yaml")).findings
    assert len(findings) == 1
    finding = findings[0]
    assert (finding.line, finding.column, finding.end_column) == (3, 12, 12 + len(encoded))
    assert "decoded from base64" in finding.reasons
    assert finding.redacted == "je********"


def test_nested_base64_is_decoded_twice_but_not_more() -> None:
    once = base64.b64encode(f"mail={EMAIL}".encode())
    twice = base64.b64encode(once).decode()
    thrice = base64.b64encode(twice.encode()).decode()
    assert email_detector().detect(Chunk(f"v = {twice}\n", "f")).findings
    assert not email_detector().detect(Chunk(f"v = {thrice}\n", "f")).findings


def test_percent_encoded_value_is_found() -> None:
    text = "GET /subscribe?mail=jeanne.martin%40orange.fr&lang=fr%2Dfr HTTP/1.1\n"
    findings = email_detector().detect(Chunk(text, "access.log")).findings
    assert len(findings) == 1
    assert "decoded from percent" in findings[0].reasons


def test_clear_text_value_is_not_reported_twice() -> None:
    encoded = base64.b64encode(EMAIL.encode()).decode()
    text = f"contact {EMAIL}\ncontact_b64 {encoded}\n"
    assert len(email_detector().detect(Chunk(text, "f")).findings) == 1


def test_decoding_can_be_turned_off() -> None:
    encoded = base64.b64encode(EMAIL.encode()).decode()
    assert not email_detector(decode=False).detect(Chunk(f"x: {encoded}\n", "f")).findings


def test_binary_and_identifiers_are_not_decoded() -> None:
    noise = base64.b64encode(bytes(range(256))).decode()
    text = f"{noise}\nthisIsALongCamelCaseIdentifierName\nabcdefghijklmnopqrstuvwxyz\n"
    assert list(find_encoded(text, LongRunDetector())) == []


_PIECES = [*"Ab9+/=é—\n %2F", "QUJD" * 5, "%41%42", "\udc80"]  # a lone surrogate: a git path's raw byte
_RUN_TEXT = st.lists(st.sampled_from(_PIECES), max_size=120).map("".join)


@settings(max_examples=300, deadline=None)
@given(_RUN_TEXT)
def test_hyperscan_runs_are_the_regex_runs_in_any_text(text: str) -> None:
    detector = LongRunDetector()
    if detector(text) is None:
        pytest.skip("hyperscan not installed")
    # The regex walk (the fallback) says where runs are; hyperscan must agree, also after
    # multi-byte characters, where its byte offsets are turned into character offsets.
    assert detector(text) == list(decoding._base64_runs(text, None))


@settings(max_examples=300, deadline=None)
@given(_RUN_TEXT)
def test_percent_tokens_are_those_of_every_escape(text: str) -> None:
    tokens = list(decoding._percent_tokens(text))
    # Every token holding two escapes, line by line (what the search over escapes must find).
    expected = []
    offset = 0
    for line in text.split("\n"):
        if decoding._PERCENT_ESCAPE.search(line):
            expected += [(offset + t.start(), offset + t.end(), t.group(0)) for t in decoding._TOKEN.finditer(line)
                         if t.group(0).count("%") >= 2]
        offset += len(line) + 1
    assert tokens == expected
