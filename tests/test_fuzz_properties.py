"""Property-based fuzzing (hypothesis, bounded examples): parsers, decoders, normalisers and
validators never let an exception escape other than the documented SondierError types.

The long, coverage-guided runs live in fuzz/ (atheris); this is the short one kept in the
suite. Validators are taken from the registry, so new ones are fuzzed as soon as they land."""

from __future__ import annotations

import importlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sondier import config as config_module
from sondier import rules as rules_module
from sondier import validators
from sondier.chunks import Chunk
from sondier.detection import Detector
from sondier.errors import SondierError
from sondier.filters import is_placeholder_number, shannon_entropy
from sondier.findings import redact
from sondier.sources import files

# Fixtures used inside @given are reset per example by hand (monkeypatch.context()).
_CHECKS = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
FAST = settings(max_examples=150, deadline=None, suppress_health_check=_CHECKS)
SLOW = settings(max_examples=40, deadline=None, suppress_health_check=_CHECKS)

# Text that looks like what validators see: digits, separators, letters, and some Unicode noise.
identifier_text = st.text(alphabet=st.sampled_from("0123456789 .-/+ABFRXZabez@_:\u00a0\u202féß\u0660"), max_size=40)
any_text = st.text(max_size=200)

yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(max_size=20))
yaml_values = st.recursive(
    yaml_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=12,
)


def _validator_or_skip(name: str) -> Any:
    try:
        return validators.get(name)
    except ImportError:  # the module has not landed yet: skip only this, never other errors
        pytest.skip(f"validator module for {name!r} does not exist yet")


# Reasons written as literals in the validators: fixed texts, which a short value may happen to
# spell ("not " inside "not text") without being echoed.
_VALIDATOR_SOURCES = "".join(p.read_text(encoding="utf-8") for p in Path(validators.__file__).parent.glob("*.py"))


def _fixed_reason(reason: str) -> bool:
    return f'"{reason}"' in _VALIDATOR_SOURCES


@pytest.mark.parametrize("name", validators.known())
@FAST
@given(value=st.one_of(identifier_text, any_text))
def test_validators_never_raise(name: str, value: str) -> None:
    verdict = _validator_or_skip(name)(value)
    assert isinstance(verdict, validators.Verdict)
    # reasons never echo the value
    assert value not in verdict.reason or len(value) < 4 or _fixed_reason(verdict.reason)


def test_an_echoed_value_is_not_a_fixed_reason() -> None:
    assert _fixed_reason("not text")
    assert not _fixed_reason("not text: 8f3kq0")


@FAST
@given(value=any_text)
def test_normalisers_never_raise(value: str) -> None:
    assert rules_module.fold(value) == rules_module.fold(rules_module.fold(value))
    assert rules_module.compact(value) == rules_module.compact(rules_module.compact(value))
    assert shannon_entropy(value) >= 0
    is_placeholder_number(value)


@FAST
@given(value=st.text(min_size=1, max_size=80), category=st.sampled_from(["pii", "secret"]))
def test_redaction_never_reveals_the_value(value: str, category: str) -> None:
    shown = redact(value, category).rstrip("*")
    assert len(shown) <= (2 if category == "pii" else 4)
    compact = "".join(value.split())
    if len(compact) >= 6:
        assert compact not in redact(value, category)


# --- rule loader --------------------------------------------------------------------------

BASE_RULE: dict[str, Any] = {
    "id": "fuzz-rule", "name": "n", "category": "secret", "severity": "low", "description": "d",
    "remediation": "r", "regex": "(?P<value>tok_[a-z]{4})", "examples": {"positive": ["tok_abcd"]},
}


@FAST
@given(data=yaml_values)
def test_parse_rule_arbitrary_data(data: Any) -> None:
    try:
        rule = rules_module.parse_rule(data, "fuzz.yaml")
    except SondierError:
        return
    rules_module.compile_rule(rule)


OPTIONAL_FIELDS = ["flags", "keywords", "validator", "entropy", "boundary", "context", "confidence", "testdata"]


@FAST
@given(key=st.sampled_from([*sorted(BASE_RULE), *OPTIONAL_FIELDS]), value=yaml_values)
def test_parse_rule_one_bad_field(key: str, value: Any) -> None:
    data = {**BASE_RULE, key: value}
    try:
        rules_module.compile_rule(rules_module.parse_rule(data, "fuzz.yaml"))
    except SondierError as error:
        assert "fuzz.yaml" in str(error)


@FAST
@given(pattern=st.text(alphabet=st.sampled_from("()[]{}?*+|\\^$.:<>=!Pva0-9,dws"), max_size=30))
def test_regex_field_arbitrary_patterns(pattern: str) -> None:
    try:
        rule = rules_module.compile_rule(rules_module.parse_rule({**BASE_RULE, "regex": pattern}, "fuzz.yaml"))
    except SondierError as error:
        assert "fuzz-rule" in str(error)
        return
    # A rule that loads must scan arbitrary text without crashing or hanging.
    Detector([rule], regex_timeout=0.5).detect(Chunk("tok_abcd aaaa " * 3, "x"))


