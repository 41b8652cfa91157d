"""Fingerprints: stable identity, no line or path in it, and a real cost per guess."""

from __future__ import annotations

import hashlib
import time

import pytest

from sondier import fingerprints
from sondier.fingerprints import fingerprint, is_fingerprint, key_id

# A documented example-shaped phone number (ARCEP fiction range) and a computed-looking NIR;
# neither is real personal data.
PHONE = "06 39 98 12 34"
NIR = "2 84 05 75 112 345 67"

# The figures: possible values of a NIR and of a French phone number.
NIR_SPACE = 10**9
PHONE_SPACE = 10**8


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fingerprints.KEY_ENV, raising=False)


def test_format_and_determinism() -> None:
    first = fingerprint("fr-phone", PHONE)
    assert first == fingerprint("fr-phone", PHONE)
    assert is_fingerprint(first)
    rule, _, digest = first.partition(":")
    assert rule == "fr-phone"
    assert len(digest) * 4 == fingerprints.TRUNCATED_BITS


def test_separators_and_case_do_not_change_the_identity() -> None:
    assert fingerprint("fr-phone", PHONE) == fingerprint("fr-phone", PHONE.replace(" ", "."))
    assert fingerprint("fr-phone", PHONE) == fingerprint("fr-phone", PHONE.replace(" ", ""))
    assert fingerprint("email", "Jeanne.Martin@orange.fr") == fingerprint("email", "jeanne.martin@ORANGE.FR")


def test_rule_and_key_are_part_of_the_domain(monkeypatch: pytest.MonkeyPatch) -> None:
    plain = fingerprint("fr-nir", NIR)
    monkeypatch.setenv(fingerprints.KEY_ENV, "team secret 1")
    keyed = fingerprint("fr-nir", NIR)
    monkeypatch.setenv(fingerprints.KEY_ENV, "team secret 2")
    other_key = fingerprint("fr-nir", NIR)
    # Three independent 20-bit digests: all equal only by a 2^-40 accident.
    assert len({plain, keyed, other_key}) >= 2
    assert fingerprint("fr-nir", NIR, key="team secret 1") == keyed


def test_key_id_is_absent_without_key_and_distinguishes_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    assert key_id() is None
    assert fingerprints.scheme()["key_id"] is None
    one, two = key_id("alpha key"), key_id("beta key")
    assert one and two and one != two
    assert "alpha" not in one
    monkeypatch.setenv(fingerprints.KEY_ENV, "alpha key")
    assert fingerprints.scheme()["key_id"] == one


def test_fingerprint_is_not_a_fast_hash_of_the_value() -> None:
    digest = fingerprint("fr-nir", NIR).split(":")[1]
    compact = fingerprints.normalize(NIR)
    for candidate in (NIR, compact, "fr-nir" + compact, compact + "fr-nir"):
        for algorithm in ("md5", "sha1", "sha256"):
            assert not hashlib.new(algorithm, candidate.encode()).hexdigest().startswith(digest)


def test_cost_per_guess_is_at_least_5_ms() -> None:
    """Each guess costs an attacker at least what it costs us: measure uncached computations.

    5 ms is a floor that holds on fast hardware; the development machine measures 9 ms of CPU."""
    values = [f"0639{i:06d}" for i in range(12)]
    started = time.perf_counter()
    for value in values:
        fingerprints._digest.__wrapped__("fr-phone", value, "")  # bypass the cache
    per_guess = (time.perf_counter() - started) / len(values)
    assert per_guess >= 0.005, f"{per_guess * 1000:.1f} ms per guess"


def test_memory_hardness_and_truncation_figures() -> None:
    assert fingerprints.MEMORY_BYTES >= 4 * 1024 * 1024
    buckets = 2**fingerprints.TRUNCATED_BITS
    # Many possible values share each fingerprint...
    assert NIR_SPACE / buckets > 900
    assert PHONE_SPACE / buckets > 90
    # ...while a value that was never accepted rarely matches one of a hundred entries of its rule.
    assert 100 / buckets < 1e-3


def test_cache_returns_the_same_value_fast() -> None:
    fingerprint("email", "cache.test@orange.fr")
    started = time.perf_counter()
    for _ in range(1000):
        fingerprint("email", "cache.test@orange.fr")
    assert time.perf_counter() - started < 0.5
