"""One pass over the text for all rules, then the exact regex only for the rules present.

hyperscan (when installed) compiles every rule's regex in prefilter mode into one database:
a single scan of the bytes tells which rules can match at all. The `regex` module then finds
the exact matches and the `value` group for those rules only. Without hyperscan, rules with
keywords are prefiltered by a substring test and the others run directly.
"""

from __future__ import annotations

import hashlib
import os
import re as _stdre
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sondier.cache import cache_dir
from sondier.chunks import Chunk
from sondier.rules import VALUE_GROUP, Rule, ensure_compiled
from sondier.sources.files import matches_any

# A regex that runs longer than this on one chunk is stopped and reported as a scan error
# naming the rule, instead of hanging the scan (catastrophic backtracking in a user rule).
DEFAULT_REGEX_TIMEOUT = 5.0


@dataclass(slots=True)
class Candidate:
    rule: Rule
    value: str
    start: int  # offsets of the value in chunk.text
    end: int
    match_start: int  # offsets of the whole regex match
    match_end: int


@dataclass(slots=True)
class RuleTimeout:
    rule: Rule
    path: str


def _is_word_char(ch: str) -> bool:
    return ch.isalnum()


def has_boundaries(text: str, start: int, end: int) -> bool:
    """True when the value has no letter or digit right before or right after it."""
    if start > 0 and _is_word_char(text[start - 1]):
        return False
    return not (end < len(text) and _is_word_char(text[end]))


def _hyperscan() -> Any:
    if os.environ.get("SONDIER_NO_HYPERSCAN"):
        return None
    try:
        import hyperscan
    except ImportError:
        return None
    return hyperscan


# A bounded repeat with a large upper bound (`[^\n]{0,400}`) makes hyperscan's compiler unroll
# it: two such rules took minutes to compile. A prefilter may over-approximate (the exact regex
# confirms every candidate), so `{m,n}` becomes `{m,}` in the prefilter only.
_WIDE_REPEAT = _stdre.compile(r"(?<!\\)\{(\d+),(\d+)\}")
_WIDEN_ABOVE = 32


def _widen_bounded_repeats(pattern: str) -> str:
    return _WIDE_REPEAT.sub(lambda m: f"{{{m.group(1)},}}" if int(m.group(2)) > _WIDEN_ABOVE else m.group(0), pattern)


class _HyperscanPrefilter:
    """A compiled hyperscan database answering 'which rules may match this text?'.

    Compiling hundreds of patterns takes seconds, so the database (and the list of rules it
    holds) is cached on disk, keyed by the patterns themselves: the pre-commit hook pays the
    compilation once per rule-set change, not once per commit."""

    def __init__(self, hs: Any, rules: Sequence[Rule]) -> None:
        self._hs = hs
        translated = [self._translate(rule) for rule in rules]
        key = hashlib.sha256(repr((getattr(hs, "__version__", ""), translated)).encode()).hexdigest()[:32]
        cache = cache_dir() / f"hs-{key}.db"
        loaded = self._load(cache)
        if loaded is None:
            loaded = self._compile(translated)
            self._store(cache, *loaded)
        self.indices, self.db = loaded
        self.scratch = hs.Scratch(self.db) if self.db is not None else None

    def _translate(self, rule: Rule) -> tuple[bytes, int]:
        hs = self._hs
        flag = hs.HS_FLAG_PREFILTER | hs.HS_FLAG_SINGLEMATCH | hs.HS_FLAG_UTF8 | hs.HS_FLAG_ALLOWEMPTY
        if "ignorecase" in rule.flags:
            flag |= hs.HS_FLAG_CASELESS
        if "dotall" in rule.flags:
            flag |= hs.HS_FLAG_DOTALL
        if "multiline" in rule.flags:
            flag |= hs.HS_FLAG_MULTILINE
        return _widen_bounded_repeats(rule.pattern).encode("utf-8", "surrogatepass"), flag

    def _build(self, items: Sequence[tuple[bytes, int]]) -> Any:
        db = self._hs.Database()
        db.compile(expressions=[e for e, _ in items], ids=list(range(len(items))), elements=len(items),
                   flags=[f for _, f in items])
        return db

    def _compile(self, translated: Sequence[tuple[bytes, int]]) -> tuple[list[int], Any]:
        indices = list(range(len(translated)))
        if not indices:
            return [], None
        try:
            return indices, self._build(translated)
        except Exception:
            pass
        # Some `regex` syntax has no hyperscan equivalent even in prefilter mode: keep those
        # rules out of the database (they run through the keyword fallback path).
        accepted = []
        for index in indices:
            try:
                self._build([translated[index]])
            except Exception:
                continue
            accepted.append(index)
        if not accepted:
            return [], None
        return accepted, self._build([translated[i] for i in accepted])

    def _load(self, cache: Path) -> tuple[list[int], Any] | None:
        try:
            raw = cache.read_bytes()
            header, _, blob = raw.partition(b"\n")
            indices = [int(i) for i in header.split(b",") if i]
            return indices, (self._hs.loadb(blob, self._hs.HS_MODE_BLOCK) if indices else None)
        except Exception:
            return None  # missing, truncated or from another hyperscan build: recompile

    def _store(self, cache: Path, indices: list[int], db: Any) -> None:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(f".{os.getpid()}.tmp")
            blob = self._hs.dumpb(db) if db is not None else b""
            tmp.write_bytes(",".join(map(str, indices)).encode() + b"\n" + blob)
            tmp.replace(cache)
        except OSError:
            pass  # a read-only home only costs a recompilation next time

    def present(self, data: bytes) -> set[int]:
        found: set[int] = set()
        if self.db is None:
            return found

        def on_match(expression_id: int, start: int, end: int, flags: int, context: Any) -> None:
            found.add(expression_id)

        self.db.scan(data, match_event_handler=on_match, scratch=self.scratch)
        return {self.indices[i] for i in found}


