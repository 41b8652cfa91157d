"""Validators for secrets: structure checks (JWT, PEM, URL credentials) and the filters that keep
generic "high-entropy assignment" rules from drowning users in false positives.

Everything here is stdlib only and never makes a network call. A Verdict's ``reason`` never
contains the value (or a decoded JWT payload): reasons end up in reports and CI logs.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from urllib.parse import unquote

# ----------------------------------------------------------------------------- shared helpers
from sondier.filters import shannon_entropy
from sondier.i18n import N_
from sondier.lazy_re import lazy
from sondier.reasons import JWT_SIGNED
from sondier.validators import VALID, Verdict

# A reference to something else, not a value: ${VAR}, {{ var }}, <token>, %(name)s, $(cmd), #{x}...
_TEMPLATE_RE = lazy(
    r"""
    \$\{[^}]*\}? | \{\{.*?\}\}? | \{%.*?%\} | <[^<>]{1,80}> | %\([\w.-]+\)[sd]
    | ^\$\(.*\)$ | ^\$[A-Za-z_][\w]*$ | ^%[A-Za-z_][\w.-]*%$ | \#\{[^}]*\} | ^@[A-Za-z_]+@$
    | ^\{[\w.-]*\}$ | ^\[[\w .-]*\]$ | ^:[A-Za-z_]\w*$ | ^process\.env\. | ^os\.environ
    """,
    re.VERBOSE,
)

# Words found in documentation values and placeholders ("your_api_key_here", "changeme").
_PLACEHOLDER_WORDS = (
    "changeme", "change_me", "change-me", "changeit", "example", "sample", "dummy", "placeholder",
    "redacted", "your_", "your-", "yourtoken", "yourkey", "yoursecret", "yourpassword", "insert",
    "replace", "notreal", "not_real", "not-a-real", "fake", "mock", "lorem", "fixme", "todo",
    "xxxx", "****", "....", "<", ">", "votre", "remplacer", "exemple", "bidon",
)  # fmt: skip


def _words(text: str) -> list[str]:
    return text.split()


# Whole values that are never real secrets.
_PLACEHOLDER_VALUES = frozenset(
    _words("""
    secret password passwd pwd pass token apikey api_key key value none null nil undefined true false
    test testing tests foo bar baz foobar string str text empty default admin root user username
    motdepasse mot_de_passe mdp jeton secret_key secretkey private_key privatekey access_token
    client_secret changeme hidden required optional
    """)
)

# Values developers type for local set-ups: real strings, but test data rather than leaks.
_WEAK_DEFAULTS = frozenset(
    _words("""
    password password1 password123 passw0rd p@ssw0rd secret secret123 admin admin123 root toor
    postgres mysql redis guest qwerty azerty 123456 12345678 123456789 letmein welcome test1234
    motdepasse changeit changeme
    """)
)

_SEQUENCES = ("0123456789", "123456789", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "azertyuiop")

_UUID_RE = lazy(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# Subresource integrity attributes and content digests (lock files, Dockerfiles, go.sum).
_DIGEST_RE = lazy(r"^(?:sha(?:1|224|256|384|512)|md5|blake2b?)[-:=][A-Za-z0-9+/=_-]{16,}$", re.I)
_PROVIDER_PREFIX_RE = lazy(
    r"(?:gh[pousr]_|github_pat_|gl(?:pat|dt|rt|ptt|ft|imt|agent|oas|soat|cbt|ffct)-|[sr]k_(?:live|test|prod)_|"
    r"xox[abpersco]-|xapp-|A(?:KIA|SIA|BIA|CCA)[A-Z0-9]|AIza|npm_|pypi-|hf_|api_org_|sk-ant-|sk-(?:proj|svcacct|admin)-|"
    r"do[opr]_v1_|SG\.|xkeysib-|xsmtpsib-|shp(?:at|ca|pa|ss)_|hv[sb]\.|dapi[0-9a-f]|pnu_|glc_|glsa_|sntry[us]_|"
    r"lin_api_|pscale_|rubygems_|ntn_|dckr_(?:pat|oat)_|sq[upab]_|sgp_|whsec_|pplx-|gsk_|r8_|AKCp|SCW[A-Z0-9]{17}$|"
    r"eyJ[A-Za-z0-9_-]{8,}\.eyJ)"
)
_NUMBER_RE = lazy(r"^[+-]?[\d_.,:eE-]+$")
_VERSION_RE = lazy(r"^v?\d+(?:\.\d+){1,3}(?:[-+.][\w.]+)?$")
# Identifiers: camelCase, PascalCase, snake_case, CONSTANT_CASE, kebab-case, dotted.name.
_IDENTIFIER_RE = lazy(r"^[A-Za-z_$]+(?:[.:-][A-Za-z_$]+)*$")
_DOTTED_RE = lazy(r"^[A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)+(?:\(\))?$")
_CAMEL_RE = lazy(r"^[a-z]+(?:[A-Z][a-z]+)+\d{0,3}$|^(?:[A-Z][a-z]+){2,}\d{0,3}$")
_PATH_RE = lazy(r"^(?:/|\./|\.\./|~/|[A-Za-z]:[\\/]|\\\\)|\.(?:[a-z]{1,5})$")
_FILE_EXT_RE = lazy(
    r"\.(?:py|js|ts|json|ya?ml|toml|ini|cfg|conf|txt|md|html?|css|png|jpe?g|gif|svg|pem|crt|key|"
    r"pub|p12|pfx|jks|env|sh|sql|xml|lock|log|csv|db|sqlite|gz|zip|tar|exe|dll|so|jar)$",
    re.I,
)


def strip_quotes(value: str) -> str:
    return value.strip().strip("\"'`").strip()


def is_template(value: str) -> bool:
    """True when the value refers to a variable, a template field or a command, not a secret."""
    return bool(_TEMPLATE_RE.search(value))


def is_placeholder(value: str) -> bool:
    """True for documentation values: 'changeme', 'xxxx', 'your_token_here', 'aaaaaaaa'..."""
    low = value.lower()
    if low in _PLACEHOLDER_VALUES:
        return True
    if any(word in low for word in _PLACEHOLDER_WORDS):
        return True
    if re.search(r"(.)\1{5,}", value):  # aaaaaa, 000000, ******
        return True
    if len(set(low)) <= 2:
        return True
    # six or more consecutive characters of a keyboard or alphabet run: "123456", "abcdef", "azerty"
    return any(seq[i : i + 6] in low for seq in _SEQUENCES for i in range(len(seq) - 5))


def _is_dotted_expression(value: str) -> bool:
    """`self.settings.api_key`, `config.get()`: every segment is itself a plausible name."""
    if not _DOTTED_RE.match(value):
        return False
    segments = value.removesuffix("()").split(".")
    return all(seg.lower() == seg or seg.upper() == seg or seg.istitle() or _has_word_shape(seg) for seg in segments)


def looks_like_identifier(value: str) -> bool:
    """Code, not a secret: variable names, attribute access, camelCase words, constants, types."""
    if _is_dotted_expression(value):
        return True
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", value) and _has_word_shape(value):
        return True  # camelCase / PascalCase, digits allowed: PKCS7PrivateKeyTypes, escapedStr
    if _is_snake_case_name(value):
        return True  # validate_jwt_base64, sha256_digest, utf8_name
    if _IDENTIFIER_RE.match(value):
        # Only letters and separators. A name when in one case (TOKEN_VALUE, sometoken,
        # Whitespace), made of words (get_token, myApiKey) or short. Random mixed-case letters
        # (a secret's base64) are not.
        single_case = value.lower() == value or value.upper() == value or value.istitle()
        return single_case or _has_word_shape(value) or len(value) < 12
    return False


_SNAKE_PIECE_RE = lazy(r"([a-z]+)[0-9]*")


def _is_snake_case_name(value: str) -> bool:
    """Lower-case words (each may end with digits) joined by underscores, every word shaped
    like a word: a function or variable name such as `validate_jwt_base64`."""
    pieces = value.split("_")
    if len(pieces) < 2 or not all(pieces):
        return False
    words = []
    for piece in pieces:
        match = _SNAKE_PIECE_RE.fullmatch(piece)
        if match is None:
            return False
        words.append(match.group(1))
    return _has_word_shape("_".join(words))


# Pieces of a camelCase / PascalCase name: words, acronyms (HTTP, X25519) and numbers. Matched
# left to right without nested repetition, so a long value cannot make the matcher backtrack.
_PIECES_RE = lazy(r"[A-Z]?[a-z]+|[A-Z]+[0-9]*(?![a-z])|[0-9]+")
_CONSONANT_RUN_RE = lazy(r"[bcdfghjklmnpqrstvwxz]{5,}", re.I)


def _split_pieces(part: str) -> list[str] | None:
    """The pieces of `part`, or None when some characters do not fit the shape of a name."""
    pieces = _PIECES_RE.findall(part)
    return pieces if "".join(pieces) == part else None


def _has_word_shape(value: str) -> bool:
    """Made of plausible words (get_token, myApiKey, PKCS7PrivateKeyTypes): camel or separated
    pieces, each word with a vowel unless it is a short abbreviation (Str, Cfg), at most half of
    them vowel-less. Random tokens break into 1-letter pieces or vowel-less runs and fail."""
    pieces: list[str] = []
    for part in (p for p in re.split(r"[_.\-:$]+", value) if p):
        split = _split_pieces(part)
        if split is None:
            return False
        pieces.extend(p for p in split if not p.isdigit())
    if len(pieces) < 2:
        return False
    if any(_CONSONANT_RUN_RE.search(p) for p in pieces if not p.isupper()):
        return False  # five consonants in a row: not a word
    letters = [p.rstrip("0123456789") for p in pieces]
    if any(len(p) > 6 for p in letters if p.isupper()) or any(len(p) < 2 for p in letters if p.islower()):
        return False  # acronyms are short; a lone lower-case letter is noise
    vowelless = [p for p in pieces if not re.search(r"[aeiouAEIOU]", p)]
    if any(len(p) > 4 and not p.isupper() for p in vowelless):
        return False
    acronyms = [p for p in pieces if p.isupper() and len(p) > 1]
    words = [p for p in pieces if not p.isupper()]
    # words are mostly 3+ letters long; random text yields many 1-2 letter pieces
    if words and sum(len(w) for w in words) / len(words) < 3.5:
        return False
    return len(vowelless) * 2 <= len(pieces) and len(acronyms) * 3 <= len(pieces) + 1


def looks_like_path(value: str) -> bool:
    if _PATH_RE.search(value) and ("/" in value or "\\" in value or _FILE_EXT_RE.search(value)):
        return True
    if _FILE_EXT_RE.search(value):
        return True
    if "/" in value and not re.search(r"[+=]", value):
        segments = [s for s in value.split("/") if s]
        # lower-case words separated by slashes: a path or a package/module name
        if len(segments) >= 2 and all(re.fullmatch(r"[a-z0-9_.@-]+", s) for s in segments):
            return True
    return False


def char_classes(value: str) -> int:
    classes = [r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"]
    return sum(1 for c in classes if re.search(c, value))


# ----------------------------------------------------------------------------- generic values

_CONSTANT_RE = lazy(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$")  # S3_SECRET_ACCESS_KEY: a name
_EMAIL_RE = lazy(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")
_WORD_LIST_PIECE_RE = lazy(r"[a-z]+\d*|\d+")
_DATE_RE = lazy(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")


def _is_word_list(value: str) -> bool:
    """Lower-case words joined by `-`, `_` or `.` (`fr-icon-lock-fill`, `doc-token-123`): a slug,
    a CSS class, a message key or a descriptive placeholder, not random characters."""
    pieces = re.split(r"[-_.]+", value.strip("-_."))
    if len(pieces) < 2 or not all(_WORD_LIST_PIECE_RE.fullmatch(p) for p in pieces):
        return False
    words = [p.rstrip("0123456789") for p in pieces if not p.isdigit()]
    return len(words) >= 2 and all(re.search(r"[aeiouy]", w) for w in words if len(w) > 2)


def _says_placeholder(value: str) -> bool:
    low = value.lower()
    return any(word in low for word in ("secret", "token", "password", "test", "dev", "demo", "key", "example"))


def _code_shaped(value: str) -> str | None:
    """Why a value is a name rather than a secret (CSS variable, constant, address), or None."""
    if value.startswith("--"):
        return "a CSS variable or a command-line option"
    if _DATE_RE.match(value):
        return "a date"
    if value.endswith("..."):
        return "an elided example (ends with ...)"
    if value.startswith("eyJ"):
        return "a JWT or its start: left to the jwt rule"
    if _CONSTANT_RE.match(value):
        return "a constant's name"
    return None


def validate_generic_secret(value: str) -> Verdict:
    """A value assigned to a secret-looking name (api_key, token, client_secret...)."""
    value = strip_quotes(value)
    if len(value) < 8 or is_template(value):
        return Verdict(False, reason="too short or a template reference")
    if "://" in value:
        return Verdict(False, reason="a URL (URL credentials have their own rule)")
    if _PROVIDER_PREFIX_RE.match(value):
        # The provider's own rule knows the exact format: a value with its prefix that this rule
        # did not match (truncated, placeholder) is not a token, and a full one is reported once.
        return Verdict(False, reason="provider token format: left to the provider rule")
    if _DIGEST_RE.match(value):
        return Verdict(False, reason="a content digest or integrity hash")
    if _NUMBER_RE.match(value) or _VERSION_RE.match(value):
        return Verdict(False, reason="a number or a version")
    if looks_like_path(value):
        return Verdict(False, reason="a file path or module name")
    if looks_like_identifier(value):
        return Verdict(False, reason="an identifier or expression, not a value")
    shaped = _code_shaped(value)
    if shaped or _EMAIL_RE.match(value):
        return Verdict(False, reason=shaped or "an e-mail address")
    if _is_word_list(value):
        if _says_placeholder(value):
            return Verdict(True, test_data=True, reason=N_("descriptive placeholder words"))
        return Verdict(False, reason="words joined by separators: a name, not a key")
    if _UUID_RE.match(value):
        # Many ids are UUIDs; some secrets too (Heroku, PISTE...): keep only with context.
        return Verdict(True, weak=True, reason=N_("UUID: reported only with a context word"))
    entropy = shannon_entropy(value)
    if entropy < 3.0 or (len(value) < 16 and char_classes(value) < 2):
        return Verdict(False, reason="low entropy")
    if is_placeholder(value):
        return Verdict(True, test_data=True, reason=N_("placeholder or documentation value"))
    return VALID


def validate_generic_password(value: str) -> Verdict:
    """A value assigned to a password-looking name. Passwords are chosen by people, so the
    entropy bar is lower than for tokens, and local development defaults are test data."""
    value = strip_quotes(value)
    if len(value) < 6 or is_template(value):
        return Verdict(False, reason="too short or a template reference")
    if "://" in value:
        return Verdict(False, reason="a URL")
    if looks_like_path(value) or _is_dotted_expression(value):
        return Verdict(False, reason="a path or an expression")
    if re.fullmatch(r"[\d.\-_:/ ]+", value) and not value.isdigit():
        return Verdict(False, reason="a version, date or number")
    shaped = _code_shaped(value)
    if shaped:
        return Verdict(False, reason=shaped)
    low = value.lower()
    if _EMAIL_RE.match(value):
        return Verdict(True, test_data=True, reason=N_("an e-mail address as password: a test account"))
    if _is_word_list(value):
        if _says_placeholder(value):
            return Verdict(True, test_data=True, reason=N_("descriptive placeholder words"))
        return Verdict(True, weak=True, reason=N_("words joined by separators, not a password"))
    if low in _PLACEHOLDER_VALUES or low in _WEAK_DEFAULTS:
        return Verdict(True, test_data=True, reason=N_("placeholder or well-known default value"))
    if (_CAMEL_RE.match(value) and _has_word_shape(value)) or re.fullmatch(
        r"[a-z]+(?:_[a-z]+)+|[A-Z]+(?:_[A-Z]+)+", value
    ):
        return Verdict(False, reason="an identifier, not a value")
    if is_placeholder(value) or _is_test_password(low):
        return Verdict(True, test_data=True, reason=N_("placeholder or test password"))
    if shannon_entropy(value) < 2.3:
        return Verdict(False, reason="low entropy")
    if value.isalpha() and (value.islower() or value.istitle() or value.isupper()):
        return Verdict(True, weak=True, reason=N_("a single word"))
    if value.isdigit():
        return Verdict(True, weak=True, reason=N_("digits only"))
    if _is_prose(value):
        return Verdict(True, weak=True, reason=N_("words, not a password"))
    return VALID


_TEST_PASSWORD_RE = lazy(
    r"(?:test|demo|dev|sample|dummy|fake|example|foo|bar|user|admin|guest|pass|key|token)[\W_]*\d{0,6}"
)


def _is_test_password(low: str) -> bool:
    """`test123`, `my-password`, `secret-dev`: values written for tests and examples."""
    if any(word in low for word in ("password", "passwd", "secret", "motdepasse", "mot_de_passe")):
        return True
    return bool(_TEST_PASSWORD_RE.fullmatch(low))


def _is_prose(value: str) -> bool:
    """Three or more plain words joined by punctuation: a message or a comment, not a password."""
    pieces = [p for p in re.split(r"[^A-Za-z0-9]+", value) if p]
    return len(pieces) >= 3 and all(p.isalpha() and re.search(r"[aeiouy]", p, re.I) for p in pieces)


def validate_user_password(value: str) -> Verdict:
    """`user:password` (curl -u, Basic auth, docker auths)."""
    user, sep, password = value.partition(":")
    if not sep or not password:
        return Verdict(False, reason="no password part")
    password = unquote(password)
    if is_template(password) or is_template(user):
        return Verdict(False, reason="a template reference")
    if password == user or password.lower() in _PLACEHOLDER_VALUES | _WEAK_DEFAULTS or _CONSTANT_RE.match(password):
        return Verdict(True, test_data=True, reason=N_("placeholder or default credentials"))
    if is_placeholder(password) or _is_test_password(password.lower()):
        return Verdict(True, test_data=True, reason=N_("placeholder password"))
    if len(password) < 4:
        return Verdict(False, reason="password too short")
    return VALID


_TEST_HOSTS_RE = lazy(
    r"^(?:localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[?::1\]?|host|hostname|server|"
    r"(?:[\w-]+\.)*example(?:\.(?:com|org|net))?|(?:[\w-]+\.)+(?:test|example|invalid|localhost))"
    r"(?::\d+)?$",
    re.I,
)


def validate_url_credentials(value: str) -> Verdict:
    """`user:password@host` taken from a URL such as postgres://user:password@host/db."""
    userinfo, sep, host = value.rpartition("@")
    if not sep:
        return Verdict(False, reason="no credentials")
    verdict = validate_user_password(userinfo)
    if not verdict.ok or verdict.test_data:
        return verdict
    if _TEST_HOSTS_RE.match(host):
        return Verdict(True, test_data=True, reason=N_("local or documentation host"))
    return VALID