@SLOW
@given(text=st.text(max_size=300))
def test_load_file_arbitrary_yaml_text(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("rules") / "fuzz.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        rules_module.load_file(path)
    except SondierError as error:
        assert str(path) in str(error)


# --- configuration ------------------------------------------------------------------------

CONFIG_KEYS = sorted(config_module._TOP)


@FAST
@given(data=st.one_of(yaml_values, st.dictionaries(st.sampled_from(CONFIG_KEYS), yaml_values, max_size=4)))
def test_config_from_mapping(data: Any) -> None:
    try:
        config_module.from_mapping(data, Path("fuzz.yml"), Path("."))
    except SondierError as error:
        assert "fuzz.yml" in str(error)


@SLOW
@given(raw=st.binary(max_size=300), name=st.sampled_from([".sondier.yml", "pyproject.toml"]))
def test_config_load_arbitrary_bytes(tmp_path_factory: pytest.TempPathFactory, raw: bytes, name: str) -> None:
    root = tmp_path_factory.mktemp("cfg")
    (root / name).write_bytes(raw)
    try:
        config_module.load(root)
    except SondierError as error:
        assert name in str(error)


@FAST
@given(value=st.one_of(st.text(max_size=30), st.integers(), st.floats(), st.none(), st.booleans()))
def test_parse_size(value: Any) -> None:
    try:
        size = config_module.parse_size(value, "max-file-size")
    except SondierError:
        return
    assert isinstance(size, int) and size > 0


# --- decoding and chunking ----------------------------------------------------------------

boms = st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"])


@FAST
@given(bom=boms, raw=st.binary(max_size=2000))
def test_decode_bytes(bom: bytes, raw: bytes) -> None:
    text = files.decode_bytes(bom + raw)
    assert text is None or isinstance(text, str)


@FAST
@given(bom=boms, raw=st.binary(max_size=6000), chunk=st.integers(16, 700), overlap=st.integers(1, 64))
def test_read_handle_arbitrary_bytes(monkeypatch: pytest.MonkeyPatch, bom: bytes, raw: bytes, chunk: int,
                                     overlap: int) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(files, "SNIFF_BYTES", 64)
        patch.setattr(files, "CHUNK_CHARS", chunk)
        patch.setattr(files, "OVERLAP_CHARS", overlap)
        patch.setattr(files, "CONTEXT_CHARS", 8)
        for piece in files.read_handle(io.BytesIO(bom + raw), "fuzz"):
            assert isinstance(piece.text, str)


@FAST
@given(text=st.text(max_size=3000), chunk=st.integers(16, 500), overlap=st.integers(1, 64),
       encoding=st.sampled_from(["utf-8", "utf-16", "utf-16-le"]))
def test_streamed_chunks_partition_the_text(monkeypatch: pytest.MonkeyPatch, text: str, chunk: int, overlap: int,
                                            encoding: str) -> None:
    """The owned parts of the chunks, end to end, are exactly the decoded file."""
    assume("\x00" not in text and "\ufeff" not in text[:1])
    data = text.encode(encoding, errors="surrogatepass")
    assume(files.sniff_encoding(data[:64]) is not None)
    with monkeypatch.context() as patch:
        patch.setattr(files, "SNIFF_BYTES", 64)
        patch.setattr(files, "CHUNK_CHARS", chunk)
        patch.setattr(files, "OVERLAP_CHARS", overlap)
        patch.setattr(files, "CONTEXT_CHARS", 8)
        chunks = list(files.read_handle(io.BytesIO(data), "fuzz"))
    owned = "".join(c.text[c.owned_start : c.owned_end] for c in chunks)
    expected = files.decode_bytes(data)
    if len(chunks) > 1 and expected is not None:
        assert owned == expected


# --- detection on arbitrary text ----------------------------------------------------------


@pytest.fixture(scope="module")
def detector() -> Detector:
    from sondier.pipeline import load_selected_rules

    return Detector(load_selected_rules(config_module.Config()), regex_timeout=2.0)


@SLOW
@given(text=st.text(max_size=400), path=st.text(max_size=20))
def test_detect_arbitrary_text(detector: Detector, text: str, path: str) -> None:
    for finding in detector.detect(Chunk(text, path or "x")).findings:
        assert finding.line >= 1 and finding.column >= 1
        assert finding.value in text


# --- parsers that landed with other work (skipped only while their module is missing) -----


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        pytest.skip(f"{name} does not exist yet")


@FAST
@given(lines=st.lists(st.binary(max_size=60), max_size=40),
       prefix=st.sampled_from([b"", b"diff --git a/x b/x", b"@@ -0,0 +1,3 @@", b"+", b"\x00"]))
def test_diff_parser_arbitrary_lines(lines: list[bytes], prefix: bytes) -> None:
    diff_parser = _module("sondier.sources.diff_parser")
    mixed = [prefix + line if i % 2 else line for i, line in enumerate(lines)]
    parser = diff_parser.DiffParser(piece_bytes=64)
    for _ in parser.parse([mixed[: len(mixed) // 2], mixed[len(mixed) // 2 :]]):
        pass


@FAST
@given(text=st.text(max_size=120))
def test_ignore_file_lines(text: str) -> None:
    ignore_file = _module("sondier.suppression.ignore_file")
    try:
        ignore_file.parse_line(text, ".sondierignore", 1)
    except SondierError as error:
        assert ".sondierignore:1" in str(error)


@SLOW
@given(data=st.one_of(yaml_values, st.fixed_dictionaries({"version": yaml_values, "fingerprints": yaml_values,
                                                           "entries": yaml_values}), st.text(max_size=50)))
def test_baseline_loader(tmp_path_factory: pytest.TempPathFactory, data: Any) -> None:
    baseline = _module("sondier.suppression.baseline")
    path = tmp_path_factory.mktemp("baseline") / "b.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data, allow_nan=True))
    try:
        baseline.load(path)
    except SondierError as error:
        assert "b.json" in str(error)
