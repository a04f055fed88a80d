"""`interactor-mock verify` against a local stand-in for a drifted real API."""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET

import pytest

from interactor_mock.cli import build_parser
from interactor_mock.cli import main
from interactor_mock.contracts import default_registry
from interactor_mock.tooling.verify import EXIT_DRIFT
from interactor_mock.tooling.verify import EXIT_KEY_REFUSED
from interactor_mock.tooling.verify import EXIT_OK
from interactor_mock.tooling.verify import EXIT_UNCHECKED
from interactor_mock.tooling.verify import EXIT_USAGE
from interactor_mock.tooling.verify import Verifier
from interactor_mock.tooling.verify import run_command
from tests.interactor_mock.drifted_api import CONFORMING
from tests.interactor_mock.drifted_api import EXPECTED_DRIFT
from tests.interactor_mock.drifted_api import start_real_api


@pytest.fixture(scope="module")
def real_api(tmp_path_factory):
    api = start_real_api(tmp_path_factory.mktemp("drifted"))
    yield api
    api.server.stop()


@pytest.fixture
def journal(real_api):
    """The actions the real API was asked for, from now on."""
    engine = real_api.server.engine
    environment = engine.default_environment
    engine.journal.clear(environment.id)
    return lambda: [e.action for e in engine.journal.entries(environment.id) if e.action]


def verify_args(real_api, *extra):
    return [
        "verify",
        "--base-url",
        real_api.base_url,
        "--api-key",
        real_api.api_key,
        "--account",
        real_api.account,
        "--connector",
        "gmail",
        *extra,
    ]


def test_verify_reports_each_drift_precisely_and_exits_1(real_api, tmp_path, capsys):
    report = tmp_path / "report.json"
    status = main(verify_args(real_api, "--report", str(report)))
    out = capsys.readouterr().out
    assert status == EXIT_DRIFT
    lines = out.splitlines()
    for action, (kind, where) in EXPECTED_DRIFT.items():
        head = next(i for i, line in enumerate(lines) if f"interactor/gmail {action} " in line)
        assert lines[head].lstrip().startswith("DRIFT"), lines[head]
        assert "request valid" in lines[head]
        assert lines[head + 1].split()[:2] == [kind, (where or "(status)") + ":"]
    for action in CONFORMING:
        line = next(line for line in lines if f"interactor/gmail {action} " in line)
        assert line.lstrip().startswith("ok"), line
        assert " 200 " in line
    assert "unexpected-status      (status): status 429 is not in the contract" in out
    assert '"987654321" (string)' in out
    assert "\nsummary: 2 ok, 4 drift, 0 not checked, 15 skipped\n" in out
    assert out.rstrip().endswith(f"report written to {report}")

    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["summary"] == {"ok": 2, "drift": 4, "error": 0, "skipped": 15}
    assert data["exitCode"] == EXIT_DRIFT
    by_action = {r["action"]: r for r in data["results"]}
    for action, (kind, where) in EXPECTED_DRIFT.items():
        result = by_action[action]
        assert result["outcome"] == "drift"
        assert result["requestValid"] is True
        assert [(d["kind"], d["pointer"]) for d in result["differences"]] == [(kind, where)]
    assert by_action["email.attachment.get"]["status"] == 429
    assert by_action["email.attachment.get"]["differences"][0]["actual"] == 429
    assert by_action["email.draft.list"]["differences"][0]["expected"] == "integer"
    assert by_action["email.send"]["outcome"] == "skipped"


