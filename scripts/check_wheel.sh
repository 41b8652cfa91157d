#!/usr/bin/env bash
# Ready to publish: build the sdist and the wheel, check them with twine, install the wheel alone
# in a clean venv (no source tree on the path) and run a real scan, the rule listing and a staged
# scan from it. Called by .ci/run; usage: scripts/check_wheel.sh [PYTHON]  (default .venv/bin/python)
set -euo pipefail
cd "$(dirname "$0")/.."
python="${1:-.venv/bin/python}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

"$python" -m build --sdist --wheel --outdir "$work/dist" . >"$work/build.log" 2>&1 || { cat "$work/build.log"; exit 1; }
"$python" -m twine check --strict "$work"/dist/*
version="$("$python" -c 'import runpy; print(runpy.run_path("sondier/__init__.py")["__version__"])')"
wheel="$(ls "$work"/dist/sondier-"$version"-*.whl)"
ls "$work"/dist/sondier-"$version".tar.gz >/dev/null

python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q "$wheel"
cd "$work"  # away from the source tree: only the installed wheel can answer
"$work/venv/bin/sondier" --version | grep -qx "sondier $version"
"$work/venv/bin/sondier" rules list | tail -1 | grep -Eq '^[0-9]+ rules$'
cp -r "$OLDPWD/demo" "$work/demo"
set +e
"$work/venv/bin/sondier" scan demo/ --quiet --format json --output "$work/demo.json"; demo_exit=$?
set -e
[ "$demo_exit" -eq 1 ] || { echo "wheel: sondier scan demo/ exited $demo_exit, expected 1 (findings)"; exit 1; }

git init -q "$work/repo"
# sondier:ignore-next-line fr-nir -- the body of a generated test NIR, its key computed here
printf 'nom;nir\nDupont;%s\n' "$("$work/venv/bin/python" -c 'b="1840275123456"; print(b + "%02d" % (97 - int(b) % 97))')" \
  >"$work/repo/patients.csv"
git -C "$work/repo" add patients.csv
set +e
(cd "$work/repo" && "$work/venv/bin/sondier" scan --staged --quiet >/dev/null); staged_exit=$?
set -e
[ "$staged_exit" -eq 1 ] || { echo "wheel: staged scan exited $staged_exit, expected 1"; exit 1; }
echo "wheel check: sondier $version built, twine-checked, installed alone; demo, rules list and staged scan OK"
