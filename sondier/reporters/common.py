"""Helpers shared by the CI report formats (sarif, gitlab, codequality, junit, github, markdown).

CI reports end up in places many people can read (code-scanning alerts, MR widgets, job logs,
artifacts), so these helpers keep two promises: only the redacted form of a value is shown, and
anything that still slips into free text (a validator's reason, a path) is scrubbed of it."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sondier.rules import SEVERITIES

if TYPE_CHECKING:
    from sondier.findings import Finding, ScanResult
    from sondier.rules import Rule

TOOL_NAME = "sondier"
TOOL_URI = "https://github.com/sondier/sondier"
# A commit sha is mandatory in GitLab reports; this one says "not in a git repository".
NO_COMMIT_SHA = "0000000"

# critical first; unknown severities sort last.
SEVERITY_ORDER = {name: index for index, name in enumerate(SEVERITIES)}
CWE_BY_CATEGORY = {
    "pii": ("CWE-359", "Exposure of Private Personal Information to an Unauthorized Actor"),
    "secret": ("CWE-798", "Use of Hard-coded Credentials"),
}


@dataclass(frozen=True)
class RuleInfo:
    """What a report says about a rule; built from the Rule, or from a finding when the rule
    that produced it is not in result.rules (hand-built results, rules removed since)."""

    id: str
    name: str
    category: str
    severity: str
    description: str
    remediation: str
    has_validator: bool = False
    base_confidence: float = 0.6


def rule_info(rule: Rule) -> RuleInfo:
    return RuleInfo(rule.id, rule.name, rule.category, rule.severity, rule.description.strip(),
                    rule.remediation.strip(), rule.validator is not None, rule.base_confidence)


def rule_infos(result: ScanResult, findings: Iterable[Finding]) -> list[RuleInfo]:
    """Rules that ran, in a stable order (by id), plus any rule a finding names but that did not run."""
    infos: dict[str, RuleInfo] = {}
    for rule in result.rules:
        infos.setdefault(rule.id, rule_info(rule))
    for finding in findings:
        if finding.rule_id not in infos:
            infos[finding.rule_id] = RuleInfo(finding.rule_id, finding.rule_name or finding.rule_id,
                                              finding.category, finding.severity,
                                              finding.rule_name or finding.rule_id, "")
    return sorted(infos.values(), key=lambda info: info.id)


def severity_rank(severity: str) -> int:
    return SEVERITY_ORDER.get(severity, len(SEVERITY_ORDER))


def by_severity(findings: Iterable[Finding]) -> list[Finding]:
    """Most severe first, then by path and position: what to show when a report must be capped."""
    return sorted(findings, key=lambda f: (severity_rank(f.severity), *f.sort_key()))


def scrub(text: str, finding: Finding) -> str:
    """Replace the raw value (and its compact form) in free text with the redacted form."""
    if not finding.value:
        return text
    redacted = finding.redacted
    compact = "".join(finding.value.split())
    for raw in {finding.value, compact}:
        if len(raw) >= 3 and raw in text:
            text = text.replace(raw, redacted)
    return text


def shown_value(finding: Finding, show_values: bool) -> str:
    return finding.value if show_values else finding.redacted


def reasons_text(finding: Finding) -> str:
    return scrub("; ".join(finding.reasons), finding)


def stable_hash(*parts: str, length: int = 32) -> str:
    """sha256 over already non-reversible inputs (fingerprint, path, rule): an identifier, not a secret."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
    return digest[:length]


def occurrence_keys(findings: Sequence[Finding]) -> list[tuple[str, int]]:
    """(fingerprint|path key, ordinal) per finding, in the order given.

    A fingerprint names (rule, value) only, so the same value twice in one file needs the ordinal
    to stay distinct. The ordinal follows file order, which survives edits elsewhere in the file
    (unlike a line number)."""
    order = sorted(range(len(findings)), key=lambda i: findings[i].sort_key())
    seen: dict[str, int] = {}
    keys: list[tuple[str, int]] = [("", 0)] * len(findings)
    for index in order:
        item = findings[index]
        base = f"{item.fingerprint or item.rule_id}|{item.path}"
        seen[base] = seen.get(base, 0) + 1
        keys[index] = (base, seen[base])
    return keys


def git_toplevel(start: Path) -> Path | None:
    """The enclosing work tree, found by looking for .git (a folder, or a file in worktrees and
    submodules) so that no git process is needed."""
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def _root_and_top(root: str) -> tuple[Path, Path | None]:
    # Keyed on the current folder too, since it may change; resolving once per finding cost
    # ~1 ms each (a report of 20,000 findings spent 20 s here).
    return _resolved_root(root or ".", os.getcwd())


@lru_cache(maxsize=64)
def _resolved_root(root: str, cwd: str) -> tuple[Path, Path | None]:
    base = (Path(cwd) / root).resolve()
    return base, _cached_toplevel(base)


def dump_json(data: object, stream: TextIO) -> None:
    """A report as JSON, through the C encoder: `indent` makes the json module fall back to its
    pure-Python encoder, which took longer than the scan itself on reports of 20,000 findings."""
    stream.write(json.dumps(data, ensure_ascii=False))
    stream.write("\n")


@lru_cache(maxsize=16)
def _cached_toplevel(base: Path) -> Path | None:
    """Looked up once per report, not once per finding."""
    return git_toplevel(base)


def repo_relative(path: str, root: str) -> str:
    """The finding's path relative to the repository top (what GitHub and GitLab match against),
    with forward slashes. Paths are relative to the scan root, which may be a sub-folder or
    contain `..`; paths outside any repository stay relative to the scan root."""
    if path in ("", "-"):
        return path
    base, top = _root_and_top(root)
    absolute = Path(os.path.normpath(base / path))
    if top is not None:
        try:
            return absolute.relative_to(top).as_posix()
        except ValueError:
            pass
    return Path(os.path.normpath(path)).as_posix()


def head_sha(root: str) -> str | None:
    """HEAD of the repository containing the scan root, or None (not a repository, no commit,
    no git): the files scanned are described by this commit plus any uncommitted change."""
    base = Path(root).resolve() if root else Path.cwd()
    if git_toplevel(base) is None:
        return None
    try:
        completed = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=base,
                                   capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    sha = completed.stdout.strip()
    return sha if completed.returncode == 0 and sha else None


def commit_properties(finding: Finding) -> dict[str, str]:
    """Commit sha, author name and date of a history finding. The author's e-mail is left out of
    CI reports: it is personal data, and these reports are copied to more places than git is."""
    if finding.commit is None:
        return {}
    props = {"commit": finding.commit.sha}
    if finding.commit.author:
        props["author"] = finding.commit.author
    if finding.commit.date:
        props["date"] = finding.commit.date
    return props


def localized_rule_names(result: ScanResult, language: str) -> dict[str, str]:
    """Rule id -> the rule's name in ``language`` (human reports; machine formats keep English)."""
    return {rule.id: rule.localized(language)[0] for rule in result.rules}


def severity_label(severity: str) -> str:
    """A severity as a reader sees it; the machine value stays the English key."""
    from sondier.i18n import N_, _

    labels = {"critical": N_("critical"), "high": N_("high"), "medium": N_("medium"), "low": N_("low"),
              "info": N_("info")}
    return _(labels[severity]) if severity in labels else severity