class Matcher:
    """Finds candidates of every rule in a chunk."""

    def __init__(self, rules: Sequence[Rule], regex_timeout: float = DEFAULT_REGEX_TIMEOUT) -> None:
        self.rules = list(rules)
        self.regex_timeout = regex_timeout
        # Path rules have no regex: they judge file names (see path_rules_for), never text.
        self.path_rules = [r for r in self.rules if r.path_only]
        self.record_rules = [r for r in self.rules if r.record is not None]
        self._content = [i for i, r in enumerate(self.rules) if r.content]
        content_rules = [self.rules[i] for i in self._content]
        hs = _hyperscan()
        self._prefilter = _HyperscanPrefilter(hs, content_rules) if hs is not None and content_rules else None
        in_db = set(self._prefilter.indices) if self._prefilter else set()
        self._fallback = [self._content[i] for i in range(len(content_rules)) if i not in in_db]
        self.timeouts: list[RuleTimeout] = []

    @property
    def uses_hyperscan(self) -> bool:
        return self._prefilter is not None

    def _rules_present(self, text: str) -> list[int]:
        present: set[int] = set()
        if self._prefilter is not None:
            present |= {self._content[i] for i in self._prefilter.present(text.encode("utf-8", "surrogatepass"))}
        lowered: str | None = None
        for index in self._fallback:
            keywords = self.rules[index].keywords
            if not keywords:
                present.add(index)
                continue
            if lowered is None:
                lowered = text.lower()
            if any(k in lowered for k in keywords):
                present.add(index)
        return sorted(present)

    def candidates(self, chunk: Chunk) -> Iterator[Candidate]:
        text = chunk.text
        owned_end = chunk.owned_end if chunk.owned_end is not None else len(text)
        for index in self._rules_present(text):
            rule = self.rules[index]
            if rule.paths and not matches_any(chunk.path, rule.paths):
                continue
            yield from self._rule_candidates(rule, chunk, owned_end)

    def path_rules_for(self, path: str) -> list[Rule]:
        """The path rules whose globs name this file."""
        return [r for r in self.path_rules if matches_any(path, r.paths)]

    def _rule_candidates(self, rule: Rule, chunk: Chunk, owned_end: int) -> Iterator[Candidate]:
        text = chunk.text
        compiled = ensure_compiled(rule).compiled
        spans: list[tuple[int, int, int, int]] = []
        try:
            # Collected before anything is yielded: regex's timeout runs from the call, so the
            # time the caller spends on each candidate (validators, scrypt fingerprints) must
            # not count against it (600 e-mails in one file used to "time out" and get lost).
            for match in compiled.finditer(text, timeout=self.regex_timeout):
                spans.append((*match.span(VALUE_GROUP), *match.span()))
        except TimeoutError:
            self.timeouts.append(RuleTimeout(rule, chunk.path))
        for start, end, match_start, match_end in spans:
            if start < 0 or start == end or start >= owned_end or start < chunk.owned_start:
                continue
            if rule.boundary and not has_boundaries(text, start, end):
                continue
            yield Candidate(rule, text[start:end], start, end, match_start, match_end)