def validate_basic_auth(value: str) -> Verdict:
    """Base64 of `user:password` (HTTP Basic, Docker config.json `auth`, .npmrc `_auth`)."""
    decoded = _b64decode(strip_quotes(value))
    if decoded is None:
        return Verdict(False, reason="not base64")
    try:
        text = decoded.decode("utf-8")
    except UnicodeDecodeError:
        return Verdict(False, reason="not text")
    if not text.isprintable() or ":" not in text:
        return Verdict(False, reason="not user:password")
    return validate_user_password(text)


# ----------------------------------------------------------------------------- JWT

_JWT_DOC_SUBJECTS = frozenset({"1234567890", "user123", "john.doe", "johndoe"})
_JWT_DOC_NAMES = frozenset({"john doe", "jane doe"})


def _b64decode(text: str, urlsafe: bool = False) -> bytes | None:
    text = text.strip()
    text += "=" * (-len(text) % 4)
    try:
        if urlsafe:
            return base64.urlsafe_b64decode(text)
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _json_segment(segment: str) -> dict[str, object] | None:
    raw = _b64decode(segment, urlsafe=True)
    if raw is None:
        return None
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) else None


def validate_jwt(value: str) -> Verdict:
    """Decode header and payload; both must be JSON objects and the header must name an `alg`.
    The payload is only inspected here, never returned or printed."""
    parts = strip_quotes(value).split(".")
    if len(parts) != 3:
        return Verdict(False, reason="not three dot-separated segments")
    header = _json_segment(parts[0])
    if header is None or not isinstance(header.get("alg"), str):
        return Verdict(False, reason="header is not a JOSE header")
    payload = _json_segment(parts[1])
    if payload is None:
        return Verdict(False, reason="payload is not a JSON object")
    if _is_documentation_jwt(payload):
        return Verdict(True, test_data=True, reason=N_("documentation example token"))
    if str(header["alg"]).lower() == "none" or not parts[2]:
        return Verdict(True, weak=True, reason=N_("unsigned token"))
    return Verdict(True, reason=JWT_SIGNED.format(alg=header["alg"])[:40])


