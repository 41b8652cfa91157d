"""Load, validate and compile rule files (YAML data under rules/ or a user's folder).

Every field is checked against the declared schema below; errors name the file, the rule id
and the field. Compiling is separate from loading so that `sondier rules list` stays cheap.
"""

from __future__ import annotations

import re as _stdre
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import regex

from sondier import validators
from sondier.errors import RuleError
from sondier.i18n import _

CATEGORIES = ("pii", "secret")
SEVERITIES = ("critical", "high", "medium", "low", "info")
FLAG_NAMES = {"ignorecase": regex.IGNORECASE, "multiline": regex.MULTILINE, "dotall": regex.DOTALL}
ID_PATTERN = _stdre.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
VALUE_GROUP = "value"

_TOP_KEYS = {
    "id": str,
    "name": (str, dict),
    "category": str,
    "severity": str,
    "description": (str, dict),
    "remediation": (str, dict),
    "regex": str,
    "path": list,
    "record": str,
    "flags": list,
    "keywords": list,
    "validator": str,
    "entropy": (int, float),
    "boundary": bool,
    "literal": bool,
    "refines": list,
    "context": dict,
    "confidence": dict,
    "testdata": dict,
    "examples": dict,
}
_REQUIRED = ("id", "name", "category", "severity", "description", "remediation", "examples")
_CONTEXT_KEYS = {"words": list, "window": int, "required": bool, "not_keys": list}
_CONFIDENCE_KEYS = {"base": (int, float), "threshold": (int, float)}
_TESTDATA_KEYS = {"values": list, "patterns": list, "words": list, "context": list}
_EXAMPLE_KEYS = {"positive": list, "negative": list}

# Human texts of a rule may be one string (English) or one per language: `name: {fr: …, en: …}`.
# Machine formats (ids, JSON keys, SARIF rule ids) never depend on the language.
LANGUAGES = ("en", "fr")
DEFAULT_LANGUAGE = "en"
LOCALIZED_FIELDS = ("name", "description", "remediation")

DEFAULT_WINDOW = 120
DEFAULT_BASE = 0.6
DEFAULT_THRESHOLD = 0.5


def fold(text: str) -> str:
    """Lower-case and strip accents, so `Téléphone` and `telephone` compare equal: the text's
    NFKD decomposition without its combining marks, lower-cased."""
    if text.isascii():
        return text.lower()  # nothing to decompose (most context windows): 10x faster
    # NFKD decomposes each character on its own and only reorders combining marks, which are
    # all dropped: the decomposition of a text is that of its characters, one table lookup each.
    return text.translate(_FOLDED_CHARACTERS).lower()


class _FoldTable(dict[int, str]):
    """Each character's NFKD decomposition without combining marks, filled as they are met."""

    def __missing__(self, codepoint: int) -> str:
        decomposed = unicodedata.normalize("NFKD", chr(codepoint))
        folded = "".join(c for c in decomposed if not unicodedata.combining(c))
        self[codepoint] = folded
        return folded


_FOLDED_CHARACTERS = _FoldTable()


_SEPARATORS = _stdre.compile(r"[\s.\-/\u00a0\u202f]")


