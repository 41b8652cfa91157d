"""Records: which row, tuple, object or entry of a chunk holds a character, and which column or
key names it.

A value is rarely alone: a CSV row, an SQL tuple, a JSON object, a YAML mapping, an LDIF entry
or a vCard gathers the data of one person. Detection asks, for each validated candidate only,
which record holds it (findings of one record share its id, so later stages know that a SIREN
sits beside an e-mail and a NIR) and the column name or key (`telephone`, `siret`, `pan`), which
counts as context for the rule. Everything is parsed lazily and cached per chunk: a chunk with no
candidate costs nothing, a dump with ten thousand candidates is tokenized once.

Large files are read in overlapping chunks (sources/files.py); a chunk that does not start the
file gets ``Chunk.header``: the file's first line (the CSV header) or, when the chunk starts
inside an SQL statement, that statement's head (`INSERT INTO t (a, b) VALUES` or
`COPY t (a, b) FROM stdin;`), see :func:`open_sql_header`.
"""

from __future__ import annotations

import bisect
import csv
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from sondier.chunks import Chunk

CSV, SQL, COPY, JSON, YAML, LDIF, VCARD = "csv", "sql", "copy", "json", "yaml", "ldif", "vcard"

_EXTENSIONS = {
    ".csv": CSV, ".tsv": CSV, ".tab": CSV, ".psv": CSV,
    ".sql": SQL, ".dump": SQL, ".pgsql": SQL, ".psql": SQL, ".mysql": SQL,
    ".json": JSON, ".jsonl": JSON, ".ndjson": JSON, ".geojson": JSON, ".har": JSON, ".jsonld": JSON,
    ".yml": YAML, ".yaml": YAML,
    ".ldif": LDIF,
    ".vcf": VCARD, ".vcard": VCARD,
}
# Extensions whose text may be a table without saying so: the header must look like one.
_MAYBE_CSV = {"", ".txt", ".dat", ".data", ".export", ".extract", ".out"}
_DELIMITERS = (",", ";", "\t", "|")

_SQL_HEAD = re.compile(
    r"\b(?:INSERT(?:\s+IGNORE)?|REPLACE)\s+INTO\s+(?P<table>[\w.\"`\[\]]+)\s*(?:\((?P<cols>[^()]*)\))?\s*VALUES\b"
    r"|^[ \t]*COPY\s+(?P<copy_table>[\w.\"]+)\s*(?:\((?P<copy_cols>[^()]*)\))?\s+FROM\s+stdin\b[^\n]*(?:\n|\Z)",
    re.IGNORECASE | re.MULTILINE,
)
# Tokens of a VALUES list: quoted strings (SQL '' and MySQL \' escapes), parentheses, commas, ';'.
_SQL_TOKEN = re.compile(r"'(?:[^'\\]|''|\\.)*'|\"(?:[^\"\\]|\"\"|\\.)*\"|[(),;]", re.DOTALL)
_SQL_STATEMENT_END = re.compile(r";[ \t]*\r?$", re.MULTILINE)
_SQL_NEXT_TUPLE = re.compile(r"\)\s*,\s*\(")
_COPY_END = "\n\\.\n"

_JSON_TOKEN = re.compile(r"\"(?:[^\"\\\n]|\\.)*\"(?P<colon>\s*:)?|[{}\[\]]")

_YAML_LINE = re.compile(
    r"(?P<indent>[ \t]*)(?P<dash>(?:-[ \t]+)*)"
    r"(?:(?P<key>\"[^\"\n]*\"|'[^'\n]*'|[^\s:#'\"\-\[\]{}][^:#\n]*?)[ \t]*:(?=[ \t\r\n]|$))?"
)
_LDIF_ATTRIBUTE = re.compile(r"([A-Za-z][\w.;-]*)::?<?")
_VCARD_PROPERTY = re.compile(r"(?:[\w-]+\.)?([A-Za-z][\w-]*)[;:]")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
# A column name or key is shown in reports: it must look like a name, never like a value (the
# first row of a CSV without header, an e-mail used as a JSON key).
_NAME = re.compile(r"[^\W\d][\w .()/-]{0,63}")
_NAME_MAX_DIGITS = 3