def _is_documentation_jwt(payload: dict[str, object]) -> bool:
    sub = str(payload.get("sub", "")).lower()
    name = str(payload.get("name", "")).lower()
    issuer = str(payload.get("iss", "")).lower()
    return (
        (sub in _JWT_DOC_SUBJECTS and (name in _JWT_DOC_NAMES or "iat" in payload))
        or name in _JWT_DOC_NAMES
        or "example" in issuer
    )


def validate_jwt_base64(value: str) -> Verdict:
    """A JWT that was itself base64-encoded (Kubernetes secrets, env files)."""
    decoded = _b64decode(strip_quotes(value))
    if decoded is None:
        decoded = _b64decode(strip_quotes(value), urlsafe=True)
    if decoded is None:
        return Verdict(False, reason="not base64")
    try:
        text = decoded.decode("ascii").strip()
    except UnicodeDecodeError:
        return Verdict(False, reason="not text")
    return validate_jwt(text)


# ----------------------------------------------------------------------------- private keys

_PEM_RE = lazy(
    r"-----BEGIN ([A-Z0-9 ]*?)PRIVATE KEY(?: BLOCK)?-----(.*?)"
    r"-----END [A-Z0-9 ]*?PRIVATE KEY(?: BLOCK)?-----",
    re.S,
)
_OPENSSH_MAGIC = b"openssh-key-v1\x00"
_QUOTE_PREFIX_RE = lazy(r"^(?:\+\s*)?[\"'`]")
_QUOTE_SUFFIX_RE = lazy(r"(?:[\"'`]\s*[+,;)]?)?\s*\\?$")