def compact(value: str) -> str:
    """The value without spaces, dots, dashes and slashes, upper-cased (for comparisons)."""
    return _SEPARATORS.sub("", value).upper()


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    category: str
    severity: str
    description: str
    remediation: str
    pattern: str  # empty for a path rule
    source: str
    paths: tuple[str, ...] = ()  # globs: the rule only applies to these files (alone: a path rule)
    flags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    validator: str | None = None
    entropy: float | None = None
    boundary: bool = True
    literal: bool = False  # the value must be a literal of its file's syntax (see literals.py)
    context_words: tuple[str, ...] = ()
    context_window: int = DEFAULT_WINDOW
    context_required: bool = False
    # Words of a key (`start_ms`, `trackingNumber`) that say the value after it is something else.
    context_not_keys: frozenset[str] = frozenset()
    base_confidence: float = DEFAULT_BASE
    threshold: float = DEFAULT_THRESHOLD
    testdata_values: frozenset[str] = frozenset()
    testdata_patterns: tuple[str, ...] = ()
    testdata_words: tuple[str, ...] = ()
    # Words beside the value (same window as context words) that make it test data: the INS
    # test OIDs next to a NIR, for instance.
    testdata_context: tuple[str, ...] = ()
    positive_examples: tuple[str, ...] = ()
    negative_examples: tuple[str, ...] = ()
    # A record rule has no regex: the analyzer named here judges whole records (sondier/people.py).
    record: str | None = None
    # Rules whose value this rule reads more specifically (an INS is a NIR sent with the INS
    # OIDs): where their values overlap, this rule's finding is the one kept (resolve_overlaps).
    refines: frozenset[str] = frozenset()
    # (language, name, description, remediation) for each language the rule file gives.
    translations: tuple[tuple[str, str, str, str], ...] = ()
    compiled: Any = field(default=None, compare=False, repr=False)
    context_regex: Any = field(default=None, compare=False, repr=False)
    testdata_regexes: tuple[Any, ...] = field(default=(), compare=False, repr=False)
    testdata_context_regex: Any = field(default=None, compare=False, repr=False)

    @property
    def path_only(self) -> bool:
        """A rule without regex: the file's name is the finding (a `.p12` keystore)."""
        return not self.pattern and self.record is None

    @property
    def content(self) -> bool:
        """A rule whose regex runs over the text (neither a path rule nor a record rule)."""
        return bool(self.pattern)

    def localized(self, language: str) -> tuple[str, str, str]:
        """(name, description, remediation) in ``language``, else in English."""
        for lang, name, description, remediation in self.translations:
            if lang == language:
                return name, description, remediation
        return self.name, self.description, self.remediation

    @property
    def regex_flags(self) -> int:
        value = 0
        for name in self.flags:
            value |= FLAG_NAMES[name]
        return value


def _check_type(path: str, rule_id: str | None, key: str, value: Any, expected: Any) -> None:
    if isinstance(value, bool) and expected in ((int, float), int):
        raise RuleError(path, rule_id, key, _("expected a number, got {value!r}").format(value=value))
    if not isinstance(value, expected):
        names = expected.__name__ if isinstance(expected, type) else _type_names(expected)
        raise RuleError(path, rule_id, key, _("expected {expected}, got {kind}").format(
            expected=names, kind=type(value).__name__))


def _type_names(types: tuple[type, ...]) -> str:
    """`int or float` (Python's type names stay as they are: they are what YAML gives)."""
    *first, last = (t.__name__ for t in types)
    return _("{types} or {last}").format(types=", ".join(first), last=last)


def _check_mapping(path: str, rule_id: str, key: str, value: dict[str, Any], schema: dict[str, Any]) -> None:
    for sub, sub_value in value.items():
        if sub not in schema:
            raise RuleError(path, rule_id, f"{key}.{sub}", _("unknown field (expected one of {fields})").format(
                fields=sorted(schema)))
        _check_type(path, rule_id, f"{key}.{sub}", sub_value, schema[sub])


def _string_list(path: str, rule_id: str, key: str, values: list[Any]) -> tuple[str, ...]:
    for item in values:
        if not isinstance(item, str):
            raise RuleError(path, rule_id, key, _("expected a list of strings, found {kind}").format(
                kind=type(item).__name__))
    return tuple(values)


