"""Sondier: finds personal data and secrets before they land in git."""

# The one place the version lives: pyproject.toml reads it, `sondier --version` prints it, and the
# GitHub action, GitLab template and component install the release they are tagged with.
__version__ = "0.2.0"
