"""Precision on real repositories: what `sondier scan` fails on, per repository of the panel
(benchmarks/panel.yml), beside gitleaks' count on the same tree; then recall on a generated
export planted into a copy of each tree (once at its root, once under its test fixtures).

    python benchmarks/panel.py --trees DIR [--only NAME ...] [--no-plant] [--no-gitleaks]

DIR holds one checked-out tree per repository, named as in panel.yml. A missing tree is cloned
from its URL at the pinned commit (the one network use of the benchmarks). Nothing is printed
but counts: values never leave the JSON reports, which stay in a temporary folder.

Targets (issue "Precision on real repositories"): at most 10 failing findings per repository on
median and 25 on any one; every planted value found with the `personal` verdict."""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import gitleaks, sondier
from git_history import _french_iban, _nir

PANEL = Path(__file__).resolve().parent / "panel.yml"
PLANTED_ROWS = 40


def load_panel() -> list[dict[str, str]]:
    return yaml.safe_load(PANEL.read_text(encoding="utf-8"))["repositories"]


def ensure_tree(trees: Path, repo: dict[str, str]) -> Path:
    tree = trees / repo["name"]
    if tree.is_dir():
        return tree
    print(f"cloning {repo['url']} at {repo['commit'][:12]} (network, benchmark only)...", file=sys.stderr)
    subprocess.run(["git", "clone", "-q", "--filter=blob:none", "--no-checkout", repo["url"], str(tree)], check=True)
    subprocess.run(["git", "-C", str(tree), "checkout", "-q", repo["commit"]], check=True)
    return tree


def scan(tree: Path, report: Path, *extra: str) -> dict:
    # Run from an empty folder so that no configuration but the tree's own applies.
    with tempfile.TemporaryDirectory() as cwd:
        proc = subprocess.run([*sondier(), "scan", str(tree), "--format", "json", "--output", str(report),
                               "--quiet", *extra], cwd=cwd, capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"sondier failed on {tree} (exit {proc.returncode}): {proc.stderr.strip()[:500]}")
    return json.loads(report.read_text(encoding="utf-8"))


def gitleaks_count(tree: Path, report: Path) -> int:
    subprocess.run([gitleaks(), "dir", str(tree), "--no-banner", "--exit-code", "0", "--report-format", "json",
                    "--report-path", str(report), "--log-level", "error"], check=True, capture_output=True)
    return len(json.loads(report.read_text(encoding="utf-8") or "[]"))


def verdict_counts(report: dict) -> Counter[str]:
    counts: Counter[str] = Counter(report.get("summary", {}).get("by_verdict", {}))
    if not counts:  # an engine without verdicts: everything it reports fails
        counts["personal/secret"] = len(report["findings"])
    return counts