def _localized_texts(path: str, rule_id: str, data: dict[str, Any]) -> tuple[tuple[str, str, str, str], ...]:
    """Validate name/description/remediation (a string, or one string per language) and return
    the texts per language; a rule that translates one field must translate them all."""
    per_language: dict[str, dict[str, str]] = {}
    for key in LOCALIZED_FIELDS:
        value = data[key]
        if isinstance(value, str):
            continue
        unknown = sorted(set(value) - set(LANGUAGES))
        if unknown:
            raise RuleError(path, rule_id, f"{key}.{unknown[0]}", _("unknown language (expected {languages})").format(
                languages=list(LANGUAGES)))
        for lang in LANGUAGES:
            text = value.get(lang)
            if not isinstance(text, str) or not text.strip():
                raise RuleError(path, rule_id, f"{key}.{lang}", _("required text is missing (give every language)"))
            per_language.setdefault(lang, {})[key] = text.strip()
    if not per_language:
        return ()
    for key in LOCALIZED_FIELDS:
        if isinstance(data[key], str):
            raise RuleError(path, rule_id, key, _("give this text in every language, as the other texts of the rule"))
    return tuple((lang, t["name"], t["description"], t["remediation"]) for lang, t in sorted(per_language.items()))


def _english(value: str | dict[str, str]) -> str:
    return (value if isinstance(value, str) else value[DEFAULT_LANGUAGE]).strip()


def _compile_regex(path: str, rule_id: str, key: str, pattern: str, flags: int = 0) -> Any:
    try:
        return regex.compile(pattern, flags)
    except (regex.error, ValueError, OverflowError, RecursionError) as exc:
        raise RuleError(path, rule_id, key, _("invalid regular expression: {error}").format(error=exc)) from None


