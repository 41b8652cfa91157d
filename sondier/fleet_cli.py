"""`sondier fleet LIST --output DIR`: flags to options, the run, its progress bar and the aggregate.
The work itself is in sondier/fleet/."""

from __future__ import annotations

import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import click

from sondier.errors import EXIT_SCAN_ERROR, SondierError

RESULTS_DIR = "repos"
AGGREGATE_FILE = "fleet.json"
DASHBOARD_FILE = "index.html"
KILL_ONCE_ENV = "SONDIER_FLEET_TEST_KILL_ONCE"  # test hook, "MARKER|NAME" (see fleet/task.py)


def _threshold(ctx: click.Context, param: click.Parameter, value: float) -> float:
    if not 0 < value <= 1:
        raise click.BadParameter("must be in (0, 1], e.g. 0.99")
    return value


@click.command("fleet")
@click.argument("repo_list", metavar="LIST", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@click.option("--output", "-o", "output", required=True, type=click.Path(path_type=Path, file_okay=False),
              help="Folder for the result files, fleet.json and the dashboard (index.html).")
@click.option("--history", is_flag=True, help="Audit every repository's full history (clones are full).")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Local workers, one repository each (default: all cores).")
@click.option("--scheduler", envvar="DASK_SCHEDULER_ADDRESS", metavar="tcp://HOST:8786",
              help="Run on this Dask cluster instead of an embedded one (env: DASK_SCHEDULER_ADDRESS).")
@click.option("--engine", type=click.Choice(["auto", "dask", "processes"]), default="auto", show_default=True,
              help="auto: Dask when installed (sondier[fleet]), else a local process pool.")
@click.option("--cache", type=click.Path(path_type=Path, file_okay=False),
              help="Keep clones of URLs here (default: temporary folders, removed).")
@click.option("--threshold", type=float, default=0.99, show_default=True, callback=_threshold,
              help="Write the aggregate once this share of the list has a result.")
@click.option("--repo-config/--no-repo-config", default=True, show_default=True,
              help="Honour each repository's own .sondier.yml (its reviewed allowlist and exclusions).")
@click.option("--batch-size", type=click.IntRange(min=1), default=None,
              help="Repositories per task (default: 1, or 10 on lists longer than 50).")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True,
              help="Language of the dashboard.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar or per-repository lines.")
def fleet(repo_list: Path, output: Path, history: bool, jobs: int | None, scheduler: str | None, engine: str,
          cache: Path | None, threshold: float, repo_config: bool, batch_size: int | None, lang: str,
          quiet: bool) -> None:
    """Grade every repository of LIST (a text file: one path or clone URL a line, an optional
    organisation after it, # comments; or a YAML list of {repo|path|url, organisation, ministry}).

    Writes one result file per repository (grade, counts, commit, method; never a value) in
    DIR/repos/, then DIR/fleet.json and the dashboard DIR/index.html. A second run skips the
    repositories already graded at the same commit by the same method: an interrupted run is
    finished by running it again. URLs are cloned with `git clone`, the only network use."""
    from sondier.fleet import repolist
    from sondier.fleet.task import TaskOptions

    try:
        specs = repolist.load(repo_list)
        output.mkdir(parents=True, exist_ok=True)
        options = TaskOptions(results=str((output / RESULTS_DIR).resolve()), history=history,
                              cache=str(cache.resolve()) if cache else None, repo_config=repo_config,
                              kill_once=os.environ.get(KILL_ONCE_ENV) or None)
        report = _run(specs, options, engine, jobs or os.cpu_count() or 1, scheduler, batch_size, quiet)
        status = _aggregate(specs, options, output, threshold, lang, quiet)
    except SondierError as error:
        click.echo(f"sondier: error: {error}", err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        click.echo("sondier: interrupted; the repositories already graded keep their result files: run the same "
                   "command again to finish", err=True)
        sys.exit(130)
    if not quiet:
        click.echo(f"sondier fleet: {report.count('scanned')} scanned, {report.count('skipped')} up to date, "
                   f"{report.count('failed')} could not be scanned (?), {report.retried} task(s) retried, "
                   f"{report.duration:.1f}s", err=True)
    sys.exit(status)


def _run(specs: list[Any], options: Any, engine_name: str, jobs: int, scheduler: str | None,
         batch_size: int | None, quiet: bool) -> Any:
    from sondier.fleet import runner
    from sondier.fleet.engine import make_engine

    Path(options.results).mkdir(parents=True, exist_ok=True)
    engine = make_engine(engine_name, jobs, scheduler)
    interrupted = False
    try:
        if not quiet:
            click.echo(f"sondier fleet: {len(specs)} repositories on {engine.describe()}", err=True)
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

            self.bar = Progress(TextColumn("[bold]fleet"), BarColumn(), MofNCompleteColumn(),
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
        self.done += 1
        self.letters[outcome.letter] += 1
        if self.bar is not None:
            tally = " ".join(f"{k}:{v}" for k, v in sorted(self.letters.items()))
            self.bar.update(self.task, advance=1, description=f"{outcome.name} {outcome.letter}  [{tally}]")
        elif not self.quiet:
            click.echo(f"[{self.done}/{self.total}] {outcome.name}: {outcome.letter} ({outcome.status})", err=True)


def _aggregate(specs: list[Any], options: Any, output: Path, threshold: float, lang: str, quiet: bool) -> int:
    from sondier.fleet import aggregate, dashboard
    from sondier.fleet.task import method, write_json

    fleet_data = aggregate.build(specs, Path(options.results), threshold, method(options), RESULTS_DIR)
    done = fleet_data["completeness"]
    if not done["reached"]:
        click.echo(f"sondier fleet: {done['with_result']} of {done['repositories']} repositories have a result "
                   f"({done['ratio']:.0%}), below the threshold of {threshold:.0%}: no aggregate written; run the "
                   "same command again to finish", err=True)
        return EXIT_SCAN_ERROR
    write_json(output / AGGREGATE_FILE, fleet_data)
    dashboard.write(fleet_data, output / DASHBOARD_FILE, lang)
    if not quiet:
        shares = " ".join(f"{k}:{v}" for k, v in fleet_data["distribution"].items() if v)
        click.echo(f"sondier fleet: {shares}; wrote {output / AGGREGATE_FILE} and {output / DASHBOARD_FILE}",
                   err=True)
    return 0
