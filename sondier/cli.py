"""Command line: click commands turn flags into a Config and call the pipeline. No logic here."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TypeVar

import click

from sondier import __version__
from sondier.errors import EXIT_CLEAN, EXIT_FINDINGS, EXIT_SCAN_ERROR, EXIT_USAGE, SondierError

F = TypeVar("F", bound=Callable[..., Any])

FORMAT_NAMES = ["text", "json", "sarif", "gitlab", "codequality", "junit", "github", "markdown"]


def _fail(error: SondierError) -> None:
    click.echo(f"sondier: error: {error}", err=True)
    sys.exit(error.exit_code)


def _confidence(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
    if value is not None and not 0 <= value <= 1:
        raise click.BadParameter("must be between 0 and 1")
    return value


def scan_options(func: F) -> F:
    """Options shared by `scan`, `baseline create/update` and `ci`."""
    options = [
        click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
                     help="Configuration file (default: .sondier.yml or [tool.sondier] in pyproject.toml)."),
        click.option("--rule", "enable", multiple=True, help="Only run these rules (id, category, glob); repeatable."),
        click.option("--disable-rule", "disable", multiple=True, help="Do not run these rules; repeatable."),
        click.option("--rules", "extra_rules", multiple=True, type=click.Path(path_type=Path, exists=True),
                     help="Extra rule file or folder; repeatable."),
        click.option("--exclude", multiple=True, help="Path glob to skip; repeatable."),
        click.option("--max-file-size", help="Skip files larger than this (e.g. 50MB)."),
        click.option("--min-confidence", type=float, callback=_confidence,
                     help="Report candidates at or above this confidence (0-1) instead of each rule's threshold."),
        click.option("--jobs", "-j", type=click.IntRange(min=0), help="Worker processes (default: all cores)."),
        click.option("--follow-symlinks", is_flag=True, default=None, help="Follow symbolic links."),
        click.option("--no-inline-ignore", "no_inline_ignore", is_flag=True,
                     help="Refuse `sondier:ignore` markers (security policy)."),
        click.option("--baseline", type=click.Path(path_type=Path, dir_okay=False),
                     help="Report only findings that are not in this baseline."),
        click.option("--ignore-file", type=click.Path(path_type=Path, dir_okay=False),
                     help="Ignore file (default: .sondierignore when present)."),
        click.option("--ignore-errors", is_flag=True, help="Exit as if complete when some input was unreadable."),
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
        baseline=opts.get("baseline"),
        ignore_file=ignore_file,
        ignore_errors=opts.get("ignore_errors") or None,
        show_values=opts.get("show_values") or None,
    )


def report_options(func: F) -> F:
    options = [
        click.option("--format", "-f", "formats", multiple=True, type=click.Choice(FORMAT_NAMES),
                     help="Report format for stdout (or --output); default text."),
        click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
                     help="Write the report to this file instead of stdout."),
        click.option("--report", "reports", multiple=True, metavar="FORMAT=PATH",
                     help="Also write a report in FORMAT to PATH; repeatable (e.g. sarif=sondier.sarif)."),
        click.option("--show-values", is_flag=True, help="Print the full values found (never the default)."),
        click.option("--show-suppressed", is_flag=True, help="List suppressed findings too."),
        click.option("--report-unused-ignores", is_flag=True, help="List ignore-file entries that matched nothing."),
        click.option("--exit-code", type=click.IntRange(0, 255), default=EXIT_FINDINGS, show_default=True,
                     help="Exit code when findings are reported."),
        click.option("--color/--no-color", default=None, help="Force or disable colours."),
        click.option("--quiet", "-q", is_flag=True, help="No progress bar, no report on stdout when clean."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def parse_reports(formats: Sequence[str], output: Path | None, reports: Sequence[str]) -> list[tuple[str, Path | None]]:
    """(format, path) pairs; None is stdout. Raises ConfigError on a malformed --report."""
    from sondier.errors import ConfigError

    targets: list[tuple[str, Path | None]] = []
    if formats and output is not None and len(formats) > 1:
        raise ConfigError("--output takes one --format; use --report FORMAT=PATH for more reports")
    for name in formats or (["text"] if not reports or output else []):
        targets.append((name, output))
    for spec in reports:
        name, sep, path = spec.partition("=")
        if not sep or not path or name not in FORMAT_NAMES:
            raise ConfigError(f"--report {spec!r}: expected FORMAT=PATH with FORMAT in {FORMAT_NAMES}")
        targets.append((name, Path(path)))
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
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
            writer(result, handle, options)
        tmp.replace(path)


def exit_status(result: Any, exit_code: int, ignore_errors: bool) -> int:
    if result.errors and not ignore_errors:
        return EXIT_SCAN_ERROR
    return exit_code if result.findings else EXIT_CLEAN


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="sondier")
def main() -> None:
    """Sondier finds personal data (NIR, IBAN, phone numbers, e-mails...) and secrets in files and
    git history. Values are redacted in every output unless --show-values is given.

    Exit codes: 0 clean, 1 findings, 2 usage or configuration error, 3 scan error."""


def run() -> None:
    """Console-script entry point: the click group, with unexpected errors reported without
    their message or locals (they could hold a found value) and never as a clean scan."""
    import os

    try:
        main(prog_name="sondier")
    except Exception as error:  # an internal bug: exit 3, never 0 or 1
        if os.environ.get("SONDIER_DEBUG"):
            raise
        frame = error.__traceback__
        while frame is not None and frame.tb_next is not None:
            frame = frame.tb_next
        where = f" at {Path(frame.tb_frame.f_code.co_filename).name}:{frame.tb_lineno}" if frame else ""
        click.echo(f"sondier: internal error: {type(error).__name__}{where} (the message is withheld because it "
                   "may contain scanned data; set SONDIER_DEBUG=1 to see the traceback)", err=True)
        sys.exit(EXIT_SCAN_ERROR)


def _progress_callback(quiet: bool) -> tuple[Callable[[int, int], None] | None, ExitStack]:
    stack = ExitStack()
    if quiet or not sys.stderr.isatty():
        return None, stack
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(TextColumn("scanning"), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
                        transient=True, console=None)
    state: dict[str, Any] = {}

    def update(done: int, total: int) -> None:
        if "task" not in state:
            if total < 20 * 1024 * 1024:
                return  # short scans need no bar
            stack.enter_context(progress)
            state["task"] = progress.add_task("scan", total=total)
        progress.update(state["task"], completed=done)

    return update, stack


@main.command()
@click.argument("targets", nargs=-1)
@click.option("--staged", is_flag=True, help="Scan the lines added in the git index (pre-commit).")
@click.option("--diff", "diff_range", metavar="BASE..HEAD", help="Scan the lines added by the commits in a range.")
@click.option("--history", is_flag=True, help="Scan every commit reachable from TARGETS (revisions; default all refs).")
@click.option("--since", help="With --history: commits more recent than this date.")
@click.option("--until", help="With --history: commits older than this date.")
@click.option("--max-count", type=click.IntRange(min=1), help="With --history: at most this many commits.")
@click.option("--path", "path_filters", multiple=True, help="With git sources: only these paths (globs); repeatable.")
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=".",
              help="Repository for git sources (default: current folder).")
@scan_options
@report_options
def scan(targets: tuple[str, ...], staged: bool, diff_range: str | None, history: bool, **opts: Any) -> None:
    """Scan files and folders (default: current folder), stdin (-), staged changes, a commit
    range or a whole history."""
    from sondier.reporters import ReportOptions

    try:
        modes = sum(bool(x) for x in (staged, diff_range, history))
        if modes > 1:
            raise click.UsageError("--staged, --diff and --history are mutually exclusive")
        if (staged or diff_range) and targets:
            raise click.UsageError("--staged and --diff take no path arguments (use --path to filter)")
        git_mode = bool(modes)
        root = _repository_root(Path(opts["repo"])) if git_mode else Path.cwd()
        config = build_config(root, **opts)
        targets_list = parse_reports(opts["formats"], opts["output"], opts["reports"])
        # The terminal report shows no fingerprint: skip their deliberate cost unless a report
        # or a suppression file needs them.
        needs_fingerprints = any(name != "text" for name, _ in targets_list) or bool(
            config.baseline or config.ignore_file)
        config = config.with_overrides(fingerprints=needs_fingerprints)
        progress, stack = _progress_callback(opts["quiet"])
        with stack:
            result = _run_scan(config, targets, staged, diff_range, history, opts, progress)
        if opts["report_unused_ignores"]:
            _print_unused_ignores(result)
        options = ReportOptions(show_values=opts["show_values"], show_suppressed=opts["show_suppressed"],
                                color=opts["color"], root=str(root))
        if opts["quiet"] and not result.findings and not result.errors:
            targets_list = [(n, p) for n, p in targets_list if p is not None]
        write_reports(result, targets_list, options)
    except click.UsageError:
        raise
    except SondierError as error:
        _fail(error)
    except KeyboardInterrupt:
        click.echo("sondier: interrupted; no report written", err=True)
        sys.exit(130)
    sys.exit(exit_status(result, opts["exit_code"], config.ignore_errors))


def _repository_root(path: Path) -> Path:
    """Git modes read the configuration, and report paths, from the repository's top level,
    wherever in the work tree sondier is started (a pre-commit hook runs at the top, a
    developer may not)."""
    from sondier.sources.git import open_repository

    return open_repository(path.resolve()).root


def _run_scan(config: Any, targets: tuple[str, ...], staged: bool, diff_range: str | None, history: bool,
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
        raise click.UsageError("'-' (stdin) cannot be combined with paths")
    paths = [Path(t) for t in targets] or [Path(".")]
    return pipeline.scan_paths(paths, config, progress)


def _print_unused_ignores(result: Any) -> None:
    unused = result.extra.get("unused_ignores", [])
    for entry in unused:
        click.echo(f"sondier: unused ignore entry: {entry}", err=True)


@main.group()
def rules() -> None:
    """List, show and test detection rules."""


def _load_for_listing(extra: Sequence[Path]) -> list[Any]:
    from sondier.rules import load_rules

    return load_rules(tuple(extra))


@rules.command("list")
@click.option("--rules", "extra_rules", multiple=True, type=click.Path(path_type=Path, exists=True))
@click.option("--category", type=click.Choice(["pii", "secret"]))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def rules_list(extra_rules: tuple[Path, ...], category: str | None, fmt: str) -> None:
    """List the rules (built-in and extra)."""
    import json

    try:
        loaded = [r for r in _load_for_listing(extra_rules) if category is None or r.category == category]
    except SondierError as error:
        _fail(error)
    if fmt == "json":
        click.echo(json.dumps([{"id": r.id, "name": r.name, "category": r.category, "severity": r.severity,
                                "validator": r.validator} for r in loaded], indent=2))
        return
    for rule in sorted(loaded, key=lambda r: (r.category, r.id)):
        click.echo(f"{rule.id:<40} {rule.category:<7} {rule.severity:<9} {rule.name}")
    click.echo(f"{len(loaded)} rules")


@rules.command("show")
@click.argument("rule_id")
@click.option("--rules", "extra_rules", multiple=True, type=click.Path(path_type=Path, exists=True))
def rules_show(rule_id: str, extra_rules: tuple[Path, ...]) -> None:
    """Show one rule: description, remediation, pattern, examples."""
    try:
        loaded = {r.id: r for r in _load_for_listing(extra_rules)}
    except SondierError as error:
        _fail(error)
    rule = loaded.get(rule_id)
    if rule is None:
        click.echo(f"sondier: error: unknown rule id '{rule_id}' (see `sondier rules list`)", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(f"{rule.id}: {rule.name}\n  category: {rule.category}\n  severity: {rule.severity}")
    click.echo(f"  file: {rule.source}\n  validator: {rule.validator or '-'}\n  regex: {rule.pattern}")
    if rule.keywords:
        click.echo(f"  keywords: {', '.join(rule.keywords)}")
    if rule.context_words:
        click.echo(f"  context words: {', '.join(rule.context_words)}")
    click.echo(f"\n{rule.description}\n\nRemediation: {rule.remediation}")


@rules.command("test")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option("--verbose", "-v", is_flag=True, help="Show every example, not only failures.")
def rules_test(files: tuple[Path, ...], verbose: bool) -> None:
    """Run the positive and negative examples of rule FILES (or folders)."""
    from sondier.rule_tests import run_examples

    try:
        outcomes = run_examples(files)
    except SondierError as error:
        _fail(error)
    failed = [o for o in outcomes if not o.passed]
    for outcome in outcomes:
        if verbose or not outcome.passed:
            mark = "ok  " if outcome.passed else "FAIL"
            click.echo(f"{mark} {outcome.rule_id} {outcome.kind} example #{outcome.index}: {outcome.message}")
    click.echo(f"{len(outcomes) - len(failed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


@main.command("ci")
@click.argument("host", required=False, default="auto", type=click.Choice(["auto", "github", "gitlab"]))
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=".",
              help="Repository to scan (default: current folder).")
@click.option("--base", help="Scan from this commit or branch instead of the event's base.")
@click.option("--head", help="Scan up to this commit instead of the event's head.")
@click.option("--scan-mode", type=click.Choice(["auto", "history", "tree"]), default="auto",
              show_default=True,
              help="auto: the range the event calls for; history: every commit; tree: the checked-out files.")
@click.option("--fail-on", type=click.Choice(["findings", "never"]), default="findings", show_default=True,
              help="never: exit 0 on findings (report jobs); scan errors still exit 3.")
@click.option("--exit-code", type=click.IntRange(0, 255), default=EXIT_FINDINGS, show_default=True,
              help="Exit code when findings are reported and --fail-on findings.")
@click.option("--sarif-file", type=click.Path(path_type=Path, dir_okay=False),
              help="GitHub: SARIF report path (default: $RUNNER_TEMP/sondier.sarif).")
@click.option("--summary/--no-summary", default=True, help="GitHub: append a job summary.")
@click.option("--annotations/--no-annotations", default=True, help="GitHub: print annotations.")
@click.option("--report", "reports", multiple=True, metavar="FORMAT=PATH", help="Also write FORMAT to PATH.")
@click.option("--dotenv", type=click.Path(path_type=Path, dir_okay=False),
              help="Write SONDIER_EXIT_CODE/FINDINGS_COUNT/SCANNED_RANGE here (GitLab default: sondier.env).")
@click.option("--fetch/--no-fetch", default=True, help="Fetch missing history from the remote first.")
@click.option("--path", "path_filters", multiple=True, help="Only these paths (globs); repeatable.")
@click.option("--quiet", "-q", is_flag=True, help="No text report in the log.")
@scan_options
def ci(host: str, repo: Path, base: str | None, head: str | None, scan_mode: str, fail_on: str,
       exit_code: int, sarif_file: Path | None, summary: bool, annotations: bool, reports: tuple[str, ...],
       dotenv: Path | None, fetch: bool, path_filters: tuple[str, ...], quiet: bool, **opts: Any) -> None:
    """Scan what a CI run calls for: detects GitHub Actions or GitLab CI (or HOST forces one),
    computes the commit range from the event, writes the reports the host reads (SARIF,
    annotations, job summary, outputs; GitLab secret detection and code quality). Missing
    history is an error (exit 3), never a clean result."""
    import os

    from sondier import ci as ci_module

    options = ci_module.CiOptions(
        host=host, repo=repo, base=base or None, head=head or None, scan_mode=scan_mode, fail_on=fail_on,
        exit_code=exit_code, sarif_file=sarif_file, summary=summary, annotations=annotations, reports=reports,
        dotenv=dotenv, fetch=fetch, quiet=quiet, path_filters=path_filters)
    sys.exit(ci_module.execute(options, opts, os.environ, lambda line: click.echo(line, err=True)))


# Baseline and ignore-file commands live in their own module (owned by the suppression work).
from sondier.baseline_cli import baseline as _baseline_group  # noqa: E402
from sondier.baseline_cli import ignore as _ignore_group  # noqa: E402

main.add_command(_baseline_group)
main.add_command(_ignore_group)
