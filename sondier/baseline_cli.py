"""`sondier baseline create|update|show` and `sondier ignore add`: accept what is already there,
silence a false positive in one command. Files written here hold fingerprints, never values."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import Any

import click

from sondier.cli_options import build_config, fail, run_scan, scan_options
from sondier.errors import EXIT_SCAN_ERROR, EXIT_USAGE, ConfigError, SondierError
from sondier.exports import individual_findings
from sondier.i18n import N_, _


def _baseline_path(opts: dict[str, Any], config: Any) -> Path:
    from sondier.suppression.baseline import DEFAULT_PATH

    chosen = opts.get("file") or opts.get("baseline") or config.baseline
    return Path(chosen) if chosen is not None else DEFAULT_PATH


def _prepare(history: bool, opts: dict[str, Any]) -> tuple[Any, Path]:
    """The scan configuration (never applying a baseline) and the baseline file to write."""
    root = Path(opts["repo"]).resolve() if history else Path.cwd()
    config = build_config(root, **opts)
    path = _baseline_path(opts, config)
    # The baseline being written must not filter the scan that writes it.
    return dataclasses.replace(config, baseline=None, fingerprints=True), path


def _scan(config: Any, targets: tuple[str, ...], history: bool, opts: dict[str, Any]) -> Any:
    """Scan as `sondier scan` would; an incomplete scan writes nothing (exit 3)."""
    scan_opts = {
        "path_filters": opts.get("path_filters", ()),
        "since": opts.get("since"),
        "until": opts.get("until"),
        "max_count": opts.get("max_count"),
    }
    result = run_scan(config, targets, False, None, history, scan_opts, None)
    if result.errors and not config.ignore_errors:
        for error in result.errors:
            click.echo(_("sondier: error: {error}").format(error=error), err=True)
        click.echo(_("sondier: the scan is incomplete; no baseline written (--ignore-errors to accept)"), err=True)
        sys.exit(EXIT_SCAN_ERROR)
    return result


def baseline_scan_options(func: Any) -> Any:
    options = [
        click.argument("targets", nargs=-1),
        click.option("--history", is_flag=True, help=N_("Baseline every commit reachable from TARGETS (revisions).")),
        click.option("--since", help=N_("With --history: commits more recent than this date.")),
        click.option("--until", help=N_("With --history: commits older than this date.")),
        click.option("--max-count", type=click.IntRange(min=1), help=N_("With --history: at most this many commits.")),
        click.option("--path", "path_filters", multiple=True, help=N_("With --history: only these paths (globs).")),
        click.option(
            "--repo",
            type=click.Path(path_type=Path, file_okay=False),
            default=".",
            help=N_("Repository for --history (default: current folder)."),
        ),
        click.option(
            "--file",
            type=click.Path(path_type=Path, dir_okay=False),
            help=N_("Baseline file (default: `baseline` in the configuration, else .sondier-baseline.json)."),
        ),
    ]
    func = scan_options(func)
    for option in reversed(options):
        func = option(func)
    return func


@click.group(help=N_(
    "Accept the findings a repository already has; `scan --baseline FILE` then reports only new "
    "ones.\n\nThe file holds slow, truncated, non-reversible fingerprints and counts: no values, no "
    "paths, no line numbers, no timestamps. Commit it."))
def baseline() -> None:
    """The `baseline` group (help text above, translated)."""


@baseline.command("create", help=N_(
    "Scan like `sondier scan` and write every current finding to the baseline."))
@baseline_scan_options
@click.option("--force", is_flag=True, help=N_("Overwrite an existing baseline."))
def baseline_create(targets: tuple[str, ...], history: bool, force: bool, **opts: Any) -> None:
    from sondier.suppression import baseline as baseline_module

    try:
        config, path = _prepare(history, opts)
        if path.exists() and not force:
            raise ConfigError(_("{path}: baseline exists; use `sondier baseline update` (or --force to replace "
                                "it)").format(path=path))
        result = _scan(config, targets, history, opts)
        values = list(individual_findings(result.findings))  # an export accepts each of its values
        created = baseline_module.Baseline.from_findings(values)
        baseline_module.write(created, path)
    except SondierError as error:
        fail(error)
    click.echo(
        _("sondier: wrote {path}: {entries} entries for {findings} findings ({suppressed} already suppressed "
          "otherwise)").format(path=path, entries=len(created.counts), findings=len(values),
                               suppressed=len(result.suppressed)),
        err=True,
    )


@baseline.command("update", help=N_(
    "Re-scan: add new findings to the baseline and prune entries that match nothing any more."))
@baseline_scan_options
@click.option("--no-prune", is_flag=True, help=N_("Keep entries that match nothing any more."))
def baseline_update(targets: tuple[str, ...], history: bool, no_prune: bool, **opts: Any) -> None:
    from sondier.suppression import baseline as baseline_module

    try:
        config, path = _prepare(history, opts)
        old = baseline_module.load(path)  # a missing or broken baseline fails before the scan
        result = _scan(config, targets, history, opts)
        new = baseline_module.Baseline.from_findings(individual_findings(result.findings))
        counts = dict(new.counts)
        if no_prune:
            for fp, count in old.counts.items():
                counts[fp] = max(count, counts.get(fp, 0))
        updated = baseline_module.Baseline(counts, new.scheme)
        baseline_module.write(updated, path)
    except SondierError as error:
        fail(error)
    added = len(set(updated.counts) - set(old.counts))
    pruned = len(set(old.counts) - set(updated.counts))
    click.echo(_("sondier: updated {path}: {added} added, {pruned} pruned, {entries} entries").format(
        path=path, added=added, pruned=pruned, entries=len(updated.counts)), err=True)


@baseline.command("upgrade", help=N_(
    "Rewrite a version 1 baseline and the ignore file's v1 fingerprints with v2 fingerprints.\n\n"
    "v1 files hold no values, so this scans (same options as `create`): each value found again whose v1 "
    "fingerprint is accepted gets its v2 fingerprint; entries whose values are gone are dropped. Nothing new "
    "is accepted."))
@baseline_scan_options
def baseline_upgrade(targets: tuple[str, ...], history: bool, **opts: Any) -> None:
    """The `baseline upgrade` command (help text above, translated)."""
    from sondier.suppression import baseline as baseline_module
    from sondier.suppression import ignore_file

    try:
        config, path = _prepare(history, opts)
        old = baseline_module.load(path) if path.exists() else None
        ignore_path = config.ignore_file
        ignore_text = ignore_path.read_text(encoding="utf-8") if ignore_path is not None else None
        if (old is None or not old.legacy) and ignore_text is None:
            raise ConfigError(_("{path}: nothing to upgrade (no version 1 baseline, no ignore file)").format(path=path))
        # The ignore file must not hide the values whose fingerprints it is about to rewrite.
        config = dataclasses.replace(config, ignore_file=None)
        result = _scan(config, targets, history, opts)
        found = [*result.findings, *result.suppressed]
        if old is not None and old.legacy:
            upgraded = baseline_module.upgrade(old, result.findings)
            baseline_module.write(upgraded, path)
            kept = len(upgraded.counts)
            click.echo(_("sondier: upgraded {path}: {kept} entries in v2, {dropped} dropped").format(
                path=path, kept=kept, dropped=len(old.counts) - kept), err=True)
        if ignore_text is not None:
            text, unmatched = ignore_file.upgrade_text(ignore_text, found)
            if text != ignore_text:
                ignore_path.write_text(text, encoding="utf-8", newline="\n")
            click.echo(_("sondier: {path}: v1 fingerprints rewritten, {unmatched} matched nothing").format(
                    path=ignore_path, unmatched=unmatched), err=True)
    except SondierError as error:
        fail(error)


@baseline.command("show", help=N_(
    "Summarize a baseline: fingerprint scheme and accepted findings per rule."))
@click.option(
    "--file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help=N_("Baseline file (default: .sondier-baseline.json)."),
)
def baseline_show(file: Path | None) -> None:
    from sondier.suppression import baseline as baseline_module

    path = file or baseline_module.DEFAULT_PATH
    try:
        loaded = baseline_module.load(path)
    except SondierError as error:
        fail(error)
    scheme = loaded.scheme
    click.echo(_("{path}: {entries} entries, {findings} findings accepted").format(
        path=path, entries=len(loaded.counts), findings=sum(loaded.counts.values())))
    click.echo(_("  fingerprints: ") + f"{scheme['scheme']} bits={scheme['bits']} key={scheme['key_id'] or 'none'}")
    if loaded.legacy:
        click.echo(_("  version 1 (one scrypt per value to match): rewrite with `sondier baseline upgrade`"))
    for rule_id, total in sorted(loaded.rules().items()):
        click.echo(f"  {rule_id:<30} {total}")


@click.group("ignore", help=N_(
    "Manage the ignore file (.sondierignore)."))
def ignore() -> None:
    """The `ignore` group (help text above, translated)."""


@ignore.command("add", help=N_(
    "Append an entry: a FINGERPRINT from a report, and/or --rule, --path; --reason is required."))
@click.argument("fingerprint", required=False)
@click.option("--rule", help=N_("Rule id or category (pii, secret)."))
@click.option("--path", "path_glob", help=N_("Path glob."))
@click.option("--reason", required=True, help=N_("Why this is acceptable (mandatory)."))
@click.option(
    "--file",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path(".sondierignore"),
    show_default=True,
    help=N_("Ignore file to append to."),
)
def ignore_add(fingerprint: str | None, rule: str | None, path_glob: str | None, reason: str, file: Path) -> None:
    from sondier.suppression import ignore_file

    try:
        line = ignore_file.format_entry(reason, fingerprint, rule, path_glob)
        if file.exists():
            ignore_file.load(file)  # refuse to append to a file that is already broken
            existing = file.read_text(encoding="utf-8")
        else:
            existing = ""
        separator = "" if not existing or existing.endswith("\n") else "\n"
        with open(file, "a", encoding="utf-8", newline="\n") as handle:
            handle.write(f"{separator}{line}\n")
    except SondierError as error:
        fail(error)
    except OSError as exc:
        click.echo(_("sondier: error: {file}: cannot write: {reason}").format(
            file=file, reason=exc.strerror or exc), err=True)
        sys.exit(EXIT_USAGE)
    click.echo(_("sondier: added to {file}: {line}").format(file=file, line=line), err=True)