def _pem_body_lines(body: str) -> list[str]:
    # Keys pasted into JSON/YAML/code carry escaped newlines, quotes and concatenation.
    text = body.replace("\\r", "\n").replace("\\n", "\n").replace("\\\n", "\n")
    lines = []
    for raw in text.splitlines():
        # Only quotes and the concatenation operators around them are stripped: `+` and `/` are
        # also base64 characters.
        line = _QUOTE_PREFIX_RE.sub("", raw.strip())
        line = _QUOTE_SUFFIX_RE.sub("", line).strip()
        if not line or ":" in line:  # header lines: Proc-Type, DEK-Info, Version, Comment
            continue
        lines.append(line)
    return lines


def _decode_pem_body(kind: str, body: str) -> bytes | None:
    lines = _pem_body_lines(body)
    if kind.startswith("PGP") and lines and re.fullmatch(r"=[A-Za-z0-9+/]{4}", lines[-1]):
        lines = lines[:-1]  # the armour checksum line
    data = "".join(lines)
    if not re.fullmatch(r"[A-Za-z0-9+/]+={0,2}", data):
        return None
    return _b64decode(data)


def _decoded_looks_like_key(kind: str, decoded: bytes) -> bool:
    if kind.startswith("OPENSSH"):
        return decoded.startswith(_OPENSSH_MAGIC)
    if kind.startswith("PGP"):
        return bool(decoded[0] & 0x80)  # an OpenPGP packet header
    return decoded[0] == 0x30  # a DER SEQUENCE: PKCS#1, PKCS#8, SEC1, DSA


