"""`sondier-hook`: the pre-commit entry point (.pre-commit-hooks.yaml).

    sondier-hook [ARGS] FILE...   scan the files pre-commit passes (it has stashed unstaged
                                  changes, so they hold what is staged); works with --all-files
    sondier-hook --staged [ARGS]  scan only the lines added in the index
    sondier-hook --pre-push       scan every commit being pushed, one diff each, from
                                  PRE_COMMIT_FROM_REF to PRE_COMMIT_TO_REF: a value added and
                                  removed again before the push is still caught

Each mode is a `sondier scan` command line; ARGS are passed on (e.g. --baseline FILE)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from sondier.errors import EXIT_FINDINGS
from sondier.i18n import N_, _

BLOCKED_HINT = N_(
    "sondier: blocked. Remove the values above (they are shown redacted), or, for a false positive, "
    "add `sondier:ignore` on the line or a baseline entry; `git commit --no-verify` skips every hook."
)


def scan_arguments(argv: Sequence[str], env: Mapping[str, str]) -> list[str]:
    """The `sondier scan` arguments for this hook invocation."""
    args = list(argv)
    if "--pre-push" in args:
        args.remove("--pre-push")
        return ["scan", "--quiet", *_push_source(env), *args]
    if "--staged" in args:
        args.remove("--staged")
        return ["scan", "--quiet", "--staged", *args]
    return ["scan", "--quiet", *args]


def _push_source(env: Mapping[str, str]) -> list[str]:
    from_ref = env.get("PRE_COMMIT_FROM_REF", "")
    to_ref = env.get("PRE_COMMIT_TO_REF", "")
    if from_ref and to_ref:
        return ["--diff", f"{from_ref}..{to_ref}"]
    # pre-commit leaves the refs out when the push starts at a root commit: all of it is new.
    return ["--history", env.get("PRE_COMMIT_LOCAL_BRANCH") or "HEAD"]


def main(argv: Sequence[str] | None = None) -> None:
    from sondier.cli import run

    arguments = scan_arguments(sys.argv[1:] if argv is None else argv, os.environ)
    # cli.run reads sys.argv; going through it keeps its guard against internal errors
    # (reported as exit 3 without their message, which could hold a found value).
    sys.argv = [sys.argv[0], *arguments]
    try:
        run()
    except SystemExit as done:
        if done.code == EXIT_FINDINGS:
            print(_(BLOCKED_HINT), file=sys.stderr)
        raise


if __name__ == "__main__":
    main()
