"""The Jinja2 environment of the human reports: templates are package data (sondier/templates),
autoescaped, with the i18n extension fed by the chained gettext catalogs of sondier.i18n."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jinja2 import Environment


@lru_cache(maxsize=4)
def environment(language: str) -> Environment:
    from jinja2 import Environment, PackageLoader, select_autoescape

    from sondier.i18n import translations

    env = Environment(loader=PackageLoader("sondier", "templates"), autoescape=select_autoescape(["j2"]),
                      extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.install_gettext_translations(translations(language), newstyle=True)  # type: ignore[attr-defined]
    return env
