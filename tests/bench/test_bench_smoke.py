"""The bench itself runs: its quick mode imports every group, and a tiny figure is measured.

No timing is asserted here (timings are the bench's business, never a test's).
"""

from __future__ import annotations

import importlib
import json

import pytest
import requests

import bench.__main__ as bench_main
from bench import inprocess_calls
from bench.core import Figure
from bench.core import Target


@pytest.mark.parametrize("module", sorted(set(bench_main.GROUPS.values())))
def test_every_figure_group_imports_and_has_a_run(module):
    assert callable(importlib.import_module(module).run)


def test_a_tiny_in_process_figure_is_measured_against_its_baseline():
    figure = inprocess_calls.auth_url_figure(rounds=1, batch=2)
    assert isinstance(figure, Figure)
    assert figure.ours > 0
    assert figure.baseline is not None
    assert figure.baseline > 0
    assert figure.ratio == figure.ours / figure.baseline
    assert figure.met is (figure.ratio <= 1.5)
    json.dumps(figure.as_dict())
    assert figure.name in bench_main.table([figure])


def test_quick_mode_writes_every_figure_of_the_groups_it_ran(tmp_path, capsys, monkeypatch):
    # What the bench's calls to the mock were answered: a figure of a mock that answers
    # nothing real would measure nothing.
    answered = []
    post = requests.Session.post

    def spy(session, url, *args, **kwargs):
        response = post(session, url, *args, **kwargs)
        if url.endswith("/action/email.draft.create/execute"):
            answered.append((kwargs["json"]["subject"], response.status_code, response.json()))
        return response

    monkeypatch.setattr(requests.Session, "post", spy)
    out = tmp_path / "results.json"
    status = bench_main.main(["--quick", "--only", "in-process", "--json", str(out)])
    assert status == 0
    assert len(answered) >= 3 * 20  # the quick execute figure: 3 rounds of 20 calls, at least
    for subject, code, body in answered:
        assert code == 200, body
        assert body["output"]["message"]["message_info"]["subject"] == subject
    result = json.loads(out.read_text())
    assert result["mode"] == "quick"
    assert {f["group"] for f in result["figures"]} == {"in-process"}
    assert not result["crashes"]
    assert "| figure" in capsys.readouterr().out


def test_quick_mode_exits_non_zero_when_a_group_crashes(tmp_path, monkeypatch, capsys):
    def boom(quick: bool = False) -> list[Figure]:
        raise RuntimeError("the bench broke")

    monkeypatch.setattr(inprocess_calls, "run", boom)
    out = tmp_path / "results.json"
    assert bench_main.main(["--quick", "--only", "in-process", "--json", str(out)]) == 1
    result = json.loads(out.read_text())
    assert result["crashes"][0]["group"] == "in-process"
    assert "the bench broke" in result["crashes"][0]["traceback"]
    assert "CRASHED" in capsys.readouterr().out


def test_the_store_figures_compare_every_store_with_the_memory_store():
    from bench import stores

    figures = stores.run(quick=True)
    names = {f.name for f in figures}
    assert {"memory (JSON) store put", "SQLite store update", "SQLite store append"} <= names
    for figure in figures:
        assert figure.baseline_name == f"MemoryStore {figure.name.rsplit(' ', 1)[1]}"
        assert figure.ours > 0
        assert figure.baseline is not None
        assert figure.baseline > 0


@pytest.mark.parametrize(
    ("kind", "limit", "ours", "baseline", "met"),
    [
        ("ratio<=", 1.5, 3.0, 2.0, True),
        ("ratio<=", 1.5, 3.1, 2.0, False),
        ("ratio>=", 0.8, 1.6, 2.0, True),
        ("ratio>=", 0.8, 1.5, 2.0, False),
        ("<=", 50.0, 50.0, None, True),
        ("<=", 50.0, 50.5, None, False),
        ("ratio<=", 1.5, 1.0, None, None),
        ("ratio<=", 1.5, 1.0, 0.0, None),
        ("info", 0.0, 1.0, 2.0, None),
    ],
)
def test_a_figure_is_met_by_its_target_exactly_at_the_limit(kind, limit, ours, baseline, met):
    figure = Figure(
        group="g", name="n", ours=ours, unit="ms", target=Target(kind, limit), baseline=baseline
    )
    assert figure.met is met
    assert figure.as_dict()["met"] is met


@pytest.mark.parametrize(
    ("kind", "limit", "text"),
    [("ratio<=", 1.5, "<= 1.5x"), ("ratio>=", 6, ">= 6x"), ("info", 0, "(info)")],
)
def test_a_target_reads_as_the_table_shows_it(kind, limit, text):
    assert Target(kind, limit).text("ms") == text
