"""Inputs that break scanners: binary noise, late NUL bytes, UTF-16/32, legacy Latin-1, mixed
line endings, a huge one-line file, and values straddling the streaming chunk boundaries.

The planted e-mail is the rule's own documented example; the phone number is checked only
once the `fr-phone` rule exists."""

from __future__ import annotations

import codecs
import io
import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from sondier import pipeline
from sondier.config import Config
from sondier.rules import load_rules
from sondier.sources import files
from tests.conftest import run_sondier, sondier_command

EMAIL = "jeanne.martin@orange.fr"
PHONE = "06 47 29 81 53"  # a realistic mobile (a patterned one such as 06 12 34 56 78 is test data)
HAS_PHONE_RULE = any(rule.id == "fr-phone" for rule in load_rules())


def scan_bytes(data: bytes, rule: str = "email") -> list[tuple[int, int, int]]:
    """(line, column, end_column) of each finding of ``rule`` in ``data`` read as stdin."""
    config = Config(enable=(rule,), min_confidence=0.0, group_repeats=False)  # each place: positions are tested
    result = pipeline.scan_stdin(config, io.BytesIO(data))
    assert result.complete, result.errors
    return [(f.line, f.column, f.end_column) for f in result.findings if f.rule_id == rule]


def scan_tree(root: Path, rule: str = "email") -> pipeline.ScanResult:
    config = Config(root=root, enable=(rule,), min_confidence=0.0, jobs=1, group_repeats=False)
    return pipeline.scan_paths([root], config)


# --- random bytes ------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
def test_random_bytes_never_crash(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    for index in range(6):
        size = rng.choice([0, 1, 2, 3, 7, 8191, 8192, 8193, 70_000])
        (tmp_path / f"noise{index}.bin").write_bytes(rng.randbytes(size))
    # Random bytes with the e-mail pasted inside: found when the file reads as text.
    (tmp_path / "mixed.txt").write_bytes(b"mail " + EMAIL.encode() + b"\n" + bytes(rng.randrange(128, 256)
                                                                               for _ in range(3000)))
    result = scan_tree(tmp_path)
    assert result.complete
    assert [f.path for f in result.findings if f.value == EMAIL] == ["mixed.txt"]


def test_random_bytes_through_the_cli(tmp_path: Path) -> None:
    rng = random.Random(42)
    for index in range(20):
        (tmp_path / f"r{index}").write_bytes(rng.randbytes(rng.randrange(0, 20_000)))
    proc = run_sondier(["scan", ".", "--format", "json"], cwd=tmp_path)
    assert proc.returncode in (0, 1), proc.stderr
    assert "Traceback" not in proc.stderr
    assert json.loads(proc.stdout)["scan"]["complete"] is True


# --- NUL bytes ----------------------------------------------------------------------------


def test_nul_bytes_late_in_a_text_file_do_not_hide_values() -> None:
    text = "x = 1\n" * 3000  # > SNIFF_BYTES of clean text first
    data = (text + "mail " + EMAIL + "\x00\x00garbage\x00\nmail " + EMAIL + "\n").encode()
    assert len(text) > files.SNIFF_BYTES
    assert scan_bytes(data) == [(3001, 6, 6 + len(EMAIL)), (3002, 6, 6 + len(EMAIL))]


def test_nul_bytes_at_the_start_make_a_binary_file() -> None:
    assert files.decode_bytes(b"\x00\x01\x02" + EMAIL.encode()) is None


# --- encodings ----------------------------------------------------------------------------

TEXT = f"nom;courriel\nMartin;{EMAIL}\n"


@pytest.mark.parametrize(
    "encoded",
    [
        pytest.param(TEXT.encode("utf-8"), id="utf-8"),
        pytest.param(codecs.BOM_UTF8 + TEXT.encode("utf-8"), id="utf-8-bom"),
        pytest.param(TEXT.encode("utf-16"), id="utf-16-bom"),
        pytest.param(codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), id="utf-16-be-bom"),
        pytest.param(TEXT.encode("utf-16-le"), id="utf-16-le-no-bom"),
        pytest.param(TEXT.encode("utf-16-be"), id="utf-16-be-no-bom"),
        pytest.param(TEXT.encode("utf-32"), id="utf-32-bom"),
        pytest.param(TEXT.encode("latin-1"), id="latin-1"),
    ],
)
def test_encodings_give_the_same_finding(encoded: bytes) -> None:
    assert scan_bytes(encoded) == [(2, 8, 8 + len(EMAIL))]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-16"])
