"""sondier.lazy_re: a module-level pattern compiled on first use, behaving as re.compile's."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from sondier.lazy_re import LazyPattern, lazy

PATTERN = r"(?P<word>[a-z]+)(\d*)"
TEXTS = ["abc12 def x9", "", "ABC", "no-digits here 42"]


def _span(match: re.Match[str] | None) -> tuple[int, int] | None:
    return match.span() if match else None


@pytest.mark.parametrize("flags", [0, re.IGNORECASE, re.IGNORECASE | re.VERBOSE])
def test_every_method_answers_as_the_compiled_pattern(flags: int) -> None:
    compiled = re.compile(PATTERN, flags)
    pattern = lazy(PATTERN, flags)
    assert pattern._compiled is None  # nothing compiled before the first use
    for text in TEXTS:
        for method in ("search", "match", "fullmatch"):
            ours, theirs = getattr(pattern, method)(text), getattr(compiled, method)(text)
            assert _span(ours) == _span(theirs) and (ours and ours.groups()) == (theirs and theirs.groups())
        assert pattern.findall(text) == compiled.findall(text)
        assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in compiled.finditer(text)]
        assert pattern.sub("-", text) == compiled.sub("-", text)
        assert pattern.sub(lambda m: m.group("word").upper(), text, 1) == compiled.sub(
            lambda m: m.group("word").upper(), text, 1
        )
        assert pattern.split(text) == compiled.split(text)
        assert _span(pattern.search(text, 2)) == _span(compiled.search(text, 2))
    assert (pattern.pattern, pattern.flags, pattern.groupindex) == (
        compiled.pattern,
        compiled.flags,
        compiled.groupindex,
    )


def test_an_invalid_pattern_fails_when_used() -> None:
    pattern = lazy(r"(unclosed")
    with pytest.raises(re.error):
        pattern.search("x")


def test_the_secret_validators_compile_nothing_at_import() -> None:
    code = (
        "import sondier.validators.secrets as s\n"
        "from sondier.lazy_re import LazyPattern\n"
        "lazy = [v for v in vars(s).values() if isinstance(v, LazyPattern)]\n"
        "assert len(lazy) >= 20 and all(v._compiled is None for v in lazy), len(lazy)\n"
        "assert s.is_test_path('tests/fixtures/users.csv') and not s.is_test_path('src/app.py')\n"
        "print(sum(v._compiled is not None for v in lazy))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "1"  # only the test-path pattern, by its first use


def test_lazy_pattern_is_what_lazy_returns() -> None:
    assert isinstance(lazy("x"), LazyPattern)
