"""Unit tests of the fleet scan's pieces that need no cluster: the repository list, batching,
the aggregate (peers), the dashboard's catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from sondier.errors import ConfigError
from sondier.fleet import aggregate, repolist, runner
from sondier.fleet.task import TaskOptions, method, write_json


def test_text_list_paths_urls_labels_and_comments(tmp_path: Path) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text("# the ministry's repositories\n"
                       "repos/one  alpha   # relative to the list\n"
                       "\n"
                       "https://deploy:s3cr3t-t0ken@forge.example.org/betagouv/egapro.git\n"
                       "git@forge.example.org:socialgouv/mano.git  social\n"
                       "repos/one alpha\n", encoding="utf-8")
    specs = repolist.load(listing)
    assert [s.name for s in specs] == ["one", "egapro", "mano"]  # the duplicate is kept once
    assert specs[0].source == str((tmp_path / "repos" / "one").resolve()) and specs[0].organisation == "alpha"
    assert specs[1].is_url and specs[1].organisation == "betagouv"  # the forge owner by default
    assert specs[2].is_url and specs[2].organisation == "social"  # the label wins
    assert "s3cr3t" not in str(specs[1].to_dict()) and specs[1].display_source == \
        "https://forge.example.org/betagouv/egapro.git"
    assert len({s.id for s in specs}) == 3 and specs[0].id.startswith("one-")


def test_yaml_list(tmp_path: Path) -> None:
    listing = tmp_path / "list.yml"
    listing.write_text("- {path: a, organisation: alpha, ministry: MININT}\n- url: https://f.example.org/o/b\n"
                       "- repo: c\n  name: custom\n", encoding="utf-8")
    specs = repolist.load(listing)
    assert [(s.name, s.organisation, s.ministry) for s in specs] == [
        ("a", "alpha", "MININT"), ("b", "o", None), ("custom", None, None)]


@pytest.mark.parametrize("text", ["- {path: a, colour: red}\n", "- {path: a, url: b}\n", "{a: 1}\n", "- 3\n"])
def test_yaml_list_errors_name_the_entry(tmp_path: Path, text: str) -> None:
    listing = tmp_path / "list.yaml"
    listing.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"list\.yaml"):
        repolist.load(listing)


def test_empty_list_is_an_error(tmp_path: Path) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="empty"):
        repolist.load(listing)


def test_long_lists_travel_in_batches_of_ten() -> None:
    specs = [repolist.RepoSpec(source=f"/r/{i}", name=str(i)) for i in range(120)]
    assert [len(b) for b in runner.batches(specs[:50])] == [1] * 50
    sizes = [len(b) for b in runner.batches(specs)]
    assert sizes == [10] * 12 and sum(sizes) == 120


def _result(tmp: Path, spec: repolist.RepoSpec, letter: str) -> None:
    write_json(tmp / f"{spec.id}.json", {"grade": {"letter": letter, "score": None}, "counts": {"open": 0}})


def test_aggregate_peers_threshold_and_unknown_grades(tmp_path: Path) -> None:
    specs = [repolist.RepoSpec(source=f"/r/{i}", name=f"r{i}", organisation=org)
             for i, org in enumerate(["alpha"] * 5 + ["beta", "beta"])]
    for spec, letter in zip(specs[:-1], ["A", "A", "A", "C", "?", "A"], strict=True):  # the last: no result yet
        _result(tmp_path, spec, letter)
    fleet = aggregate.build(specs, tmp_path, 0.99, method(TaskOptions(results=str(tmp_path))))
    done = fleet["completeness"]
    assert (done["with_result"], done["repositories"], done["reached"]) == (6, 7, False)
    assert done["missing"] == [specs[-1].id] and done["unknown"] == 1
    assert fleet["distribution"] == {"A": 4, "B": 0, "C": 1, "D": 0, "E": 0, "?": 1}
    assert fleet["share_a"] == 0.8  # '?' is neither an A nor counted against
    rows = {row["name"]: row for row in fleet["repositories"]}
    # r3 (C) among alpha: its peers are r0..r2 (A) and r4 (?): 100 % of graded peers are A.
    assert rows["r3"]["peers"] == {"count": 4, "graded": 3, "share_a": 1.0}
    assert rows["r0"]["peers"]["share_a"] == round(2 / 3, 4)
    assert rows["r5"]["peers"] == {"count": 0, "graded": 0, "share_a": None}
    alpha = next(g for g in fleet["organisations"] if g["name"] == "alpha")
    assert alpha["distribution"]["A"] == 3 and alpha["share_a"] == 0.75
    assert aggregate.build(specs, tmp_path, 0.8, {})["completeness"]["reached"]


def test_french_catalog_is_compiled_from_its_po_file() -> None:
    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    folder = Path(__file__).resolve().parents[1] / "sondier" / "locale" / "fr" / "LC_MESSAGES"
    with open(folder / "fleet.po", "rb") as po, open(folder / "fleet.mo", "rb") as mo:
        source, compiled = read_po(po), read_mo(mo)
    def table(catalog: object) -> dict[object, object]:
        return {(tuple(m.id) if isinstance(m.id, list | tuple) else m.id):
                (tuple(m.string) if isinstance(m.string, list | tuple) else m.string)
                for m in catalog if m.id and m.string}  # type: ignore[attr-defined]

    expected = table(source)
    assert expected and all(expected.values()) and table(compiled) == expected


def test_dashboard_speaks_french_by_default_and_english_on_request(tmp_path: Path) -> None:
    from sondier.fleet import dashboard

    specs = [repolist.RepoSpec(source="/r/x", name="x", organisation="alpha")]
    _result(tmp_path, specs[0], "B")
    fleet = aggregate.build(specs, tmp_path, 0.99, method(TaskOptions(results=str(tmp_path))))
    french, english = dashboard.render(fleet), dashboard.render(fleet, "en")
    assert "Répartition des notes" in french and '<html lang="fr">' in french and "100\u202f%" in french
    assert "Grade distribution" in english and "Répartition" not in english


def test_every_dashboard_text_has_a_french_translation() -> None:
    from babel.messages.extract import extract_from_file
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[1]
    template = root / "sondier" / "fleet" / "templates" / "dashboard.html.j2"
    found = {message[1] if isinstance(message[1], str) else message[1][0]
             for message in extract_from_file("jinja2.ext:babel_extract", str(template),
                                              options={"extensions": "jinja2.ext.i18n"})}
    with open(root / "sondier" / "locale" / "fr" / "LC_MESSAGES" / "fleet.po", "rb") as po:
        translated = {(m.id[0] if isinstance(m.id, tuple | list) else m.id) for m in read_po(po) if m.string}
    assert found and found <= translated, sorted(found - translated)


def _malloc_trim_threshold() -> str | None:
    import os

    return os.environ.get("MALLOC_TRIM_THRESHOLD_")


def test_embedded_cluster_workers_run_with_the_default_allocator(monkeypatch: pytest.MonkeyPatch) -> None:
    """Dask's nannies set MALLOC_TRIM_THRESHOLD_ (about 8 % slower on a scan); ours do not, and
    the setting is restored once the cluster is closed."""
    pytest.importorskip("distributed")
    import dask

    from sondier.fleet.engine import DaskEngine

    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    engine = DaskEngine(1, None)
    try:
        assert list(engine.client.run(_malloc_trim_threshold).values()) == [None]
    finally:
        engine.close()
    assert dask.config.get("distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_") == 65536


def _profiling_enabled() -> bool:
    import dask

    return bool(dask.config.get("distributed.worker.profile.enabled"))


def test_embedded_cluster_workers_do_not_profile_the_scans() -> None:
    pytest.importorskip("distributed")
    from sondier.fleet.engine import DaskEngine

    engine = DaskEngine(1, None)
    try:
        assert list(engine.client.run(_profiling_enabled).values()) == [False]
    finally:
        engine.close()