def _ascii(text: str) -> str:
    """Mail providers take no accents or spaces in local parts: `Lelièvre` is written `lelievre`."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c == "."))


def _mobile(rng: random.Random) -> str:
    """A French mobile number that the numbering plan assigns (phonenumbers is the ground truth)."""
    import phonenumbers

    while True:
        number = f"0{rng.choice('67')}{rng.randint(10**7, 10**8 - 1)}"
        if phonenumbers.is_valid_number(phonenumbers.parse(number, "FR")):
            return number


def export_rows(seed: int) -> tuple[str, dict[str, set[str]]]:
    """A realistic generated export (Faker fr_FR, computed checksums) and its values per rule."""
    from faker import Faker

    fake = Faker("fr_FR")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    planted: dict[str, set[str]] = {"fr-nir": set(), "iban": set(), "fr-phone": set(), "email": set()}
    lines = ["id;nom;prenom;email;telephone;nir;iban"]
    for index in range(PLANTED_ROWS):
        nir, iban, phone = _nir(rng), _french_iban(rng), _mobile(rng)
        local = _ascii(f"{fake.first_name()}.{fake.last_name()}{rng.randint(1, 99)}")
        email = f"{local}@{fake.free_email_domain()}"
        lines.append(f"{index + 1};{fake.last_name()};{fake.first_name()};{email};{phone};{nir};{iban}")
        for rule, value in (("fr-nir", nir), ("iban", iban), ("fr-phone", phone), ("email", email)):
            planted[rule].add(value)
    return "\n".join(lines) + "\n", planted


def _show_all() -> list[str]:
    """--show-all lists the annotated findings too (engines before verdicts have no such flag)."""
    help_text = subprocess.run([*sondier(), "scan", "--help"], capture_output=True, text=True).stdout
    return ["--show-all"] if "--show-all" in help_text else []


def planted_recall(tree: Path, work: Path, seed: int) -> tuple[int, int, int]:
    """(planted, found as personal, found with another verdict) for one tree."""
    copy = work / f"plant-{tree.name}"
    shutil.rmtree(copy, ignore_errors=True)
    # Hard links: a full copy of the tree for the price of its folders.
    subprocess.run(["cp", "-al", str(tree), str(copy)], check=True)
    text, planted = export_rows(seed)
    for place in (copy / "export_usagers.csv", copy / "tests" / "fixtures" / "usagers.csv"):
        place.parent.mkdir(parents=True, exist_ok=True)
        if place.exists():
            place.unlink()
        place.write_text(text, encoding="utf-8")
    report = scan(copy, work / f"plant-{tree.name}.json", *_show_all())
    shutil.rmtree(copy, ignore_errors=True)
    # Each planted row holds one value of each rule, on line index + 2 of both files. An export
    # finding stands for its values: its JSON report lists every location (never the values).
    wanted = {(rule, line, where) for rule in planted for line in range(2, PLANTED_ROWS + 2)
              for where in ("export_usagers.csv", "tests/fixtures/usagers.csv")}
    personal: set[tuple[str, int, str]] = set()
    other: set[tuple[str, int, str]] = set()
    for bucket, finding_list in (("findings", report["findings"]), ("annotated", report.get("annotated", []))):
        for finding in finding_list:
            path = finding["path"].replace(os.sep, "/")
            where = next((w for w in ("tests/fixtures/usagers.csv", "export_usagers.csv") if path.endswith(w)), None)
            if where is None:
                continue
            lines = [loc[0] for loc in finding.get("export", {}).get("locations", [])] or [finding["line"]]
            is_personal = bucket == "findings" and finding.get("verdict", "personal") == "personal"
            for line in lines:
                (personal if is_personal else other).add((finding["rule_id"], line, where))
    return len(wanted), len(personal & wanted), len((other - personal) & wanted)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--trees", type=Path, required=True, help="folder of checked-out trees (cloned if absent)")
    parser.add_argument("--only", nargs="*", help="only these repositories")
    parser.add_argument("--no-plant", action="store_true", help="skip the planted-export recall check")
    parser.add_argument("--no-gitleaks", action="store_true")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    args.trees.mkdir(parents=True, exist_ok=True)
    repos = [r for r in load_panel() if not args.only or r["name"] in args.only]
    failing_counts: list[int] = []
    totals: Counter[str] = Counter()
    by_rule_total: Counter[str] = Counter()
    recall = [0, 0, 0]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        print(f"{'repository':<24} {'fail':>5} {'gitleaks':>8}  failing by rule | verdicts")
        for repo in repos:
            tree = ensure_tree(args.trees, repo)
            report = scan(tree, work / f"{repo['name']}.json")
            failing = report["findings"]
            by_rule = Counter(f["rule_id"] for f in failing)
            verdicts = verdict_counts(report)
            leaks = "-" if args.no_gitleaks else str(gitleaks_count(tree, work / f"{repo['name']}-gl.json"))
            failing_counts.append(len(failing))
            totals.update(verdicts)
            by_rule_total.update(by_rule)
            rules_text = ", ".join(f"{k} {v}" for k, v in by_rule.most_common()) or "-"
            verdict_text = ", ".join(f"{k} {v}" for k, v in sorted(verdicts.items()))
            print(f"{repo['name']:<24} {len(failing):>5} {leaks:>8}  {rules_text} | {verdict_text}")
            if not args.no_plant:
                planted, found, other = planted_recall(tree, work, args.seed)
                recall = [recall[0] + planted, recall[1] + found, recall[2] + other]
                print(f"{'':<24} planted export: {found}/{planted} found as personal, {other} with another verdict")
    print(f"\ntotal failing: {sum(failing_counts)}; median per repository {statistics.median(failing_counts):g} "
          f"(target <= 10), max {max(failing_counts)} (target <= 25)")
    print("failing by rule: " + ", ".join(f"{k} {v}" for k, v in by_rule_total.most_common()))
    print("all verdicts: " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())))
    if not args.no_plant:
        print(f"planted values found as personal: {recall[1]}/{recall[0]} ({recall[1] / max(recall[0], 1):.1%}); "
              f"with another verdict: {recall[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