@dataclass(frozen=True, slots=True)
class Field:
    """One column or key of a record: its name and the span of its value in the chunk text."""

    name: str | None
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Record:
    """The record holding a character: its kind, its span in the chunk text, and the column
    name or key naming the value at the asked offset (None when nothing names it)."""

    kind: str
    start: int
    end: int
    key: str | None = None


def plausible_name(name: str | None) -> str | None:
    """``name`` when it can be a column name or key, else None."""
    if not name or not _NAME.fullmatch(name) or sum(c.isdigit() for c in name) > _NAME_MAX_DIGITS:
        return None
    return name


def context_name(name: str | None) -> str:
    """A column name as context text: `numSiret` and `num_siret` both read as words."""
    if not name:
        return ""
    return _CAMEL.sub(" ", name).replace("_", " ")


def open_sql_header(text: str, end: int, carried: str | None = None) -> str | None:
    """The head of the SQL statement still open at ``end`` (`INSERT INTO t (cols) VALUES` or a
    `COPY t (cols) FROM stdin;` line), or None: carried to the next chunk of a streamed file.
    ``carried`` is the head this text itself started inside of, if any.

    A statement counts as closed once a line ends with `;` (INSERT) or a `\\.` line (COPY)
    follows its head: dumps write one statement or one tuple a line, and a `;` at the end of a
    line inside a quoted value is rare enough to accept a lost column name for it."""
    last = None
    for match in _SQL_HEAD.finditer(text, 0, end):
        last = match
    if last is not None:
        head, body, copy = last.group(0), last.end(), last.group("copy_table") is not None
    elif carried is not None and (carried_match := _SQL_HEAD.match(carried)) is not None:
        head, body, copy = carried, 0, carried_match.group("copy_table") is not None
    else:
        return None
    if copy:
        return None if text.find(_COPY_END, max(body - 1, 0), end) >= 0 else head
    return None if _SQL_STATEMENT_END.search(text, body, end) else head


@dataclass(slots=True)
class _Statement:
    start: int  # offset of the statement head
    body: int  # offset just after VALUES / the COPY line
    columns: list[str] | None
    copy: bool
    end: int = -1  # known once parsed
    tuples: list[tuple[int, int, list[int]]] = field(default_factory=list)  # (start, end, comma offsets)
    tuple_starts: list[int] = field(default_factory=list)
    parsed: bool = False


def _split_columns(cols: str | None) -> list[str] | None:
    if cols is None:
        return None
    names = [c.strip().strip("\"`[]'") for c in cols.split(",")]
    return names if any(names) else None


