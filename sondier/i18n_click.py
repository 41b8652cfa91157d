"""The command line in the user's language: click help pages and click's own messages.

Click reads help strings when it renders a page, and its own texts ("Usage:", "Error: ...") go
through `gettext.gettext` aliases in its modules. The language is resolved from the raw
arguments and the environment before click parses anything (`install_language`), since a help
page can be printed before any option callback runs; `--lang` on the group or on `scan`/`ci`
then settles it. Help texts are marked with `N_()` where they are defined (English, the catalog
msgids) and translated in place on the command tree, keeping the English so that a second
language change in the same process starts from the source again."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import click

from sondier import i18n
from sondier.i18n import N_

F = TypeVar("F", bound=Callable[..., Any])

_ENGLISH = "_sondier_english_help"
_META_KEY = "sondier.language"
# click's modules that build user-facing texts with `from gettext import gettext as _`.
_installed = {"from_argv": False}  # set by install_language: the raw arguments were already read
_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types", "termui", "utils")

# click's own texts that sondier users meet; listed here so that extraction puts them in the catalog.
CLICK_TEXTS = (
    N_("Usage:"), N_("Options"), N_("Commands"), N_("Show this message and exit."), N_("Show the version and exit."),
    N_("Error: {message}"), N_("Try '{command} {option}' for help."), N_("Missing argument"), N_("Missing option"),
    N_("No such option {name!r}."), N_("No such command {name!r}."), N_("Invalid value for {param_hint}: {message}"),
    N_("Invalid value: {message}"), N_("Missing command."), N_("Aborted!"), N_("default: {default}"),
    N_("%(prog)s, version %(version)s"), N_("env var: {var}"),
)


def _translate(message: str) -> str:
    return i18n._(message)


def _ngettext(singular: str, plural: str, count: int) -> str:
    return i18n.ngettext(singular, plural, count)


def _route_click_texts() -> None:
    import importlib

    for name in _CLICK_MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _translate  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext  # type: ignore[attr-defined]


def _walk(command: click.Command) -> list[click.Command]:
    found = [command]
    if isinstance(command, click.Group):
        for child in command.commands.values():
            found.extend(_walk(child))
    return found


def _translated(holder: Any, attribute: str) -> None:
    english: dict[str, str | None] = holder.__dict__.setdefault(_ENGLISH, {})
    original = english.setdefault(attribute, getattr(holder, attribute, None))
    if original:
        setattr(holder, attribute, i18n._(original))


def translate_help(root: click.Command) -> None:
    """Every help string of the command tree in the active language."""
    for command in _walk(root):
        _translated(command, "help")
        _translated(command, "short_help")
        for param in command.params:
            if isinstance(param, click.Option):
                _translated(param, "help")


def install_language(root: click.Command, argv: list[str], env: Mapping[str, str]) -> str:
    """Resolve the language from the raw arguments and the environment, before click parses them."""
    explicit = i18n.language_from_argv(argv)
    i18n.choose_explicitly(explicit or "")
    language = i18n.resolve_language(explicit if explicit in i18n.LANGUAGES else None, env)
    i18n.activate(language)
    _installed["from_argv"] = True
    _route_click_texts()
    translate_help(root)
    return language


def _choose_language(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None and (_META_KEY in ctx.meta or _installed["from_argv"]):
        return None  # `sondier --lang fr scan`, or `scan --help --lang fr`: the choice already made stands
    if value is not None:
        i18n.choose_explicitly(value)
    language = i18n.resolve_language(value)
    ctx.meta[_META_KEY] = language
    i18n.activate(language)
    _route_click_texts()
    translate_help(ctx.find_root().command)
    return value


def lang_option(func: F) -> F:
    return click.option(
        "--lang", type=click.Choice(list(i18n.LANGUAGES)), is_eager=True, expose_value=False,
        callback=_choose_language,
        help=N_("Language of messages and reports (default: SONDIER_LANG, else the locale, else en); "
                "machine formats (JSON, SARIF, GitLab) stay the same."))(func)


def lang_value_option(help_text: str) -> Callable[[F], F]:
    """`--lang` for a command that also reads the choice (`lang`, None when not given): the fleet
    dashboard, French unless told otherwise. ``help_text`` is marked with `N_()` by the caller."""
    return click.option("--lang", type=click.Choice(list(i18n.LANGUAGES)), is_eager=True, default=None,
                        callback=_choose_language, help=help_text)
