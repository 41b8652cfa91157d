"""The aggregate of a fleet scan (`fleet.json`): how complete the run is, the grade distribution
overall, per organisation and per ministry, and for each repository its peers' share of A.

Read from the result files only, so it can be rebuilt at any time; written only once the share of
the list with a result reaches the threshold (99 % by default), as OpenSSF Scorecard's loader does."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from sondier.fleet import messages
from sondier.fleet.repolist import RepoSpec
from sondier.fleet.task import read_json, result_path
from sondier.grade import LETTERS, UNKNOWN

AGGREGATE_VERSION = 1
GRADES = (*LETTERS, UNKNOWN)
NO_ORGANISATION = ""


def _distribution(letters: Sequence[str]) -> dict[str, int]:
    counts = Counter(letters)
    return {letter: counts.get(letter, 0) for letter in GRADES}


def _share_a(letters: Sequence[str]) -> float | None:
    """The share of A among graded repositories; a `?` is neither an A nor a failure, so it is left out."""
    graded = [letter for letter in letters if letter in LETTERS]
    return round(sum(1 for letter in graded if letter == "A") / len(graded), 4) if graded else None


def _row(spec: RepoSpec, record: dict[str, Any] | None, results_dir: str) -> dict[str, Any]:
    if record is None:
        return {**spec.to_dict(), "letter": None, "score": None, "open": None, "annotated": None, "commit": None,
                "error": messages.NO_RESULT_YET, "file": None}
    grade = record.get("grade", {})
    counts = record.get("counts", {})
    return {**spec.to_dict(), "letter": grade.get("letter", UNKNOWN), "score": grade.get("score"),
            # a scan that never ran counted nothing: no number rather than a reassuring 0
            "open": None if grade.get("letter") == UNKNOWN and not record.get("scan", {}).get("files") else
            counts.get("open"), "annotated": counts.get("annotated"),
            "open_in_head": grade.get("counts", {}).get("open_in_head"),
            "open_history_only": grade.get("counts", {}).get("open_history_only"),
            "commit": record.get("commit"), "error": record.get("error"), "duration": record.get("duration"),
            "file": f"{results_dir}/{spec.id}.json"}


def _groups(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    names = sorted({row[key] or NO_ORGANISATION for row in rows})
    groups = []
    for name in names:
        letters = [row["letter"] for row in rows if (row[key] or NO_ORGANISATION) == name and row["letter"]]
        groups.append({"name": name, "repositories": sum(1 for r in rows if (r[key] or NO_ORGANISATION) == name),
                       "distribution": _distribution(letters), "share_a": _share_a(letters)})
    return groups


def _peers(rows: list[dict[str, Any]]) -> None:
    """You / your peers: the other repositories of the same organisation."""
    for row in rows:
        mine = row["organisation"] or NO_ORGANISATION
        letters = [other["letter"] for other in rows
                   if other is not row and (other["organisation"] or NO_ORGANISATION) == mine and other["letter"]]
        row["peers"] = {"count": len(letters), "graded": sum(1 for x in letters if x in LETTERS),
                        "share_a": _share_a(letters)}


def build(specs: Sequence[RepoSpec], results: Path, threshold: float, run_method: dict[str, Any],
          results_dir: str = "repos") -> dict[str, Any]:
    rows = [_row(spec, read_json(result_path(results, spec)), results_dir) for spec in specs]
    _peers(rows)
    letters = [row["letter"] for row in rows if row["letter"]]
    done = len(letters)
    completeness = round(done / len(rows), 4) if rows else 0.0
    aggregate: dict[str, Any] = {
        "version": AGGREGATE_VERSION,
        "generated_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "method": run_method,
        "completeness": {"repositories": len(rows), "with_result": done, "ratio": completeness,
                         "threshold": threshold, "reached": completeness >= threshold,
                         "graded": sum(1 for x in letters if x in LETTERS),
                         "unknown": sum(1 for x in letters if x == UNKNOWN),
                         "missing": [row["id"] for row in rows if row["letter"] is None]},
        "distribution": _distribution(letters),
        "share_a": _share_a(letters),
        "organisations": _groups(rows, "organisation"),
        "ministries": _groups(rows, "ministry") if any(row["ministry"] for row in rows) else [],
        "repositories": rows,
    }
    return aggregate
