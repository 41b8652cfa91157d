"""The DPO report: `html` (one self-contained file, made to be forwarded by mail) and `dpo-json`
(the same content for other tools).

Promises: no value ever, not even with --show-values (only the redacted form, and paths are scrubbed
of any value they hold); author names only with --report-authors; nothing fetched from anywhere
(no script, font, style or image: the pictures are inline SVG drawn here). French by default,
English with --lang en; every text goes through the `report` gettext domain."""

from __future__ import annotations

import json
import subprocess
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO
from urllib.parse import urlsplit, urlunsplit

from sondier import __version__
from sondier.grade import METHOD, METHOD_DATE, N_, Grade, explain, grade_for_report, in_head, oldest_exposure
from sondier.i18n import gettext_for
from sondier.reporters import ReportOptions
from sondier.reporters.common import by_severity, git_toplevel, head_sha, repo_relative, scrub, severity_rank
from sondier.reporters.grade_report import COLOURS, badge_svg, report_language

if TYPE_CHECKING:
    from sondier.findings import Finding, ScanResult
    from sondier.rules import Rule

SAMPLES_PER_RULE = 15  # Amazon Macie's limit: enough to locate, too few to copy a file
CATEGORY_NAMES = {"pii": N_("personal data"), "secret": N_("secrets")}
SEVERITY_NAMES = {"critical": N_("critical"), "high": N_("high"), "medium": N_("medium"), "low": N_("low"),
                  "info": N_("info")}
VERDICT_NAMES = {"public-contact": N_("public contact"), "contributor": N_("contributor"),
                 "business": N_("business identifier"), "test-data": N_("test data"),
                 "personal": N_("personal data"), "secret": N_("secret")}
# Likely consequences for the persons concerned, by kind of data (art. 33(3)(c)).
CONSEQUENCES = {
    "fr-nir": N_("identity theft; the NIR is the health-insurance number and links to health and social records"),
    "iban": N_("fraudulent direct debits; phishing aimed at the account holder"),
    "payment-card": N_("fraudulent payments"),
    "fr-phone": N_("unwanted calls, targeted phishing by text message"),
    "email": N_("spam and targeted phishing"),
    "fr-passport": N_("identity fraud"),
    "mrz": N_("identity fraud"),
    "fr-nif": N_("tax fraud, identity theft"),
}
DEFAULT_PII_CONSEQUENCE = N_("identification of the persons concerned and misuse of their data")
SECRET_CONSEQUENCE = N_("access to the systems the credential opens, then theft or modification of their data")
SECRET_ACTIONS = (
    N_("Revoke and rotate the secret now: removing it from the code does not make it secret again."),
    N_("Check the service's access logs for use of the secret since its first exposure."),
)
PII_ACTIONS = (
    N_("Remove the values from the files (HEAD) and find out how they got there (a production export?)."),
)
HISTORY_ACTIONS = (
    N_("Purge the history with `git filter-repo` (for example `git filter-repo --replace-text expressions.txt`), "
       "force-push, then ask every fork and mirror to do the same and to delete old clones."),
)
BREACH_ACTIONS = (
    N_("This may be a personal-data breach: if the repository was readable by people not entitled to the data, "
       "the controller notifies the CNIL within 72 hours of becoming aware of it (GDPR art. 33), and tells the "
       "persons concerned when the risk to them is high (art. 34)."),
    N_("Document it in any case in the breach register (art. 33(5)), notified or not."),
)


def _t(options: ReportOptions) -> tuple[str, Callable[[str], str]]:
    language = report_language(options)
    return language, gettext_for(language)


# --------------------------------------------------------------------------- identity


