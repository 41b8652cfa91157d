"""The DPO report (html, dpo-json) on a real repository that leaked: its content, its privacy
(no value ever, authors only on request), its two languages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import run_sondier
from gitrepo import GitRepo, leaky_repo, make_repo

from sondier.grade import METHOD

SECTIONS = ("grade", "identity", "counts", "exposure", "findings", "actions", "article-33", "method")
FRENCH_TITLES = ("Note", "Analyse", "Ce qui a été trouvé", "HEAD et historique", "Constats (masqués)", "Que faire",
                 "Aide à la notification de violation (RGPD art. 33(3))", "Méthode et limites")
ENGLISH_TITLES = ("Grade", "Scan", "What was found", "HEAD and history", "Findings (redacted)", "What to do",
                  "Breach notification helper (GDPR art. 33(3))", "Method and limits")


@pytest.fixture(scope="module")
def leaky(tmp_path_factory: pytest.TempPathFactory) -> tuple[GitRepo, list[str]]:
    return leaky_repo(tmp_path_factory.mktemp("dpo"))


def write_reports(repo: GitRepo, *args: str) -> tuple[str, dict]:
    out = repo.path.parent / "out"
    done = run_sondier(["scan", "--history", "-q", "--report", f"html={out}/r.html", "--report",
                        f"dpo-json={out}/r.json", *args], cwd=repo.path)
    assert done.returncode == 1, done.stderr
    return (out / "r.html").read_text(encoding="utf-8"), json.loads((out / "r.json").read_text(encoding="utf-8"))


def spellings(value: str) -> set[str]:
    """The value as planted and without spaces (a NIR is often written in groups)."""
    return {value, "".join(value.split())}


def test_the_report_holds_no_value_even_with_show_values(leaky: tuple[GitRepo, list[str]]) -> None:
    repo, values = leaky
    html, data = write_reports(repo, "--show-values")
    dumped = json.dumps(data, ensure_ascii=False)
    for value in values:
        for form in spellings(value):
            assert form not in html and form not in dumped
    # No author, and never the author's e-mail, unless asked for.
    assert "Camille Leroy" not in html and "camille.leroy" not in html + dumped


def test_authors_only_when_asked(leaky: tuple[GitRepo, list[str]]) -> None:
    repo, _ = leaky
    html, data = write_reports(repo, "--report-authors")
    assert "Camille Leroy" in html
    assert "camille.leroy@example.org" not in html + json.dumps(data)
    assert data["samples"][0]["findings"][0]["author"] == "Camille Leroy"


def test_dpo_json_content(leaky: tuple[GitRepo, list[str]]) -> None:
    repo, _ = leaky
    _, data = write_reports(repo)
    identity = data["identity"]
    assert identity["commit"] == repo.head() and identity["history_scanned"] is True
    assert (identity["method"], identity["repository"]) == (METHOD, "leaky")
    assert data["grade"]["letter"] == "E" and data["language"] == "fr"
    kinds = {kind["rule_id"]: kind for kind in data["kinds"]}
    assert (kinds["fr-nir"]["in_head"], kinds["fr-nir"]["history_only"]) == (20, 0)
    assert (kinds["fr-phone"]["in_head"], kinds["fr-phone"]["history_only"]) == (0, 5)
    assert kinds["fr-nir"]["first_exposed"] == "2022-05-03"
    nir_samples = next(group for group in data["samples"] if group["rule_id"] == "fr-nir")
    assert (nir_samples["total"], nir_samples["shown"], len(nir_samples["findings"])) == (20, 15, 15)
    assert all(re.fullmatch(r"\d{0,2}\*+", row["redacted"]) for row in nir_samples["findings"])
    secret_steps = " ".join(kinds["github-pat"]["actions"])
    assert "Révoquer et renouveler le secret" in secret_steps and "git filter-repo" in secret_steps
    nir_steps = " ".join(kinds["fr-nir"]["actions"])
    assert "CNIL dans les 72 heures" in nir_steps and "dans tous les cas" in nir_steps
    assert "fork et miroir" in nir_steps
    article = data["article_33"]
    assert article["assessment"] == "à apprécier par le DPO"
    assert article["data_subjects_approx"] == 20
    assert article["values_found"] == 45
    assert article["consequences"] and article["measures"] and article["nature"]


def test_french_report_has_every_section(leaky: tuple[GitRepo, list[str]]) -> None:
    repo, _ = leaky
    html, _ = write_reports(repo)
    assert '<html lang="fr">' in html
    for section in SECTIONS:
        assert f'<section id="{section}">' in html
    for title in FRENCH_TITLES:
        assert f"<h2>{title}</h2>" in html
    assert "À APPRÉCIER PAR LE DPO".lower() in html.lower()
    assert "<svg" in html and "données personnelles" in html  # badge, chart, timeline


def test_english_report_has_every_section(leaky: tuple[GitRepo, list[str]]) -> None:
    repo, _ = leaky
    html, data = write_reports(repo, "--lang", "en")
    assert '<html lang="en">' in html and data["language"] == "en"
    for title in ENGLISH_TITLES:
        assert f"<h2>{title}</h2>" in html
    assert data["article_33"]["assessment"] == "to be assessed by the DPO"


def test_report_is_self_contained(leaky: tuple[GitRepo, list[str]]) -> None:
    repo, _ = leaky
    html, _ = write_reports(repo)
    assert "<script" not in html
    assert not re.search(r"""(?:src|href)\s*=\s*["'](?!data:|#)""", html)
    assert "@import" not in html and "url(http" not in html
    assert "default-src 'none'" in html  # and the page itself forbids any fetch


def test_a_clean_repository_report(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    repo.write("src/app.py", "x = 1\n")
    repo.commit("code")
    done = run_sondier(["scan", "-q", "--report", "html=r.html"], cwd=repo.path)
    assert done.returncode == 0, done.stderr
    html = (repo.path / "r.html").read_text(encoding="utf-8")
    assert "Aucun constat ouvert." in html and ">A</div>" in html


def test_a_failed_scan_report_says_so(tmp_path: Path) -> None:
    repo = make_repo(tmp_path)
    for index in range(2):
        repo.write("a.txt", f"{index}\n")
        repo.commit(f"c{index}")
    shallow = repo.clone(tmp_path / "shallow", "--depth", "1")
    done = run_sondier(["scan", "--history", "--report", "html=r.html", "--report", "dpo-json=r.json"],
                       cwd=shallow.path)
    assert done.returncode == 3
    html = (shallow.path / "r.html").read_text(encoding="utf-8")
    assert ">?</div>" in html and "L'analyse est incomplète" in html
    assert json.loads((shallow.path / "r.json").read_text())["grade"]["letter"] == "?"


def test_the_remote_is_named_without_credentials(tmp_path: Path) -> None:
    from sondier.reporters.dpo import _safe_remote

    repo = make_repo(tmp_path)
    repo.run_git("remote", "add", "origin", "https://deploy:glpat-not-a-real-token@gitlab.example.org/team/app.git")
    assert _safe_remote(repo.path) == "https://gitlab.example.org/team/app.git"
    repo.run_git("remote", "set-url", "origin", "git@github.com:team/app.git")
    assert _safe_remote(repo.path) == "github.com:team/app.git"