def validate_private_key(value: str) -> Verdict:
    """A PEM/OpenSSH/PGP private key block whose body really decodes to a key structure.
    Rejects documentation bodies ("...", "<your key>", "MIIE...") and truncated stubs."""
    match = _PEM_RE.search(value)
    if match is None:
        return Verdict(False, reason="no complete BEGIN/END block")
    kind, body = match.group(1).strip(), match.group(2)
    decoded = _decode_pem_body(kind, body)
    if decoded is None or len(decoded) < 32:
        return Verdict(False, reason="body is not a base64 key")
    if not _decoded_looks_like_key(kind, decoded):
        return Verdict(False, reason="body does not decode to a key structure")
    encrypted = "ENCRYPTED" in kind or "ENCRYPTED" in body
    if kind.startswith("OPENSSH") and b"none" not in decoded[15:40]:
        encrypted = True
    return Verdict(True, reason=N_("passphrase-protected key") if encrypted else N_("private key"))


# ----------------------------------------------------------------------------- test values in test files

# Folders and file names of tests, specs, fixtures and seeds (pytest, Jest/Vitest, RSpec, JUnit,
# PHPUnit, Go, Playwright/Cypress): where developers write the passwords their tests log in with.
_TEST_PATH_RE = lazy(
    r"(?:^|/)(?:tests?|specs?|__tests__|__mocks__|e2e|cypress|playwright|fixtures?|testdata|test[_-]data|"
    r"testing|seeds?|factories|mocks?|stubs?)/"
    r"|(?:^|/)(?:test_[^/]*|[^/]*_test\.[a-z]+|[^/]*[._-](?:test|spec|e2e|integration|stories)\.[a-z]+|"
    r"[^/]*(?:Test|Tests|Spec|IT)\.(?:java|kt|php|cs|scala|groovy|swift)|[^/]*_spec\.rb|conftest\.py)$",
    re.IGNORECASE,
)
# Words that say a value was written for a test or an example.
_TEST_WORDS = (
    "test", "password", "passwd", "secret", "changeme", "example", "exemple", "sample", "demo", "dummy",
    "fake", "mock", "motdepasse", "azerty", "qwerty", "admin", "token", "foo", "bar", "local", "dev",
)  # fmt: skip
_LEET = str.maketrans("013457@$", "oieastas")
_WORD_PIECE_RE = lazy(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_VOWELS_RE = lazy(r"[aeiouy]", re.I)


def is_test_path(path: str) -> bool:
    """True for a test, spec, fixture or seed file."""
    return bool(_TEST_PATH_RE.search(path.replace("\\", "/")))


def _deleet(value: str) -> str:
    """`c0rrecThorse` -> `correcThorse`: digits standing for letters, only between letters."""
    chars = list(value)
    for i in range(1, len(chars) - 1):
        if chars[i - 1].isalpha() and chars[i + 1].isalpha():
            chars[i] = chars[i].translate(_LEET)
    return "".join(chars)


def _made_of_words(value: str) -> bool:
    """Word-like pieces and a few digits or signs (`Trackdechets1#`, `MonNouveau2026!`,
    `1mot2passeSecurise!`): typed by a person. Random strings break into short or vowel-less
    pieces (`Y67xc6D7XBibZ6r` -> Y, xc, D, X, Bib...)."""
    text = _deleet(value)
    pieces = _WORD_PIECE_RE.findall(text)
    letters = sum(len(p) for p in pieces)
    digits = sum(c.isdigit() for c in text)
    if letters < 4 or letters * 2 < len(text) or digits > 6:
        return False
    short = [p for p in pieces if len(p) < 3]
    if len(short) > 1 or len(short) == len(pieces):
        return False
    # a quarter of vowels at least, as in words (`Trackdechets`); `sdfadf`, `ZGER` have fewer
    return all(len(_VOWELS_RE.findall(p)) * 4 >= len(p) for p in pieces if len(p) >= 3)


def value_written_for_tests(value: str) -> str | None:
    """Why a literal found in a test file is a test value (a word, `test`, digits), or None."""
    low = strip_quotes(value).lower()
    if any(word in low for word in _TEST_WORDS):
        return N_("test value in a test file")
    if _made_of_words(strip_quotes(value)):
        return N_("words and digits in a test file")
    return None
