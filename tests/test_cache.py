"""sondier.cache and the caches built on it: the verdict lists and the parsed rules.

A cache is only ever an optimisation: a hit must give exactly what a fresh parse gives, a change
to a source file must be a miss, and a corrupt, foreign or unwritable cache must be rebuilt or
bypassed without the user seeing anything."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from sondier import cache, line_local, rules, verdict


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Each test gets its own empty cache folder, and no list parsed earlier in this process."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("SONDIER_CACHE_DIR", str(folder))
    verdict.builtin_lists.cache_clear()
    yield folder / "sondier"
    verdict.builtin_lists.cache_clear()


def _fresh_lists() -> verdict.VerdictLists:
    sources = {name: (verdict.LISTS_DIR / name).read_bytes() for name in verdict._LIST_FILES}
    return verdict._parse_lists(sources)


def _no_parsing(*args: object, **kwargs: object) -> None:
    raise AssertionError("parsed again: the cache was not used")


# --- the helpers -------------------------------------------------------------------------------


def test_keyed_round_trip_and_misses(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "entry.marshal"
    value = {"words": frozenset({"toto", "titi"}), "pairs": (("jean", "dupont"),), "flag": True}
    assert cache.write_keyed(path, "key-1", value)
    assert cache.read_keyed(path, "key-1") == value
    assert cache.read_keyed(path, "key-2") is None  # another key: a miss, never someone else's value
    assert cache.read_keyed(tmp_path / "absent.marshal", "key-1") is None
    assert [p.name for p in path.parent.iterdir()] == ["entry.marshal"]  # no temporary file left behind


@pytest.mark.parametrize("damage", ["garbage", "flipped", "truncated", "empty", "foreign", "folder"])
def test_damaged_entries_are_misses(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "entry.marshal"
    cache.write_keyed(path, "key", ("a", "b") * 1000)
    whole = path.read_bytes()
    if damage == "garbage":
        path.write_bytes(os.urandom(len(whole)))
    elif damage == "flipped":  # one bit of the payload: the digest no longer matches
        path.write_bytes(whole[:-10] + bytes([whole[-10] ^ 1]) + whole[-9:])
    elif damage == "truncated":
        path.write_bytes(whole[: len(whole) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "foreign":
        import marshal

        path.write_bytes(marshal.dumps(["not", "a", "keyed", "entry"]))  # no header at all
    else:
        path.unlink()
        path.mkdir()
    assert cache.read_keyed(path, "key") is None


def test_an_unwritable_folder_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("in the folder's place")
    assert cache.write_atomic(blocker / "sondier" / "entry", b"data") is False  # even as root
    assert cache.read_keyed(blocker / "sondier" / "entry", "key") is None


# --- verdict lists -----------------------------------------------------------------------------


def test_verdict_lists_hit_equals_a_fresh_parse(private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = verdict.builtin_lists()  # a miss: parses and writes
    assert first == _fresh_lists()
    assert len(list(private_cache.glob("verdicts-*.marshal"))) == 1
    verdict.builtin_lists.cache_clear()
    monkeypatch.setattr(verdict, "_read", _no_parsing)
    second = verdict.builtin_lists()  # a hit: no YAML read
    assert second == first
    assert "example.com" in second.disposable_domains and "toto" in second.test_words
    # What the lists are for still works from cached lists.
    assert verdict.lists_for(_settings(test_words=["zorglub"])).test_words == first.test_words | {"zorglub"}


def _settings(**values: object) -> object:
    from sondier.config import VerdictSettings

    return VerdictSettings(**values)  # type: ignore[arg-type]


def _lists_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "verdicts"
    shutil.copytree(verdict.LISTS_DIR, folder)
    monkeypatch.setattr(verdict, "LISTS_DIR", folder)
    return folder


def test_a_changed_list_file_is_a_miss(tmp_path: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _lists_copy(tmp_path, monkeypatch)
    assert "toto" in verdict.builtin_lists().test_words
    path = folder / "test-words.yaml"
    stat = path.stat()
    text = path.read_text(encoding="utf-8")
    assert text.count(" toto,") == 2  # a test word and a fictional name
    # Same size and same mtime: only the bytes tell the change.
    path.write_text(text.replace(" toto,", " zozo,"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_size == stat.st_size
    verdict.builtin_lists.cache_clear()
    changed = verdict.builtin_lists()
    assert "zozo" in changed.test_words and "toto" not in changed.test_words
    assert changed == _fresh_lists()
    assert len(list(private_cache.glob("verdicts-*.marshal"))) == 2  # one entry per content


def test_a_corrupt_verdict_cache_is_rebuilt(private_cache: Path) -> None:
    expected = verdict.builtin_lists()
    (entry,) = private_cache.glob("verdicts-*.marshal")
    entry.write_bytes(b"\x00not marshal data" * 10)
    verdict.builtin_lists.cache_clear()
    assert verdict.builtin_lists() == expected
    verdict.builtin_lists.cache_clear()
    key = verdict._lists_key({n: (verdict.LISTS_DIR / n).read_bytes() for n in verdict._LIST_FILES})
    assert isinstance(cache.read_keyed(entry, key), dict)  # rewritten whole


def test_a_cache_entry_of_another_shape_is_ignored(private_cache: Path) -> None:
    expected = verdict.builtin_lists()
    (entry,) = private_cache.glob("verdicts-*.marshal")
    key = verdict._lists_key({n: (verdict.LISTS_DIR / n).read_bytes() for n in verdict._LIST_FILES})
    cache.write_keyed(entry, key, {"public_domains": ("evil.example",), "no_such_field": 1})
    verdict.builtin_lists.cache_clear()
    assert verdict.builtin_lists() == expected


def test_verdict_lists_with_an_unwritable_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("SONDIER_CACHE_DIR", str(blocker))
    assert verdict.builtin_lists() == _fresh_lists()


def test_a_broken_list_file_is_still_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sondier.errors import ConfigError

    folder = _lists_copy(tmp_path, monkeypatch)
    verdict.builtin_lists()  # cached while valid
    (folder / "mail-providers.yaml").write_text("values: [orange.fr]\n", encoding="utf-8")  # no `source:`
    verdict.builtin_lists.cache_clear()
    with pytest.raises(ConfigError, match="source"):
        verdict.builtin_lists()


# --- parsed rules ------------------------------------------------------------------------------


RULE = {
    "id": "demo-ticket",
    "name": "Demo ticket",
    "category": "secret",
    "severity": "high",
    "description": "A demo ticket.",
    "remediation": "Revoke it.",
    "regex": r"\bTICKET-(?P<value>[A-Z0-9]{12})(?=[^\n]{0,20}end)",
    "keywords": ["ticket-"],
    "examples": {"positive": ["TICKET-ABCDEFGH1234 end"], "negative": ["TICKET-SHORT"]},
}


def _write_rule(folder: Path, **changes: object) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "demo.yaml"
    path.write_text(yaml.safe_dump({**RULE, **changes}), encoding="utf-8")
    return path


def _fields(rule: rules.Rule) -> dict[str, object]:
    return {name: getattr(rule, name) for name in rules.Rule.__dataclass_fields__}


def test_rules_hit_equals_a_fresh_parse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = tmp_path / "rules"
    _write_rule(extra)
    first = rules.load_rules([extra])  # a miss
    monkeypatch.setattr(rules, "_parse_files", _no_parsing)
    monkeypatch.setattr(line_local, "_KNOWN", {})
    second = rules.load_rules([extra])  # a hit
    monkeypatch.undo()
    fresh = rules._parse_files(rules.rule_files([rules.builtin_rules_dir(), extra]))
    assert [_fields(r) for r in second] == [_fields(r) for r in fresh] == [_fields(r) for r in first]
    assert all(r.compiled is None and r.context_regex is None and r.testdata_regexes == () for r in second)
    demo = next(r for r in second if r.id == "demo-ticket")
    assert rules.ensure_compiled(demo).compiled.search("x TICKET-ABCDEFGH1234 the end").group("value") == (
        "ABCDEFGH1234"
    )


def test_rules_hit_brings_the_line_local_analysis(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = tmp_path / "rules"
    _write_rule(extra)
    rules.load_rules([extra])
    monkeypatch.setattr(line_local, "_KNOWN", {})
    loaded = rules.load_rules([extra])
    known = dict(line_local._KNOWN)
    content = [r for r in loaded if r.content]
    assert len(known) == len({(r.pattern, r.flags) for r in content})
    for rule in content:
        assert known[(rule.pattern, rule.flags)] == line_local.analyse(rule.pattern, rule.flags)
    assert known[(RULE["regex"], ())] == 23  # `[^\n]{0,20}end` reads 23 characters past the match
    monkeypatch.setattr(line_local, "analyse", _no_parsing)
    assert line_local.lookahead_margin(RULE["regex"]) == 23  # answered from the cache


def test_rules_from_the_cache_skip_the_backtracking_check_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = tmp_path / "rules"
    _write_rule(extra)
    rules.load_rules([extra])
    monkeypatch.setattr(rules, "_CHECKED_PATTERNS", set())
    loaded = {r.id: r for r in rules.load_rules([extra])}  # a hit: every pattern was checked when parsed
    monkeypatch.setattr(rules, "is_catastrophic", _no_parsing)
    assert rules.ensure_compiled(loaded["demo-ticket"]).compiled is not None
    monkeypatch.undo()
    nested = rules.parse_rule({**RULE, "regex": r"(?P<value>(a+)+)b"}, "hand-made.yaml")  # never parsed from a file
    with pytest.raises(rules.RuleError, match="nested unbounded quantifiers"):
        rules.ensure_compiled(nested)


def test_a_changed_rule_file_is_a_miss(tmp_path: Path) -> None:
    extra = tmp_path / "rules"
    path = _write_rule(extra)
    assert next(r for r in rules.load_rules([extra]) if r.id == "demo-ticket").severity == "high"
    _write_rule(extra, severity="low")
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))  # coarse clocks: a visible change
    assert next(r for r in rules.load_rules([extra]) if r.id == "demo-ticket").severity == "low"


def test_a_corrupt_rules_cache_is_rebuilt(tmp_path: Path, private_cache: Path) -> None:
    expected = [_fields(r) for r in rules.load_rules()]
    (entry,) = private_cache.glob("rules-*.marshal")
    entry.write_bytes(entry.read_bytes()[:1000])
    assert [_fields(r) for r in rules.load_rules()] == expected
    key = rules._rules_cache_key(rules.rule_files([rules.builtin_rules_dir()]))
    assert key is not None and cache.read_keyed(entry, key) is not None  # rewritten whole


def test_a_rules_cache_of_another_shape_is_ignored(private_cache: Path) -> None:
    expected = [_fields(r) for r in rules.load_rules()]
    (entry,) = private_cache.glob("rules-*.marshal")
    key = rules._rules_cache_key(rules.rule_files([rules.builtin_rules_dir()]))
    assert key is not None
    cache.write_keyed(entry, key, ([("too", "short")], []))
    assert [_fields(r) for r in rules.load_rules()] == expected


def test_rules_with_an_unwritable_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("")
    monkeypatch.setenv("SONDIER_CACHE_DIR", str(blocker))
    loaded = rules.load_rules()
    assert len(loaded) > 200 and len({r.id for r in loaded}) == len(loaded)


# --- name lists (sondier.people) ---------------------------------------------------------------


NAME_LISTS = ("given_names", "surnames", "common_words", "postcodes")


@pytest.fixture
def fresh_name_lists() -> Iterator[None]:
    from sondier import people

    loaders = [getattr(people, name) for name in NAME_LISTS] + [people._data, people._lines]
    for loader in loaders:
        loader.cache_clear()
    yield
    for loader in loaders:  # the module's own functions, whatever a test patched in their place
        loader.cache_clear()


@pytest.mark.parametrize("name", NAME_LISTS)
def test_name_lists_hit_equals_a_fresh_build(
    name: str, private_cache: Path, fresh_name_lists: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sondier import people

    loader = getattr(people, name)
    built = loader.__wrapped__.__wrapped__()  # the list as the module builds it, no cache at all
    assert loader() == built and len(built) > 5_000
    assert len(list(private_cache.glob(f"{name.replace('_', '-')}-*.marshal"))) == 1
    loader.cache_clear()
    monkeypatch.setattr(people, "fold", _no_parsing)  # given names and surnames are folded when built
    monkeypatch.setattr(people, "_lines", _no_parsing)
    assert loader() == built  # from the disk


def test_a_changed_name_file_is_a_miss(
    private_cache: Path, fresh_name_lists: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gzip

    from sondier import people

    assert "zorglubette" not in people.given_names()
    original = people._data("given_names.txt.gz")
    changed = gzip.compress(gzip.decompress(original) + b"Zorglubette\n")
    people.given_names.cache_clear()
    people._lines.cache_clear()
    monkeypatch.setattr(people, "_data", lambda resource: changed if resource == "given_names.txt.gz" else original)
    assert "zorglubette" in people.given_names()
    assert len(list(private_cache.glob("given-names-*.marshal"))) == 2


def test_a_corrupt_name_cache_is_rebuilt(private_cache: Path, fresh_name_lists: None) -> None:
    from sondier import people

    expected = people.surnames()
    (entry,) = private_cache.glob("surnames-*.marshal")
    entry.write_bytes(entry.read_bytes()[:-100])
    people.surnames.cache_clear()
    assert people.surnames() == expected
    assert entry.stat().st_size > 100_000  # written again, whole


def test_phone_example_numbers_hit_equals_a_fresh_build(private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import phonenumbers

    from sondier.validators import phone

    phone._example_numbers.cache_clear()
    built = phone._example_numbers.__wrapped__.__wrapped__()
    assert phone._example_numbers() == built and len(built) > 10
    assert len(list(private_cache.glob("phone-examples-*.marshal"))) == 1
    phone._example_numbers.cache_clear()
    monkeypatch.setattr(phonenumbers, "example_number_for_type", _no_parsing)
    assert phone._example_numbers() == built  # from the disk
    phone._example_numbers.cache_clear()
    monkeypatch.setattr(phonenumbers, "__version__", "0.0.0-other")  # other metadata: built again
    with pytest.raises(AssertionError, match="parsed again"):
        phone._example_numbers()
    phone._example_numbers.cache_clear()


def test_concurrent_writers_leave_one_whole_entry(tmp_path: Path) -> None:
    import threading

    path = tmp_path / "entry.marshal"
    values = [tuple(str(i) * 50 for i in range(2000 + n)) for n in range(8)]
    threads = [threading.Thread(target=cache.write_keyed, args=(path, "key", v)) for v in values]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.read_keyed(path, "key") in values  # one of them, whole
    assert [p.name for p in tmp_path.iterdir()] == ["entry.marshal"]
