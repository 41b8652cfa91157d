"""One pass over the text for all rules, then the exact regex only where a rule may match.

hyperscan (when installed) compiles every rule's regex in prefilter mode: a pattern that matches
at least wherever the real one does (sondier/prefilter.py gives back the edges it would drop).
Rules whose matches never hold a newline (sondier/line_local.py, 273 of the 294 built-in ones)
go into a database asked about blocks of about 1 KB of whole lines: the `regex` module then
runs only on the blocks where a rule may match. The other rules go into a database that only
says whether they appear at all; their exact regex then runs over the whole text. A rule runs
only where one of its keywords appears. Without hyperscan, rules with keywords are prefiltered
by a substring test and the others run directly over the whole text.
"""

from __future__ import annotations

import hashlib
import os
import re as _stdre
import time
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sondier.cache import cache_dir
from sondier.chunks import Chunk
from sondier.line_local import lookahead_margin, max_match_width
from sondier.offsets import char_offsets
from sondier.prefilter import prefilter_pattern
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


class _HyperscanPrefilter:
    """A compiled hyperscan database answering 'which rules may match this text?' (or each of
    these blocks of it).

    Compiling hundreds of patterns takes seconds, so the database (and the list of rules it
    holds) is cached on disk, keyed by the patterns themselves: the pre-commit hook pays the
    compilation once per rule-set change, not once per commit."""

    def __init__(self, hs: Any, rules: Sequence[Rule], single_match: bool = True) -> None:
        self._hs = hs
        self._single_match = single_match
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
        flag = hs.HS_FLAG_PREFILTER | hs.HS_FLAG_UTF8 | hs.HS_FLAG_ALLOWEMPTY
        if self._single_match:
            flag |= hs.HS_FLAG_SINGLEMATCH
        if "ignorecase" in rule.flags:
            flag |= hs.HS_FLAG_CASELESS
        if "dotall" in rule.flags:
            flag |= hs.HS_FLAG_DOTALL
        if "multiline" in rule.flags:
            flag |= hs.HS_FLAG_MULTILINE
        return prefilter_pattern(rule.pattern).encode("utf-8", "surrogatepass"), flag

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

    def present_by_piece(self, pieces: Iterable[bytes]) -> dict[int, list[int]]:
        """For each rule that may match, the indices of the pieces (scanned one by one) where it
        may: hyperscan reports each rule once per piece (SINGLEMATCH)."""
        found: dict[int, list[int]] = {}
        if self.db is None:
            return found
        piece = 0

        def on_match(expression_id: int, start: int, end: int, flags: int, context: Any) -> None:
            found.setdefault(expression_id, []).append(piece)

        for piece, data in enumerate(pieces):  # noqa: B007 (read by on_match)
            self.db.scan(data, match_event_handler=on_match, scratch=self.scratch)
        return {self.indices[i]: at for i, at in found.items()}

    def match_ends(self, data: bytes, limit: int) -> list[int] | None:
        """Every offset where one of the patterns may end a match (a database built with
        ``single_match=False``), in bytes; None past ``limit`` of them."""
        ends: list[int] = []
        if self.db is None:
            return None

        def on_match(expression_id: int, start: int, end: int, flags: int, context: Any) -> bool:
            ends.append(end)
            return len(ends) > limit  # True stops the scan

        try:
            self.db.scan(data, match_event_handler=on_match, scratch=self.scratch)
        except self._hs.ScanTerminated:
            return None
        return ends