def parse_rule(data: Any, path: str) -> Rule:
    """Validate one rule mapping and return an uncompiled Rule."""
    if not isinstance(data, dict):
        raise RuleError(path, None, None, _("a rule must be a mapping, got {kind}").format(
            kind=type(data).__name__))
    rule_id = data.get("id") if isinstance(data.get("id"), str) else None
    for key in data:
        if key not in _TOP_KEYS:
            raise RuleError(path, rule_id, str(key), _("unknown field (expected one of {fields})").format(
                fields=sorted(_TOP_KEYS)))
    for key in _REQUIRED:
        if key not in data or data[key] in (None, ""):
            raise RuleError(path, rule_id, key, _("required field is missing"))
    if not data.get("regex") and not data.get("path") and not data.get("record"):
        raise RuleError(path, rule_id, "regex", _("required field is missing (or give `path` for a path rule, "
                                                  "`record` for a record rule)"))
    for key, value in data.items():
        _check_type(path, rule_id, key, value, _TOP_KEYS[key])
    assert rule_id is not None
    if not ID_PATTERN.match(rule_id):
        raise RuleError(path, rule_id, "id", _("must be kebab-case (lower-case letters, digits, dashes)"))
    if data["category"] not in CATEGORIES:
        raise RuleError(path, rule_id, "category", _("must be one of {values}").format(values=list(CATEGORIES)))
    if data["severity"] not in SEVERITIES:
        raise RuleError(path, rule_id, "severity", _("must be one of {values}").format(values=list(SEVERITIES)))
    flags = _string_list(path, rule_id, "flags", data.get("flags", []))
    for flag in flags:
        if flag not in FLAG_NAMES:
            raise RuleError(path, rule_id, "flags", _("unknown flag '{flag}' (expected {flags})").format(
                flag=flag, flags=sorted(FLAG_NAMES)))
    keywords = tuple(k.lower() for k in _string_list(path, rule_id, "keywords", data.get("keywords", [])))
    if any(not k for k in keywords):
        raise RuleError(path, rule_id, "keywords", _("empty keyword"))
    validator = data.get("validator")
    if validator is not None and validator not in validators.REGISTRY:
        raise RuleError(path, rule_id, "validator", _("unknown validator '{validator}' (known: {known})").format(
            validator=validator, known=validators.known()))
    context = data.get("context", {})
    _check_mapping(path, rule_id, "context", context, _CONTEXT_KEYS)
    confidence = data.get("confidence", {})
    _check_mapping(path, rule_id, "confidence", confidence, _CONFIDENCE_KEYS)
    for key in ("base", "threshold"):
        if key in confidence and not 0 <= confidence[key] <= 1:
            raise RuleError(path, rule_id, f"confidence.{key}", _("must be between 0 and 1"))
    testdata = data.get("testdata", {})
    _check_mapping(path, rule_id, "testdata", testdata, _TESTDATA_KEYS)
    examples = data["examples"]
    _check_mapping(path, rule_id, "examples", examples, _EXAMPLE_KEYS)
    positives = _string_list(path, rule_id, "examples.positive", examples.get("positive", []))
    negatives = _string_list(path, rule_id, "examples.negative", examples.get("negative", []))
    if not positives:
        raise RuleError(path, rule_id, "examples.positive", _("at least one positive example is required"))
    values = testdata.get("values", [])
    words = testdata.get("words", [])
    if any(not w.strip() for w in _string_list(path, rule_id, "context.words", context.get("words", []))):
        raise RuleError(path, rule_id, "context.words", _("empty context word (it would match everywhere)"))
    window = context.get("window", DEFAULT_WINDOW)
    if not 0 <= window <= 2000:
        raise RuleError(path, rule_id, "context.window", _("must be between 0 and 2000"))
    translations = _localized_texts(path, rule_id, data)
    refines = _string_list(path, rule_id, "refines", data.get("refines", []))
    if rule_id in refines or any(not ID_PATTERN.match(r) for r in refines):
        raise RuleError(path, rule_id, "refines", _("must list the ids of other rules"))
    return Rule(
        id=rule_id,
        name=_english(data["name"]),
        category=data["category"],
        severity=data["severity"],
        description=_english(data["description"]),
        remediation=_english(data["remediation"]),
        translations=translations,
        pattern=data.get("regex", ""),
        source=path,
        paths=_string_list(path, rule_id, "path", data.get("path", [])),
        record=_record_kind(path, rule_id, data),
        refines=frozenset(refines),
        flags=flags,
        keywords=keywords,
        validator=validator,
        entropy=float(data["entropy"]) if "entropy" in data else None,
        boundary=data.get("boundary", data["category"] == "pii"),
        literal=data.get("literal", False),
        context_words=tuple(fold(w) for w in _string_list(path, rule_id, "context.words", context.get("words", []))),
        context_window=window,
        context_required=context.get("required", False),
        context_not_keys=frozenset(
            fold(w) for w in _string_list(path, rule_id, "context.not_keys", context.get("not_keys", []))
        ),
        base_confidence=float(confidence.get("base", DEFAULT_BASE)),
        threshold=float(confidence.get("threshold", DEFAULT_THRESHOLD)),
        testdata_values=frozenset(compact(v) for v in _string_list(path, rule_id, "testdata.values", values)),
        testdata_patterns=_string_list(path, rule_id, "testdata.patterns", testdata.get("patterns", [])),
        testdata_words=tuple(w.lower() for w in _string_list(path, rule_id, "testdata.words", words)),
        testdata_context=tuple(fold(w) for w in _string_list(path, rule_id, "testdata.context",
                                                             testdata.get("context", []))),
        positive_examples=positives,
        negative_examples=negatives,
    )


RECORD_KINDS = ("person", "sensitive")


def _record_kind(path: str, rule_id: str, data: dict[str, Any]) -> str | None:
    kind = data.get("record")
    if kind is None:
        return None
    if kind not in RECORD_KINDS:
        raise RuleError(path, rule_id, "record", _("unknown record analyzer '{kind}' (known: {known})").format(
            kind=kind, known=list(RECORD_KINDS)))
    if data.get("regex"):
        raise RuleError(path, rule_id, "regex", _("a record rule has no regex (its analyzer reads whole records)"))
    return str(kind)


