"""Fingerprints that identify a found value without letting anyone recover it.

A NIR has about 10^9 possible values and a French phone number 10^8: a plain or salted fast
hash of one is reversed by enumeration in minutes. A v2 fingerprint is

    K  = scrypt(key, salt = "sondier/v2/stretch", N=2^14, r=8, p=1)    once per run, with a key
    K  = SHA-256("sondier/v2/no-key")                                   without a key (public)
    fp = HMAC-SHA256(K, rule_id + NUL + normalized value), truncated to 20 bits

written `rule-id:v2-xxxxx`.

- The cost no longer grows with the findings: one key stretch per process, then about a
  microsecond per value. v1 paid ~9 ms of scrypt per distinct value, so a leaked export of
  100,000 rows cost tens of minutes, for a protection that came from the truncation anyway.
- Truncation is what stops recovery: every fingerprint is shared by many possible values
  (about 950 NIRs and 95 phone numbers out of the figures above), so even a completed
  enumeration, which without a key now takes seconds, ends with a list of candidates.
- With a secret key (SONDIER_FINGERPRINT_KEY) no guess can be checked without it. The key is
  stretched (16 MiB of memory, ~0.1 s) so that a weak pass-phrase is not guessed from a baseline
  faster than by trying pass-phrases through scrypt. Files record a key id (derived from the
  stretched key) so that a scan with the wrong key fails clearly instead of reporting everything
  as new.
- Stretching a public constant would protect nothing (an attacker computes it once, as we
  would), so without a key there is no stretch at all: nothing is pretended.

v1 fingerprints (`rule-id:xxxxx`, one scrypt per value) are still computed for baselines and
ignore entries written before v2, only for the findings of the rules those entries name;
`sondier baseline upgrade` rewrites them. The threat model and figures are in the README.

The value is normalized first (separators removed, upper-cased), so `06 12 34 56 78` and
`06.12.34.56.78` are the same fingerprint and re-formatting a line does not churn a baseline.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from functools import lru_cache

VERSION = "v2"
SCHEME = "sondier-hmac-v2"
TRUNCATED_BITS = 20
KEY_ENV = "SONDIER_FINGERPRINT_KEY"
PREFIX = f"{VERSION}-"

# The key stretch, paid once per process and only when a key is set.
STRETCH_N = 2**14
STRETCH_R = 8
STRETCH_P = 1
STRETCH_MEMORY_BYTES = 128 * STRETCH_R * STRETCH_N  # 16 MiB per guessed key

# The v1 scheme, kept to read files written before v2.
LEGACY_VERSION = "v1"
LEGACY_SCHEME = "sondier-scrypt-v1"
SCRYPT_N = 2**12
SCRYPT_R = 8
SCRYPT_P = 1
MEMORY_BYTES = 128 * SCRYPT_R * SCRYPT_N  # v1's working set: 4 MiB per guess

_HEX_DIGITS = TRUNCATED_BITS // 4  # 20 bits is a whole number of hex digits
FINGERPRINT_RE = re.compile(rf"^[a-z0-9][a-z0-9._-]*:(?:{PREFIX})?[0-9a-f]{{{_HEX_DIGITS}}}$")
_LEGACY_RE = re.compile(rf"^[a-z0-9][a-z0-9._-]*:[0-9a-f]{{{_HEX_DIGITS}}}$")

# Same separators as sondier.rules.compact; kept here so this module stays import-light in workers.
_SEPARATORS = re.compile(r"[\s.\-/\u00a0\u202f]")
_NO_KEY = hashlib.sha256(b"sondier/v2/no-key").digest()


def current_key() -> str:
    return os.environ.get(KEY_ENV, "")


def normalize(value: str) -> str:
    return _SEPARATORS.sub("", value).upper()


def _encode(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _scrypt(data: str, salt: str, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(_encode(data), salt=_encode(salt), n=n, r=r, p=p, maxmem=4 * 128 * r * n, dklen=32)


@lru_cache(maxsize=8)
def stretched_key(key: str) -> bytes:
    """The MAC key: the user's key stretched once per process (cached), or a public constant."""
    if not key:
        return _NO_KEY
    return _scrypt(key, "sondier/v2/stretch", STRETCH_N, STRETCH_R, STRETCH_P)


def _mac(mac_key: bytes, rule_id: str, value: str) -> str:
    message = _encode(rule_id) + b"\0" + _encode(normalize(value))
    return hmac.new(mac_key, message, hashlib.sha256).hexdigest()[:_HEX_DIGITS]


def fingerprint(rule_id: str, value: str, key: str | None = None) -> str:
    """Stable, non-reversible identity of (rule, value), independent of path and line."""
    mac_key = stretched_key(current_key() if key is None else key)
    return f"{rule_id}:{PREFIX}{_mac(mac_key, rule_id, value)}"


def is_fingerprint(text: str) -> bool:
    """A fingerprint of either scheme (v1 files are still read)."""
    return bool(FINGERPRINT_RE.match(text))


def is_legacy(text: str) -> bool:
    return bool(_LEGACY_RE.match(text))


def rule_of(fp: str) -> str:
    return fp.rpartition(":")[0]


def key_id(key: str | None = None) -> str | None:
    """A short tag of the key (None without a key), stored in baselines so that a scan with
    another key fails with a clear message. Derived from the stretched key, so a weak key
    (a pass-phrase) is not guessable from it faster than through the stretch."""
    key = current_key() if key is None else key
    if not key:
        return None
    return hmac.new(stretched_key(key), b"sondier/v2/key-id", hashlib.sha256).hexdigest()[:8]


def scheme() -> dict[str, object]:
    """Parameters written into baselines: a change of any of them changes every fingerprint."""
    return {
        "scheme": SCHEME,
        "stretch": {"n": STRETCH_N, "r": STRETCH_R, "p": STRETCH_P},
        "bits": TRUNCATED_BITS,
        "key_id": key_id(),
    }


# --- v1, read-only: files written before v2 ------------------------------------------------


@lru_cache(maxsize=65536)
def _legacy_digest(rule_id: str, value: str, key: str) -> str:
    raw = _scrypt(normalize(value), f"sondier/{LEGACY_VERSION}/{key}/{rule_id}", SCRYPT_N, SCRYPT_R, SCRYPT_P)
    return raw[:16].hex()[:_HEX_DIGITS]


def legacy_fingerprint(rule_id: str, value: str, key: str | None = None) -> str:
    """The v1 fingerprint (one scrypt per value): computed only to match v1 entries."""
    return f"{rule_id}:{_legacy_digest(rule_id, value, current_key() if key is None else key)}"


@lru_cache(maxsize=8)
def _legacy_key_id(key: str) -> str:
    return _scrypt(key, f"sondier/{LEGACY_VERSION}/key-id", SCRYPT_N, SCRYPT_R, SCRYPT_P)[:16].hex()[:8]


def legacy_scheme() -> dict[str, object]:
    """What a v1 baseline written with the current key records."""
    key = current_key()
    return {
        "scheme": LEGACY_SCHEME,
        "n": SCRYPT_N,
        "r": SCRYPT_R,
        "p": SCRYPT_P,
        "bits": TRUNCATED_BITS,
        "key_id": _legacy_key_id(key) if key else None,
    }