def test_streamed_utf16_keeps_lines_and_columns(monkeypatch: pytest.MonkeyPatch, encoding: str) -> None:
    monkeypatch.setattr(files, "CHUNK_CHARS", 1000)
    monkeypatch.setattr(files, "OVERLAP_CHARS", 100)
    text = "ligne sans rien\n" * 1500 + "courriel : " + EMAIL + "\n" + "fin\n" * 500
    assert scan_bytes(text.encode(encoding)) == [(1501, 12, 12 + len(EMAIL))]


def test_latin1_french_legacy_text(tmp_path: Path) -> None:
    legacy = f"Fiche client\nTéléphone : {PHONE}\nCourriel : {EMAIL}\nAdresse : 3 rue de l'Église\n"
    (tmp_path / "client.txt").write_bytes(legacy.encode("latin-1"))
    (tmp_path / "client-cp1252.txt").write_bytes(("« " + legacy + " » — fin").encode("cp1252"))
    result = scan_tree(tmp_path)
    emails = sorted((f.path, f.line, f.column) for f in result.findings if f.rule_id == "email")
    assert emails == [("client-cp1252.txt", 3, 12), ("client.txt", 3, 12)]
    # The accented context word is decoded, not mangled: it raises the confidence.
    assert all("courriel" in " ".join(f.reasons) for f in result.findings if f.rule_id == "email")
    if HAS_PHONE_RULE:
        phones = scan_tree(tmp_path, "fr-phone").findings
        assert sorted((f.path, f.line) for f in phones) == [("client-cp1252.txt", 2), ("client.txt", 2)]


def test_invalid_utf8_after_the_sniff_window_is_still_scanned() -> None:
    data = ("a\n" * 5000).encode() + "Téléphone\n".encode("latin-1") + f"mail {EMAIL}\n".encode()
    assert scan_bytes(data) == [(5002, 6, 6 + len(EMAIL))]


# --- line endings ---------------------------------------------------------------------------


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_line_endings(newline: str) -> None:
    data = newline.join(["un", "deux", f"mail {EMAIL}", "quatre"]).encode()
    assert scan_bytes(data) == [(3, 6, 6 + len(EMAIL))]


def test_mixed_line_endings_find_each_value_once() -> None:
    data = f"a\r\nb\rc\nmail {EMAIL}\r\nd\rmail {EMAIL}\n".encode()
    found = scan_bytes(data)
    # Lines are counted on "\n" (git's view); a lone "\r" does not start a line.
    assert [line for line, _, _ in found] == [3, 4]
    assert len(found) == 2


# --- chunk boundaries (monkeypatched small chunks) ------------------------------------------


def _boundaries(data: bytes) -> list[int]:
    """Absolute character offsets where one chunk's owned part ends (one-line ASCII text)."""
    ends = []
    for chunk in files.read_handle(io.BytesIO(data), "x"):
        if chunk.owned_end is not None:
            ends.append(chunk.start_column - 1 + chunk.owned_end)
    return ends


@pytest.fixture
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "CHUNK_CHARS", 1000)
    monkeypatch.setattr(files, "OVERLAP_CHARS", 100)
    monkeypatch.setattr(files, "CONTEXT_CHARS", 50)


@pytest.mark.usefixtures("small_chunks")
def test_values_straddling_every_chunk_boundary_are_found_once_one_line() -> None:
    filler = bytearray(b"x" * 30_000)
    boundaries = _boundaries(bytes(filler))
    assert len(boundaries) >= 5
    for boundary in boundaries:
        for shift in (-len(EMAIL) - 1, -len(EMAIL), -12, -1, 0, 1):
            data = bytearray(filler)
            start = boundary + shift
            data[start - 1 : start + len(EMAIL) + 1] = f" {EMAIL} ".encode()
            assert scan_bytes(bytes(data)) == [(1, start + 1, start + 1 + len(EMAIL))], (boundary, shift)


