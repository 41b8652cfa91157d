"""Command line: click commands turn flags into a Config and call the pipeline. No logic here."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any, ClassVar

import click

from sondier import __version__
from sondier.cli_options import (
    EXIT_FINDINGS,
    build_config,
    exit_status,
    fail,
    parse_reports,
    report_extra,
    report_options,
    run_scan,
    scan_options,
    write_failed_grades,
    write_reports,
)
from sondier.errors import EXIT_SCAN_ERROR, EXIT_USAGE, SondierError
from sondier.i18n import N_, _, active_language, ngettext
from sondier.i18n_click import install_language, lang_option


class _Commands(click.Group):
    """The command group. Commands defined in their own modules are imported when named (or
    when --help lists them): a `scan --staged` never pays for the baseline or fleet modules."""

    # name -> (module, attribute). Baseline and ignore-file commands belong to the suppression
    # work; the fleet scan (many repositories, on Dask or a process pool) has its own module.
    LAZY: ClassVar[dict[str, tuple[str, str]]] = {
        "baseline": ("sondier.baseline_cli", "baseline"),
        "ignore": ("sondier.baseline_cli", "ignore"),
        "fleet": ("sondier.fleet_cli", "fleet"),
    }

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.LAZY and cmd_name not in self.commands:
            import importlib

            from sondier.i18n_click import translate_help

            module, attribute = self.LAZY[cmd_name]
            command: click.Command = getattr(importlib.import_module(module), attribute)
            translate_help(command)  # in the language already chosen, as the rest of the tree
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
             help=N_("Sondier finds personal data (NIR, IBAN, phone numbers, e-mails...) and secrets in files and "
                     "git history. Values are redacted in every output unless --show-values is given.\n\n"
                     "Exit codes: 0 clean, 1 findings, 2 usage or configuration error, 3 scan error."))
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=lambda ctx, _param, value:
              _print_version(ctx) if value else None, help=N_("Show the version, the rules' and the grade method's."))
@lang_option
def main() -> None:
    """The command group; the language is set by --lang (see sondier.i18n_click)."""


def version_text() -> str:
    """`sondier --version`: the package, the built-in rules it ships (count and content digest, so
    two installs can be compared) and the methods whose results users compare across runs."""
    from sondier.grade import METHOD, METHOD_DATE
    from sondier.rules import builtin_rules_digest

    count, digest = builtin_rules_digest()
    return f"sondier {__version__}\nrules: {count} built-in, digest {digest}\ngrade method: {METHOD} ({METHOD_DATE})"


def _print_version(ctx: click.Context) -> None:
    click.echo(version_text())
    ctx.exit(0)


def run() -> None:
    """Console-script entry point: the click group, with unexpected errors reported without
    their message or locals (they could hold a found value) and never as a clean scan."""
    import os

    install_language(main, sys.argv[1:], os.environ)
    try:
        main(prog_name="sondier")
    except Exception as error:  # an internal bug: exit 3, never 0 or 1
        if os.environ.get("SONDIER_DEBUG"):
            raise
        frame = error.__traceback__
        while frame is not None and frame.tb_next is not None:
            frame = frame.tb_next
        where = _(" at {file}:{line}").format(file=Path(frame.tb_frame.f_code.co_filename).name,
                                              line=frame.tb_lineno) if frame else ""
        click.echo(_("sondier: internal error: {error}{where} (the message is withheld because it may contain "
                     "scanned data; set SONDIER_DEBUG=1 to see the traceback)").format(
                         error=type(error).__name__, where=where), err=True)
        sys.exit(EXIT_SCAN_ERROR)


def _progress_callback(quiet: bool) -> tuple[Callable[[int, int], None] | None, ExitStack]:
    stack = ExitStack()
    if quiet or not sys.stderr.isatty():
        return None, stack
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn

    progress = Progress(TextColumn(_("scanning")), BarColumn(), DownloadColumn(), TimeRemainingColumn(),
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


@main.command(help=N_("Scan files and folders (default: current folder), stdin (-), staged changes, a commit "
                        "range or a whole history."))
@click.argument("targets", nargs=-1)
@lang_option
@click.option("--staged", is_flag=True, help=N_("Scan the lines added in the git index (pre-commit)."))
@click.option("--diff", "diff_range", metavar="BASE..HEAD", help=N_("Scan the lines added by the commits in a range."))
@click.option("--history", is_flag=True,
              help=N_("Scan every commit reachable from TARGETS (revisions; default all refs)."))
@click.option("--since", help=N_("With --history: commits more recent than this date."))
@click.option("--until", help=N_("With --history: commits older than this date."))
@click.option("--max-count", type=click.IntRange(min=1), help=N_("With --history: at most this many commits."))
@click.option("--path", "path_filters", multiple=True,
              help=N_("With git sources: only these paths (globs); repeatable."))
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=".",
              help=N_("Repository for git sources (default: current folder)."))
@scan_options
@report_options
def scan(targets: tuple[str, ...], staged: bool, diff_range: str | None, history: bool, **opts: Any) -> None:
    from sondier.reporters import ReportOptions

    targets_list: list[tuple[str, Path | None]] = []
    options = ReportOptions(root=str(Path.cwd()), extra=report_extra(opts))
    try:
        modes = sum(bool(x) for x in (staged, diff_range, history))
        if modes > 1:
            raise click.UsageError(_("--staged, --diff and --history are mutually exclusive"))
        if (staged or diff_range) and targets:
            raise click.UsageError(_("--staged and --diff take no path arguments (use --path to filter)"))
        git_mode = bool(modes)
        root = _repository_root(Path(opts["repo"])) if git_mode else Path.cwd()
        # Report paths stay relative to `root`; the configuration belongs to the scanned tree.
        config = build_config(root if git_mode else _scanned_tree_root(targets), **opts).with_overrides(root=root)
        targets_list = parse_reports(opts["formats"], opts["output"], opts["reports"])
        # The terminal report shows no fingerprint: skip their deliberate cost unless a report
        # or a suppression file needs them.
        needs_fingerprints = any(name != "text" for name, _ in targets_list) or bool(
            config.baseline or config.ignore_file)
        config = config.with_overrides(fingerprints=needs_fingerprints)
        progress, stack = _progress_callback(opts["quiet"])
        with stack:
            result = run_scan(config, targets, staged, diff_range, history, opts, progress)
        if opts["report_unused_ignores"]:
            _print_unused_ignores(result)
        options = ReportOptions(show_values=opts["show_values"], show_suppressed=opts["show_suppressed"],
                                show_all=opts["show_all"], color=opts["color"], root=str(root),
                                extra=report_extra(opts))
        if opts["quiet"] and not result.findings and not result.errors:
            targets_list = [(n, p) for n, p in targets_list if p is not None]
        write_reports(result, targets_list, options)
    except click.UsageError:
        raise
    except SondierError as error:
        write_failed_grades(error, targets_list, options)
        fail(error)
    except KeyboardInterrupt:
        click.echo(_("sondier: interrupted; no report written"), err=True)
        sys.exit(130)
    sys.exit(exit_status(result, opts["exit_code"], config.ignore_errors))


def _repository_root(path: Path) -> Path:
    """Git modes read the configuration, and report paths, from the repository's top level,
    wherever in the work tree sondier is started (a pre-commit hook runs at the top, a
    developer may not)."""
    from sondier.sources.git import open_repository

    return open_repository(path.resolve(), hand_over=True).root


def _scanned_tree_root(targets: tuple[str, ...]) -> Path:
    """Where `scan PATH` reads its configuration: the top of the git work tree holding PATH,
    or PATH itself, so that scanning someone else's tree never applies the current folder's
    allowlists (nor theirs to ours). Several targets, files and stdin keep the current folder."""
    if len(targets) != 1 or targets[0] == "-" or not Path(targets[0]).is_dir():
        return Path.cwd()
    folder = Path(targets[0]).resolve()
    for candidate in (folder, *folder.parents):
        if (candidate / ".git").exists():
            return candidate
    return folder


def _print_unused_ignores(result: Any) -> None:
    from sondier.reasons import localized

    unused = result.extra.get("unused_ignores", [])
    for entry in unused:
        click.echo(_("sondier: unused ignore entry: {entry}").format(entry=localized(entry)), err=True)


@main.group(help=N_("List, show and test detection rules."))
def rules() -> None:
    """The `rules` group."""


def _load_for_listing(extra: Sequence[Path]) -> list[Any]:
    from sondier.rules import load_rules

    return load_rules(tuple(extra))


@rules.command("list", help=N_("List the rules (built-in and extra)."))
@click.option("--rules", "extra_rules", multiple=True, type=click.Path(path_type=Path, exists=True))
@click.option("--category", type=click.Choice(["pii", "secret"]))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              help=N_("text: one line per rule in the chosen language; json: machine fields, English."))
def rules_list(extra_rules: tuple[Path, ...], category: str | None, fmt: str) -> None:
    import json

    try:
        loaded = [r for r in _load_for_listing(extra_rules) if category is None or r.category == category]
    except SondierError as error:
        fail(error)
    language = active_language()
    if fmt == "json":
        click.echo(json.dumps([{"id": r.id, "name": r.name, "category": r.category, "severity": r.severity,
                                "validator": r.validator} for r in loaded], indent=2))
        return
    for rule in sorted(loaded, key=lambda r: (r.category, r.id)):
        click.echo(f"{rule.id:<40} {rule.category:<7} {rule.severity:<9} {rule.localized(language)[0]}")
    click.echo(ngettext("{count} rule", "{count} rules", len(loaded)).format(count=len(loaded)))


@rules.command("show", help=N_("Show one rule: description, remediation, pattern, examples."))
@click.argument("rule_id")
@click.option("--rules", "extra_rules", multiple=True, type=click.Path(path_type=Path, exists=True))
def rules_show(rule_id: str, extra_rules: tuple[Path, ...]) -> None:
    try:
        loaded = {r.id: r for r in _load_for_listing(extra_rules)}
    except SondierError as error:
        fail(error)
    rule = loaded.get(rule_id)
    if rule is None:
        click.echo(_("sondier: error: unknown rule id '{rule_id}' (see `sondier rules list`)").format(rule_id=rule_id),
                   err=True)
        sys.exit(EXIT_USAGE)
    name, description, remediation = rule.localized(active_language())
    click.echo(_("{rule}: {name}").format(rule=rule.id, name=name))
    click.echo(_("  category: {value}").format(value=rule.category))
    click.echo(_("  severity: {value}").format(value=rule.severity))
    click.echo(_("  file: {value}").format(value=rule.source))
    click.echo(_("  validator: {value}").format(value=rule.validator or "-"))
    click.echo(_("  regex: {value}").format(value=rule.pattern))
    if rule.keywords:
        click.echo(_("  keywords: {value}").format(value=", ".join(rule.keywords)))
    if rule.context_words:
        click.echo(_("  context words: {value}").format(value=", ".join(rule.context_words)))
    click.echo(f"\n{description}\n\n" + _("Remediation: {text}").format(text=remediation))


@rules.command("test", help=N_("Run the positive and negative examples of rule FILES (or folders)."))
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option("--verbose", "-v", is_flag=True, help=N_("Show every example, not only failures."))
def rules_test(files: tuple[Path, ...], verbose: bool) -> None:
    from sondier.rule_tests import run_examples

    try:
        outcomes = run_examples(files)
    except SondierError as error:
        fail(error)
    failed = [o for o in outcomes if not o.passed]
    for outcome in outcomes:
        if verbose or not outcome.passed:
            mark = "ok  " if outcome.passed else "FAIL"
            click.echo(_("{mark} {rule} {kind} example #{index}: {message}").format(
                mark=mark, rule=outcome.rule_id, kind=outcome.kind, index=outcome.index, message=_(outcome.message)))
    click.echo(_("{passed} passed, {failed} failed").format(passed=len(outcomes) - len(failed), failed=len(failed)))
    sys.exit(1 if failed else 0)


@main.command("ci", help=N_(
    "Scan what a CI run calls for: detects GitHub Actions or GitLab CI (or HOST forces one), computes the commit "
    "range from the event, writes the reports the host reads (SARIF, annotations, job summary, outputs; GitLab "
    "secret detection and code quality). Missing history is an error (exit 3), never a clean result."))
@click.argument("host", required=False, default="auto", type=click.Choice(["auto", "github", "gitlab"]))
@lang_option
@click.option("--repo", type=click.Path(path_type=Path, file_okay=False), default=".",
              help=N_("Repository to scan (default: current folder)."))
@click.option("--base", help=N_("Scan from this commit or branch instead of the event's base."))
@click.option("--head", help=N_("Scan up to this commit instead of the event's head."))
@click.option("--scan-mode", type=click.Choice(["auto", "history", "tree"]), default="auto",
              show_default=True,
              help=N_("auto: the range the event calls for; history: every commit; tree: the checked-out files."))
@click.option("--fail-on", type=click.Choice(["findings", "never"]), default="findings", show_default=True,
              help=N_("never: exit 0 on findings (report jobs); scan errors still exit 3."))
@click.option("--exit-code", type=click.IntRange(0, 255), default=EXIT_FINDINGS, show_default=True,
              help=N_("Exit code when findings are reported and --fail-on findings."))
@click.option("--sarif-file", type=click.Path(path_type=Path, dir_okay=False),
              help=N_("GitHub: SARIF report path (default: $RUNNER_TEMP/sondier.sarif)."))
@click.option("--summary/--no-summary", default=True, help=N_("GitHub: append a job summary."))
@click.option("--annotations/--no-annotations", default=True, help=N_("GitHub: print annotations."))
@click.option("--report", "reports", multiple=True, metavar="FORMAT=PATH", help=N_("Also write FORMAT to PATH."))
@click.option("--dotenv", type=click.Path(path_type=Path, dir_okay=False),
              help=N_("Write SONDIER_EXIT_CODE/FINDINGS_COUNT/SCANNED_RANGE here (GitLab default: sondier.env)."))
@click.option("--fetch/--no-fetch", default=True, help=N_("Fetch missing history from the remote first."))
@click.option("--path", "path_filters", multiple=True, help=N_("Only these paths (globs); repeatable."))
@click.option("--quiet", "-q", is_flag=True, help=N_("No text report in the log."))
@scan_options
def ci(host: str, repo: Path, base: str | None, head: str | None, scan_mode: str, fail_on: str,
       exit_code: int, sarif_file: Path | None, summary: bool, annotations: bool, reports: tuple[str, ...],
       dotenv: Path | None, fetch: bool, path_filters: tuple[str, ...], quiet: bool, **opts: Any) -> None:
    import os

    from sondier import ci as ci_module

    options = ci_module.CiOptions(
        host=host, repo=repo, base=base or None, head=head or None, scan_mode=scan_mode, fail_on=fail_on,
        exit_code=exit_code, sarif_file=sarif_file, summary=summary, annotations=annotations, reports=reports,
        dotenv=dotenv, fetch=fetch, quiet=quiet, path_filters=path_filters)
    sys.exit(ci_module.execute(options, opts, os.environ, lambda line: click.echo(line, err=True)))


@main.command("grade", help=N_(
    "The privacy grade's method. A repository's grade comes with any scan: `sondier scan --report grade=-` "
    "(or --format grade; also in every JSON report's summary)."))
@click.option("--explain", is_flag=True,
              help=N_("Print the grading method (letters, bands, modifiers) and its version."))
@lang_option
def grade_command(explain: bool) -> None:
    from sondier.grade import explain as explain_method
    from sondier.i18n import gettext_for

    if not explain:
        raise click.UsageError(_("use `sondier grade --explain`, or `sondier scan --format grade` for a grade"))
    click.echo(explain_method(gettext_for(active_language())), nl=False)


