"""Validators confirm a regex candidate (checksum, numbering plan, structure).

Each validator is a function ``(value: str) -> Verdict`` living in a module of this package.
They are registered by name here and imported lazily, so a scan only pays for the validators
its rules use (start-up time matters for the pre-commit hook).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    """What a validator concluded about a candidate value.

    ok:        the value is structurally a real identifier/secret (checksum passes, ...).
    test_data: the value is valid but a known example, placeholder or synthetic signal
               (ARCEP fiction range, French IBAN with a wrong RIB key, Stripe test card, ...).
    weak:      the value is acceptable only when a context word is present
               (13-character NIR without key, bare 9-digit SIREN, ...).
    reason:    short human explanation, never containing the value itself.
    """

    ok: bool
    test_data: bool = False
    weak: bool = False
    reason: str = ""


VALID = Verdict(True)
INVALID = Verdict(False)

Validator = Callable[[str], Verdict]

# name -> "module:function" inside sondier.validators
REGISTRY: dict[str, str] = {}

_loaded: dict[str, Validator] = {}


def register(name: str, target: str) -> None:
    REGISTRY[name] = target


def get(name: str) -> Validator:
    """Return the validator called ``name``; raise KeyError if it does not exist."""
    if name in _loaded:
        return _loaded[name]
    target = REGISTRY[name]
    module_name, _, func_name = target.partition(":")
    module = importlib.import_module(f"sondier.validators.{module_name}")
    func: Validator = getattr(module, func_name)
    _loaded[name] = func
    return func


def known() -> list[str]:
    return sorted(REGISTRY)


def _register_builtins() -> None:
    # Registered here (not by import side effects) so that listing needs no import.
    for name, target in {
        # personal data
        "fr-nir": "nir:validate",
        "iban": "iban:validate",
        "fr-phone": "phone:validate",
        "email": "email:validate",
        "fr-siren": "business:validate_siren",
        "fr-siret": "business:validate_siret",
        "fr-tva": "business:validate_tva",
        "fr-nif": "business:validate_nif",
        "payment-card": "card:validate",
        "mrz": "documents:validate_mrz",
        "fr-cni": "identity:validate_cni",
        "fr-cnie": "identity:validate_cnie",
        "fr-driving-licence": "identity:validate_driving_licence",
        "fr-vehicle-plate": "identity:validate_plate",
        "birth-date": "identity:validate_birth_date",
        "fr-rpps": "health:validate_rpps",
        "fr-idnps": "health:validate_idnps",
        "fr-adeli": "health:validate_adeli",
        "fr-finess": "health:validate_finess",
        "fr-ins": "health:validate_ins",
        # secrets
        "jwt": "secrets:validate_jwt",
        "private-key": "secrets:validate_private_key",
        "url-credentials": "secrets:validate_url_credentials",
        "generic-secret": "secrets:validate_generic_secret",
        "generic-password": "secrets:validate_generic_password",
        "jwt-base64": "secrets:validate_jwt_base64",
        "basic-auth": "secrets:validate_basic_auth",
        "user-password": "secrets:validate_user_password",
    }.items():
        register(name, target)


_register_builtins()