class Records:
    """Record lookups in one chunk; every structure is built on first use and kept.

    ``position`` maps an offset to its (file line, column); detection passes its own so the
    newline index is built once."""

    def __init__(self, chunk: Chunk, position: Callable[[int], tuple[int, int]] | None = None) -> None:
        self.chunk = chunk
        self._position = position
        self._kind: str | None = None
        self._csv: tuple[str, list[str]] | bool | None = False  # (delimiter, names), None if not a table
        self._csv_boundaries: list[int] | None = None
        self._statements: list[_Statement] | None = None
        self._statement_starts: list[int] = []
        self._json: tuple[list[int], list[int], list[int], list[list[tuple[int, int, str]]]] | None = None
        self._yaml_records: dict[int, int] = {}  # key line -> start of its mapping
        self._yaml_labels: dict[int, int | None] = {}  # line without key -> the key line above it
        self._yaml_ends: dict[int, int] = {}  # mapping start -> its end
        self._cache: dict[int, Record | None] = {}
        self._ids: dict[int, str] = {}  # record start -> its id: one string for all of a row's values

    # --- public API -------------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        """The record syntax of the chunk (from the file name, else sniffed from the text)."""
        if self._kind is None:
            self._kind = self._sniff()
        return self._kind

    def at(self, offset: int) -> Record | None:
        """The record holding the character at ``offset``, or None (prose, code, a header)."""
        if offset in self._cache:
            return self._cache[offset]
        kind = self.kind
        record: Record | None = None
        if kind == SQL:
            record = self._sql_at(offset)
        elif kind == CSV:
            record = self._csv_at(offset)
        elif kind == JSON:
            record = self._json_at(offset)
        elif kind == YAML:
            record = self._yaml_at(offset)
        elif kind == LDIF:
            record = self._ldif_at(offset)
        elif kind == VCARD:
            record = self._vcard_at(offset)
        if record is not None and record.key is not None and plausible_name(record.key) is None:
            record = Record(record.kind, record.start, record.end, None)
        self._cache[offset] = record
        return record

    def key_at(self, offset: int) -> str | None:
        record = self.at(offset)
        return record.key if record is not None else None

    def record_id(self, record: Record) -> str:
        """A stable id for the record: `path:line:column` of its first character, the same for
        every value of the record, whichever chunk reports it."""
        known = self._ids.get(record.start)
        if known is None:
            line, column = self.position(record.start)
            known = self._ids[record.start] = f"{self.chunk.path}:{line}:{column}"
        return known

    def position(self, offset: int) -> tuple[int, int]:
        if self._position is None:
            text = self.chunk.text
            index = [m.start() for m in re.finditer("\n", text)]
            chunk = self.chunk

            def position(at: int) -> tuple[int, int]:
                line_start = text.rfind("\n", 0, at) + 1
                column = at - line_start + 1 + (chunk.start_column - 1 if line_start == 0 else 0)
                return chunk.line_of(at, index), column

            self._position = position
        return self._position(offset)

    def fields(self, record: Record) -> list[Field]:
        """The named values of a record (columns, keys, attributes), in order; a name that does
        not look like one (a value used as a key) is None."""
        return [f if plausible_name(f.name) == f.name else Field(None, f.start, f.end) for f in self._fields(record)]

    def _fields(self, record: Record) -> list[Field]:
        if record.kind == CSV:
            return self._csv_fields(record)
        if record.kind in (SQL, COPY):
            return self._sql_fields(record)
        if record.kind == JSON:
            return self._json_fields(record)
        if record.kind in (LDIF, VCARD):
            return self._attribute_fields(record)
        if record.kind == YAML:
            return self._yaml_fields(record)
        return []

    # --- kind -------------------------------------------------------------------------------------

    def _sniff(self) -> str:
        path = self.chunk.path.lower()
        name = path.rsplit("/", 1)[-1]
        dot = name.rfind(".")
        extension = name[dot:] if dot > 0 else ""
        if extension in _EXTENSIONS:
            return _EXTENSIONS[extension]
        text = self.chunk.text
        head = text[:4096].lstrip("\ufeff \t\r\n")
        header = self.chunk.header
        if header is not None and _SQL_HEAD.match(header.lstrip()):
            return SQL
        if head.startswith(("{", "[")):
            return JSON
        if "BEGIN:VCARD" in head.upper():
            return VCARD
        if head.startswith(("dn:", "version: 1\n", "version:1\n")):
            return LDIF
        if _holds_sql(text):
            return SQL
        if extension in _MAYBE_CSV:
            return CSV
        return ""

    # --- CSV / TSV --------------------------------------------------------------------------------

    def _table(self) -> tuple[str, list[str]] | None:
        """(delimiter, column names) from the file's first line, or None if it is no header."""
        if self._csv is False:
            self._csv = self._read_header()
        return self._csv  # type: ignore[return-value]

    def _read_header(self) -> tuple[str, list[str]] | None:
        chunk = self.chunk
        if chunk.header is not None and not _SQL_HEAD.match(chunk.header.lstrip()):
            header = chunk.header
        elif chunk.start_line == 1 and chunk.line_numbers is None and chunk.start_column == 1:
            end = chunk.text.find("\n")
            header = chunk.text if end < 0 else chunk.text[:end]
        else:
            return None
        header = header.lstrip("\ufeff").rstrip("\r")
        delimiter = max(_DELIMITERS, key=lambda d: _count_outside_quotes(header, d))
        if _count_outside_quotes(header, delimiter) == 0:
            return None
        names = [n.strip() for n in next(csv.reader([header], delimiter=delimiter), [])]
        if any(n and plausible_name(n) is None for n in names):
            return None  # the first line is a row of data, not a header: its fields are no names
        return delimiter, names

    def _row_bounds(self, offset: int) -> tuple[int, int]:
        """Start and end of the CSV row holding ``offset``: lines, except that a quoted field may
        hold newlines (an address); the chunk is split once, outside quotes."""
        text = self.chunk.text
        if self._csv_boundaries is None:
            table = self._table()
            delimiter = re.escape(table[0]) if table else ","
            pattern = re.compile(rf"(?:^|(?<=[{delimiter}]))\"(?:[^\"]|\"\")*\"|\n", re.MULTILINE)
            self._csv_boundaries = [m.start() for m in pattern.finditer(text) if m.group(0) == "\n"]
        boundaries = self._csv_boundaries
        index = bisect.bisect_left(boundaries, offset)
        start = boundaries[index - 1] + 1 if index > 0 else 0
        end = boundaries[index] if index < len(boundaries) else len(text)
        return start, end

    def _csv_at(self, offset: int) -> Record | None:
        """The row holding ``offset``. In a file named as a table (`.csv`, `.tsv`) every line is
        a row, named by the header when there is one; elsewhere (`.txt`, no extension) only lines
        shaped like the header are."""
        table = self._table()
        declared = self._declared_table()
        if table is None and not declared:
            return None
        start, end = self._row_bounds(offset)
        if table is None:
            return Record(CSV, start, end)
        delimiter, names = table
        if start == 0 and self.chunk.header is None and self.chunk.start_line == 1:
            return None  # the header itself
        row = self.chunk.text[start:end]
        if _count_outside_quotes(row, delimiter) != len(names) - 1:
            # A ragged row of a table, or a line that is no row (a comment, prose in a .txt).
            return Record(CSV, start, end) if declared else None
        column = _count_outside_quotes(row[: offset - start], delimiter)
        return Record(CSV, start, end, names[column] or None)

    def _declared_table(self) -> bool:
        name = self.chunk.path.rsplit("/", 1)[-1].lower()
        dot = name.rfind(".")
        return dot > 0 and _EXTENSIONS.get(name[dot:]) == CSV

    def _csv_fields(self, record: Record) -> list[Field]:
        table = self._table()
        if table is None:
            return []
        delimiter, names = table
        return _split_fields(self.chunk.text, record.start, record.end, delimiter, names)

    # --- SQL --------------------------------------------------------------------------------------

    def _sql_statements(self) -> list[_Statement]:
        if self._statements is None:
            statements: list[_Statement] = []
            header = self.chunk.header
            carried = _SQL_HEAD.match(header.lstrip()) if header is not None else None
            if carried is not None:
                statements.append(self._carried_statement(carried))
            for match in _SQL_HEAD.finditer(self.chunk.text):
                copy = match.group("copy_table") is not None
                cols = match.group("copy_cols") if copy else match.group("cols")
                statements.append(_Statement(match.start(), match.end(), _split_columns(cols), copy))
            self._statements = statements
            self._statement_starts = [s.start for s in statements]
        return self._statements

    def _carried_statement(self, head: re.Match[str]) -> _Statement:
        """The statement a streamed chunk starts inside of: it resumes at the first whole row."""
        copy = head.group("copy_table") is not None
        text = self.chunk.text
        if copy:
            body = text.find("\n") + 1
        else:
            next_tuple = _SQL_NEXT_TUPLE.search(text)
            body = next_tuple.end() - 1 if next_tuple else len(text)
        cols = head.group("copy_cols") if copy else head.group("cols")
        return _Statement(-1, body, _split_columns(cols), copy)

    def _sql_at(self, offset: int) -> Record | None:
        statements = self._sql_statements()
        index = bisect.bisect_right(self._statement_starts, offset) - 1
        if index < 0:
            return None
        statement = statements[index]
        if offset < statement.body:
            return None
        if statement.copy:
            return self._copy_row(statement, offset)
        self._parse_values(statement)
        if statement.end >= 0 and offset >= statement.end:
            return None
        position = bisect.bisect_right(statement.tuple_starts, offset) - 1
        if position < 0:
            return None
        start, end, commas = statement.tuples[position]
        if offset >= end:
            return None
        column = bisect.bisect_left(commas, offset)
        columns = statement.columns
        key = columns[column] if columns is not None and column < len(columns) else None
        return Record(SQL, start, end, key)

    def _parse_values(self, statement: _Statement) -> None:
        """Split a VALUES list into tuples and fields, once per statement."""
        if statement.parsed:
            return
        statement.parsed = True
        text = self.chunk.text
        depth = 0
        tuple_start = 0
        commas: list[int] = []
        for token in _SQL_TOKEN.finditer(text, statement.body):
            char = token.group(0)
            if char == "(":
                depth += 1
                if depth == 1:
                    tuple_start, commas = token.start(), []
            elif char == ")":
                if depth == 1:
                    statement.tuples.append((tuple_start, token.end(), commas))
                    statement.tuple_starts.append(tuple_start)
                depth = max(depth - 1, 0)
            elif char == "," and depth == 1:
                commas.append(token.start())
            elif char == ";" and depth == 0:
                statement.end = token.end()
                return

    def _copy_row(self, statement: _Statement, offset: int) -> Record | None:
        text = self.chunk.text
        if statement.end < 0:
            stop = text.find(_COPY_END, statement.body - 1)
            statement.end = stop + 1 if stop >= 0 else len(text)
        if offset >= statement.end:
            return None
        start = text.rfind("\n", statement.body - 1, offset) + 1
        end = text.find("\n", offset)
        end = len(text) if end < 0 else end
        column = text.count("\t", start, offset)
        columns = statement.columns
        key = columns[column] if columns is not None and column < len(columns) else None
        return Record(COPY, start, end, key)

    def _statement_of(self, record: Record) -> _Statement | None:
        index = bisect.bisect_right(self._statement_starts, record.start) - 1
        return self._sql_statements()[index] if index >= 0 else None

    def _sql_fields(self, record: Record) -> list[Field]:
        statement = self._statement_of(record)
        columns = statement.columns if statement is not None else None
        names = columns or []
        text = self.chunk.text
        if record.kind == COPY:
            return _split_fields(text, record.start, record.end, "\t", names, quoted=False)
        for start, end, commas in statement.tuples if statement is not None else ():
            if start == record.start:
                bounds = [start + 1, *(c + 1 for c in commas)]
                stops = [*commas, end - 1]
                return [
                    Field(names[i] if i < len(names) else None, *_unquote_span(text, a, b))
                    for i, (a, b) in enumerate(zip(bounds, stops, strict=True))
                ]
        return []

    # --- JSON -------------------------------------------------------------------------------------

    def _json_index(self) -> tuple[list[int], list[int], list[int], list[list[tuple[int, int, str]]]]:
        """Objects of the chunk (starts, ends, parents) and the keys of each, in one pass."""
        if self._json is None:
            starts: list[int] = []
            ends: list[int] = []
            parents: list[int] = []
            keys: list[list[tuple[int, int, str]]] = []
            stack: list[int] = []  # object index, or -1 for an array
            for token in _JSON_TOKEN.finditer(self.chunk.text):
                char = token.group(0)
                if char == "{":
                    enclosing = next((i for i in reversed(stack) if i >= 0), -1)
                    stack.append(len(starts))
                    starts.append(token.start())
                    ends.append(-1)
                    parents.append(enclosing)
                    keys.append([])
                elif char == "[":
                    stack.append(-1)
                elif char in "}]":
                    if stack:
                        closed = stack.pop()
                        if closed >= 0:
                            ends[closed] = token.end()
                elif token.group("colon") and stack and stack[-1] >= 0:
                    keys[stack[-1]].append((token.start(), token.end(), char[1 : char.rindex('"')]))
            self._json = (starts, ends, parents, keys)
        return self._json

    def _json_object_at(self, offset: int) -> int:
        starts, ends, parents, _ = self._json_index()
        index = bisect.bisect_right(starts, offset) - 1
        while index >= 0 and 0 <= ends[index] <= offset:
            index = parents[index]
        return index

    def _json_at(self, offset: int) -> Record | None:
        index = self._json_object_at(offset)
        if index < 0:
            return None
        starts, ends, _, keys = self._json_index()
        end = ends[index] if ends[index] >= 0 else len(self.chunk.text)
        own = keys[index]
        position = bisect.bisect_right(own, (offset, len(self.chunk.text) + 1, "")) - 1
        key: str | None = None
        if position >= 0:
            _, key_end, name = own[position]
            key = None if key_end > offset else name  # a value used as a key names nothing
        return Record(JSON, starts[index], end, key)

    def enclosing_keys(self, record: Record) -> Iterator[str]:
        """The keys a JSON record sits under, innermost first (`value`, `example`, `examples`,
        `200`, ...): an OpenAPI document's people sit under `examples`. Other kinds: none."""
        if record.kind != JSON:
            return
        starts, _, parents, keys = self._json_index()
        index = self._json_object_at(record.start)
        while index >= 0 and parents[index] >= 0:
            parent = parents[index]
            own = keys[parent]
            position = bisect.bisect_right(own, (starts[index], -1, "")) - 1
            if position >= 0:
                yield own[position][2]
            index = parent

    def _json_fields(self, record: Record) -> list[Field]:
        index = self._json_object_at(record.start)
        if index < 0:
            return []
        text = self.chunk.text
        own = self._json_index()[3][index]
        fields: list[Field] = []
        for position, (_, key_end, name) in enumerate(own):
            stop = own[position + 1][0] if position + 1 < len(own) else record.end - 1
            raw_start = key_end
            value = text[raw_start:stop].strip().rstrip(",").strip()
            if value.startswith(("{", "[")):
                continue  # nested: its own record, or a list
            value_start = text.find(value, raw_start, stop) if value else raw_start
            fields.append(Field(name, *_unquote_span(text, value_start, value_start + len(value))))
        return fields

    # --- YAML -------------------------------------------------------------------------------------

    def _yaml_line(self, line_start: int) -> tuple[int, int, str | None, int]:
        """(content column, key column, key, dash column or -1) of the line at ``line_start``."""
        text = self.chunk.text
        match = _YAML_LINE.match(text, line_start)
        assert match is not None  # every group is optional
        indent = len(match.group("indent"))
        dash = match.group("dash")
        key = match.group("key")
        key_column = indent + len(dash)
        name = key.strip().strip("\"'") if key is not None else None
        return indent, key_column, name, indent if dash else -1

    def _previous_lines(self, line_start: int) -> Iterator[int]:
        """Starts of the meaningful lines above ``line_start``, nearest first (lazily)."""
        text = self.chunk.text
        position = line_start
        while position > 0:
            previous = text.rfind("\n", 0, position - 1) + 1
            content = text[previous:position].strip()
            position = previous
            if content and not content.startswith("#") and content != "---":
                yield previous

    def _yaml_at(self, offset: int) -> Record | None:
        text = self.chunk.text
        line_start = text.rfind("\n", 0, offset) + 1
        indent, key_column, key, dash = self._yaml_line(line_start)
        if key is not None and line_start + key_column <= offset < line_start + key_column + len(key):
            # The key itself: its line's mapping, though a key names no value (as in JSON).
            start = self._yaml_record_start(line_start, key_column, dash)
            return Record(YAML, start, self._yaml_record_end(start), None)
        if key is None or offset < line_start + key_column + len(key):
            # A list item or a continuation: the value is named by the label above it.
            label = self._yaml_label(line_start, indent)
            if label is None:
                return None
            _, p_key_column, p_key, p_dash = self._yaml_line(label)
            start = self._yaml_record_start(label, p_key_column, p_dash)
            return Record(YAML, start, self._yaml_record_end(start), p_key)
        start = self._yaml_record_start(line_start, key_column, dash)
        return Record(YAML, start, self._yaml_record_end(start), key)

    def _yaml_label(self, line_start: int, indent: int) -> int | None:
        """The key line above a line without key (a list item, a continuation). The items of one
        list share the answer, so a list of ten thousand e-mails is walked once."""
        if line_start in self._yaml_labels:
            return self._yaml_labels[line_start]
        items = [line_start]
        label: int | None = None
        for previous in self._previous_lines(line_start):
            p_indent, p_key_column, p_key, _ = self._yaml_line(previous)
            if p_key is not None and p_key_column <= indent:
                label = previous
                break
            if previous in self._yaml_labels:  # an item of the same list (a key line is not cached)
                label = self._yaml_labels[previous]
                break
            if p_indent < indent:
                break
            if p_key is None and p_indent == indent:
                items.append(previous)
        for item in items:
            if self._yaml_line(item)[2] is None:  # a key line asked about its dash: its answer is not its items'
                self._yaml_labels[item] = label
        return label

    def _yaml_record_start(self, line_start: int, key_column: int, dash: int) -> int:
        """The first line of the mapping holding a key line: its list item (`- `), or the line
        after its parent key. Siblings share the answer, so a long mapping is walked once."""
        if dash >= 0:
            return line_start
        if line_start in self._yaml_records:
            return self._yaml_records[line_start]
        seen = [line_start]
        start = -1
        for previous in self._previous_lines(line_start):
            if previous in self._yaml_records:
                start = self._yaml_records[previous]
                break
            p_indent, p_key_column, _, p_dash = self._yaml_line(previous)
            if p_dash >= 0 and p_key_column == key_column:
                start = previous
                break
            if p_indent < key_column:
                break  # the parent key: the mapping starts at its first sibling
            if p_key_column == key_column:
                seen.append(previous)
        if start < 0:
            start = seen[-1]
        for line in seen:
            self._yaml_records[line] = start
        return start

    def _yaml_record_end(self, start: int) -> int:
        """End of the mapping starting at ``start``: the first line indented less than its keys,
        or the next list item at the same level."""
        if start not in self._yaml_ends:
            self._yaml_ends[start] = self._find_yaml_record_end(start)
        return self._yaml_ends[start]

    def _find_yaml_record_end(self, start: int) -> int:
        text = self.chunk.text
        key_column = self._yaml_line(start)[1]
        position = text.find("\n", start)
        while position >= 0:
            next_start = position + 1
            line_end = text.find("\n", next_start)
            content = text[next_start : line_end if line_end >= 0 else len(text)]
            meaningful = content.strip() and not content.lstrip().startswith("#")
            if meaningful and self._yaml_line(next_start)[0] < key_column:
                return position
            position = line_end
        return len(text)

    def _yaml_fields(self, record: Record) -> list[Field]:
        text = self.chunk.text
        _, key_column, _, _ = self._yaml_line(record.start)
        fields: list[Field] = []
        position = record.start
        while position < record.end:
            line_end = text.find("\n", position)
            line_end = record.end if line_end < 0 or line_end > record.end else line_end
            _, column, key, _ = self._yaml_line(position)
            if key is not None and column == key_column:
                colon = text.index(":", position + column + len(key) - 1)
                fields.append(Field(key, *_unquote_span(text, colon + 1, line_end)))
            position = line_end + 1
        return fields

    # --- LDIF and vCard ---------------------------------------------------------------------------

    def _attribute_line(self, offset: int) -> int:
        """Start of the logical line holding ``offset``: continuation lines start with a space."""
        text = self.chunk.text
        line_start = text.rfind("\n", 0, offset) + 1
        while line_start > 0 and text[line_start : line_start + 1] in (" ", "\t"):
            line_start = text.rfind("\n", 0, line_start - 1) + 1
        return line_start

    def _ldif_at(self, offset: int) -> Record | None:
        text = self.chunk.text
        blank = max(text.rfind("\n\n", 0, offset), text.rfind("\n\r\n", 0, offset))
        start = text.find("\n", blank + 1) + 1 if blank >= 0 else 0
        stop = text.find("\n\n", offset)
        end = stop if stop >= 0 else len(text)
        match = _LDIF_ATTRIBUTE.match(text, self._attribute_line(offset))
        return Record(LDIF, start, end, match.group(1) if match else None)

    def _vcard_at(self, offset: int) -> Record | None:
        text = self.chunk.text
        start = max(text.rfind("BEGIN:VCARD", 0, offset), text.rfind("begin:vcard", 0, offset))
        if start < 0:
            return None
        stop = max(text.find("END:VCARD", start), text.find("end:vcard", start))
        if 0 <= stop < offset:
            return None
        end = stop + len("END:VCARD") if stop >= 0 else len(text)
        match = _VCARD_PROPERTY.match(text, self._attribute_line(offset))
        return Record(VCARD, start, end, match.group(1).lower() if match else None)

    def _attribute_fields(self, record: Record) -> list[Field]:
        text = self.chunk.text
        pattern = _LDIF_ATTRIBUTE if record.kind == LDIF else _VCARD_PROPERTY
        fields: list[Field] = []
        position = record.start
        while position < record.end:
            line_end = text.find("\n", position)
            line_end = record.end if line_end < 0 or line_end > record.end else line_end
            match = pattern.match(text, position)
            name = None if match is None else match.group(1) if record.kind == LDIF else match.group(1).lower()
            if match is not None and name not in ("begin", "end", "version"):
                value_start = text.find(":", match.start(1) + len(match.group(1))) + 1
                while text.startswith(":", value_start) or text.startswith("<", value_start):
                    value_start += 1
                fields.append(Field(name, *_unquote_span(text, value_start, line_end)))
            position = line_end + 1
        return fields


