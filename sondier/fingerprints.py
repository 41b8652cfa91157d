"""Fingerprints that identify a found value without letting anyone recover it.

A NIR has about 10^9 possible values and a French phone number 10^8: a plain or salted fast
hash of one is reversed by enumeration in minutes. A fingerprint here is
  scrypt(value, salt = "sondier/v1/" + key + "/" + rule_id, N=2^13, r=8, p=1)
truncated to 24 bits. scrypt makes each guess cost ~20 ms of CPU and 8 MiB of memory, and the
truncation means every fingerprint is shared by many possible values (about 60 for a NIR),
so even a completed enumeration does not say which one was found. Within one repository the
chance that a new value collides with an existing entry of the same rule is n / 2^24
(6e-5 for a thousand entries). Teams that keep baselines public can add a secret key
(SONDIER_FINGERPRINT_KEY) to make offline guessing impossible without it.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache

VERSION = "v1"
SCRYPT_N = 2**13
SCRYPT_R = 8
SCRYPT_P = 1
TRUNCATED_BITS = 24


def _key() -> str:
    return os.environ.get("SONDIER_FINGERPRINT_KEY", "")


@lru_cache(maxsize=65536)
def _digest(rule_id: str, value: str, key: str) -> str:
    salt = f"sondier/{VERSION}/{key}/{rule_id}".encode()
    raw = hashlib.scrypt(value.encode("utf-8", "surrogatepass"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P,
                         maxmem=64 * 1024 * 1024, dklen=16)
    return raw.hex()[: TRUNCATED_BITS // 4]


def fingerprint(rule_id: str, value: str) -> str:
    """Stable, non-reversible identity of (rule, value), independent of path and line."""
    return f"{rule_id}:{_digest(rule_id, value, _key())}"
