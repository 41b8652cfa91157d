"""Configuration: defaults < .sondier.yml or [tool.sondier] in pyproject.toml < command line.

Unknown keys and wrong types are errors that name the file and the key (exit 2)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from sondier.errors import ConfigError
from sondier.i18n import _

CONFIG_FILES = (".sondier.yml", ".sondier.yaml")
DEFAULT_MAX_FILE_SIZE = 100 * 1024 * 1024


@dataclass(frozen=True)
class Allowlist:
    """Findings matching these are suppressed (counted in the summary, listed on request)."""

    paths: tuple[str, ...] = ()  # glob patterns on the finding's path
    values: tuple[str, ...] = ()  # regexes matched (search) against the raw value
    test_data: tuple[str, ...] = ()  # exact known test values, compared without separators or case
    rules: Mapping[str, Allowlist] = field(default_factory=dict)  # per rule id


@dataclass(frozen=True)
class VerdictSettings:
    """Additions to the verdict lists (sondier/verdicts/*.yaml) and the business switch."""

    public_domains: tuple[str, ...] = ()
    role_local_parts: tuple[str, ...] = ()
    disposable_domains: tuple[str, ...] = ()
    contributor_files: tuple[str, ...] = ()
    test_words: tuple[str, ...] = ()
    business_as_personal: bool = False  # SIREN/SIRET/TVA fail the scan like a person's data


@dataclass(frozen=True)
class Config:
    root: Path = Path(".")
    config_file: Path | None = None
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    extra_rules: tuple[Path, ...] = ()
    exclude: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    min_confidence: float | None = None
    jobs: int = 0  # 0 = all cores
    follow_symlinks: bool = False
    inline_ignore: bool = True
    baseline: Path | None = None
    ignore_file: Path | None = None
    allowlist: Allowlist = field(default_factory=Allowlist)
    verdicts: VerdictSettings = field(default_factory=VerdictSettings)
    show_values: bool = False
    ignore_errors: bool = False
    regex_timeout: float = 5.0
    decode: bool = True  # scan inside base64 / percent-encoded strings
    fingerprints: bool = True  # compute fingerprints in the workers (reports and baselines need them)
    export_threshold: int = 10  # records of one rule in one file that make an export finding; 0: never
    group_repeats: bool = True  # one finding per value, with its locations (repeats.py)

    def with_overrides(self, **changes: Any) -> Config:
        known = {f.name for f in fields(self)}
        clean = {k: v for k, v in changes.items() if k in known and v is not None}
        return replace(self, **clean)

    @property
    def effective_jobs(self) -> int:
        return self.jobs if self.jobs > 0 else (os.cpu_count() or 1)


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?i?b?)?\s*$", re.IGNORECASE)
_UNITS = {"": 1, "b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def parse_size(value: Any, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    match = _SIZE.match(str(value)) if isinstance(value, str) else None
    if not match:
        raise ConfigError(_("{where}: expected a size such as 10MB or 1048576, got {value!r}").format(
            where=where, value=value))
    unit = (match.group(2) or "").lower()[:1]
    size = float(match.group(1)) * _UNITS[unit]
    if not 0 < size < 2**63:  # "9" * 400 parses as inf: refuse it rather than crash
        raise ConfigError(_("{where}: size out of range: {value!r}").format(where=where, value=value))
    return int(size)


def _expect(value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    if isinstance(value, bool) and kind in (int, float, (int, float)):
        raise ConfigError(_("{where}: expected a number, got {value!r}").format(where=where, value=value))
    if not isinstance(value, kind):
        name = kind.__name__ if isinstance(kind, type) else _("{types} or {last}").format(
            types=", ".join(k.__name__ for k in kind[:-1]), last=kind[-1].__name__)
        raise ConfigError(_("{where}: expected {name}, got {kind}").format(
            where=where, name=name, kind=type(value).__name__))
    return value


def _strings(value: Any, where: str) -> tuple[str, ...]:
    _expect(value, list, where)
    for item in value:
        _expect(item, str, where)
    return tuple(value)


def _check_keys(data: Mapping[str, Any], allowed: set[str], where: str) -> None:
    for key in data:
        if key not in allowed:
            raise ConfigError(_("{where}: unknown key '{key}' (expected one of {allowed})").format(
                where=where, key=key, allowed=sorted(allowed)))


def _regexes(values: tuple[str, ...], where: str) -> tuple[str, ...]:
    import regex

    for pattern in values:
        try:
            regex.compile(pattern)
        except (regex.error, ValueError, OverflowError, RecursionError) as exc:
            raise ConfigError(_("{where}: invalid regular expression {pattern!r}: {exc}").format(
                where=where, pattern=pattern, exc=exc)) from None
    return values


def _allowlist(data: Any, where: str, nested: bool = True) -> Allowlist:
    _expect(data, dict, where)
    leaf = {"paths", "values", "test-data"}
    _check_keys(data, leaf | {"rules"} if nested else leaf, where)
    per_rule: dict[str, Allowlist] = {}
    for rule_id, sub in _expect(data.get("rules", {}), dict, f"{where}.rules").items():
        per_rule[str(rule_id)] = _allowlist(sub, f"{where}.rules.{rule_id}", nested=False)
    return Allowlist(
        paths=_strings(data.get("paths", []), f"{where}.paths"),
        values=_regexes(_strings(data.get("values", []), f"{where}.values"), f"{where}.values"),
        test_data=_strings(data.get("test-data", []), f"{where}.test-data"),
        rules=per_rule,
    )


_VERDICT_LISTS = ("public-domains", "role-local-parts", "disposable-domains", "contributor-files", "test-words")


def _verdict_settings(data: Any, where: str) -> VerdictSettings:
    """`verdicts:` keys are written with dashes like the rest of the file; underscores are
    accepted too (`public_domains`)."""
    _expect(data, dict, where)
    normalized = {str(key).replace("_", "-"): value for key, value in data.items()}
    _check_keys(normalized, set(_VERDICT_LISTS) | {"business-as-personal"}, where)
    values: dict[str, Any] = {}
    for key in _VERDICT_LISTS:
        if key in normalized:
            items = _strings(normalized[key], f"{where}.{key}")
            if any(not item.strip() for item in items):
                raise ConfigError(_("{where}: empty entries are not allowed").format(where=f"{where}.{key}"))
            values[key.replace("-", "_")] = items
    if "business-as-personal" in normalized:
        values["business_as_personal"] = _expect(normalized["business-as-personal"], bool,
                                                 f"{where}.business-as-personal")
    return VerdictSettings(**values)


_TOP = {"rules", "exclude", "max-file-size", "min-confidence", "jobs", "follow-symlinks", "inline-ignore",
        "baseline", "ignore-file", "allowlist", "regex-timeout", "decode", "verdicts",
        "exports", "group-repeats"}


def from_mapping(data: Any, source: Path, root: Path) -> Config:
    where = str(source)
    if data is None:
        data = {}
    _expect(data, dict, where)
    _check_keys(data, _TOP, where)
    values: dict[str, Any] = {"root": root, "config_file": source}
    rules = _expect(data.get("rules", {}), dict, f"{where}: rules")
    _check_keys(rules, {"enable", "disable", "extra"}, f"{where}: rules")
    values["enable"] = _strings(rules.get("enable", []), f"{where}: rules.enable")
    values["disable"] = _strings(rules.get("disable", []), f"{where}: rules.disable")
    values["extra_rules"] = tuple(root / p for p in _strings(rules.get("extra", []), f"{where}: rules.extra"))
    values["exclude"] = _strings(data.get("exclude", []), f"{where}: exclude")
    if "max-file-size" in data:
        values["max_file_size"] = parse_size(data["max-file-size"], f"{where}: max-file-size")
    if "min-confidence" in data:
        value = float(_expect(data["min-confidence"], (int, float), f"{where}: min-confidence"))
        if not 0 <= value <= 1:
            raise ConfigError(_("{where}: min-confidence: must be between 0 and 1").format(where=where))
        values["min_confidence"] = value
    if "jobs" in data:
        values["jobs"] = _expect(data["jobs"], int, f"{where}: jobs")
        if not 0 <= values["jobs"] <= 1024:  # a committed config must not fork-bomb the CI runner
            raise ConfigError(_("{where}: jobs: must be between 0 (all cores) and 1024").format(where=where))
    if "regex-timeout" in data:
        values["regex_timeout"] = float(_expect(data["regex-timeout"], (int, float), f"{where}: regex-timeout"))
        # 0, negative, nan or inf would disable the limit: a catastrophic user regex would hang.
        if not 0 < values["regex_timeout"] <= 3600:
            raise ConfigError(_("{where}: regex-timeout: must be a number of seconds in (0, 3600]").format(where=where))
    for key, attr in (("follow-symlinks", "follow_symlinks"), ("inline-ignore", "inline_ignore"), ("decode", "decode"),
                      ("group-repeats", "group_repeats")):
        if key in data:
            values[attr] = _expect(data[key], bool, f"{where}: {key}")
    for key, attr in (("baseline", "baseline"), ("ignore-file", "ignore_file")):
        if key in data:
            values[attr] = root / _expect(data[key], str, f"{where}: {key}")
    if "allowlist" in data:
        values["allowlist"] = _allowlist(data["allowlist"], f"{where}: allowlist")
    if "verdicts" in data:
        values["verdicts"] = _verdict_settings(data["verdicts"], f"{where}: verdicts")
    if "exports" in data:
        values["export_threshold"] = _export_threshold(data["exports"], f"{where}: exports")
    return Config(**values)


def _export_threshold(data: Any, where: str) -> int:
    """`exports: {threshold: N}`: N records of one rule in one file are reported as one export
    finding; 0 reports every value on its own. 1 would turn any single value into an export."""
    _expect(data, dict, where)
    _check_keys(data, {"threshold"}, where)
    if "threshold" not in data:
        return Config.export_threshold
    threshold = _expect(data["threshold"], int, f"{where}.threshold")
    if threshold != 0 and not 2 <= threshold <= 10**9:
        raise ConfigError(_("{where}: must be 0 (never aggregate) or a number of records from 2 to 10^9").format(
            where=f"{where}.threshold"))
    return int(threshold)


def _read_yaml(path: Path) -> Any:
    import yaml

    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(_("{path}: cannot read configuration: {exc}").format(path=path, exc=exc.strerror)) from None
    except UnicodeDecodeError:
        raise ConfigError(_("{path}: configuration is not UTF-8 text").format(path=path)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(_("{path}: invalid YAML: {exc}").format(path=path, exc=exc)) from None
    except (ValueError, RecursionError) as exc:  # yaml's constructors: `2001-13-45`, deep nesting
        raise ConfigError(_("{path}: invalid YAML value: {kind}: {exc}").format(
            path=path, kind=type(exc).__name__, exc=exc)) from None


def _read_pyproject(path: Path) -> Any:
    try:
        import tomllib  # type: ignore[import-not-found]
    except ImportError:  # Python 3.10
        import tomli as tomllib  # type: ignore[no-redef]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(_("{path}: cannot read: {exc}").format(path=path, exc=exc.strerror)) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(_("{path}: invalid TOML: {exc}").format(path=path, exc=exc)) from None
    tool = data.get("tool", {})
    if not isinstance(tool, dict):
        raise ConfigError(_("{path}: [tool] must be a table, got {kind}").format(path=path, kind=type(tool).__name__))
    return tool.get("sondier")


def find_config(root: Path) -> Path | None:
    for name in CONFIG_FILES:
        if (root / name).is_file():
            return root / name
    return None


def load(root: Path, explicit: Path | None = None) -> Config:
    """Read the configuration for a scan rooted at ``root``."""
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(_("{explicit}: configuration file not found").format(explicit=explicit))
        data = _read_pyproject(explicit) if explicit.name == "pyproject.toml" else _read_yaml(explicit)
        return from_mapping(data, explicit, root)
    found = find_config(root)
    if found is not None:
        return from_mapping(_read_yaml(found), found, root)
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        data = _read_pyproject(pyproject)
        if data is not None:
            return from_mapping(data, pyproject, root)
    return Config(root=root)
