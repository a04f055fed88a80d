"""Start-up: loading the plugin imports nothing heavy until a fixture needs it.

Run in a subprocess (``runpytest_subprocess``): this process has imported the mock already.
The project's conftest records, once collection is over, which of the heavy modules are in
``sys.modules``. Faker's and Hypothesis' own plugins (pulled in by our dependencies, and
Faker's imports Faker) and the bench's pytest-httpserver (which imports werkzeug) are switched
off, so that what is left is the interactor plugin's doing. No timing here: the figure is the
bench's (``python -m bench --only plugin-start-up``).
"""

from __future__ import annotations

import json

HEAVY = (
    "faker",
    "flask",
    "hypothesis",
    "interactor_mock",
    "jsonschema",
    "jsonschema_rs",
    "requests",
    "responses",
    "werkzeug",
)
PROBE = f"""
    import json
    import sys

    HEAVY = {HEAVY!r}

    def pytest_collection_finish(session):
        loaded = sorted(name for name in HEAVY if name in sys.modules)
        with open("loaded.json", "w") as out:
            json.dump(loaded, out)
"""
OTHER_PLUGINS_OFF = ("-p", "no:faker", "-p", "no:hypothesispytest", "-p", "no:pytest_httpserver")


def loaded(pytester, *args):
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", *OTHER_PLUGINS_OFF, *args)
    return result, json.loads((pytester.path / "loaded.json").read_text())


def test_collecting_a_project_that_does_not_use_the_plugin_imports_nothing_heavy(pytester):
    pytester.makeconftest(PROBE)
    pytester.makepyfile("def test_one():\n    assert True\n")
    result, modules = loaded(pytester, "--co")
    # The plugin was loaded (its header is there), and imported none of them.
    result.stdout.fnmatch_lines(["interactor-mock: mode=server, contracts=shipped (*)*"])
    assert modules == []


def test_the_plugins_options_checked_at_start_up_import_nothing_heavy_either(pytester):
    pytester.makeconftest(PROBE)
    pytester.makeini("[pytest]\ninteractor_seed = 7\ninteractor_listen = localhost:1290\n")
    pytester.makepyfile("def test_one():\n    assert True\n")
    result, modules = loaded(pytester, "--co", "--interactor-mode=inprocess")
    result.stdout.fnmatch_lines(
        ["interactor-mock: mode=inprocess, *, seed=7, listen=localhost:1290"]
    )
    assert modules == []


def test_the_probe_sees_the_mock_once_a_test_uses_the_fixture(pytester):
    """The same probe, in a project whose test uses the fixture: then the mock is imported
    (at set-up, which comes after collection: so the probe looks at the end of the run)."""
    pytester.makeconftest(PROBE.replace("pytest_collection_finish", "pytest_sessionfinish"))
    pytester.makepyfile("def test_uses_it(interactor):\n    assert interactor.api_key\n")
    result, modules = loaded(pytester)
    result.assert_outcomes(passed=1)
    assert {"flask", "interactor_mock", "jsonschema", "werkzeug"} <= set(modules)
