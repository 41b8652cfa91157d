"""`sondier fleet LIST --output DIR`: flags to options, the run, its progress bar and the aggregate.
The work itself is in sondier/fleet/."""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import click

from sondier.cli_options import fail
from sondier.errors import EXIT_SCAN_ERROR, SondierError
from sondier.i18n import N_, _, active_language, explicit_language, ngettext, resolve_language
from sondier.i18n_click import lang_value_option

RESULTS_DIR = "repos"
AGGREGATE_FILE = "fleet.json"
DASHBOARD_FILE = "index.html"
KILL_ONCE_ENV = "SONDIER_FLEET_TEST_KILL_ONCE"  # test hook, "MARKER|NAME" (see fleet/task.py)


def _threshold(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not 0 < value <= 1:
        raise click.BadParameter(_("must be more than 0 and at most 1, e.g. 0.99"))
    return value


def dashboard_language(explicit: str | None) -> str:
    """The dashboard is for people in the administration: French unless --lang (on `fleet` or on
    `sondier`) or SONDIER_LANG say otherwise; the locale is not consulted (servers are English)."""
    env = {"SONDIER_LANG": os.environ.get("SONDIER_LANG", ""), "LANG": "fr"}
    return resolve_language(explicit or explicit_language(), env=env)


@click.command("fleet", help=N_(
    "Grade every repository of LIST (a text file: one path or clone URL a line, an optional organisation after "
    "it, # comments; or a YAML list of {repo|path|url, organisation, ministry}).\n\n"
    "Writes one result file per repository (grade, counts, commit, method; never a value) in DIR/repos/, then "
    "DIR/fleet.json and the dashboard DIR/index.html. A second run skips the repositories already graded at the "
    "same commit by the same method: an interrupted run is finished by running it again. URLs are cloned with "
    "`git clone`, the only network use."))
@click.argument("repo_list", metavar="LIST", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--output", "-o", "output", required=True, type=click.Path(path_type=Path, file_okay=False),
              help=N_("Folder for the result files, fleet.json and the dashboard (index.html)."))
@click.option("--history", is_flag=True, help=N_("Audit every repository's full history (clones are full)."))
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help=N_("Local workers, one repository each (default: all cores)."))
@click.option("--scheduler", envvar="DASK_SCHEDULER_ADDRESS", metavar="tcp://HOST:8786",
              help=N_("Run on this Dask cluster instead of an embedded one (env: DASK_SCHEDULER_ADDRESS)."))
@click.option("--engine", type=click.Choice(["auto", "dask", "processes"]), default="auto", show_default=True,
              help=N_("auto: Dask when installed (sondier[fleet]), else a local process pool."))
@click.option("--cache", type=click.Path(path_type=Path, file_okay=False),
              help=N_("Keep clones of URLs here (default: temporary folders, removed)."))
@click.option("--threshold", type=float, default=0.99, show_default=True, callback=_threshold,
              help=N_("Write the aggregate once this share of the list has a result."))
@click.option("--repo-config/--no-repo-config", default=True, show_default=True,
              help=N_("Honour each repository's own .sondier.yml (its reviewed allowlist and exclusions)."))
@click.option("--batch-size", type=click.IntRange(min=1), default=None,
              help=N_("Repositories per task (default: 1, or 10 on lists longer than 50)."))
@lang_value_option(N_("Language of the messages and of the dashboard (default: SONDIER_LANG; else messages follow "
                      "the locale and the dashboard is in French). Result files and fleet.json are the same in "
                      "every language."))
@click.option("--quiet", "-q", is_flag=True, help=N_("No progress bar or per-repository lines."))
def fleet(repo_list: Path, output: Path, history: bool, jobs: int | None, scheduler: str | None, engine: str,
          cache: Path | None, threshold: float, repo_config: bool, batch_size: int | None, lang: str | None,
          quiet: bool) -> None:
    from sondier.fleet import repolist
    from sondier.fleet.task import TaskOptions

    try:
        specs = repolist.load(repo_list)
        output.mkdir(parents=True, exist_ok=True)
        options = TaskOptions(results=str((output / RESULTS_DIR).resolve()), history=history,
                              cache=str(cache.resolve()) if cache else None, repo_config=repo_config,
                              kill_once=os.environ.get(KILL_ONCE_ENV) or None)
        report = _run(specs, options, engine, jobs or os.cpu_count() or 1, scheduler, batch_size, quiet)
        status = _aggregate(specs, options, output, threshold, dashboard_language(lang), quiet)
    except SondierError as error:
        fail(error)
    except KeyboardInterrupt:
        click.echo(_("sondier: interrupted; the repositories already graded keep their result files: run the same "
                     "command again to finish"), err=True)
        sys.exit(130)
    if not quiet:
        click.echo(_("sondier fleet: {scanned} scanned, {skipped} up to date, {failed} could not be scanned (?), "
                     "{retried} task(s) retried, {seconds}s").format(
                         scanned=report.count("scanned"), skipped=report.count("skipped"),
                         failed=report.count("failed"), retried=report.retried,
                         seconds=_decimal(f"{report.duration:.1f}")), err=True)
    sys.exit(status)


