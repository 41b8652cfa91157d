"""Options and report plumbing shared by the commands (`scan`, `ci`, `baseline`, `ignore`):
kept apart from cli.py so that the command modules depend on it, not on each other."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from sondier.errors import EXIT_CLEAN, EXIT_FINDINGS, EXIT_SCAN_ERROR, SondierError
from sondier.i18n import N_, _

F = TypeVar("F", bound=Callable[..., Any])

FORMAT_NAMES = ["text", "json", "sarif", "gitlab", "codequality", "junit", "github", "markdown",
                "grade", "badge", "shields", "html", "dpo-json"]


def fail(error: SondierError) -> None:
    click.echo(_("sondier: error: {error}").format(error=error), err=True)
    sys.exit(error.exit_code)


def _confidence(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    if value is not None and not 0 <= value <= 1:
        raise click.BadParameter(_("must be between 0 and 1"))
    return value


def scan_options(func: F) -> F:
    """Options shared by `scan`, `baseline create/update` and `ci`."""
    options = [
        click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
                     help=N_("Configuration file (default: .sondier.yml or [tool.sondier] in pyproject.toml).")),
        click.option("--rule", "enable", multiple=True,
                     help=N_("Only run these rules (id, category, glob); repeatable.")),
        click.option("--disable-rule", "disable", multiple=True, help=N_("Do not run these rules; repeatable.")),
        click.option("--rules", "extra_rules", multiple=True, type=click.Path(path_type=Path, exists=True),
                     help=N_("Extra rule file or folder; repeatable.")),
        click.option("--exclude", multiple=True, help=N_("Path glob to skip; repeatable.")),
        click.option("--max-file-size", help=N_("Skip files larger than this (e.g. 50MB).")),
        click.option("--min-confidence", type=float, callback=_confidence,
                     help=N_("Report candidates at or above this confidence (0-1) instead of each rule's threshold.")),
        click.option("--jobs", "-j", type=click.IntRange(min=0), help=N_("Worker processes (default: all cores).")),
        click.option("--follow-symlinks", is_flag=True, default=None, help=N_("Follow symbolic links.")),
        click.option("--no-inline-ignore", "no_inline_ignore", is_flag=True,
                     help=N_("Refuse `sondier:ignore` markers (security policy).")),
        click.option("--no-group-repeats", "no_group_repeats", is_flag=True,
                     help=N_("Report a value written at several places once per place, not once with its places.")),
        click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False),
                     help=N_("Report only findings that are not in this baseline.")),
        click.option("--ignore-file", type=click.Path(path_type=Path, dir_okay=False),
                     help=N_("Ignore file (default: .sondierignore when present).")),
        click.option("--ignore-errors", is_flag=True, help=N_("Exit as if complete when some input was unreadable.")),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def build_config(root: Path, **opts: Any) -> Any:
    from sondier import config as config_module

    cfg = config_module.load(root, opts.get("config_path"))
    max_size = opts.get("max_file_size")
    ignore_file = opts.get("ignore_file")
    if ignore_file is None and cfg.ignore_file is None and (root / ".sondierignore").is_file():
        ignore_file = root / ".sondierignore"
    return cfg.with_overrides(
        enable=tuple(opts["enable"]) or None,
        disable=tuple(cfg.disable) + tuple(opts["disable"]) if opts.get("disable") else None,
        extra_rules=tuple(cfg.extra_rules) + tuple(opts["extra_rules"]) if opts.get("extra_rules") else None,
        exclude=tuple(cfg.exclude) + tuple(opts["exclude"]) if opts.get("exclude") else None,
        max_file_size=config_module.parse_size(max_size, "--max-file-size") if max_size else None,
        min_confidence=opts.get("min_confidence"),
        jobs=opts.get("jobs"),
        follow_symlinks=opts.get("follow_symlinks"),
        inline_ignore=False if opts.get("no_inline_ignore") else None,
        group_repeats=False if opts.get("no_group_repeats") else None,
        baseline=opts.get("baseline"),
        ignore_file=ignore_file,
        ignore_errors=opts.get("ignore_errors") or None,
        show_values=opts.get("show_values") or None,
    )


def report_options(func: F) -> F:
    options = [
        click.option("--format", "-f", "formats", multiple=True, type=click.Choice(FORMAT_NAMES),
                     help=N_("Report format for stdout (or --output); default text.")),
        click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
                     help=N_("Write the report to this file instead of stdout.")),
        click.option("--report", "reports", multiple=True, metavar="FORMAT=PATH",
                     help=N_("Also write a report in FORMAT to PATH; repeatable (e.g. sarif=sondier.sarif).")),
        click.option("--show-values", is_flag=True, help=N_("Print the full values found (never the default).")),
        click.option("--show-suppressed", is_flag=True, help=N_("List suppressed findings too.")),
        click.option("--show-all", is_flag=True,
                     help=N_("List the findings that do not fail (public contacts, contributors, business "
                             "identifiers, test data) too, marked with their verdict.")),
        click.option("--report-unused-ignores", is_flag=True,
                     help=N_("List ignore-file entries that matched nothing.")),
        click.option("--exit-code", type=click.IntRange(0, 255), default=EXIT_FINDINGS, show_default=True,
                     help=N_("Exit code when findings are reported.")),
        click.option("--color/--no-color", default=None, help=N_("Force or disable colours.")),
        click.option("--quiet", "-q", is_flag=True, help=N_("No progress bar, no report on stdout when clean.")),
        click.option("--report-authors", is_flag=True,
                     help=N_("Name commit authors in the DPO report (html, dpo-json); left out by default.")),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def parse_reports(formats: Sequence[str], output: Path | None, reports: Sequence[str]) -> list[tuple[str, Path | None]]:
    """(format, path) pairs; None is stdout (also `--report FORMAT=-`). Raises ConfigError on a malformed --report."""
    from sondier.errors import ConfigError

    targets: list[tuple[str, Path | None]] = []
    if formats and output is not None and len(formats) > 1:
        raise ConfigError(_("--output takes one --format; use --report FORMAT=PATH for more reports"))
    for name in formats or (["text"] if not reports or output else []):
        targets.append((name, output))
    for spec in reports:
        name, sep, path = spec.partition("=")
        if not sep or not path or name not in FORMAT_NAMES:
            raise ConfigError(_("--report {spec!r}: expected FORMAT=PATH with FORMAT in {formats}").format(
                spec=spec, formats=FORMAT_NAMES))
        targets.append((name, None if path == "-" else Path(path)))  # FORMAT=- is stdout
    return targets


def write_reports(result: Any, targets: list[tuple[str, Path | None]], options: Any) -> None:
    """Write every report; files are written whole or not at all (temp file + rename)."""
    import os

    from sondier import reporters

    for name, path in targets:
        writer = reporters.get(name)
        if path is None:
            writer(result, sys.stdout, options)
            sys.stdout.flush()
            continue
        if path.exists() and not path.is_file():
            # `-o /dev/null`, a FIFO, /dev/stdout: write into it; a rename would put a regular
            # file in the device's place (as root, /dev/null itself).
            with open(path, "w", encoding="utf-8", newline="\n") as handle:
                writer(result, handle, options)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            writer(result, handle, options)
        tmp.replace(path)


def report_extra(opts: dict[str, Any]) -> dict[str, object]:
    """ReportOptions.extra from the shared report options."""
    from sondier.i18n import explicit_language

    return {"lang": opts.get("lang") or explicit_language(), "report_authors": bool(opts.get("report_authors"))}


def write_failed_grades(error: SondierError, targets: list[tuple[str, Path | None]], options: Any) -> None:
    """A scan that stopped with an error still gets its grade reports, graded '?': a badge that
    kept an old letter, or vanished, would look like a clean scan."""
    from sondier.findings import ScanResult
    from sondier.reporters import GRADE_FORMATS

    wanted = [(name, path) for name, path in targets if name in GRADE_FORMATS]
    if wanted and error.exit_code == EXIT_SCAN_ERROR:
        write_reports(ScanResult(errors=[str(error)]), wanted, options)


def exit_status(result: Any, exit_code: int, ignore_errors: bool) -> int:
    if result.errors and not ignore_errors:
        return EXIT_SCAN_ERROR
    return exit_code if result.findings else EXIT_CLEAN



def run_scan(config: Any, targets: tuple[str, ...], staged: bool, diff_range: str | None, history: bool,
              opts: dict[str, Any], progress: Callable[[int, int], None] | None) -> Any:
    from sondier import pipeline

    if staged:
        return pipeline.scan_staged(config, opts["path_filters"])
    if diff_range:
        return pipeline.scan_range(config, diff_range, opts["path_filters"])
    if history:
        return pipeline.scan_history(config, list(targets), opts["since"], opts["until"], opts["max_count"],
                                     opts["path_filters"])
    if targets == ("-",):
        return pipeline.scan_stdin(config)
    if "-" in targets:
        raise click.UsageError(_("'-' (stdin) cannot be combined with paths"))
    paths = [Path(t) for t in targets] or [Path(".")]
    return pipeline.scan_paths(paths, config, progress)