def test_verify_writes_junit_xml_for_ci(real_api, tmp_path, capsys):
    report = tmp_path / "verify.xml"
    assert main(verify_args(real_api, "--report", str(report))) == EXIT_DRIFT
    capsys.readouterr()
    suite = ET.parse(report).getroot().find("testsuite")
    assert suite.get("tests") == "21"
    assert (suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("4", "0", "15")
    cases = {case.get("name"): case for case in suite.iter("testcase")}
    failure = cases["email.list"].find("failure")
    assert failure.get("type") == "contract-drift"
    assert "unknown-field /output/messages/0/historyId" in failure.get("message")
    assert cases["email.get"].find("failure") is None
    assert cases["email.send"].find("skipped") is not None


def test_only_safe_actions_are_called_by_default(real_api, journal, capsys):
    assert main(verify_args(real_api)) == EXIT_DRIFT
    assert "\nsummary: 2 ok, 4 drift, 0 not checked, 15 skipped\n" in capsys.readouterr().out
    registry = default_registry()
    called = journal()
    assert called
    assert all(registry.action("gmail", name).safe for name in called)


def test_all_without_yes_and_without_a_terminal_calls_nothing(real_api, journal, capsys):
    assert main(verify_args(real_api, "--all")) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "--all calls 15 action(s) that WRITE" in err
    assert "Pass --yes to confirm." in err
    assert "more" not in err
    registry = default_registry()
    writes = [a.key for a in registry.connector("gmail").actions.values() if not a.safe]
    assert len(writes) == 15
    for key in writes:
        assert key in err
    assert journal() == []


def test_all_asks_and_a_no_calls_nothing(real_api, journal, capsys):
    args = build_parser().parse_args(verify_args(real_api, "--all"))
    asked = []
    status = run_command(args, ask=lambda prompt: asked.append(prompt) or "no", interactive=True)
    assert status == EXIT_USAGE
    assert asked == ["Type 'yes' to call them: "]
    assert "aborted: nothing was called" in capsys.readouterr().err
    assert journal() == []


def test_all_with_a_yes_calls_the_actions_that_write_too(real_api, journal, capsys):
    args = build_parser().parse_args(verify_args(real_api, "--all"))
    assert run_command(args, ask=lambda prompt: "yes", interactive=True) == EXIT_DRIFT
    assert "email.send" in journal()
    out = capsys.readouterr().out
    assert "  skip " not in out
    assert "\n  ok    interactor/gmail email.send                   200  request valid" in out
    assert "\nsummary: 6 ok, 4 drift, 11 not checked, 0 skipped\n" in out


def test_yes_skips_the_question(real_api, journal, capsys):
    assert main(verify_args(real_api, "--all", "--yes")) == EXIT_DRIFT
    captured = capsys.readouterr()
    assert "WRITE" not in captured.err
    assert "\nsummary: 6 ok, 4 drift, 11 not checked, 0 skipped\n" in captured.out
    assert "email.draft.create" in journal()


def test_an_account_without_access_could_not_be_checked(real_api, capsys):
    args = verify_args(real_api)
    args[args.index("--account") + 1] = "nobody"
    assert main(args) == EXIT_UNCHECKED
    out = capsys.readouterr().out
    assert 'documented error 500 "Account has no tokens"' in out
    assert "summary: 0 ok, 0 drift, 6 not checked, 15 skipped" in out


def test_a_refused_key_stops_after_the_first_call_with_its_own_exit_code(real_api, journal, capsys):
    args = verify_args(real_api)
    args[args.index("--api-key") + 1] = "interactor_WRONGkey_0123456789abcdef0123456789abcdef"
    assert main(args) == EXIT_KEY_REFUSED == 4
    captured = capsys.readouterr()
    assert captured.err.splitlines()[0] == (
        f"error: the API refused the key (401) at {real_api.base_url}: check --api-key or "
        "INTERACTOR_API_KEY; nothing more was called"
    )
    assert captured.out.count("the API refused the key (401)") == 1
    assert captured.out.count("not called: the API refused the key") == 5


def test_an_account_not_connected_and_a_refused_key_exit_differently(real_api, capsys):
    unconnected = verify_args(real_api)
    unconnected[unconnected.index("--account") + 1] = "nobody"
    refused = verify_args(real_api)
    refused[refused.index("--api-key") + 1] = "interactor_WRONGkey_0123456789abcdef0123456789abcdef"
    assert (main(unconnected), main(refused)) == (3, 4)
    capsys.readouterr()


def test_an_unreachable_api_could_not_be_checked(capsys):
    status = main(
        [
            "verify",
            "--base-url",
            "http://127.0.0.1:9/api/v1",
            "--api-key",
            "k",
            "--account",
            "a",
            "--connector",
            "slack",
            "--timeout",
            "2",
        ]
    )
    assert status == EXIT_UNCHECKED
    assert "cannot reach http://127.0.0.1:9/api/v1: ConnectionError" in capsys.readouterr().out


def test_the_api_key_is_never_printed_or_written(real_api, tmp_path, capsys):
    report = tmp_path / "r.json"
    assert main(verify_args(real_api, "--report", str(report))) == EXIT_DRIFT
    captured = capsys.readouterr()
    assert real_api.api_key not in captured.out + captured.err
    assert real_api.api_key not in report.read_text(encoding="utf-8")
    # the report holds the checks made with that key (none refused)
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["summary"] == {"ok": 2, "drift": 4, "error": 0, "skipped": 15}


def test_usage_errors_exit_2(monkeypatch, capsys):
    monkeypatch.delenv("INTERACTOR_API_KEY", raising=False)
    assert main(["verify", "--account", "a"]) == EXIT_USAGE
    assert "no API key" in capsys.readouterr().err
    assert main(["verify", "--api-key", "k", "--account", "a", "--connector", "nope"]) == 2
    assert "Connector 'interactor/nope' not found" in capsys.readouterr().err


def test_ids_from_earlier_answers_replace_made_up_ones(real_api):
    verifier = Verifier(
        default_registry(),
        base_url=real_api.base_url,
        api_key=real_api.api_key,
        account=real_api.account,
    )
    report = verifier.run(verifier.select(["interactor/gmail"]))
    listed = next(r for r in report.results if r.action == "email.draft.list")
    assert listed.status == 200
    got = next(r for r in report.results if r.action == "email.draft.get")
    assert got.input_source.startswith("example")
    assert got.outcome == "ok"


@pytest.mark.live
def test_live_smoke_the_real_api_matches_the_contracts_for_safe_actions():
    """Run by users with a key: `INTERACTOR_LIVE_ACCOUNT=... pytest -m live`."""
    account = os.environ.get("INTERACTOR_LIVE_ACCOUNT")
    if not account:
        pytest.skip("INTERACTOR_LIVE_ACCOUNT is not set: the live smoke check needs an account")
    connectors = os.environ.get("INTERACTOR_LIVE_CONNECTORS", "gmail").split(",")
    verifier = Verifier(
        default_registry(),
        base_url=os.environ.get("INTERACTOR_BASE_URL", "https://console.interactor.com/api/v1"),
        api_key=os.environ["INTERACTOR_API_KEY"],
        account=account,
    )
    report = verifier.run(verifier.select([c.strip() for c in connectors if c.strip()]))
    assert report.exit_code == EXIT_OK, report.text()
