"""sondier.cache and the caches built on it: the verdict lists.

A cache is only ever an optimisation: a hit must give exactly what a fresh parse gives, a change
to a source file must be a miss, and a corrupt, foreign or unwritable cache must be rebuilt or
bypassed without the user seeing anything."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from sondier import cache, verdict


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
