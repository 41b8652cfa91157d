"""Scan errors and skipped-file reasons, in the reader's language.

They are recorded in English (`ScanResult.errors`, `Skipped.reason`), as the JSON, SARIF and
GitLab reports print them, so that those files are the same in every language; the terminal
report and the Markdown summary read them back through :data:`SCAN_ERRORS`. The producers
(pipeline, sources) format these very constants, so the English text and its template cannot
drift apart. An operating system's own message (`Permission denied`) stays as it is."""

from __future__ import annotations

from sondier.i18n import N_
from sondier.reasons import RecordedTexts

CANNOT_READ = N_("{path}: cannot read: {reason}")
REGEX_TIME_LIMIT = N_("{path}: rule '{rule}' ({source}) exceeded the regex time limit of {seconds}s; fix its "
                      "pattern (catastrophic backtracking?)")
SKIPPED_WITH_ERROR = N_("{path}: {reason}")
NO_SUCH_FILE = N_("no such file or directory")
CANNOT_STAT = N_("cannot stat: {reason}")
SYMLINK_NOT_FOLLOWED = N_("symbolic link (not followed; use --follow-symlinks)")
DANGLING_SYMLINK = N_("dangling symbolic link")
SYMLINK_LOOP = N_("symbolic link loop")
NOT_REGULAR = N_("not a regular file (FIFO, socket or device): never opened")
TOO_LARGE = N_("larger than the size limit ({size} > {limit} bytes)")
CANNOT_LIST = N_("cannot list folder: {reason}")
ADDED_TOO_LARGE = N_("more than {limit} bytes added (size limit): the rest of this file's change is not scanned")
LFS_POINTER_SKIPPED = N_("Git LFS pointer: the pointer is scanned, the stored object is not (scan a checkout after "
                         "`git lfs pull`)")
MISSING_OBJECT = N_("commit {commit}: {path}: object {object} is missing")
UNREADABLE_COMMIT = N_("commit {commit}: cannot be read ({reason})")

TEMPLATES = (CANNOT_READ, REGEX_TIME_LIMIT, SKIPPED_WITH_ERROR, CANNOT_STAT, TOO_LARGE, CANNOT_LIST, ADDED_TOO_LARGE,
             MISSING_OBJECT, UNREADABLE_COMMIT)
SCAN_ERRORS = RecordedTexts(TEMPLATES, nested=("reason",))


def localized_error(text: str) -> str:
    """A recorded scan error or skip reason in the active language."""
    return SCAN_ERRORS.localized(text)
