"""Fingerprints: stable identity, no line or path in it, many values per fingerprint, a cost that
does not grow with findings, a stretched key; and v1 fingerprints still computed as before."""

from __future__ import annotations

import hashlib
import hmac
import random
import time
from collections import Counter

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
    assert digest.startswith("v2-")
    assert len(digest.removeprefix("v2-")) * 4 == fingerprints.TRUNCATED_BITS
    assert not fingerprints.is_legacy(first)


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
    digest = fingerprint("fr-nir", NIR).split(":")[1].removeprefix("v2-")
    compact = fingerprints.normalize(NIR)
    for candidate in (NIR, compact, "fr-nir" + compact, compact + "fr-nir"):
        for algorithm in ("md5", "sha1", "sha256"):
            assert not hashlib.new(algorithm, candidate.encode()).hexdigest().startswith(digest)


def test_v2_is_the_documented_keyed_mac() -> None:
    """The README's formula, recomputed independently: HMAC-SHA256 under the stretched key."""
    key = "a team secret"
    mac_key = hashlib.scrypt(key.encode(), salt=b"sondier/v2/stretch", n=2**14, r=8, p=1, maxmem=2**26, dklen=32)
    message = b"fr-nir\0" + fingerprints.normalize(NIR).encode()
    expected = hmac.new(mac_key, message, hashlib.sha256).hexdigest()[:5]
    assert fingerprint("fr-nir", NIR, key=key) == f"fr-nir:v2-{expected}"


def test_cost_does_not_grow_with_findings() -> None:
    """A hundred v2 fingerprints cost less than one v1 fingerprint did (v1: ~9 ms of scrypt per
    value). Measured against each other, so the bound holds on a loaded machine."""
    started = time.perf_counter()
    for i in range(2_000):
        fingerprint("fr-phone", f"06{i:08d}", key="run key")
    current = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(20):
        fingerprints._legacy_digest.__wrapped__("fr-phone", f"07{i:08d}", "")
    legacy = time.perf_counter() - started
    assert current < legacy, f"2,000 v2 fingerprints took {current:.3f} s, 20 v1 ones {legacy:.3f} s"


def test_key_stretch_costs_a_guessed_key_at_least_10_ms() -> None:
    """A weak key must not be guessed faster than through scrypt: measure uncached stretches."""
    started = time.perf_counter()
    for i in range(3):
        fingerprints.stretched_key.__wrapped__(f"guess {i}")
    per_guess = (time.perf_counter() - started) / 3
    assert per_guess >= 0.01, f"{per_guess * 1000:.1f} ms per guessed key"
    assert fingerprints.STRETCH_MEMORY_BYTES >= 16 * 1024 * 1024


def test_truncation_leaves_many_candidates_per_fingerprint() -> None:
    buckets = 2**fingerprints.TRUNCATED_BITS
    # Many possible values share each fingerprint...
    assert NIR_SPACE / buckets > 900
    assert PHONE_SPACE / buckets > 90
    # ...while a value that was never accepted rarely matches one of a hundred entries of its rule.
    assert 100 / buckets < 1e-3


def test_digests_spread_evenly_so_each_fingerprint_is_shared() -> None:
    """An enumeration ends with candidates only if digests spread over all 2^20 buckets: with
    2^20 random phone numbers, about 1 - 1/e of the buckets are hit and no bucket holds many."""
    rng = random.Random(7)
    phones = {f"0{rng.randint(6, 7)}{rng.randint(0, 99_999_999):08d}" for _ in range(2**17)}
    counts = Counter(fingerprint("fr-phone", p) for p in phones)
    # Poisson with mean 1/8: the share of buckets hit and the largest bucket are both tight.
    assert abs(len(counts) / len(phones) - 0.94) < 0.02
    assert max(counts.values()) <= 6


def test_legacy_v1_fingerprint_is_unchanged() -> None:
    """v1 files stay readable: the v1 formula, recomputed independently."""
    compact = fingerprints.normalize(NIR)
    raw = hashlib.scrypt(compact.encode(), salt=b"sondier/v1//fr-nir", n=2**12, r=8, p=1, maxmem=2**25, dklen=16)
    legacy = fingerprints.legacy_fingerprint("fr-nir", NIR)
    assert legacy == f"fr-nir:{raw.hex()[:5]}"
    assert fingerprints.is_legacy(legacy) and is_fingerprint(legacy)


def test_legacy_cost_per_guess_is_at_least_5_ms() -> None:
    values = [f"0639{i:06d}" for i in range(6)]
    started = time.perf_counter()
    for value in values:
        fingerprints._legacy_digest.__wrapped__("fr-phone", value, "")  # bypass the cache
    per_guess = (time.perf_counter() - started) / len(values)
    assert per_guess >= 0.005, f"{per_guess * 1000:.1f} ms per guess"