def _holds_sql(text: str) -> bool:
    """Whether the text holds an INSERT or COPY statement. The case-blind pattern is tried only
    where a keyword stands: a search with it over a whole source file costs more than the rest
    of the record lookups together."""
    for word in ("INSERT", "insert", "Insert", "REPLACE", "replace", "COPY", "copy"):
        position = text.find(word)
        while position >= 0:
            start = text.rfind("\n", 0, position) + 1 if word[0] in "Cc" else position
            if _SQL_HEAD.match(text, start):
                return True
            position = text.find(word, position + 1)
    return False


def _count_outside_quotes(text: str, delimiter: str) -> int:
    """Delimiters of a CSV line that are not inside a quoted field."""
    if '"' not in text:
        return text.count(delimiter)
    count = 0
    quoted = False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == delimiter and not quoted:
            count += 1
    return count


def _split_fields(
    text: str, start: int, end: int, delimiter: str, names: Sequence[str], quoted: bool = True
) -> list[Field]:
    fields: list[Field] = []
    field_start = start
    inside = False
    for position in range(start, end + 1):
        char = text[position] if position < end else delimiter
        if quoted and char == '"':
            inside = not inside
        elif char == delimiter and not inside:
            index = len(fields)
            name = names[index] if index < len(names) else None
            fields.append(Field(name or None, *_unquote_span(text, field_start, position)))
            field_start = position + 1
    return fields


def _unquote_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of a field's value without surrounding blanks and quotes."""
    while start < end and text[start] in " \t\r":
        start += 1
    while end > start and text[end - 1] in " \t\r":
        end -= 1
    if end - start >= 2 and text[start] == text[end - 1] and text[start] in "\"'":
        start, end = start + 1, end - 1
    return start, end
