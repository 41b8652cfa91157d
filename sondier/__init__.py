"""Sondier: finds personal data and secrets before they land in git."""

__version__ = "0.1.0"
