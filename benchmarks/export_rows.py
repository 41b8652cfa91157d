"""Benchmark: a generated export of 100,000 rows (name, e-mail, phone, NIR, IBAN, all with
computed checksums, none real) scanned with the terminal report, SARIF and JSON, against
gitleaks in the same run.

Targets: SARIF and JSON within 1.2x the terminal report's time (the cost of a report must not
grow with the number of values found), peak memory under 200 MB.

    python benchmarks/export_rows.py [--rows 100000] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import tempfile
from pathlib import Path

from _common import FORMATS, compare_formats, gitleaks, print_format_ratios

FIRST = ("Camille", "Louise", "Jules", "Hugo", "Manon", "Léa", "Lucas", "Chloé", "Gabriel", "Inès")
LAST = ("Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau", "Laurent")


def nir(rng: random.Random) -> str:
    body = (f"{rng.randint(1, 2)}{rng.randint(40, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 95):02d}"
            f"{rng.randint(1, 990):03d}{rng.randint(1, 999):03d}")
    return f"{body}{97 - int(body) % 97:02d}"


def phone(rng: random.Random) -> str:
    # Outside ARCEP's fiction ranges, so the rows count as real-looking data.
    pairs = " ".join(f"{rng.randint(10, 99)}" for _ in range(4))
    return f"0{rng.choice('67')} {pairs}"


def iban(rng: random.Random) -> str:
    bank, branch = f"{rng.randint(10000, 39999)}", f"{rng.randint(0, 99999):05d}"
    account = f"{rng.randint(0, 10**11 - 1):011d}"
    rib_key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    bban = f"{bank}{branch}{account}{rib_key:02d}"
    check = 98 - int(bban + "152700") % 97  # "FR00" moved to the end, F=15 R=27
    return f"FR{check:02d}{bban}"


def write_export(path: Path, rows: int, seed: int = 2026) -> None:
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write("nom;prenom;email;telephone;nir;iban\n")
        for i in range(rows):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            email = f"{first.lower().replace('é', 'e').replace('è', 'e')}.{last.lower()}{i}@orange.fr"
            handle.write(f"{last};{first};{email};{phone(rng)};{nir(rng)};{iban(rng)}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "sondier-bench-export")
    args = parser.parse_args()
    tree = args.workdir / "export"
    tree.mkdir(parents=True, exist_ok=True)
    export = tree / "clients.csv"
    if not export.exists():
        write_export(export, args.rows)
    report = args.workdir / "gitleaks.json"
    gitleaks_cmd = [gitleaks(), "dir", str(tree), "--no-banner", "--exit-code", "0", "--report-format", "json",
                    "--report-path", str(report), "--log-level", "error"]
    result = compare_formats([str(tree)], gitleaks_cmd, runs=args.runs)
    print(f"export: {export} ({export.stat().st_size / 1e6:.1f} MB, {args.rows} rows)")
    print_format_ratios("export", result, target=float("inf"))
    terminal = result.seconds["text"]
    for fmt in FORMATS[1:]:
        print(f"{fmt} / terminal report: {result.seconds[fmt] / terminal:.2f}x (target <= 1.20x)")
    print(f"peak RSS: {max(result.peak_rss_mb.values()):.0f} MB (target < 200 MB)")


if __name__ == "__main__":
    main()