def _context_regex(words: Sequence[str]) -> Any:
    """The words as one pattern, compiled on first use (sondier.lazy_re): a rule's context is
    read only for its validated candidates, and the `regex` module takes ~1 ms to compile an
    alternation of a few dozen words, for every rule a small scan meets."""
    from sondier.lazy_re import LazyPattern

    if not words:
        return None
    # Whole words: no letter or digit on either side, so `nir` matches `nir_patient` and
    # `"nir":` but not `nirvana`. Words are already folded (lower-case, no accents).
    alternation = "|".join(regex.escape(w) for w in sorted(set(words), key=len, reverse=True))
    return LazyPattern(rf"(?<![\p{{L}}\p{{N}}])(?:{alternation})(?![\p{{L}}\p{{N}}])", 0, regex.compile)


def _sre() -> tuple[Any, Any]:
    """The stdlib regex parser and its opcodes (renamed in Python 3.11)."""
    try:
        from re import _constants, _parser  # type: ignore[attr-defined]
    except ImportError:  # Python 3.10
        import sre_constants as _constants
        import sre_parse as _parser
    return _parser, _constants


def _item_min_width(items: Any, item: Any) -> int:
    return int(_sre()[0].SubPattern(items.state, [item]).getwidth()[0])


def _dominated_by_repeat(items: Any) -> bool:
    """True when ``items`` is one unbounded repeat plus optional items: `a+`, `\\w+\\s*`, `a*b?`."""
    c = _sre()[1]

    required = [item for item in items if _item_min_width(items, item) > 0]
    if len(required) > 1:
        return False
    for op, av in required or list(items):
        if op in (c.MAX_REPEAT, c.MIN_REPEAT) and av[1] == c.MAXREPEAT:
            return True
        if op is c.SUBPATTERN and _dominated_by_repeat(av[-1]):
            return True
        if op is c.BRANCH and any(_dominated_by_repeat(branch) for branch in av[1]):
            return True
    return False


def _has_nested_quantifier(items: Any) -> bool:
    """An unbounded repeat of something that is itself an unbounded repeat, `(a+)+`: the ways to
    split a run of `a` grow exponentially, and a backtracking engine tries them all on a miss."""
    c = _sre()[1]

    for op, av in items:
        if op in (c.MAX_REPEAT, c.MIN_REPEAT):
            if av[1] == c.MAXREPEAT and _dominated_by_repeat(av[2]):
                return True
            children = [av[2]]
        elif op is c.SUBPATTERN:
            children = [av[-1]]
        elif op is c.BRANCH:
            children = list(av[1])
        elif op in (c.ASSERT, c.ASSERT_NOT):
            children = [av[1]]
        else:  # literals, classes; possessive repeats and atomic groups never backtrack
            children = []
        if any(_has_nested_quantifier(child) for child in children):
            return True
    return False


def is_catastrophic(pattern: str) -> bool:
    """Obvious catastrophic backtracking (nested unbounded quantifiers), checked at load time.

    Written by hand: neither `re` nor `regex` exposes such a check. Patterns using syntax only
    `regex` knows (\\p{L}...) are not analysed; the per-match time limit still covers them."""
    try:
        return _has_nested_quantifier(_sre()[0].parse(pattern))
    except (_stdre.error, RecursionError, ValueError, OverflowError, TypeError):
        return False


# Patterns that passed is_catastrophic when their rule files were parsed (this process, or the
# one that wrote the parsed-rules cache): compiling them again at scan time skips the analysis.
_CHECKED_PATTERNS: set[str] = set()


def compile_rule(rule: Rule) -> Rule:
    """Return the rule with its regexes compiled; raise RuleError naming the field on failure."""
    compiled = None
    if rule.content:
        compiled = _compile_regex(rule.source, rule.id, "regex", rule.pattern, rule.regex_flags)
        if VALUE_GROUP not in compiled.groupindex:
            raise RuleError(rule.source, rule.id, "regex", _("must contain a named group (?P<{group}>...)").format(
                group=VALUE_GROUP))
    if rule.pattern not in _CHECKED_PATTERNS and is_catastrophic(rule.pattern):
        raise RuleError(rule.source, rule.id, "regex", _(
            "nested unbounded quantifiers such as (a+)+ backtrack catastrophically; rewrite it "
            "(e.g. a+ instead of (a+)+, or a possessive a++)"))
    testdata = tuple(
        _compile_regex(rule.source, rule.id, "testdata.patterns", p, regex.IGNORECASE) for p in rule.testdata_patterns
    )
    object.__setattr__(rule, "compiled", compiled)
    object.__setattr__(rule, "context_regex", _context_regex(rule.context_words))
    object.__setattr__(rule, "testdata_regexes", testdata)
    object.__setattr__(rule, "testdata_context_regex", _context_regex(rule.testdata_context))
    return rule


