"""The texts a fleet scan records: the `error` of a result file (repos/*.json) and of fleet.json's rows.

Result files and the aggregate are machine outputs, compared from run to run and across
languages, so these texts are written in English, always (the tasks run in English whatever the
worker's locale, see task.run_task). People read them translated: the progress lines and the
dashboard call :func:`localized`, which reads a recorded text back into its template (a catalog
msgid of the `sondier` domain) and its parameters. The producers format these very constants, so
a template and the texts built from it cannot drift apart. Parameters are paths, repository names,
git's own (English) message, counts, never a scanned value."""

from __future__ import annotations

from sondier.i18n import N_
from sondier.reasons import RecordedTexts

NOT_SCANNED = N_("not scanned")
NO_RESULT_YET = N_("no result yet")
NO_SUCH_FOLDER = N_("{source}: no such folder")
NOT_A_REPOSITORY = N_("{source}: not a git repository: --history audits git histories (without --history, "
                      "its files are scanned)")
# `command` is `git clone` or `git fetch`; `message` is git's last line (git runs with LC_ALL=C).
GIT_FAILED = N_("{command} failed (git exit {code}): {message}")
READING_HEAD_FAILED = N_("{name}: reading HEAD failed (git exit {code}): {message}")
GIT_NO_MESSAGE = N_("no message")
GIT_TIMEOUT = N_("git did not answer within {seconds}s")
INTERNAL_ERROR = N_("internal error: {error}")
INTERNAL_ERROR_AT = N_("internal error: {error} at {place}")
SCAN_ERRORS = N_("{count} scan error(s)")
# A batch given up after repeated losses of its worker (runner.py); `why` is one of the two below.
LOST = N_("not scanned: {why} ({attempts} attempt(s); out of memory or killed?)")
WORKER_DIED = N_("its worker process died")
TASK_FAILED = N_("the task failed on the cluster: {error}")

TEMPLATES = (NO_SUCH_FOLDER, NOT_A_REPOSITORY, GIT_FAILED, READING_HEAD_FAILED, GIT_TIMEOUT, INTERNAL_ERROR,
             INTERNAL_ERROR_AT, SCAN_ERRORS, LOST, TASK_FAILED)
RECORDED = RecordedTexts(TEMPLATES, numbers=("code", "seconds", "count", "attempts"), nested=("why",))


def localized(text: str | None, language: str | None = None) -> str:
    """A recorded text in `language` (default: the active one): fixed texts and the templates above;
    a text from elsewhere, such as a scan error, is translated when it is a catalog msgid, else left
    as it was recorded."""
    return RECORDED.localized(text, language) if text else ""
