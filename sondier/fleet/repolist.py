"""The list of repositories to scan: a text file (one path or clone URL a line, an optional
organisation after whitespace, `#` comments) or a YAML file (a list of mappings with `repo`, `path`
or `url`, and optional `organisation`, `ministry`, `name`)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from sondier.errors import ConfigError
from sondier.i18n import _

# scp-like git addresses: git@github.com:owner/name.git
_SCP_LIKE = re.compile(r"^[\w.-]+@[\w.-]+:(?!//)")
_YAML_KEYS = {"repo", "path", "url", "organisation", "organization", "ministry", "name"}


@dataclass(frozen=True)
class RepoSpec:
    """One repository of the list. `source` is a local path (absolute) or a clone URL."""

    source: str
    organisation: str | None = None
    ministry: str | None = None
    name: str = ""

    @property
    def is_url(self) -> bool:
        return is_url(self.source)

    @property
    def id(self) -> str:
        """Stable and unique: the name for humans, a short hash of the source for uniqueness."""
        digest = hashlib.sha256(self.source.encode("utf-8")).hexdigest()[:10]
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", self.name).strip("-.") or "repo"
        return f"{slug[:60]}-{digest}"

    @property
    def display_source(self) -> str:
        """The source without any user or token embedded in a URL: result files are shared."""
        return strip_credentials(self.source) if self.is_url else self.source

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "source": self.display_source,
                "organisation": self.organisation, "ministry": self.ministry}


def is_url(source: str) -> bool:
    return "://" in source or bool(_SCP_LIKE.match(source))


def strip_credentials(url: str) -> str:
    if "://" not in url:
        return url
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def _url_path(source: str) -> str:
    if "://" in source:
        return urlsplit(source).path
    return source.split(":", 1)[1]


def default_name(source: str) -> str:
    tail = _url_path(source) if is_url(source) else source
    name = tail.rstrip("/").rsplit("/", 1)[-1]
    return name[:-4] if name.endswith(".git") else name


def default_organisation(source: str) -> str | None:
    """The owner in a forge URL (github.com/<owner>/<name>); none for local paths."""
    if not is_url(source):
        return None
    parts = [p for p in _url_path(source).strip("/").split("/") if p]
    return parts[-2] if len(parts) >= 2 else None


def _spec(source: str, base: Path, organisation: str | None, ministry: str | None, name: str | None) -> RepoSpec:
    if not is_url(source):
        source = str((base / Path(source).expanduser()).resolve())
    return RepoSpec(source=source, organisation=organisation or default_organisation(source),
                    ministry=ministry or None, name=name or default_name(source))


def _parse_text(text: str, base: Path, where: str) -> list[RepoSpec]:
    specs = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        source, *label = line.split(None, 1)
        specs.append(_spec(source, base, label[0].strip() if label else None, None, None))
        if not specs[-1].source:
            raise ConfigError(_("{where}:{line}: empty repository").format(where=where, line=number))
    return specs


def _text_field(entry: dict[str, Any], key: str, where: str) -> str | None:
    value = entry.get(key)
    if value is not None and not isinstance(value, str | int):
        raise ConfigError(_("{where}: '{key}' must be text, got {kind}").format(where=where, key=key,
                                                                                 kind=type(value).__name__))
    return None if value is None else str(value)


def _parse_yaml(data: Any, base: Path, where: str) -> list[RepoSpec]:
    if isinstance(data, dict) and "repositories" in data:
        data = data["repositories"]
    if not isinstance(data, list):
        raise ConfigError(_("{where}: expected a list of repositories (mappings with repo, path or url)").format(
            where=where))
    specs = []
    for index, entry in enumerate(data, 1):
        at = _("{where}: entry {index}").format(where=where, index=index)
        if isinstance(entry, str):
            entry = {"repo": entry}
        if not isinstance(entry, dict):
            raise ConfigError(_("{where}: expected a mapping, got {kind}").format(where=at, kind=type(entry).__name__))
        unknown = set(entry) - _YAML_KEYS
        if unknown:
            raise ConfigError(_("{where}: unknown key(s) {keys} (expected one of {expected})").format(
                where=at, keys=", ".join(sorted(map(str, unknown))), expected=", ".join(sorted(_YAML_KEYS))))
        sources = [entry[k] for k in ("repo", "path", "url") if entry.get(k)]
        if len(sources) != 1 or not isinstance(sources[0], str):
            raise ConfigError(_("{where}: give exactly one of repo, path or url (text)").format(where=at))
        organisation = _text_field(entry, "organisation", at) or _text_field(entry, "organization", at)
        specs.append(_spec(sources[0], base, organisation, _text_field(entry, "ministry", at),
                           _text_field(entry, "name", at)))
    return specs


def load(path: Path) -> list[RepoSpec]:
    """Read LIST; relative paths in it are relative to LIST's folder. Duplicates are kept once."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(_("{path}: cannot read the repository list: {error}").format(
            path=path, error=exc.strerror or exc)) from None
    except UnicodeDecodeError:
        raise ConfigError(_("{path}: the repository list is not UTF-8 text").format(path=path)) from None
    base = path.resolve().parent
    if path.suffix.lower() in (".yml", ".yaml"):
        import yaml

        try:
            specs = _parse_yaml(yaml.safe_load(text), base, str(path))
        except yaml.YAMLError as exc:
            raise ConfigError(_("{path}: invalid YAML: {error}").format(path=path, error=exc)) from None
    else:
        specs = _parse_text(text, base, str(path))
    unique: dict[str, RepoSpec] = {}
    for spec in specs:
        unique.setdefault(spec.source, spec)
    if not unique:
        raise ConfigError(_("{path}: the repository list is empty").format(path=path))
    return list(unique.values())