def _safe_remote(root: Path) -> str | None:
    """origin's URL without any user or token it may carry (https://user:token@host/...)."""
    try:
        done = subprocess.run(["git", "remote", "get-url", "origin"], cwd=root, capture_output=True, text=True,
                              timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    url = done.stdout.strip()
    if done.returncode != 0 or not url:
        return None
    if "://" in url:
        parts = urlsplit(url)
        return urlunsplit((parts.scheme, parts.hostname or "", parts.path, "", ""))
    return url.split("@", 1)[-1]  # scp-like git@host:path


def identity(result: ScanResult, options: ReportOptions, grade: Grade) -> dict[str, Any]:
    root = Path(options.root or ".").resolve()
    top = git_toplevel(root) or root
    return {
        "repository": top.name,
        "remote": _safe_remote(top),
        "commit": head_sha(str(root)),
        "scope": result.target or ".",
        "scanned_range": result.extra.get("scanned_range"),
        "history_scanned": grade.history,
        "files_scanned": result.files_scanned,
        "commits_scanned": result.extra.get("commits_scanned"),
        "complete": result.complete,
        "errors": len(result.errors),
        "tool_version": __version__,
        "rules": len(result.rules),
        "method": METHOD,
        "method_date": METHOD_DATE,
        "generated": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
    }


# --------------------------------------------------------------------------- counts and exposure


def _rule_names(result: ScanResult, language: str) -> dict[str, str]:
    return {rule.id: rule.localized(language)[0] for rule in result.rules}


def _rules_by_id(result: ScanResult) -> dict[str, Rule]:
    return {rule.id: rule for rule in result.rules}


def counts(result: ScanResult, translate: Callable[[str], str]) -> dict[str, Any]:
    findings = result.open_values()
    by_category = Counter(f.category for f in findings)
    by_severity = Counter(f.severity for f in findings)
    return {
        "by_category": [{"category": c, "name": translate(CATEGORY_NAMES.get(c, c)), "count": n}
                        for c, n in sorted(by_category.items())],
        "by_severity": [{"severity": s, "name": translate(SEVERITY_NAMES.get(s, s)), "count": n}
                        for s, n in sorted(by_severity.items(), key=lambda kv: severity_rank(kv[0]))],
        "annotated_by_verdict": [{"verdict": v, "name": translate(VERDICT_NAMES.get(v, v)), "count": n}
                                 for v, n in sorted(Counter(f.verdict for f in result.annotated).items())],
        "suppressed": len(result.suppressed),
    }


def _date(finding: Finding) -> str | None:
    return finding.commit.date[:10] if finding.commit and finding.commit.date else None


def kinds(result: ScanResult, language: str, translate: Callable[[str], str]) -> list[dict[str, Any]]:
    """One entry per kind of data (rule): counts in HEAD and history only, exposure dates, what to do."""
    names = _rule_names(result, language)
    rules = _rules_by_id(result)
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.open_values():
        groups[finding.rule_id].append(finding)
    out = []
    for rule_id, group in sorted(groups.items(), key=lambda kv: (severity_rank(kv[1][0].severity), kv[0])):
        dates = sorted(d for d in (_date(f) for f in group) if d)
        first = group[0]
        remediation = rules[rule_id].localized(language)[2].strip() if rule_id in rules else ""
        out.append({
            "rule_id": rule_id,
            "name": names.get(rule_id, first.rule_name or rule_id),
            "category": first.category,
            "category_name": translate(CATEGORY_NAMES.get(first.category, first.category)),
            "severity": first.severity,
            "severity_name": translate(SEVERITY_NAMES.get(first.severity, first.severity)),
            "count": len(group),
            "in_head": sum(1 for f in group if in_head(f)),
            "history_only": sum(1 for f in group if not in_head(f)),
            "distinct_values": len({f.value for f in group}),
            "records": len({(f.path, f.record) for f in group if f.record}) or len({f.path for f in group}),
            "first_exposed": dates[0] if dates else None,
            "last_exposed": dates[-1] if dates else None,
            "actions": _actions(first.category, translate),
            "remediation": remediation,
            "consequence": translate(_consequence(rule_id, first.category)),
        })
    return out


def _consequence(rule_id: str, category: str) -> str:
    if category == "secret":
        return SECRET_CONSEQUENCE
    return CONSEQUENCES.get(rule_id, DEFAULT_PII_CONSEQUENCE)


def _actions(category: str, translate: Callable[[str], str]) -> list[str]:
    """A value committed once stays in the history, even when it is still in HEAD: always purge."""
    steps = [*(SECRET_ACTIONS if category == "secret" else PII_ACTIONS), *HISTORY_ACTIONS]
    if category != "secret":
        steps += BREACH_ACTIONS
    return [translate(step) for step in steps]


# --------------------------------------------------------------------------- samples


def samples(result: ScanResult, options: ReportOptions, names: dict[str, str]) -> list[dict[str, Any]]:
    """At most SAMPLES_PER_RULE redacted findings per rule, most severe rules first."""
    authors = bool(options.extra.get("report_authors"))
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in by_severity(result.open_values()):
        groups[finding.rule_id].append(finding)
    out = []
    for rule_id, group in groups.items():
        rows = []
        for finding in group[:SAMPLES_PER_RULE]:
            row: dict[str, Any] = {
                "path": scrub(repo_relative(finding.path, options.root), finding),
                "line": finding.line,
                "redacted": finding.redacted,
                "in_head": in_head(finding),
                "commit": finding.commit.sha[:12] if finding.commit else None,
                "date": _date(finding),
            }
            if authors and finding.commit is not None:
                row["author"] = scrub(finding.commit.author, finding)
            rows.append(row)
        out.append({"rule_id": rule_id, "name": names.get(rule_id, rule_id), "total": len(group),
                    "shown": len(rows), "findings": rows})
    return out


# --------------------------------------------------------------------------- art. 33(3)


def article_33(result: ScanResult, kind_list: list[dict[str, Any]], translate: Callable[[str], str]) -> dict[str, Any]:
    personal = [k for k in kind_list if k["category"] != "secret"]
    secrets = [k for k in kind_list if k["category"] == "secret"]
    nature = translate(N_("Loss of confidentiality: personal data or credentials written into a git repository, "
                          "readable by everyone with access to it or to one of its clones, forks and mirrors."))
    return {
        "nature": nature,
        "categories_of_data": [k["name"] for k in personal],
        "secrets": [k["name"] for k in secrets],
        # A value met in several places is one person at most once: distinct values per kind, the
        # largest kind as the lower bound of data subjects (the kinds may describe the same people).
        "data_subjects_approx": max((k["distinct_values"] for k in personal), default=0),
        "records_approx": sum(k["records"] for k in personal),
        "values_found": sum(k["count"] for k in personal),
        "consequences": sorted({k["consequence"] for k in kind_list}),
        "measures": [translate(N_("Remove the values from the repository and purge its history; "
                                  "rotate every exposed secret.")),
                     translate(N_("Ask the owners of forks and mirrors to purge theirs.")),
                     translate(N_("Run sondier as a pre-commit hook and a CI gate so that it does not happen again."))],
        "assessment": translate(N_("to be assessed by the DPO")),
    }


# --------------------------------------------------------------------------- pictures


def bar_chart(kind_list: list[dict[str, Any]]) -> dict[str, Any]:
    """Geometry of a horizontal bar chart (one bar per kind of data), drawn by the template."""
    top = max((k["count"] for k in kind_list), default=0)
    bars = []
    for index, kind in enumerate(kind_list):
        width = round(300 * kind["count"] / top) if top else 0
        colour = COLOURS["E"] if kind["category"] == "secret" else COLOURS["D"]
        bars.append({"y": 10 + index * 26, "width": max(width, 2), "label": kind["name"], "count": kind["count"],
                     "colour": colour})
    return {"height": 20 + 26 * len(bars), "bars": bars}


def timeline(result: ScanResult) -> dict[str, Any] | None:
    """Geometry of the exposure timeline: one mark per finding at the date of the commit that
    introduced it (red: still in HEAD, orange: history only). None without dated findings."""
    values = result.open_values()
    oldest = oldest_exposure(values)
    if oldest is None:
        return None
    now = datetime.now(timezone.utc)
    span = max((now - oldest).total_seconds(), 86400.0)
    marks = []
    for finding in values:
        when = oldest_exposure([finding])
        if when is None:
            continue
        x = 20 + round(560 * (when - oldest).total_seconds() / span)
        marks.append({"x": x, "colour": COLOURS["E"] if in_head(finding) else COLOURS["D"],
                      "date": when.date().isoformat()})
    return {"start": oldest.date().isoformat(), "end": now.date().isoformat(), "marks": marks}


# --------------------------------------------------------------------------- the report


def build(result: ScanResult, options: ReportOptions) -> dict[str, Any]:
    language, translate = _t(options)
    grade = grade_for_report(result, options.root)
    kind_list = kinds(result, language, translate)
    names = {k["rule_id"]: k["name"] for k in kind_list}
    return {
        "report": "sondier-dpo",
        "version": 1,
        "language": language,
        "identity": identity(result, options, grade),
        "grade": {**grade.to_dict(), "reasons": grade.localized_reasons(translate)},
        "counts": counts(result, translate),
        "kinds": kind_list,
        "samples": samples(result, options, names),
        "samples_per_rule": SAMPLES_PER_RULE,
        "article_33": article_33(result, kind_list, translate),
        "method": explain(translate),
        "errors": len(result.errors),
    }


def write_json(result: ScanResult, stream: TextIO, options: ReportOptions) -> None:
    json.dump(build(result, options), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def write_html(result: ScanResult, stream: TextIO, options: ReportOptions) -> None:
    from sondier.reporters.templating import environment

    language = report_language(options)
    data = build(result, options)
    grade = grade_for_report(result, options.root)
    template = environment(language).get_template("report.html.j2")
    stream.write(template.render(report=data, badge=badge_svg(grade, language),
                                 chart=bar_chart(data["kinds"]), timeline=timeline(result),
                                 grade_colour=COLOURS.get(grade.letter, COLOURS["?"])))
