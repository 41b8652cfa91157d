"""E-mail addresses: reserved documentation domains are test data; code-ish look-alikes are not
addresses (git remotes, @2x image names, package scopes)."""

from __future__ import annotations

from sondier.validators import INVALID, VALID, Verdict

# RFC 2606 and RFC 6761 reserved names.
_RESERVED_TLDS = {"test", "example", "invalid", "localhost", "local"}
_RESERVED_DOMAINS = {"example.com", "example.net", "example.org"}
# Domains that appear in code as technical identities, not people.
_TECHNICAL_DOMAINS = {"github.com", "gitlab.com", "bitbucket.org", "users.noreply.github.com", "sentry.io"}
_TECHNICAL_USERS = {"git", "noreply", "no-reply", "donotreply", "do-not-reply", "root", "postmaster", "mailer-daemon"}
_FILE_EXTENSIONS = {"png", "jpg", "jpeg", "gif", "svg", "webp", "js", "ts", "css", "py", "map", "json", "min"}


def validate(value: str) -> Verdict:
    local, _, domain = value.rpartition("@")
    domain = domain.lower()
    labels = domain.split(".")
    if not local or len(labels) < 2 or labels[-1] in _FILE_EXTENSIONS:
        return INVALID
    if local.lower() in _TECHNICAL_USERS or domain in _TECHNICAL_DOMAINS:
        return INVALID
    if labels[-1] in _RESERVED_TLDS or domain in _RESERVED_DOMAINS or any(
        domain.endswith("." + d) for d in _RESERVED_DOMAINS
    ):
        return Verdict(True, test_data=True, reason="reserved documentation domain")
    return VALID