@pytest.mark.usefixtures("small_chunks")
def test_values_straddling_chunk_boundaries_multi_line() -> None:
    lines = [f"ligne {i:05d} " + "y" * 40 for i in range(2000)]
    expected = []
    for number in range(7, 2000, 23):
        column = len(lines[number]) - 10  # ends past the line: straddles whatever is there
        lines[number] = lines[number][:column] + " " + EMAIL
        expected.append((number + 1, column + 2, column + 2 + len(EMAIL)))
    assert scan_bytes("\n".join(lines).encode()) == expected


@pytest.mark.usefixtures("small_chunks")
def test_chunks_partition_the_text() -> None:
    text = "".join(f"{i}\n" if i % 7 else "é" * 30 for i in range(5000))
    chunks = list(files.read_handle(io.BytesIO(text.encode()), "x"))
    owned = "".join(c.text[c.owned_start : c.owned_end] for c in chunks)
    assert len(chunks) > 3
    assert owned == text


# --- huge files (subprocess, bounded memory) -------------------------------------------------


def _peak_rss_run(args: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[str], int]:
    """Run sondier in a child and return its peak RSS in bytes (Linux ru_maxrss is in KiB)."""
    code = (
        "import resource, subprocess, sys\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "sys.stdout.write(p.stdout); sys.stderr.write(p.stderr)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
        "sys.exit(p.returncode)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, *sondier_command(), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)
    *stderr, rss = proc.stderr.rstrip("\n").split("\n")
    proc.stderr = "\n".join(stderr)
    return proc, int(rss) * 1024


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss units and /proc are Linux-specific")
def test_big_one_line_file_bounded_memory_and_exact_positions(tmp_path: Path) -> None:
    size = 30 * 1024 * 1024
    data = bytearray(b"z" * size)
    boundaries = _boundaries_default(size)
    positions = sorted({10, size // 2, size - 40} | {b - 11 for b in boundaries} | {b + 15 for b in boundaries})
    for start in positions:
        data[start - 1 : start + len(EMAIL) + 1] = f" {EMAIL} ".encode()
    (tmp_path / "big.txt").write_bytes(data)
    (tmp_path / "small.txt").write_text(f"mail {EMAIL}\n")
    del data

    proc, rss_big = _peak_rss_run(["scan", "big.txt", "-f", "json", "--min-confidence", "0"], tmp_path)
    assert proc.returncode == 1, proc.stderr
    (finding,) = [f for f in json.loads(proc.stdout)["findings"] if f["rule_id"] == "email"]  # one value
    found = [(line, column) for _, line, column in finding["repeated"]["locations"]]
    assert found == [(1, start + 1) for start in positions]
    _, rss_small = _peak_rss_run(["scan", "small.txt"], tmp_path)
    # Streaming: a few chunks of 4 MiB in memory, never the whole 30 MiB file (+ its str copy).
    assert rss_big - rss_small < size, (rss_big, rss_small)


def _boundaries_default(size: int) -> list[int]:
    # Boundaries depend only on the length for ASCII text: compute them with a lazy reader.
    class Zeros(io.RawIOBase):
        def __init__(self) -> None:
            self.left = size

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
            n = min(len(buffer), self.left)
            buffer[:n] = b"z" * n
            self.left -= n
            return n

    ends = []
    for chunk in files.read_handle(io.BufferedReader(Zeros(), 1 << 20), "x"):
        if chunk.owned_end is not None:
            ends.append(chunk.start_column - 1 + chunk.owned_end)
    assert ends, "the 30 MB file must be streamed in several chunks"
    return ends



def test_many_findings_in_one_chunk_are_not_a_regex_timeout() -> None:
    """The regex time limit covers the regex, not the caller's work per candidate (validators,
    slow fingerprints): 600 addresses in one chunk used to 'time out' and lose the rest."""
    data = "".join(f"contact: jeanne.martin{n}@orange.fr\n" for n in range(40)).encode()
    config = Config(enable=("email",), regex_timeout=0.1)
    result = pipeline.scan_stdin(config, io.BytesIO(data))
    assert result.errors == []
    assert len(result.findings) == 40
