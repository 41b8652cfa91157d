"""Validation and scoring of candidates: turns matches into findings (runs in the workers)."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sondier import validators
from sondier.chunks import PATH_ORIGIN, Chunk
from sondier.decoding import MAX_DEPTH, Encoded, LongRunDetector, find_encoded
from sondier.filters import TEST_DATA_CONFIDENCE, shannon_entropy, test_data_reason
from sondier.findings import TEST_DATA, Finding
from sondier.i18n import N_
from sondier.literals import not_literal_reason
from sondier.matching import Candidate, Matcher
from sondier.people import PersonTable, analyze_records, analyze_table
from sondier.reasons import COLUMNS, CONTEXT_WORD, DECODED_FROM, IN_A_TEST_FILE, RECORD_WITH, ROWS, SENSITIVE_DATA
from sondier.records import Record, Records
from sondier.rules import Rule
from sondier.scoring import CONTEXT_BOOST, context_word, testdata_context_word, vetoing_key
from sondier.suppression.inline import marker_for, marker_offsets
from sondier.validators.secrets import is_test_path, value_written_for_tests

# Several kinds of personal data in one record (RECORD_KINDS distinct rules) raise each value's
# confidence: less than a context word, enough to carry a borderline value over the threshold.
BLOCK_LINES = 8  # lines above a phone number the verdict reads for the record holding it
LIST_BLOCK_LINES = 24  # lines above an e-mail read for the list holding it (`"contributors": [`)
ABOVE_LINES = 3  # lines above a value the verdict reads for an author credit
RECORD_KINDS = 2
RECORD_BOOST = 0.15
# Identifiers of legal persons: beside personal data they do not make a record richer (whether
# they are themselves a person's is the verdict stage's question).
LEGAL_PERSON_RULES = frozenset({"fr-siren", "fr-siret", "fr-tva"})

if TYPE_CHECKING:
    from sondier.verdict import Judge


@dataclass(slots=True)
class Detected:
    findings: list[Finding] = field(default_factory=list)  # at or above the threshold
    below_threshold: int = 0

    def extend(self, other: Detected) -> None:
        self.findings.extend(other.findings)
        self.below_threshold += other.below_threshold


class _Lines:
    """Line/column lookups in a chunk, with the newline index built only when needed."""

    def __init__(self, chunk: Chunk) -> None:
        self.chunk = chunk
        self._index: list[int] | None = None
        self._markers: list[int] | None = None

    @property
    def index(self) -> list[int]:
        if self._index is None:
            text = self.chunk.text
            found: list[int] = []
            pos = text.find("\n")
            while pos >= 0:
                found.append(pos)
                pos = text.find("\n", pos + 1)
            self._index = found
        return self._index

    def position(self, offset: int) -> tuple[int, int]:
        """(line, 1-based column) of a character offset."""
        text = self.chunk.text
        line_start = text.rfind("\n", 0, offset) + 1
        column = offset - line_start + 1
        if line_start == 0:  # the chunk may start in the middle of its first line
            column += self.chunk.start_column - 1
        return self.chunk.line_of(offset, self.index), column

    def lines_above(self, offset: int, count: int) -> str | None:
        """Up to ``count`` lines before the one holding ``offset`` (at most 600 characters): a file
        header may name its author a few lines above the address."""
        text = self.chunk.text
        start = text.rfind("\n", 0, offset) + 1
        if start == 0:
            return None
        begin = start - 1
        for _ in range(count):
            found = text.rfind("\n", max(0, begin - 600), begin)
            begin = found if found >= 0 else max(0, begin - 600)
            if found < 0:
                break
        return text[begin:start - 1][-600:]

    def marker_near(self, offset: int) -> bool:
        """Whether an ignore marker starts on the line holding ``offset`` or on the line before."""
        if self._markers is None:
            self._markers = marker_offsets(self.chunk.text)
        if not self._markers:
            return False
        text = self.chunk.text
        start = text.rfind("\n", 0, offset) + 1
        if start > 0:
            start = text.rfind("\n", 0, start - 1) + 1
        end = text.find("\n", offset)
        at = bisect_left(self._markers, start)
        return at < len(self._markers) and (end < 0 or self._markers[at] < end)

    def line_text(self, offset: int) -> tuple[str, str | None]:
        text = self.chunk.text
        start = text.rfind("\n", 0, offset) + 1
        end = text.find("\n", offset)
        line = text[start : end if end >= 0 else len(text)]
        if start == 0:
            return line, None
        prev_start = text.rfind("\n", 0, start - 1) + 1
        return line, text[prev_start : start - 1]


@dataclass(slots=True)
class _Scored:
    """A validated candidate and its score, before the threshold and the overlap resolution."""

    candidate: Candidate
    confidence: float
    reasons: list[str]
    test_reason: str | None
    record: Record | None = None


# How much a rule's confirmation proves, for "one value, one finding" below.
_CHECKSUM_VALIDATORS = frozenset({
    "iban", "fr-nir", "fr-siret", "fr-siren", "fr-tva", "fr-nif", "payment-card", "mrz", "jwt", "jwt-base64",
    "private-key", "basic-auth",
})  # fmt: skip
_HEURISTIC_VALIDATORS = frozenset({"generic-secret", "generic-password"})


def validator_strength(rule: Rule) -> int:
    """3: a checksum or a decoded structure; 2: a specific format (a provider's token shape, a URL's
    userinfo, an e-mail address, a numbering plan); 1: a heuristic on a value assigned to a name."""
    if rule.validator in _CHECKSUM_VALIDATORS:
        return 3
    if rule.validator in _HEURISTIC_VALIDATORS:
        return 1
    return 2


def _precedence(item: _Scored) -> tuple[int, int, float]:
    candidate = item.candidate
    return validator_strength(candidate.rule), candidate.end - candidate.start, item.confidence


def resolve_overlaps(items: Sequence[_Scored]) -> list[_Scored]:
    """One value, one finding: when the values of candidates of different rules overlap, one
    of them explains the characters and the others are fragments or echoes of it.

    Precedence, in order:
    0. a rule that `refines` the other (fr-ins over fr-nir: the same number, read with the OID
       that says it is a patient's health identity);
    1. containment: a value holding another one wins (an IBAN over the card number or the NIR
       read inside it, a SIRET over its SIREN or a phone-shaped run of its digits, a credentials
       URL's `:password@host` over the e-mail `password@host`);
    2. otherwise (same span, or spans that only cross) the stronger validator wins: a checksum
       over a specific format over a heuristic (a provider's token over generic-api-key on the
       same value), then the longer value, then the higher confidence.
    Candidates are resolved before the threshold, so a test-data URL still hides its e-mail.
    Candidates of the same rule never overlap (one regex pass); they are left as they are."""
    if len(items) < 2:
        return list(items)
    ordered = sorted(items, key=lambda i: (i.candidate.start, -i.candidate.end))
    dropped: set[int] = set()
    for a_index, a in enumerate(ordered):
        for b_index in range(a_index + 1, len(ordered)):
            b = ordered[b_index]
            if b.candidate.start >= a.candidate.end:
                break  # sorted by start: no later candidate overlaps `a`
            if a.candidate.rule.id == b.candidate.rule.id or b_index in dropped:
                continue
            if not _wins(a, b):
                dropped.add(a_index)
                break  # a dropped value no longer hides anything
            dropped.add(b_index)
    return [item for index, item in enumerate(ordered) if index not in dropped]


def _contains(outer: _Scored, inner: _Scored) -> bool:
    o, i = outer.candidate, inner.candidate
    return o.start <= i.start and i.end <= o.end and (o.end - o.start) > (i.end - i.start)


def _refines(a: _Scored, b: _Scored) -> bool:
    return b.candidate.rule.id in a.candidate.rule.refines


def _wins(a: _Scored, b: _Scored) -> bool:
    # A more specific reading of the same value comes first: the INS and the NIR it is made of
    # pass the same key check, but only the INS says the number was sent as a health identity.
    if _refines(a, b) or _refines(b, a):
        return _refines(a, b)
    if _contains(a, b):
        return True
    if _contains(b, a):
        return False
    return _precedence(a) >= _precedence(b)


# Keys under which a document's records are examples by definition (OpenAPI, JSON Schema).
_EXAMPLE_KEYS = frozenset({"example", "examples", "x-example", "x-examples"})


def _documented_example(records: Records, record: Record) -> bool:
    return any(key.lower() in _EXAMPLE_KEYS for key in records.enclosing_keys(record))


_SVG_GEOMETRY = re.compile(r"\b(?:d|points|transform|viewBox|path)\s*=\s*[\"'][^\"']*$")


def _in_svg_geometry(chunk: Chunk, start: int) -> bool:
    """A value inside an SVG drawing's geometry (a path's `d`, `points`, `transform`): runs of
    coordinates run together spell phone numbers and NIRs by chance."""
    if not chunk.path.lower().endswith(".svg"):
        return False
    line_start = chunk.text.rfind("\n", 0, start) + 1
    return _SVG_GEOMETRY.search(chunk.text, max(line_start, start - 4000), start) is not None

class SharedParts:
    """One object for equal reason lists, column names and confidences across the findings a
    detector makes. A leaked export's rows give every value of a column the same reasons: shared,
    a finding weighs about half as much, and it pickles to the main process once per batch.
    Detection replaces a finding's lists instead of changing them (see Finding). The parts are
    fixed texts (rules' and verdicts' reasons, never values), so the tables stay small; they are
    bounded anyway."""

    LIMIT = 4096

    def __init__(self) -> None:
        self._reset()

    def _reset(self) -> None:
        self._lists: dict[tuple[str, ...], list[str]] = {}
        self._names: dict[str, str] = {}
        self._numbers: dict[float, float] = {}

    def list(self, items: list[str]) -> list[str]:
        """The shared list equal to ``items``: never to be changed in place."""
        return self._lists.setdefault(tuple(items), items)

    def text(self, text: str) -> str:
        """The shared string equal to ``text`` (a reason formatted for each value alike)."""
        return self._names.setdefault(text, text)

    def share(self, finding: Finding) -> None:
        if len(self._lists) > self.LIMIT or len(self._names) > self.LIMIT or len(self._numbers) > self.LIMIT:
            self._reset()
        finding.reasons = self.list(finding.reasons)
        finding.verdict_reasons = self.list(finding.verdict_reasons)
        finding.confidence = self._numbers.setdefault(finding.confidence, finding.confidence)
        if finding.column_name is not None:
            finding.column_name = self._names.setdefault(finding.column_name, finding.column_name)
        if finding.end_line == finding.line:
            finding.end_line = finding.line  # one int object for both


class Detector:
    def __init__(
        self,
        rules: Sequence[Rule],
        min_confidence: float | None = None,
        inline_ignore: bool = True,
        regex_timeout: float = 5.0,
        fingerprints: bool = True,
        decode: bool = True,
        judge: Judge | None = None,
    ) -> None:
        self.judge = judge  # the verdict stage's per-line step; None leaves the category's default
        self.built_for: object = None  # the configuration the pipeline built this detector for
        self.matcher = Matcher(rules, regex_timeout=regex_timeout)
        # Fingerprints cost ~20 ms each by design; computed here they are spread over the
        # workers. When no output or suppression needs them they are not computed at all.
        self.fingerprints = fingerprints
        self.min_confidence = min_confidence
        self.inline_ignore = inline_ignore
        self.rule_ids = frozenset(r.id for r in rules)
        self.decode = decode
        self._long_runs: LongRunDetector | None = None
        self.shared = SharedParts()

    def detect(self, chunk: Chunk) -> Detected:
        if chunk.origin == PATH_ORIGIN:
            return self._detect_path(chunk)
        result = Detected()
        lines = _Lines(chunk)
        records = Records(chunk, lines.position)
        # What the clear text holds, known before its candidates: when nothing in it decodes (most
        # texts, and every large export) no record of the values already found is needed.
        encoded = self._encoded_in(chunk) if self.decode else []
        seen: set[tuple[str, str]] = set()
        pending: list[Finding] = []
        scored: list[_Scored] = []
        for candidate in self.matcher.candidates(chunk, context_gate=True):
            if encoded:
                seen.add((candidate.rule.id, candidate.value))
            score = self._score(candidate, chunk, None, records)
            if score is not None:
                scored.append(_Scored(candidate, *score))
        survivors = resolve_overlaps(scored)
        del scored
        for index, item in enumerate(survivors):
            survivors[index] = None  # type: ignore[call-overload]  # its candidate goes as its finding comes
            self._keep(result, item, chunk, lines, records, pending)
        if encoded:
            self._detect_encoded(result, chunk, lines, records, pending, chunk, seen, depth=1, found=encoded)
        self._weigh_records(result, pending)
        if self.matcher.record_rules:
            self._detect_records(result, chunk, lines, records)
        return result

    def _detect_records(self, result: Detected, chunk: Chunk, lines: _Lines, records: Records) -> None:
        """Record rules: a table describing people is one finding naming its columns and rows."""
        table = analyze_table(chunk)
        tables = [table] if table is not None else analyze_records(records)
        for table in tables:
            self._add_table(result, chunk, lines, records, table)

    def _add_table(self, result: Detected, chunk: Chunk, lines: _Lines, records: Records, table: PersonTable) -> None:
        enabled = {r.record for r in self.matcher.record_rules}
        made_up = self._made_up(table, records, result.findings)
        for rule in self.matcher.record_rules:
            if rule.record == "person" and table.sensitive and "sensitive" in enabled:
                continue  # reported once, as the art. 9 record it is
            if rule.record == "sensitive" and not table.sensitive:
                continue
            if rule.record == "person" and not table.describes:
                continue  # a column of NIRs alone: fr-nir reports it already (PersonTable.describes)
            threshold = rule.threshold if self.min_confidence is None else self.min_confidence
            if rule.base_confidence < threshold:
                result.below_threshold += 1
                continue
            finding = self._record_finding(rule, chunk, lines, table)
            first = records.at(table.first_row_offset)
            finding.record = records.record_id(first) if first is not None else None
            if made_up:
                finding.test_data, finding.verdict = True, TEST_DATA
                finding.verdict_reasons = [made_up]
                finding.reasons.append(made_up)
            result.findings.append(finding)

    @staticmethod
    def _made_up(table: PersonTable, records: Records, findings: Sequence[Finding]) -> str | None:
        """Why every row of a table is made up, or None. A row is made up when its own cells say
        so (people.placeholder_row) or when the verdict stage judged one of its e-mails or phones
        test data (`agent@example.com`, a disposable mailbox, a patterned number). Every row, not
        most: a real export holding a few test accounts is still a real export."""
        if not table.row_starts:
            return None
        test_records = {f.record for f in findings if f.record is not None and f.verdict == TEST_DATA}
        for index, start in enumerate(table.row_starts):
            if index in table.placeholder_rows:
                continue
            record = records.at(start)
            if record is None:
                return None
            if records.record_id(record) not in test_records and not _documented_example(records, record):
                return None
        return N_("every row made up (test words, fictional names, test-data e-mails or phones, documentation "
                  "examples)")

    def _record_finding(self, rule: Rule, chunk: Chunk, lines: _Lines, table: PersonTable) -> Finding:
        line, column = lines.position(table.first_row_offset)
        columns = ", ".join(f"{name} ({kind})" for name, kind in table.columns.items())
        reasons = [COLUMNS.format(columns=columns), ROWS.format(rows=table.rows)]
        if table.sensitive:
            reasons.append(SENSITIVE_DATA.format(items=", ".join(f"{n} ({why})" for n, why in table.sensitive.items())))
        # The value is the list of column names: stable while rows change, and no one's data.
        value = ",".join([*table.columns, *table.sensitive])
        finding = Finding(rule_id=rule.id, rule_name=rule.name, category=rule.category, severity=rule.severity,
                          confidence=rule.base_confidence, path=chunk.path, line=line, column=column, end_line=line,
                          end_column=column, value=value, commit=chunk.commit, reasons=reasons,
                          column_name=", ".join([*table.columns, *table.sensitive]),
                          extra={"columns": dict(table.columns), "rows": table.rows,
                                 "sensitive": dict(table.sensitive)})
        if self.fingerprints:
            _ = finding.fingerprint
        return finding

    def _detect_path(self, chunk: Chunk) -> Detected:
        """Path rules: the file's name is the finding (line 1, column 1), whatever its bytes."""
        result = Detected()
        for rule in self.matcher.path_rules_for(chunk.path):
            threshold = rule.threshold if self.min_confidence is None else self.min_confidence
            if rule.base_confidence < threshold:
                result.below_threshold += 1
                continue
            finding = Finding(rule_id=rule.id, rule_name=rule.name, category=rule.category, severity=rule.severity,
                              confidence=rule.base_confidence, path=chunk.path, line=1, column=1, end_line=1,
                              end_column=1, value=chunk.path, commit=chunk.commit, reasons=[N_("file name")],
                              extra={"path_rule": True})
            if self.fingerprints:
                _ = finding.fingerprint
            result.findings.append(finding)
        return result

    def _detect_encoded(
        self, result: Detected, outer: Chunk, lines: _Lines, records: Records, pending: list[Finding],
        text_chunk: Chunk, seen: set[tuple[str, str]], depth: int, location: Encoded | None = None,
        found: list[Encoded] | None = None,
    ) -> None:
        """Scan what base64/percent-encoded strings of ``text_chunk`` decode to; findings are
        placed on the encoded string of the original chunk (``location`` at depth 2). ``found``:
        the encoded strings of ``text_chunk``, when already known."""
        owned_end = outer.owned_end if outer.owned_end is not None else len(outer.text)
        for encoded in found if found is not None else self._encoded_in(text_chunk):
            place = location or encoded
            if place.start < outer.owned_start or place.start >= owned_end:
                continue
            inner = Chunk(encoded.decoded, outer.path, commit=outer.commit)
            for candidate in self.matcher.candidates(inner):
                if (candidate.rule.id, candidate.value) in seen:
                    continue  # already found in clear text
                seen.add((candidate.rule.id, candidate.value))
                self._add(result, candidate, inner, lines, records, pending, outer=(outer, place))
            if depth < MAX_DEPTH:
                self._detect_encoded(result, outer, lines, records, pending, inner, seen, depth + 1, place)

    def _encoded_in(self, chunk: Chunk) -> list[Encoded]:
        if self._long_runs is None:
            self._long_runs = LongRunDetector()
        return list(find_encoded(chunk.text, self._long_runs))

    def _add(
        self, result: Detected, candidate: Candidate, chunk: Chunk, lines: _Lines, records: Records,
        pending: list[Finding], outer: tuple[Chunk, Encoded] | None,
    ) -> None:
        score = self._score(candidate, chunk, outer, records)
        if score is not None:
            self._keep(result, _Scored(candidate, *score), chunk, lines, records, pending, outer)

    def _keep(
        self, result: Detected, item: _Scored, chunk: Chunk, lines: _Lines, records: Records, pending: list[Finding],
        outer: tuple[Chunk, Encoded] | None = None,
    ) -> None:
        candidate, confidence, reasons, test_reason, record = (item.candidate, item.confidence, item.reasons,
                                                               item.test_reason, item.record)
        is_test = test_reason is not None
        rule = candidate.rule
        threshold = self._threshold(rule)
        if confidence < threshold and (record is None or rule.category != "pii" or is_test):
            result.below_threshold += 1
            return
        if outer is not None:
            outer_chunk, place = outer
            reasons = [*reasons, DECODED_FROM.format(kind=place.kind)]  # the scored list may be shared
            candidate = Candidate(rule, candidate.value, place.start, place.end, place.start, place.end)
            chunk = outer_chunk
        # Below the threshold but in a record: kept aside until the record's other values are known
        # (and its fingerprint, slow by design, computed only if it is reported).
        reported = confidence >= threshold
        in_record = (records.record_id(record), record.key) if record is not None else None
        finding = self._finding(candidate, chunk, lines, confidence, reasons, test_reason, fingerprint=reported,
                                record=in_record)
        (result.findings if reported else pending).append(finding)

    def _threshold(self, rule: Rule) -> float:
        return rule.threshold if self.min_confidence is None else self.min_confidence

    def _weigh_records(self, result: Detected, pending: list[Finding]) -> None:
        """A record holding several kinds of personal data (an e-mail, a phone and a NIR on one
        row) is stronger evidence than any of its values alone: each of its values gains
        confidence, and one that was below the threshold may now be reported."""
        def personal(finding: Finding) -> bool:
            return finding.category == "pii" and not finding.test_data and finding.rule_id not in LEGAL_PERSON_RULES

        kinds: dict[str, set[str]] = {}
        for finding in (*result.findings, *pending):
            if finding.record is not None and personal(finding):
                kinds.setdefault(finding.record, set()).add(finding.rule_id)
        rich = {record: sorted(ids) for record, ids in kinds.items() if len(ids) >= RECORD_KINDS}
        if not rich:
            result.below_threshold += len(pending)
            return
        for finding in (*result.findings, *pending):
            ids = rich.get(finding.record or "")
            if ids is not None and personal(finding):
                finding.confidence = round(min(1.0, finding.confidence + RECORD_BOOST), 2)
                finding.reasons = [*finding.reasons, RECORD_WITH.format(rules=", ".join(ids))]
                self.shared.share(finding)
        rules = {r.id: r for r in self.matcher.rules}
        for finding in pending:
            if finding.confidence >= self._threshold(rules[finding.rule_id]):
                if self.fingerprints:
                    _ = finding.fingerprint
                result.findings.append(finding)
            else:
                result.below_threshold += 1

    def _score(
        self, candidate: Candidate, chunk: Chunk, outer: tuple[Chunk, Encoded] | None, records: Records,
    ) -> tuple[float, list[str], str | None, Record | None] | None:
        rule = candidate.rule
        value = candidate.value
        if rule.entropy is not None and shannon_entropy(value) < rule.entropy:
            return None
        if rule.literal and not_literal_reason(chunk.text, candidate.start, candidate.end, chunk.path):
            return None  # code (an expression, a reference), not a value someone typed
        if rule.context_not_keys and vetoing_key(candidate, chunk):
            return None  # `start_ms=1714060800000`: the key says what the number is
        if rule.category == "pii" and _in_svg_geometry(chunk, candidate.start):
            return None  # path coordinates (`c.02.34...`) that spell a phone number by chance
        verdict = validators.get(rule.validator)(value) if rule.validator else validators.VALID
        if not verdict.ok:
            return None
        reasons: list[str] = []
        if verdict.reason:
            reasons.append(verdict.reason)
        confidence = rule.base_confidence
        # Only validated candidates pay for the record lookup. It is made in the scanned text: a
        # decoded value sits where its encoded string does, named by that string's column or key.
        record = records.at(outer[1].start if outer is not None else candidate.start)
        word = context_word(candidate, chunk, record.key if record is not None else None)
        if word is None and outer is not None:
            # The key naming an encoded value (`password: <base64>`) sits outside the decoded text.
            outer_chunk, place = outer
            word = context_word(Candidate(rule, value, place.start, place.end, place.start, place.end), outer_chunk)
        if word is not None:
            confidence = min(1.0, confidence + CONTEXT_BOOST)
            reasons.append(self.shared.text(CONTEXT_WORD.format(word=word)))
        elif rule.context_required or verdict.weak:
            return None
        test_reason = (verdict.reason or N_("test data")) if verdict.test_data else test_data_reason(rule, value)
        if test_reason is None and rule.testdata_context_regex is not None and testdata_context_word(
            candidate, chunk, record.key if record is not None else None
        ):
            test_reason = N_("test-data context")
        in_test_file = rule.literal and is_test_path(chunk.path)
        if in_test_file:
            # A test's own password (`password: "password123"` in a spec) is reported as test
            # data, listed apart at its confidence; a random-looking literal stays a secret.
            test_reason = value_written_for_tests(value) or (test_reason and IN_A_TEST_FILE.format(reason=test_reason))
        if test_reason is not None:
            # Personal-data look-alikes and a test file's own secrets keep their confidence: the
            # verdict stage lists them as test data, counted and visible, instead of hiding them
            # under the threshold.
            if rule.category != "pii" and not in_test_file:
                confidence = min(confidence, TEST_DATA_CONFIDENCE)
            if test_reason not in reasons:
                reasons.append(test_reason)
        # Shared from here on: the candidates of a large export wait for resolve_overlaps together.
        return round(confidence, 2), self.shared.list(reasons), test_reason, record

    def _finding(
        self, candidate: Candidate, chunk: Chunk, lines: _Lines, confidence: float, reasons: list[str],
        test_reason: str | None, fingerprint: bool = True, record: tuple[str, str | None] | None = None,
    ) -> Finding:
        rule = candidate.rule
        line, column = lines.position(candidate.start)
        end_line, end_column = lines.position(candidate.end)
        finding = Finding(
            rule_id=rule.id,
            rule_name=rule.name,
            category=rule.category,
            severity=rule.severity,
            confidence=confidence,
            path=chunk.path,
            line=line,
            column=column,
            end_line=end_line,
            end_column=end_column,
            value=candidate.value,
            commit=chunk.commit,
            reasons=reasons,
            test_data=test_reason is not None,
            # Why it is test data, for the verdict stage (the reasons also hold context words).
            verdict_reasons=[test_reason] if test_reason else [],
        )
        if test_reason is not None and rule.category == "secret":
            finding.verdict = TEST_DATA  # personal data get theirs from the verdict stage
        if record is not None:  # before the verdict: the column naming a value is part of its context
            finding.record, finding.column_name = record
        if self.fingerprints and fingerprint:
            _ = finding.fingerprint
        if self.inline_ignore or self.judge is not None:
            text, previous = lines.line_text(candidate.start)
            if self.judge is not None:
                depth = {"fr-phone": BLOCK_LINES, "email": LIST_BLOCK_LINES}.get(rule.id)
                block = lines.lines_above(candidate.start, depth) if depth else None
                self.judge.judge(finding, text, previous, above=lines.lines_above(candidate.start, ABOVE_LINES),
                                 block=block)
            if self.inline_ignore and lines.marker_near(candidate.start):
                finding.suppressed_by = marker_for(text, previous, rule.id, rule.category, self.rule_ids)
        self.shared.share(finding)
        return finding