def _load_yaml(path: Path) -> Any:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(str(path), None, None, _("cannot read rule file: {error}").format(error=exc)) from None
    # libyaml's loader is ~10x faster than the pure-Python one; both are safe loaders.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        raise RuleError(str(path), None, None, _("invalid YAML: {error}").format(error=exc)) from None
    except (ValueError, RecursionError) as exc:  # yaml's constructors: `2001-13-45`, deep nesting
        raise RuleError(str(path), None, None, _("invalid YAML value: {kind}: {error}").format(
            kind=type(exc).__name__, error=exc)) from None


def load_file(path: Path) -> list[Rule]:
    data = _load_yaml(path)
    items = data if isinstance(data, list) else [data]
    if data is None:
        raise RuleError(str(path), None, None, _("empty rule file"))
    return [parse_rule(item, str(path)) for item in items]


def builtin_rules_dir() -> Path:
    """The shipped rules: inside the installed package, or rules/ of a source checkout."""
    package = Path(__file__).resolve().parent
    installed = package / "builtin_rules"
    if installed.is_dir():
        return installed
    return package.parent / "rules"


def builtin_rules_digest() -> tuple[int, str]:
    """(number of built-in rules, a digest of their files' contents): the rules' version."""
    import hashlib

    digest = hashlib.sha256()
    folder = builtin_rules_dir()
    for path in rule_files([folder]):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return len(load_rules()), digest.hexdigest()[:12]


def rule_files(folders: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for folder in folders:
        if folder.is_file():
            files.append(folder)
            continue
        if not folder.is_dir():
            raise RuleError(str(folder), None, None, _("rule folder does not exist"))
        files.extend(sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file()))
    return files


def load_rules(extra: Sequence[Path] = (), include_builtin: bool = True) -> list[Rule]:
    """Load built-in rules and extra rule folders/files; duplicate ids are an error.

    Parsed rules are cached on disk (keyed by every file's path, size and mtime, and by the code
    that parses them), because parsing a few hundred YAML files costs more than a pre-commit scan
    itself. Beside each rule the cache keeps its line-local analysis (sondier.line_local)."""
    folders = ([builtin_rules_dir()] if include_builtin else []) + list(extra)
    files = rule_files(folders)
    cache = _rules_cache_path(files)
    cached = _read_rules_cache(cache)
    if cached is not None:
        return cached
    rules = _parse_files(files)
    _write_rules_cache(cache, rules)
    return rules


# What a cached rule holds: every field but the compiled regexes, which are compiled again
# lazily at scan time (regex objects cannot be stored), for the rules a scan meets.
_STORED_FIELDS = tuple(f.name for f in fields(Rule) if f.compare)
_UNCOMPILED = {f.name: f.default for f in fields(Rule) if not f.compare}
# The modules whose code shapes a cached rule: a change to one of them is a miss.
_CODE_FILES = ("rules.py", "line_local.py", "validators/__init__.py")


