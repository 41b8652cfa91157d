"""The DPO report opened in a real browser (Debian's chromium driven by playwright): it renders with
no console error and no request but the file itself, shows the grade and every section, holds none
of the planted values; a screenshot per language is kept under test-artifacts/ for people to look at.

Playwright never downloads a browser here: it drives /usr/bin/chromium (installed by .ci/run)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import REPO_ROOT, run_sondier
from gitrepo import GitRepo, leaky_repo

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SECTIONS = ("grade", "identity", "counts", "exposure", "findings", "actions", "article-33", "method")

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="/usr/bin/chromium is absent (apt-get install -y chromium; .ci/run does)")


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def leaky(tmp_path_factory: pytest.TempPathFactory) -> tuple[GitRepo, list[str]]:
    return leaky_repo(tmp_path_factory.mktemp("browser"))


def open_report(browser: Any, path: Path) -> tuple[Any, list[str], list[str]]:
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    requests: list[str] = []
    problems: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: problems.append(f"{message.type}: {message.text}")
            if message.type in ("error", "warning") else None)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.goto(path.as_uri(), wait_until="load")
    return page, requests, problems


@pytest.mark.parametrize(("lang", "letter_label", "assessment"), [("fr", "Note", "à apprécier par le DPO"),
                                                                  ("en", "Grade", "to be assessed by the DPO")])
def test_report_renders_offline_with_every_section(browser: Any, leaky: tuple[GitRepo, list[str]], lang: str,
                                                   letter_label: str, assessment: str) -> None:
    repo, values = leaky
    report = repo.path.parent / f"rapport-{lang}.html"
    done = run_sondier(["scan", "--history", "-q", "--show-values", "--lang", lang, "--report", f"html={report}"],
                       cwd=repo.path)
    assert done.returncode == 1, done.stderr
    page, requests, problems = open_report(browser, report)
    try:
        assert requests == [report.as_uri()], "the report must fetch nothing"
        assert problems == []
        assert page.locator("#grade .letter").inner_text() == "E"
        assert page.locator("#grade h2").inner_text() == letter_label
        for section in SECTIONS:
            assert page.locator(f"section#{section}").is_visible(), section
        assert page.locator("#grade svg").count() == 1  # the badge
        assert page.locator("#counts svg rect").count() == 4  # one bar per kind of data
        assert page.locator("#exposure svg circle").count() == 46  # one mark per value
        assert assessment.lower() in page.locator("#article-33").inner_text().lower()
        text, html = page.inner_text("body"), page.content()
        for value in values:
            assert value not in text and value not in html
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"dpo-report-{lang}.png"), full_page=True)
    finally:
        page.close()
    assert (ARTIFACTS / f"dpo-report-{lang}.png").stat().st_size > 10_000
