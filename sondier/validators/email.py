"""E-mail addresses: reserved documentation domains are test data; code-ish look-alikes are not
addresses (git remotes, @2x image names, package scopes, Message-IDs)."""

from __future__ import annotations

import re
from itertools import pairwise

from sondier.i18n import N_
from sondier.validators import INVALID, VALID, Verdict

# RFC 2606 and RFC 6761 reserved names (and RFC 6762 `.local`).
_RESERVED_TLDS = {"test", "example", "invalid", "localhost", "local"}
_RESERVED_DOMAINS = {"example.com", "example.net", "example.org"}
# Domains that appear in code as technical identities, not people.
# openssh.com names SSH algorithms and extensions (`sk-ssh-ed25519@openssh.com`, RFC 4251 §6).
_TECHNICAL_DOMAINS = {"github.com", "gitlab.com", "bitbucket.org", "users.noreply.github.com", "sentry.io",
                      "openssh.com"}
_TECHNICAL_USERS = {"git", "noreply", "no-reply", "donotreply", "do-not-reply", "root", "postmaster", "mailer-daemon",
                   "ssh"}
_FILE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "svg", "webp", "js", "ts", "css", "py", "map", "json", "min"}
# Placeholders seen in documentation and tests; the address is not a person's.
_PLACEHOLDER_DOMAINS = {
    "foo.com", "bar.com", "baz.com", "foobar.com", "foo.bar", "domain.com", "domain.tld", "dom.ain",
    "yourdomain.com", "mydomain.com", "your-domain.com", "company.com", "acme.com", "xyz.com",
    "email.tld", "mail.tld", "exemple.com", "exemple.fr", "exemple.org", "domaine.fr", "domaine.com",
}  # fmt: skip
_PLACEHOLDER_USERS = {
    "foo", "bar", "baz", "foobar", "test", "user", "username", "someone", "somebody", "nobody",
    "john.doe", "jane.doe", "johndoe", "janedoe", "jdoe", "firstname.lastname", "prenom.nom",
    "name", "email", "votre.email", "your.email", "youremail", "you", "me", "moi",
}  # fmt: skip


def _is_reserved(domain: str, labels: list[str]) -> bool:
    return (
        labels[-1] in _RESERVED_TLDS
        or domain in _RESERVED_DOMAINS
        or any(domain.endswith("." + d) for d in _RESERVED_DOMAINS)
    )


def _is_placeholder(local: str, domain: str) -> bool:
    local = local.lower()
    return domain in _PLACEHOLDER_DOMAINS or local in _PLACEHOLDER_USERS or set(local) <= {"x", "."}


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TIMESTAMP_PREFIX = re.compile(r"(?:19|20)\d{6,12}[.\-]")
_HEX_TOKEN = re.compile(r"[0-9a-f]{8,}")


def _switches(token: str) -> int:
    """How often a token alternates between letters and digits (`4b66b890`: 4)."""
    return sum(1 for a, b in pairwise(token) if a.isdigit() != b.isdigit())


def is_machine_id(local: str) -> bool:
    """The left side of a Message-ID or Content-ID, made by software, not a mailbox name:
    a UUID, a timestamp prefix (`200104061723.JAB03225`), a hex id (`4B66B890.4070408`,
    `ba4acef3`) or a long mix of letters and digits (`0GK500B01D0B8Y`). People's names with a
    year (`face2015`, `jeanne.martin1984`) switch between letters and digits once or twice."""
    lowered = local.lower()
    if _UUID.search(lowered) or _TIMESTAMP_PREFIX.match(lowered):
        return True
    for token in re.split(r"[._+-]", lowered):
        digits = sum(ch.isdigit() for ch in token)
        if _HEX_TOKEN.fullmatch(token) and digits >= 2 and _switches(token) >= 3:
            return True
        if len(token) >= 12 and token.isalnum() and digits >= 4 and _switches(token) >= 4:
            return True
    return False


def validate(value: str) -> Verdict:
    local, _, domain = value.rpartition("@")
    domain = domain.lower()
    labels = domain.split(".")
    if not local or len(labels) < 2 or labels[-1] in _FILE_EXTENSIONS:
        return INVALID
    if local.lower() in _TECHNICAL_USERS or domain in _TECHNICAL_DOMAINS:
        return INVALID
    if local.replace(".", "").replace("-", "").isdigit() or is_machine_id(local):
        return INVALID  # Message-ID (`15090.61304.110929@host`), not a mailbox
    if _is_reserved(domain, labels):
        return Verdict(True, test_data=True, reason=N_("reserved documentation domain"))
    if _is_placeholder(local, domain):
        return Verdict(True, test_data=True, reason=N_("placeholder address"))
    return VALID
