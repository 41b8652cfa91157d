"""Fingerprints that identify a found value without letting anyone recover it.

A NIR has about 10^9 possible values and a French phone number 10^8: a plain or salted fast
hash of one is reversed by enumeration in minutes. A fingerprint here is

    scrypt(normalized value, salt = "sondier/v1/" + key + "/" + rule_id, N=2^12, r=8, p=1)

truncated to 20 bits (5 hex digits), written `rule-id:xxxxx`.

- scrypt makes each guess cost ~9 ms of CPU and 4 MiB of memory (memory-hard, so GPUs gain
  far less than on SHA-x: about 2x10^5 guesses per second for a high-end GPU, versus 10^10).
  N=2^12 rather than more because Sondier pays this once per reported finding: a scan of a
  10,000-row export reports tens of thousands of values; the truncation below, not the cost,
  is what stops recovery.
- Truncation means every fingerprint is shared by many possible values (about 950 NIRs and
  95 phone numbers out of the figures above), so even a completed enumeration does not say
  which one was found.
- Within one repository a value that was never baselined matches an existing entry of the same
  rule with probability n / 2^20 (1e-4 for a hundred entries); baselines also compare
  occurrence counts, which makes a silent miss rarer still.
- A secret key (SONDIER_FINGERPRINT_KEY) makes offline guessing impossible without it: teams
  whose baselines are public should set one. Files record a key id (itself a slow hash) so a
  scan with the wrong key fails clearly instead of reporting everything as new.

The value is normalized first (separators removed, upper-cased), so `06 12 34 56 78` and
`06.12.34.56.78` are the same fingerprint and re-formatting a line does not churn a baseline.
The threat model and the figures are in the README (Fingerprints and threat model).
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import lru_cache

VERSION = "v1"
SCHEME = "sondier-scrypt-v1"
SCRYPT_N = 2**12
SCRYPT_R = 8
SCRYPT_P = 1
TRUNCATED_BITS = 20
KEY_ENV = "SONDIER_FINGERPRINT_KEY"
MEMORY_BYTES = 128 * SCRYPT_R * SCRYPT_N  # scrypt's working set: 4 MiB per guess

FINGERPRINT_RE = re.compile(rf"^[a-z0-9][a-z0-9._-]*:[0-9a-f]{{{TRUNCATED_BITS // 4}}}$")

# Same separators as sondier.rules.compact; kept here so this module stays import-light in workers.
_SEPARATORS = re.compile(r"[\s.\-/\u00a0\u202f]")


def current_key() -> str:
    return os.environ.get(KEY_ENV, "")


def normalize(value: str) -> str:
    return _SEPARATORS.sub("", value).upper()


def _scrypt(data: str, salt: str) -> bytes:
    return hashlib.scrypt(
        data.encode("utf-8", "surrogatepass"),
        salt=salt.encode("utf-8", "surrogatepass"),
        n=SCRYPT_N,
        r=SCRYPT_R,
        p=SCRYPT_P,
        maxmem=4 * MEMORY_BYTES,
        dklen=16,
    )


@lru_cache(maxsize=65536)
def _digest(rule_id: str, value: str, key: str) -> str:
    raw = _scrypt(normalize(value), f"sondier/{VERSION}/{key}/{rule_id}")
    # Keep the top TRUNCATED_BITS bits; 20 is a whole number of hex digits.
    return raw.hex()[: TRUNCATED_BITS // 4]


def fingerprint(rule_id: str, value: str, key: str | None = None) -> str:
    """Stable, non-reversible identity of (rule, value), independent of path and line."""
    return f"{rule_id}:{_digest(rule_id, value, current_key() if key is None else key)}"


def is_fingerprint(text: str) -> bool:
    return bool(FINGERPRINT_RE.match(text))


def key_id(key: str | None = None) -> str | None:
    """A short, slow, non-reversible tag of the key (None without a key), stored in baselines so
    that a scan with another key fails with a clear message. Slow because a weak key (a
    pass-phrase) must not be guessable from it faster than from the fingerprints themselves."""
    key = current_key() if key is None else key
    return _key_id(key) if key else None


@lru_cache(maxsize=8)
def _key_id(key: str) -> str:
    return _scrypt(key, f"sondier/{VERSION}/key-id").hex()[:8]


def scheme() -> dict[str, object]:
    """Parameters written into baselines: a change of any of them changes every fingerprint."""
    return {
        "scheme": SCHEME,
        "n": SCRYPT_N,
        "r": SCRYPT_R,
        "p": SCRYPT_P,
        "bits": TRUNCATED_BITS,
        "key_id": key_id(),
    }
