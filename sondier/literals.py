"""What counts as a literal value in each file syntax, for rules that report values, not code.

A secret is a value someone typed: a quoted string in code, a `.env` value, a YAML or JSON
scalar. `token: userReset?.token`, `password = params[:password]`, `userpwd: @api_key` or
`secret: SESSION_SECRET!` are expressions: they name where a secret comes from, they hold none.

Rules marked `literal: true` (the generic password/token families) keep a candidate only when
its value is, for the syntax of its file:

- code (Python, JS/TS, Ruby, PHP, Java, Go, Terraform, JSON...): the whole content of a quoted
  string, opening and closing quote on both sides of the value. An unquoted value is an
  expression or a reference; a value cut short before its closing quote was part of a longer
  string (interpolation, prose, concatenated template);
- configuration (.env, YAML, properties, ini, conf): a quoted string, or an unquoted scalar that
  ends its line (a comment, a flow separator or a line continuation may follow), without a
  sigil (`@name`, `*alias`, `!tag`) and not an expression (`a?.b`, `Field::String`);
- shell: as configuration; backquotes are commands, not strings;
- unknown syntax (Markdown, text, no extension): as configuration, so examples in docs count.
"""

from __future__ import annotations

import re
from enum import Enum

QUOTES = "\"'`"


class Syntax(Enum):
    CODE = "code"
    CONFIG = "config"
    SHELL = "shell"
    UNKNOWN = "unknown"


def _suffixes(names: str) -> frozenset[str]:
    return frozenset("." + name for name in names.split())


_CODE_SUFFIXES = _suffixes(
    "py pyi pyw js jsx mjs cjs ts tsx mts cts vue svelte rb rake ru erb slim haml jbuilder php phtml twig "
    "java kt kts scala groovy gradle go rs cs swift c h cc cpp hpp m ex exs dart lua pl pm r jl graphql gql "
    "tf hcl json jsonc json5 toml sql ps1"
)
_CONFIG_SUFFIXES = _suffixes(
    "env yaml yml properties ini cfg conf cnf config npmrc yarnrc pypirc netrc xml plist bat cmd"
)
_SHELL_SUFFIXES = _suffixes("sh bash zsh ksh envrc mk")
_CODE_NAMES = frozenset({"gemfile", "rakefile", "podfile", "vagrantfile", "jenkinsfile", "fastfile", "brewfile"})
_SHELL_NAMES = frozenset({"dockerfile", "containerfile", "makefile", "gnumakefile", ".envrc", ".profile", ".bashrc"})
# Backquotes run a command in these syntaxes (shell, Ruby, PHP, Perl), they are no string.
_COMMAND_BACKQUOTE = frozenset({".rb", ".rake", ".ru", ".erb", ".php", ".pl", ".pm"})


def _name_and_suffix(path: str) -> tuple[str, str]:
    name = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    dot = name.rfind(".")
    return name, (name[dot:] if dot > 0 else "")


def syntax_of(path: str) -> Syntax:
    """The syntax family of a file, from its name (`.env.local` and `app.env` are .env files)."""
    name, suffix = _name_and_suffix(path)
    if name == ".env" or name.startswith(".env.") or suffix == ".env" or name.endswith(".env.example"):
        return Syntax.CONFIG
    if name in _SHELL_NAMES or name.startswith("dockerfile") or suffix in _SHELL_SUFFIXES:
        return Syntax.SHELL
    if name in _CODE_NAMES or suffix in _CODE_SUFFIXES:
        return Syntax.CODE
    if suffix in _CONFIG_SUFFIXES:
        return Syntax.CONFIG
    return Syntax.UNKNOWN


# What may follow an unquoted scalar on its line: nothing, a comment, a flow or statement
# separator (`,` `}` `]` `;`), a line continuation, a shell operator.
_SCALAR_END_RE = re.compile(r"[ \t]*(?:$|\r|\n|#|//|;|,|\}|\]|\\|&&|\|\||\|[ \t]|>)")
# Sigils of references: Ruby/Perl/PHP variables, YAML aliases, anchors and tags, Windows env.
_SIGILS = "@$*&!%"
# Expressions in unquoted values: safe navigation, non-null assertion, scope resolution, calls.
_EXPRESSION_RE = re.compile(r"\?\.|!\.|::|\(\)")
# Assignment operators that only code uses (Ruby/PHP hashes, Go): the value after them is code.
_CODE_OPERATORS = ("=>", ":=", "::=")


def _operator_before(text: str, start: int, line_start: int) -> str:
    """The assignment operator between the key and the value (`=`, `:`, `=>`, `:=`...)."""
    head = text[line_start:start].rstrip(QUOTES + " \t\\")
    for operator in ("::=", "=>", ":=", "?=", "=", ":"):
        if head.endswith(operator):
            return operator
    return ""


# The rest of a quoted password the value's pattern stops at (`'Kikoo4test;123'`): signs, no
# space (prose) and no interpolation (`${x}`, `{x}`, `$x`, `#{x}`).
_STRING_TAIL_RE = re.compile(r"[^\s${}\\\"'`]{1,80}")


def _quoted_reason(text: str, start: int, end: int, quote: str, syntax: Syntax, suffix: str) -> str | None:
    escaped = start >= 2 and text[start - 2] == "\\"
    closing = ("\\" if escaped else "") + quote
    if text[end : end + len(closing)] != closing:
        tail = _STRING_TAIL_RE.match(text, end)
        if tail is None or text[tail.end() : tail.end() + len(closing)] != closing:
            return "part of a longer string (interpolation, template or text)"
    if quote == "`" and (syntax is Syntax.SHELL or suffix in _COMMAND_BACKQUOTE):
        return "a command substitution"
    return None


def _unquoted_reason(text: str, start: int, end: int, value: str, syntax: Syntax, operator: str) -> str | None:
    if syntax is Syntax.CODE:
        return "an expression or a reference (unquoted in code)"
    if operator in _CODE_OPERATORS:
        return "an expression (code assignment)"
    if value[0] in _SIGILS:
        return "a variable, alias or tag reference"
    if _EXPRESSION_RE.search(value):
        return "an expression"
    if syntax is not Syntax.SHELL and not _SCALAR_END_RE.match(text, end):
        return "followed by more code or text on its line"
    return None


def not_literal_reason(text: str, start: int, end: int, path: str) -> str | None:
    """Why the value at text[start:end] is not a literal of its file's syntax, or None."""
    syntax = syntax_of(path)
    _, suffix = _name_and_suffix(path)
    value = text[start:end]
    before = text[start - 1] if start > 0 else ""
    if before in QUOTES and before:
        return _quoted_reason(text, start, end, before, syntax, suffix)
    line_start = text.rfind("\n", 0, start) + 1
    return _unquoted_reason(text, start, end, value, syntax, _operator_before(text, start, line_start))
