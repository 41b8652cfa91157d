"""Fuzz targets: each takes raw bytes and must raise nothing but SondierError.

Shared by the atheris harness (fuzz/fuzz_target.py) and usable from a REPL to replay a crash:
    python -c "import fuzz.targets as t; t.TARGETS['config'](open('crash-...', 'rb').read())"
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from collections.abc import Callable
from pathlib import Path

from sondier.errors import SondierError

_TMP = Path(tempfile.mkdtemp(prefix="sondier-fuzz-"))


def _text(data: bytes) -> str:
    return data.decode("utf-8", errors="surrogateescape")


def fuzz_validators(data: bytes) -> None:
    from sondier import validators

    if not data:
        return
    names = validators.known()
    name = names[data[0] % len(names)]
    try:
        validate = validators.get(name)
    except ImportError:
        return  # a validator module that has not landed yet
    verdict = validate(_text(data[1:]))
    assert isinstance(verdict, validators.Verdict)


def fuzz_normalisers(data: bytes) -> None:
    from sondier.filters import is_placeholder_number, shannon_entropy
    from sondier.findings import redact
    from sondier.rules import compact, fold

    text = _text(data)
    fold(text)
    compact(text)
    shannon_entropy(text)
    is_placeholder_number(text)
    if text:
        shown = redact(text, "pii").rstrip("*")
        assert len(shown) <= 2


def fuzz_rule_file(data: bytes) -> None:
    from sondier.rules import compile_rule, load_file

    path = _TMP / "rule.yaml"
    path.write_bytes(data)
    try:
        for rule in load_file(path):
            compile_rule(rule)
    except SondierError:
        pass


def fuzz_config(data: bytes) -> None:
    from sondier import config

    name = ".sondier.yml" if not data or data[0] % 2 else "pyproject.toml"
    folder = _TMP / "config"
    folder.mkdir(exist_ok=True)
    for stale in folder.iterdir():
        stale.unlink()
    (folder / name).write_bytes(data[1:])
    with contextlib.suppress(SondierError):
        config.load(folder)


def fuzz_decode(data: bytes) -> None:
    from sondier.sources import files

    files.decode_bytes(data)
    saved = files.SNIFF_BYTES, files.CHUNK_CHARS, files.OVERLAP_CHARS, files.CONTEXT_CHARS
    files.SNIFF_BYTES, files.CHUNK_CHARS, files.OVERLAP_CHARS, files.CONTEXT_CHARS = 32, 64, 8, 4
    try:
        for chunk in files.read_handle(io.BytesIO(data), "fuzz"):
            assert isinstance(chunk.text, str)
    finally:
        files.SNIFF_BYTES, files.CHUNK_CHARS, files.OVERLAP_CHARS, files.CONTEXT_CHARS = saved


def fuzz_diff(data: bytes) -> None:
    from sondier.sources.diff_parser import DiffParser

    lines = data.split(b"\n")
    half = len(lines) // 2
    for _ in DiffParser(piece_bytes=64, want_removed=bool(data[:1] == b"-")).parse([lines[:half], lines[half:]]):
        pass


def fuzz_ignore_file(data: bytes) -> None:
    from sondier.suppression import ignore_file

    path = _TMP / ".sondierignore"
    path.write_bytes(data)
    with contextlib.suppress(SondierError):
        ignore_file.load(path)


def fuzz_baseline(data: bytes) -> None:
    from sondier.suppression import baseline

    path = _TMP / "baseline.json"
    path.write_bytes(data)
    with contextlib.suppress(SondierError):
        baseline.load(path)


_DETECTOR = None


def fuzz_detect(data: bytes) -> None:
    global _DETECTOR
    from sondier.chunks import Chunk
    from sondier.config import Config
    from sondier.detection import Detector
    from sondier.pipeline import load_selected_rules

    if _DETECTOR is None:
        _DETECTOR = Detector(load_selected_rules(Config()), regex_timeout=1.0)
    text = _text(data)
    for finding in _DETECTOR.detect(Chunk(text, "fuzz")).findings:
        assert finding.line >= 1 and finding.column >= 1


TARGETS: dict[str, Callable[[bytes], None]] = {
    "validators": fuzz_validators,
    "normalisers": fuzz_normalisers,
    "rule_file": fuzz_rule_file,
    "config": fuzz_config,
    "decode": fuzz_decode,
    "diff": fuzz_diff,
    "ignore_file": fuzz_ignore_file,
    "baseline": fuzz_baseline,
    "detect": fuzz_detect,
}
