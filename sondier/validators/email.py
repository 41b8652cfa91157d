"""E-mail addresses: reserved documentation domains are test data; code-ish look-alikes are not
addresses (git remotes, @2x image names, package scopes, Message-IDs)."""

from __future__ import annotations

from sondier.validators import INVALID, VALID, Verdict

# RFC 2606 and RFC 6761 reserved names (and RFC 6762 `.local`).
_RESERVED_TLDS = {"test", "example", "invalid", "localhost", "local"}
_RESERVED_DOMAINS = {"example.com", "example.net", "example.org"}
# Domains that appear in code as technical identities, not people.
# openssh.com names SSH algorithms and extensions (`sk-ssh-ed25519@openssh.com`, RFC 4251 §6).
_TECHNICAL_DOMAINS = {"github.com", "gitlab.com", "bitbucket.org", "users.noreply.github.com", "sentry.io",
                      "openssh.com"}
_TECHNICAL_USERS = {"git", "noreply", "no-reply", "donotreply", "do-not-reply", "root", "postmaster", "mailer-daemon"}
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


def validate(value: str) -> Verdict:
    local, _, domain = value.rpartition("@")
    domain = domain.lower()
    labels = domain.split(".")
    if not local or len(labels) < 2 or labels[-1] in _FILE_EXTENSIONS:
        return INVALID
    if local.lower() in _TECHNICAL_USERS or domain in _TECHNICAL_DOMAINS:
        return INVALID
    if local.replace(".", "").replace("-", "").isdigit():
        return INVALID  # Message-ID (`15090.61304.110929@host`), not a mailbox
    if _is_reserved(domain, labels):
        return Verdict(True, test_data=True, reason="reserved documentation domain")
    if _is_placeholder(local, domain):
        return Verdict(True, test_data=True, reason="placeholder address")
    return VALID
