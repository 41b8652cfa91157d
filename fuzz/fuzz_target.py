"""atheris (libFuzzer) harness for one target of fuzz/targets.py.

    python fuzz/fuzz_target.py TARGET [libFuzzer options, e.g. -max_total_time=60 corpus/]

Any exception other than SondierError is a crash: libFuzzer stops and writes the input to
crash-<sha1> (see -artifact_prefix)."""

from __future__ import annotations

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

with atheris.instrument_imports(include=["sondier"]):
    import sondier.config
    import sondier.detection
    import sondier.rules
    import sondier.sources.files  # noqa: F401

from fuzz.targets import TARGETS


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        sys.exit(f"usage: {sys.argv[0]} TARGET [libFuzzer options]; targets: {', '.join(TARGETS)}")
    target = TARGETS[sys.argv[1]]
    atheris.instrument_all()  # modules imported lazily by the targets (validators...) too
    atheris.Setup([sys.argv[0], *sys.argv[2:]], target)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
