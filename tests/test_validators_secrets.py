"""Secret validators: structure checks on real artefacts (JWTs signed with stdlib HMAC, keys made
with `cryptography`) and the filters that keep generic rules quiet on code."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random
import secrets
import string
import uuid
from collections.abc import Callable

import pytest

from sondier import validators
from sondier.validators import secrets as sv

ALNUM = string.ascii_letters + string.digits


# Seeded per test (see the fixture below): random-looking values, but the same ones on every
# run, so a rare unlucky draw cannot make CI flaky.
_RNG = random.Random()


@pytest.fixture(autouse=True)
def _seed_values(request: pytest.FixtureRequest) -> None:
    _RNG.seed(request.node.nodeid)


def rnd(n: int, chars: str = ALNUM) -> str:
    return "".join(_RNG.choice(chars) for _ in range(n))


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def make_jwt(payload: dict[str, object], alg: str = "HS256", signed: bool = True) -> str:
    head = b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    body = b64url(json.dumps(payload).encode())
    if not signed:
        return f"{head}.{body}."
    sig = hmac.new(secrets.token_bytes(32), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64url(sig)}"


# ----------------------------------------------------------------------------- registry


@pytest.mark.parametrize(
    "name",
    ["jwt", "jwt-base64", "private-key", "url-credentials", "generic-secret", "generic-password",
     "basic-auth", "user-password"],
)  # fmt: skip
def test_secret_validators_are_registered(name: str) -> None:
    assert callable(validators.get(name))


def test_shannon_entropy() -> None:
    assert sv.shannon_entropy("") == 0.0
    assert sv.shannon_entropy("aaaa") == 0.0
    assert sv.shannon_entropy("abcd") == pytest.approx(2.0)
    assert sv.shannon_entropy(rnd(64)) > 4.5


# ----------------------------------------------------------------------------- JWT


def test_jwt_signed_with_hmac_is_valid() -> None:
    token = make_jwt({"sub": "42", "scope": "billing:write", "exp": 1999999999})
    verdict = sv.validate_jwt(token)
    assert verdict.ok and not verdict.test_data and not verdict.weak


def test_jwt_reason_never_contains_the_payload() -> None:
    token = make_jwt({"email": "camille.martin@acme-interne.fr", "sub": "s3cr3t-subject"})
    verdict = sv.validate_jwt(token)
    assert verdict.ok
    assert "camille" not in verdict.reason and "s3cr3t" not in verdict.reason


@pytest.mark.parametrize(
    "value",
    [
        f"eyJ{rnd(30)}.eyJ{rnd(40)}.{rnd(43)}",  # random base64 behind a JWT-looking prefix
        b64url(secrets.token_bytes(30)) + "." + b64url(secrets.token_bytes(40)) + "." + rnd(43),
        "eyJhbGciOiJIUzI1NiJ9." + b64url(b"[1, 2, 3]") + ".sig",  # payload not an object
        b64url(b'{"typ": "JWT"}') + "." + b64url(b'{"sub": "1"}') + ".sig",  # header without alg
        "only.two",
    ],
)
def test_jwt_rejects_non_tokens(value: str) -> None:
    assert not sv.validate_jwt(value).ok


def test_jwt_documentation_example_is_test_data() -> None:
    verdict = sv.validate_jwt(make_jwt({"sub": "1234567890", "name": "John Doe", "iat": 1516239022}))
    assert verdict.ok and verdict.test_data


def test_unsigned_jwt_is_weak() -> None:
    verdict = sv.validate_jwt(make_jwt({"sub": "42"}, alg="none", signed=False))
    assert verdict.ok and verdict.weak


def test_base64_wrapped_jwt() -> None:
    token = make_jwt({"sub": "svc-billing"})
    assert sv.validate_jwt_base64(base64.b64encode(token.encode()).decode()).ok
    assert not sv.validate_jwt_base64("ZXlK" + rnd(80)).ok


# ----------------------------------------------------------------------------- private keys


def _keys() -> dict[str, str]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

    enc = serialization.Encoding.PEM
    fmt = serialization.PrivateFormat
    none = serialization.NoEncryption()
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    ed_key = ed25519.Ed25519PrivateKey.generate()
    return {
        "rsa-pkcs1": rsa_key.private_bytes(enc, fmt.TraditionalOpenSSL, none).decode(),
        "rsa-pkcs8": rsa_key.private_bytes(enc, fmt.PKCS8, none).decode(),
        "ec": ec_key.private_bytes(enc, fmt.TraditionalOpenSSL, none).decode(),
        "openssh": ed_key.private_bytes(enc, fmt.OpenSSH, none).decode(),
        "encrypted": rsa_key.private_bytes(
            enc, fmt.PKCS8, serialization.BestAvailableEncryption(b"correct horse")
        ).decode(),
        "public": rsa_key.public_key().public_bytes(enc, serialization.PublicFormat.SubjectPublicKeyInfo).decode(),
    }


@pytest.fixture(scope="module")
def keys() -> dict[str, str]:
    pytest.importorskip("cryptography")
    return _keys()


@pytest.mark.parametrize("kind", ["rsa-pkcs1", "rsa-pkcs8", "ec", "openssh"])
def test_private_key_made_with_cryptography_is_valid(keys: dict[str, str], kind: str) -> None:
    verdict = sv.validate_private_key(keys[kind])
    assert verdict.ok
    assert verdict.reason == "private key"


def test_encrypted_private_key_is_reported_as_protected(keys: dict[str, str]) -> None:
    verdict = sv.validate_private_key(keys["encrypted"])
    assert verdict.ok and "passphrase" in verdict.reason


def test_private_key_with_escaped_newlines_in_json(keys: dict[str, str]) -> None:
    escaped = keys["rsa-pkcs8"].strip().replace("\n", "\\n")
    document = json.dumps({"type": "service_account", "private_key": keys["rsa-pkcs8"]})
    assert sv.validate_private_key(escaped).ok
    assert sv.validate_private_key(document).ok


def test_private_key_split_over_concatenated_string_literals(keys: dict[str, str]) -> None:
    lines = keys["rsa-pkcs1"].strip().splitlines()
    source = "key = (\n" + "\n".join(f'    "{line}\\n"' for line in lines) + "\n)"
    assert sv.validate_private_key(source).ok


@pytest.mark.parametrize(
    "value",
    [
        "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA...\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN PRIVATE KEY-----\n<paste your private key here>\n-----END PRIVATE KEY-----",
        "-----BEGIN RSA PRIVATE KEY-----\nBad Key, though the cert should be OK\n-----END RSA PRIVATE KEY-----",
        # base64 of random bytes: right shape, not a DER structure
        "-----BEGIN RSA PRIVATE KEY-----\n"
        + base64.b64encode(b"\x01" + secrets.token_bytes(200)).decode()
        + "\n-----END RSA PRIVATE KEY-----",
        "-----BEGIN OPENSSH PRIVATE KEY-----\n"
        + base64.b64encode(secrets.token_bytes(200)).decode()
        + "\n-----END OPENSSH PRIVATE KEY-----",
    ],
)
def test_private_key_rejects_stubs_and_random_bodies(value: str) -> None:
    assert not sv.validate_private_key(value).ok


def test_public_key_is_not_a_private_key(keys: dict[str, str]) -> None:
    assert not sv.validate_private_key(keys["public"]).ok


# ----------------------------------------------------------------------------- credentials


def test_url_credentials() -> None:
    assert sv.validate_url_credentials(f"app:{rnd(20)}@db.prod.acme-interne.fr:5432").ok
    local = sv.validate_url_credentials(f"app:{rnd(20)}@localhost:5432")
    assert local.ok and local.test_data
    assert sv.validate_url_credentials("postgres:postgres@db.acme-interne.fr").test_data
    assert not sv.validate_url_credentials("${DB_USER}:${DB_PASSWORD}@db").ok
    assert not sv.validate_url_credentials("user:<password>@host.acme-interne.fr").ok
    assert not sv.validate_url_credentials("user:@host").ok


def test_basic_auth() -> None:
    assert sv.validate_basic_auth(base64.b64encode(f"deploy:{rnd(24)}".encode()).decode()).ok
    assert sv.validate_basic_auth(base64.b64encode(b"user:password").decode()).test_data
    assert not sv.validate_basic_auth(base64.b64encode(b"no-colon-here").decode()).ok
    assert not sv.validate_basic_auth(base64.b64encode(secrets.token_bytes(24)).decode()).ok
    assert not sv.validate_basic_auth("not base64 !").ok


# ----------------------------------------------------------------------------- generic values


# Values are drawn inside the test, not at collection: parallel workers (pytest-xdist) must
# collect identical test ids.
@pytest.mark.parametrize("make", [lambda: rnd(32), lambda: rnd(40, ALNUM + "-_"), lambda: rnd(28) + "!#%",
                                  lambda: rnd(30, string.hexdigits)], ids=["alnum32", "urlsafe40", "symbols", "hex30"])
def test_generic_secret_accepts_random_values(make: Callable[[], str]) -> None:
    value = make()
    verdict = sv.validate_generic_secret(value)
    assert verdict.ok and not verdict.test_data and not verdict.weak


@pytest.mark.parametrize(
    "value",
    [
        "getAccessTokenFromCache",  # camelCase identifier
        "self.settings.api_key",  # attribute access
        "SESSION_ACCESS_TOKEN",  # constant name
        "/etc/ssl/private/server.key",  # path
        "./secrets/token.txt",
        "sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC",  # SRI
        "sha256:" + "ab12" * 16,  # content digest
        "1.22.3-beta.1",  # version
        "1234567890123",  # number
        "${API_KEY}",  # template references
        "{{ vault_token }}",
        "%(secret)s",
        "https://auth.acme-interne.fr/token",  # URL
        "ghp_a0w5ABH5fgJB8geLQ6D6xQB1fN9QqW",  # truncated provider token: left to the provider rule
        "abc12",  # too short
    ],
)
def test_generic_secret_rejects_code_and_references(value: str) -> None:
    assert not sv.validate_generic_secret(value).ok


@pytest.mark.parametrize("prefix, size", [("changeme-", 12), ("your_api_key_", 8), ("xxxx-", 16)])
def test_generic_secret_placeholders_are_test_data(prefix: str, size: int) -> None:
    value = prefix + rnd(size)
    verdict = sv.validate_generic_secret(value)
    assert verdict.ok and verdict.test_data


def test_generic_secret_uuid_needs_context() -> None:
    verdict = sv.validate_generic_secret(str(uuid.uuid4()))
    assert verdict.ok and verdict.weak


def test_generic_password() -> None:
    assert sv.validate_generic_password(rnd(14) + "!").ok
    for default in ("postgres", "changeme", "test123", "my-password", "admin123"):
        assert sv.validate_generic_password(default).test_data, default
    for reference in ("${DB_PASSWORD}", "getpass.getpass", "{{ .Values.password }}", "abc"):
        assert not sv.validate_generic_password(reference).ok, reference
    assert sv.validate_generic_password("Incorrect").weak
    assert sv.validate_generic_password("*all*authentication*tokens*updated*").weak


def test_placeholder_helpers() -> None:
    assert sv.is_template("${HOME}") and sv.is_template("<token>") and not sv.is_template(rnd(20))
    assert sv.is_placeholder("aaaaaaaa") and sv.is_placeholder("abcdef123456")
    assert not sv.is_placeholder(rnd(32))
    assert sv.looks_like_identifier("myApiKey") and not sv.looks_like_identifier("TXlHNmdvZjRyVHNNVVVC")
    assert sv.looks_like_path("config/secrets/prod.yaml") and not sv.looks_like_path("wJalrXUt/K7MDENG+bPx")