def _decimal(number: str) -> str:
    """`12.5` as the reader writes it (`12,5` in French)."""
    return number.replace(".", ",") if active_language() == "fr" else number


def _run(specs: list[Any], options: Any, engine_name: str, jobs: int, scheduler: str | None,
         batch_size: int | None, quiet: bool) -> Any:
    from sondier.fleet import runner
    from sondier.fleet.engine import make_engine

    Path(options.results).mkdir(parents=True, exist_ok=True)
    engine = make_engine(engine_name, jobs, scheduler)
    interrupted = False
    try:
        if not quiet:
            click.echo(ngettext("sondier fleet: {count} repository on {engine}",
                                "sondier fleet: {count} repositories on {engine}", len(specs)).format(
                                    count=len(specs), engine=engine.describe()), err=True)
        with _Progress(len(specs), quiet) as progress:
            return runner.run(specs, options, engine, progress.advance, batch_size)
    except BaseException:
        interrupted = True
        raise
    finally:
        engine.close(interrupted=interrupted)


class _Progress:
    """A rich progress bar on a terminal; one line per repository otherwise (CI logs)."""

    def __init__(self, total: int, quiet: bool) -> None:
        self.total, self.quiet, self.done = total, quiet, 0
        self.letters: Counter[str] = Counter()
        self.bar: Any = None
        if not quiet and sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self.bar = Progress(TextColumn("[bold]" + _("fleet")), BarColumn(), MofNCompleteColumn(),
                                TimeRemainingColumn(), TextColumn("{task.description}"),
                                console=Console(stderr=True), transient=False)
            self.task = self.bar.add_task("", total=total)

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)

    def advance(self, outcome: Any) -> None:
        """One line per repository: `[i/N] name: letter (status)`, the status a machine word (scanned,
        skipped, failed) that logs are searched for; then, for a repository that could not be scanned,
        why, in the reader's language (the result file keeps the English)."""
        from sondier.fleet.messages import localized

        self.done += 1
        self.letters[outcome.letter] += 1
        why = _("  {name}: {error}").format(name=outcome.name, error=localized(outcome.error)) \
            if outcome.status == "failed" and outcome.error else None
        if self.bar is not None:
            tally = " ".join(f"{k}:{v}" for k, v in sorted(self.letters.items()))
            self.bar.update(self.task, advance=1, description=f"{outcome.name} {outcome.letter}  [{tally}]")
            if why:
                self.bar.console.print(why, markup=False, highlight=False)
        elif not self.quiet:
            click.echo(f"[{self.done}/{self.total}] {outcome.name}: {outcome.letter} ({outcome.status})", err=True)
            if why:
                click.echo(why, err=True)


def _aggregate(specs: list[Any], options: Any, output: Path, threshold: float, lang: str, quiet: bool) -> int:
    from sondier.fleet import aggregate, dashboard
    from sondier.fleet.dashboard import percent
    from sondier.fleet.task import method, write_json

    fleet_data = aggregate.build(specs, Path(options.results), threshold, method(options), RESULTS_DIR)
    done = fleet_data["completeness"]
    if not done["reached"]:
        click.echo(_("sondier fleet: {done} of {total} repositories have a result ({ratio}), below the threshold of "
                     "{threshold}: no aggregate written; run the same command again to finish").format(
                         done=done["with_result"], total=done["repositories"],
                         ratio=percent(done["ratio"], active_language()),
                         threshold=percent(threshold, active_language())), err=True)
        return EXIT_SCAN_ERROR
    write_json(output / AGGREGATE_FILE, fleet_data)
    dashboard.write(fleet_data, output / DASHBOARD_FILE, lang)
    if not quiet:
        shares = " ".join(f"{k}:{v}" for k, v in fleet_data["distribution"].items() if v)
        click.echo(_("sondier fleet: {grades}; wrote {aggregate} and {dashboard}").format(
            grades=shares, aggregate=output / AGGREGATE_FILE, dashboard=output / DASHBOARD_FILE), err=True)
    return 0