def _rules_cache_key(files: Sequence[Path]) -> str | None:
    import hashlib
    import os

    from sondier import __version__

    digest = hashlib.sha256(f"{__version__}\0{_STORED_FIELDS}\n".encode())
    package = Path(__file__).parent
    for path in [*(package / name for name in _CODE_FILES), *files]:
        try:
            info = path.stat()
        except OSError:
            return None
        # The file itself (device and inode) rather than Path.resolve(), which costs ~0.2 ms a
        # file in system calls: a rewritten, replaced or moved file is a miss all the same.
        where = f"{os.path.abspath(path)}\0{info.st_dev}\0{info.st_ino}"
        digest.update(f"{where}\0{info.st_size}\0{info.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _rules_cache_path(files: Sequence[Path]) -> tuple[Path, str] | None:
    from sondier.cache import cache_dir

    key = _rules_cache_key(files)
    return None if key is None else (cache_dir() / f"rules-{key[:32]}.marshal", key)


def _read_rules_cache(cache: tuple[Path, str] | None) -> list[Rule] | None:
    from sondier.cache import read_keyed
    from sondier.line_local import remember

    if cache is None:
        return None
    stored = read_keyed(*cache)
    try:
        rows, margins = stored
        rules = []
        for row in rows:
            if len(row) != len(_STORED_FIELDS):
                return None
            rule = object.__new__(Rule)
            state = dict(zip(_STORED_FIELDS, row, strict=True))
            state.update(_UNCOMPILED)
            object.__setattr__(rule, "__dict__", state)
            rules.append(rule)
        remember({(pattern, flags): margin for pattern, flags, margin in margins})
        _CHECKED_PATTERNS.update(rule.pattern for rule in rules)
    except (TypeError, ValueError):
        return None  # absent, unreadable or not what this code writes: parse the YAML again
    return rules


def _write_rules_cache(cache: tuple[Path, str] | None, rules: list[Rule]) -> None:
    from sondier.cache import write_keyed
    from sondier.line_local import lookahead_margin

    if cache is None:
        return
    rows = [tuple(getattr(rule, name) for name in _STORED_FIELDS) for rule in rules]
    margins = [(r.pattern, r.flags, lookahead_margin(r.pattern, r.flags)) for r in rules if r.content]
    write_keyed(*cache, (rows, margins))


def _parse_files(files: Sequence[Path]) -> list[Rule]:
    """Parse and fully validate (regexes included) every file; return uncompiled rules.

    Compiling is repeated lazily at scan time for the rules whose patterns are present, so a
    small scan compiles a handful of regexes instead of hundreds."""
    from dataclasses import replace

    rules: list[Rule] = []
    seen: dict[str, str] = {}
    for path in files:
        for rule in load_file(path):
            if rule.id in seen:
                raise RuleError(str(path), rule.id, "id", _("duplicate rule id (also defined in {other})").format(
                    other=seen[rule.id]))
            seen[rule.id] = str(path)
            compile_rule(rule)
            for words in (rule.context_regex, rule.testdata_context_regex):
                if words is not None:
                    words.compiled  # noqa: B018  every regex of a rule file is checked when it is parsed
            _CHECKED_PATTERNS.add(rule.pattern)
            rules.append(replace(rule, compiled=None, context_regex=None, testdata_regexes=(),
                                 testdata_context_regex=None))
    return rules


def ensure_compiled(rule: Rule) -> Rule:
    return rule if rule.compiled is not None else compile_rule(rule)


def select(rules: Sequence[Rule], enable: Sequence[str] = (), disable: Sequence[str] = ()) -> list[Rule]:
    """Keep the enabled rules (all when ``enable`` is empty) minus the disabled ones.

    Entries may be rule ids, categories (`pii`, `secret`) or glob patterns (`fr-*`)."""
    from fnmatch import fnmatchcase

    def matches(rule: Rule, names: Sequence[str]) -> bool:
        return any(n == rule.category or fnmatchcase(rule.id, n) for n in names)

    known = {r.id for r in rules} | set(CATEGORIES)
    for name in [*enable, *disable]:
        if not any(ch in name for ch in "*?[") and name not in known:
            from sondier.errors import ConfigError

            raise ConfigError(_("unknown rule id '{name}' (see `sondier rules list`)").format(name=name))
    return [r for r in rules if (not enable or matches(r, enable)) and not matches(r, disable)]
