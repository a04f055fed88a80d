"""scripts/mutation.py without mutmut: the score, the report, which mutants are the target's,
and the exit status CI reads (``--min-score``)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "mutation.py"


@pytest.fixture(scope="module")
def mutation():
    spec = importlib.util.spec_from_file_location("mutation_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["mutation_script"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    yield module
    del sys.modules["mutation_script"]


def result_of(mutation, name, statuses, equivalent=()):
    result = mutation.Result(name, statuses=dict(statuses), seconds=12.0)
    result.equivalent = dict.fromkeys(equivalent, "because")
    return result


def test_equivalent_mutants_are_left_out_of_the_score_but_not_of_the_raw_one(mutation):
    result = result_of(
        mutation,
        "journal",
        {"m1": "killed", "m2": "timeout", "m3": "survived", "m4": "survived", "m5": "skipped"},
        equivalent=["m4"],
    )
    assert result.checked == 4  # skipped is not checked
    assert result.score == pytest.approx(100 * 2 / 3)
    assert result.raw_score == pytest.approx(100 * 2 / 4)
    assert result.count("survived") == 1  # the equivalent one is not a survivor


@pytest.mark.parametrize(
    ("name", "mutant", "inside"),
    [
        ("execute", "interactor_mock.core.execute.x_empty_path_id__mutmut_1", True),
        ("execute", "interactor_mock.core.executes.x_f__mutmut_1", False),
        ("execute", "interactor_mock.core.resources.service.xǁResourcesǁ_create__mutmut_2", False),
        ("resources", "interactor_mock.core.resources.service.xǁResourcesǁ_create__mutmut_2", True),
        ("resources", "interactor_mock.core.resources_extra.x_f__mutmut_1", False),
        ("store-sqlite", "interactor_mock.store.sqlite.xǁSqliteStoreǁget__mutmut_1", True),
    ],
)
def test_only_the_targets_own_mutants_are_counted(mutation, name, mutant, inside):
    assert mutation.in_target(mutation.TARGETS[name], mutant) is inside


def test_a_report_keeps_the_sections_of_modules_not_run_and_tabulates_them(mutation, tmp_path):
    report = tmp_path / "report.md"
    first = result_of(mutation, "oauth", {"a": "killed", "b": "survived"})
    first.diffs["b"] = "-    x = 1\n+    x = 2"
    mutation.write_report(report, [first])
    second = result_of(mutation, "journal", {"c": "killed", "d": "survived"}, equivalent=["d"])
    second.diffs["d"] = "-    y\n+    z"
    mutation.write_report(report, [second])
    text = report.read_text(encoding="utf-8")
    assert "| oauth | 50.0% | 1 | 1 | 0 | 2 | 12 |" in text
    assert "| journal | 100.0% | 1 | 0 | 1 | 2 | 12 |" in text
    assert "+    x = 2" in text  # the earlier run's survivor is still listed
    assert "- `d` `z`: because" in text.split("## journal")[1]  # listed with its argument
    assert "with the equivalent mutants counted as survivors: 50.0%" in text


def test_ci_fails_when_a_module_scores_below_the_minimum(mutation, monkeypatch, tmp_path):
    scores = {
        "oauth": {"a": "killed", "b": "killed", "c": "killed", "d": "survived"},  # 75%
        "journal": {"a": "killed"},  # 100%
        "execute": {},  # checked nothing: a broken run, not a pass
    }

    def run_target(name, *, time_limit, max_children):
        return result_of(mutation, name, scores[name])

    monkeypatch.setattr(mutation, "run_target", run_target)
    report = str(tmp_path / "r.md")
    assert mutation.main(["journal", "--report", report, "--min-score", "90"]) == 0
    assert mutation.main(["oauth", "--report", report, "--min-score", "90"]) == 1
    assert mutation.main(["oauth", "--report", report, "--min-score", "70"]) == 0
    assert mutation.main(["execute", "--report", report, "--min-score", "10"]) == 1
    assert mutation.main(["oauth", "--report", report]) == 0  # no minimum: for reading


def test_quick_names_the_modules_ci_runs(mutation, monkeypatch, tmp_path):
    ran = []

    def run_target(name, *, time_limit, max_children):
        ran.append(name)
        return result_of(mutation, name, {"a": "killed"})

    monkeypatch.setattr(mutation, "run_target", run_target)
    assert mutation.main(["--quick", "--report", str(tmp_path / "r.md"), "--min-score", "90"]) == 0
    assert ran == ["environments", "oauth", "journal", "execute", "store-memory", "store-codec"]
    assert set(ran) < set(mutation.TARGETS)


def test_a_survivor_is_equivalent_only_by_an_entry_or_the_sql_rule(mutation):
    equivalents = mutation._load_equivalents()
    codec = (
        '-    data = text.encode("utf-8", "surrogatepass")\n'
        '+    data = text.encode("UTF-8", "surrogatepass")'
    )
    assert (
        mutation.equivalent_because(
            "journal", "interactor_mock.core.journal.x_capped__mutmut_21", codec, equivalents
        )
        == "the same codec"
    )
    # the same diff in another module or function is no entry's
    assert (
        mutation.equivalent_because(
            "oauth", "interactor_mock.core.journal.x_capped__mutmut_21", codec, equivalents
        )
        is None
    )
    sql = '-        db.execute("COMMIT")\n+        db.execute("commit")'
    assert (
        mutation.equivalent_because(
            "store-sqlite",
            "interactor_mock.store.sqlite.xǁSqliteStoreǁflush__mutmut_16",
            sql,
            equivalents,
        )
        == "only the case of SQL changes: SQLite reads keywords and names in any case"
    )
    quoted = "-    x = db.execute(\"SELECT 'a'\")\n+    x = db.execute(\"SELECT 'A'\")"
    assert (
        mutation.equivalent_because(
            "store-sqlite", "interactor_mock.store.sqlite.x_f__mutmut_1", quoted, equivalents
        )
        is None
    )  # a quoted literal's case is data