class Matcher:
    """Finds candidates of every rule in a chunk."""

    def __init__(self, rules: Sequence[Rule], regex_timeout: float = DEFAULT_REGEX_TIMEOUT,
                 line_windows: bool = True) -> None:
        self.rules = list(rules)
        self.regex_timeout = regex_timeout
        # Path rules have no regex: they judge file names (see path_rules_for), never text.
        self.path_rules = [r for r in self.rules if r.path_only]
        self.record_rules = [r for r in self.rules if r.record is not None]
        content = [i for i, r in enumerate(self.rules) if r.content]
        hs = _hyperscan()
        # rule index -> characters its lookaheads may read past a line (line-local rules only)
        self._margins: dict[int, int] = {}
        if hs is not None and line_windows and not os.environ.get("SONDIER_NO_LINE_WINDOWS"):
            for index in content:
                margin = lookahead_margin(self.rules[index].pattern, self.rules[index].flags)
                if margin is not None:
                    self._margins[index] = margin
        self._windowed = [i for i in content if i in self._margins]
        self._whole = [i for i in content if i not in self._margins]
        self._prefilter = self._database(hs, self._whole)
        self._blocks = self._database(hs, self._windowed)
        in_db = {self._whole[i] for i in self._prefilter.indices} if self._prefilter else set()
        in_db |= {self._windowed[i] for i in self._blocks.indices} if self._blocks else set()
        # Rules hyperscan could not take (or no hyperscan at all): keyword test, whole text.
        self._fallback = [i for i in content if i not in in_db]
        self._context_tokens = {i: t for i in content if (t := _context_tokens(self.rules[i])) is not None}
        self._tokens = _TokenFinder(hs, {t for words in self._context_tokens.values() for w in words for t in w})
        self._hs = hs
        # Built on the first long line that needs them (see _long_line_windows).
        self._end_finders: dict[int, _HyperscanPrefilter] = {}
        self._widths: dict[int, int | None] = {}
        self.timeouts: list[RuleTimeout] = []

    def _database(self, hs: Any, indices: list[int]) -> _HyperscanPrefilter | None:
        if hs is None or not indices:
            return None
        return _HyperscanPrefilter(hs, [self.rules[i] for i in indices])

    @property
    def uses_hyperscan(self) -> bool:
        return self._prefilter is not None or self._blocks is not None

    def _rules_present(self, text: str, data: bytes | None) -> list[int]:
        present: set[int] = set()
        if self._prefilter is not None and data is not None:
            present |= {self._whole[i] for i in self._prefilter.present(data)}
        present.update(self._fallback)
        return sorted(self._with_keywords(present, text))

    def _with_keywords(self, indices: Iterable[int], text: str) -> set[int]:
        """The rules of ``indices`` whose keywords appear in ``text`` (a rule runs only on text
        holding one of them: docs/rule-format.md). Hyperscan's prefilter form of a pattern drops
        its lookarounds, so without this a rule like fr-ins (an OID in a lookahead) ran
        everywhere."""
        kept: set[int] = set()
        lowered: str | None = None
        for index in indices:
            keywords = self.rules[index].keywords
            if keywords:
                if lowered is None:
                    lowered = text.lower()
                if not any(k in lowered for k in keywords):
                    continue
            kept.add(index)
        return kept

    def candidates(self, chunk: Chunk, context_gate: bool = False) -> Iterator[Candidate]:
        """Every rule's candidates in ``chunk``. With ``context_gate`` (clear text, whose
        findings need their context words in that very text), a rule that reports only beside a
        context word is skipped when none of its words appears in the chunk or its header."""
        text = chunk.text
        owned_end = chunk.owned_end if chunk.owned_end is not None else len(text)
        data = text.encode("utf-8", "surrogatepass") if self.uses_hyperscan else None
        windows = self._block_windows(text, data) if data is not None and self._blocks is not None else {}
        tokens_here: frozenset[bytes] | None = None
        for index in sorted({*self._rules_present(text, data), *self._with_keywords(windows, text)}):
            rule = self.rules[index]
            if rule.paths and not matches_any(chunk.path, rule.paths):
                continue
            if context_gate and index in self._context_tokens:
                if tokens_here is None:
                    tokens_here = self._tokens.present(_ascii_fold(f"{chunk.header or ''}\n{text}"))
                if not any(word <= tokens_here for word in self._context_tokens[index]):
                    continue  # no context word anywhere: nothing this rule finds could be reported
            spans = self._window_spans(index, chunk, windows[index]) if index in windows else None
            if spans is None:
                spans = self._whole_text_spans(rule, chunk)
            yield from self._candidates_of(rule, chunk, owned_end, spans)

    def path_rules_for(self, path: str) -> list[Rule]:
        """The path rules whose globs name this file."""
        return [r for r in self.path_rules if matches_any(path, r.paths)]

    # --- where to look ----------------------------------------------------------------------------

    def _block_windows(self, text: str, data: bytes) -> dict[int, list[_Window]]:
        """For each line-local rule hyperscan saw, the windows where it may match, in order: runs
        of blocks (a block is a run of whole lines of about BLOCK_CHARS: a line-local match lies
        inside one, and each block's edges look to hyperscan like the text's own), or, inside a
        long line, the stretches around the places where the rule may end a match."""
        assert self._blocks is not None
        bounds = _block_bounds(text)
        if text.isascii():
            pieces: Iterable[bytes] = (data[start:end] for start, end in bounds)
        else:
            pieces = (text[start:end].encode("utf-8", "surrogatepass") for start, end in bounds)
        windows: dict[int, list[_Window]] = {}
        for position, blocks in self._blocks.present_by_piece(pieces).items():
            index = self._windowed[position]
            margin = self._margins[index] + 2  # +2: `$` must not see a false end
            runs: list[_Window] = []
            for block in blocks:
                start, end = bounds[block]
                end = end - 1 if text[end - 1] == "\n" else end  # the closing newline's offset
                parts = self._long_line_windows(index, text, start, end) if end - start > LONG_BLOCK else None
                for part in parts or [(start, end, end + margin)]:
                    if runs and part[0] <= runs[-1][1] + 1:  # touching or overlapping: one window
                        last = runs[-1]
                        runs[-1] = (last[0], max(last[1], part[1]), max(last[2], part[2]))
                    else:
                        runs.append(part)
            windows[index] = runs
        return windows

    def _long_line_windows(self, index: int, text: str, start: int, end: int) -> list[_Window] | None:
        """Inside a block longer than LONG_BLOCK (a minified file's line: the block is then that
        line, and one window over it ran the exact regex over 800 KB per rule), the windows
        around each offset where hyperscan says the rule may end a match. None to keep the
        whole block: a rule of unbounded width, or too many possible ends.

        Why the windows find exactly what a search of the whole text finds: every match of the
        exact pattern is a match of its prefilter form, which hyperscan reports by its end e
        (one character later where a trailing lookahead became a character class). A match
        ending there starts at or after e - width - 1, so the window [e - width - 2, e] holds
        its start; the regex may read up to width + margin past the window's end, so no match
        starting in the window is cut short. A match that overlaps a window's start would end
        at a reported offset whose window overlaps this one: they are merged, so the search
        never starts inside a match the whole-text search would have found first."""
        width = self._match_width(index)
        if width is None:
            return None
        finder = self._end_finder(index)
        piece = text[start:end]
        data = piece.encode("utf-8", "surrogatepass")
        ends = finder.match_ends(data, limit=max(MIN_END_LIMIT, len(data) // 32))
        if ends is None:
            return None
        offsets = sorted(set(ends)) if piece.isascii() else sorted(char_offsets(data, ends).values())
        reach = width + self._margins[index] + 2
        windows: list[_Window] = []
        for offset in offsets:
            window_end = min(end, start + offset)
            window = (max(start, start + offset - width - 2), window_end, window_end + reach)
            if windows and window[0] <= windows[-1][1] + 1:
                windows[-1] = (windows[-1][0], window[1], window[2])
            else:
                windows.append(window)
        return windows

    def _match_width(self, index: int) -> int | None:
        if index not in self._widths:
            rule = self.rules[index]
            self._widths[index] = max_match_width(rule.pattern, rule.flags)
        return self._widths[index]

    def _end_finder(self, index: int) -> _HyperscanPrefilter:
        finder = self._end_finders.get(index)
        if finder is None:
            finder = _HyperscanPrefilter(self._hs, [self.rules[index]], single_match=False)
            self._end_finders[index] = finder
        return finder

    def _window_spans(self, index: int, chunk: Chunk, runs: list[_Window]) -> list[_Span] | None:
        """The matches of a line-local rule, searched only in ``runs``; None when the runs
        cover most of the text (one search over the whole text is then cheaper)."""
        text = chunk.text
        if len(runs) > 1 and sum(end - start for start, end, _ in runs) * 10 > len(text) * 9:
            return None
        rule = self.rules[index]
        compiled = ensure_compiled(rule).compiled
        spans: list[_Span] = []
        deadline = time.monotonic() + self.regex_timeout
        try:
            for start, end, reach in runs:
                remaining = max(deadline - time.monotonic(), 0.001)
                for match in compiled.finditer(text, start, min(len(text), reach), timeout=remaining):
                    if match.start() > end:
                        break  # begins past the window (on a later line, or later in a long one)
                    spans.append((*match.span(VALUE_GROUP), *match.span()))
        except TimeoutError:
            self.timeouts.append(RuleTimeout(rule, chunk.path))
        return spans

    def _whole_text_spans(self, rule: Rule, chunk: Chunk) -> list[_Span]:
        compiled = ensure_compiled(rule).compiled
        spans: list[_Span] = []
        try:
            # Collected before anything is yielded: regex's timeout runs from the call, so the
            # time the caller spends on each candidate (validators, fingerprints) must not
            # count against it (600 e-mails in one file used to "time out" and get lost).
            for match in compiled.finditer(chunk.text, timeout=self.regex_timeout):
                spans.append((*match.span(VALUE_GROUP), *match.span()))
        except TimeoutError:
            self.timeouts.append(RuleTimeout(rule, chunk.path))
        return spans

    @staticmethod
    def _candidates_of(rule: Rule, chunk: Chunk, owned_end: int, spans: list[_Span]) -> Iterator[Candidate]:
        text = chunk.text
        for start, end, match_start, match_end in spans:
            if start < 0 or start == end or start >= owned_end or start < chunk.owned_start:
                continue
            if rule.boundary and not has_boundaries(text, start, end):
                continue
            yield Candidate(rule, text[start:end], start, end, match_start, match_end)


class _TokenFinder:
    """Which of the context words' tokens a folded text holds: one hyperscan pass for all of
    them (a token may overlap another), else one substring test each."""

    def __init__(self, hs: Any, tokens: set[bytes]) -> None:
        self._tokens = sorted(tokens)
        self._db: Any = None
        if hs is not None and self._tokens:
            self._db = hs.Database()
            self._db.compile(expressions=[_stdre.escape(t.decode()).encode() for t in self._tokens],
                             ids=list(range(len(self._tokens))), elements=len(self._tokens),
                             flags=[hs.HS_FLAG_SINGLEMATCH] * len(self._tokens))
            self._scratch = hs.Scratch(self._db)

    def present(self, folded: bytes) -> frozenset[bytes]:
        if self._db is None:
            return frozenset(t for t in self._tokens if t in folded)
        found: list[bytes] = []

        def on_match(expression_id: int, start: int, end: int, flags: int, context: Any) -> None:
            found.append(self._tokens[expression_id])

        self._db.scan(folded, match_event_handler=on_match, scratch=self._scratch)
        return frozenset(found)


def _context_tokens(rule: Rule) -> tuple[frozenset[bytes], ...] | None:
    """For a rule that reports only beside a context word, the runs of letters and digits of
    each word: where the word is, each of its runs is, as a substring of the folded text (a word
    `carte grise` is found in a key `carteGrise`, so the gate tests `carte` and `grise`; a word
    `d’identité` its `identite`). Runs of one character say nothing and are left out. None when
    the rule has no such gate or a word has no run to test."""
    if not rule.context_required or not rule.context_words:
        return None
    words = []
    for word in rule.context_words:  # folded at load time: lower case, no accents
        runs = frozenset(run.encode() for run in _stdre.findall(r"[a-z0-9]+", word) if len(run) > 1)
        if not runs:
            return None
        words.append(runs)
    return tuple(set(words))


def _ascii_fold(text: str) -> bytes:
    """rules.fold's letters, as bytes: lower case without accents. Other non-ASCII characters
    are dropped, which can only join letters and make the gate let more through, never less."""
    if text.isascii():
        return text.lower().encode()
    return unicodedata.normalize("NFKD", text).lower().encode("ascii", "ignore")


_Span = tuple[int, int, int, int]  # value start, value end, match start, match end


BLOCK_CHARS = 1024  # hyperscan is asked about blocks of whole lines of about this size
LONG_BLOCK = 4 * BLOCK_CHARS  # a block this long is one long line: narrowed by _long_line_windows
MIN_END_LIMIT = 256  # possible match ends in a long line before it is searched whole
_Window = tuple[int, int, int]  # first offset a match may start at, last one, how far the regex may read



def _block_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of consecutive blocks of whole lines covering ``text``: each ends just after
    a newline (or at the text's end) once it holds BLOCK_CHARS characters."""
    bounds: list[tuple[int, int]] = []
    start, size = 0, len(text)
    while start < size:
        cut = text.find("\n", start + BLOCK_CHARS)
        end = size if cut < 0 else cut + 1
        bounds.append((start, end))
        start = end
    return bounds
