"""One command-line convention: validated ports, hosts and output paths, ``--contracts DIR``
everywhere, one exit-code table, every defect listed, ``verify --all`` in a safe order."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from interactor_mock.cli import main
from interactor_mock.contracts import default_contracts_dir
from interactor_mock.contracts import default_registry
from interactor_mock.tooling.options import EXIT_CODES_EPILOG
from interactor_mock.tooling.verify import phase_of
from tests.interactor_mock.drifted_api import start_real_api

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "interactor_mock", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def usage_error(capsys, *args: str) -> str:
    """Run the command, expect exit 2 from argparse; the last line of stderr."""
    with pytest.raises(SystemExit) as stopped:
        main(list(args))
    assert stopped.value.code == 2
    return capsys.readouterr().err.strip().splitlines()[-1]


@pytest.fixture(scope="module")
def real_api(tmp_path_factory):
    api = start_real_api(tmp_path_factory.mktemp("drifted"))
    yield api
    api.server.stop()


@pytest.fixture
def journal(real_api):
    engine = real_api.server.engine
    environment = engine.default_environment
    engine.journal.clear(environment.id)
    return lambda: [e.action for e in engine.journal.entries(environment.id) if e.action]


def verify_args(real_api, *extra: str) -> list[str]:
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


# -- ports and hosts ---------------------------------------------------------------------


@pytest.mark.parametrize("port", ["99999", "-1", "65536", "http"])
def test_serve_refuses_a_port_out_of_range_with_a_usage_error_and_no_traceback(port):
    result = run_cli("serve", "--port", port)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "interactor-mock serve: error: argument --port: must be a whole number from 0 to "
        f"65535 (0: any free port), not '{port}'"
    )
    assert "Traceback" not in result.stderr


def test_record_refuses_a_port_out_of_range(capsys):
    assert usage_error(capsys, "record", "--account", "a", "--api-key", "k", "--port", "70000") == (
        "interactor-mock record: error: argument --port: must be a whole number from 0 to "
        "65535 (0: any free port), not '70000'"
    )


@pytest.mark.parametrize("host", ["not an address", "999.1.1.1", "exa_mple.com", "a..b", ""])
def test_serve_refuses_a_host_that_is_not_an_address(capsys, host):
    assert usage_error(capsys, "serve", "--host", host) == (
        "interactor-mock serve: error: argument --host: must be an IP address (127.0.0.1, "
        f"::1, 0.0.0.0) or a host name, not {host!r}"
    )


@pytest.mark.parametrize(
    ("host", "parsed"),
    [("127.0.0.1", "127.0.0.1"), ("::1", "::1"), ("[::1]", "::1"), ("localhost", "localhost")],
)
def test_serve_accepts_addresses_and_host_names(host, parsed):
    from interactor_mock.cli import build_parser

    args = build_parser().parse_args(["serve", "--host", host, "--port", "0"])
    assert (args.host, args.port) == (parsed, 0)


# -- output paths, checked before any work ---------------------------------------------------


def test_verify_refuses_a_report_it_cannot_write_before_any_call(real_api, journal, capsys):
    last = usage_error(capsys, *verify_args(real_api, "--report", "/nonexistent/v.xml"))
    assert last == (
        "interactor-mock verify: error: argument --report: cannot write /nonexistent/v.xml: "
        "no directory /nonexistent"
    )
    assert journal() == []


def test_verify_refuses_a_directory_as_its_report(real_api, journal, tmp_path, capsys):
    last = usage_error(capsys, *verify_args(real_api, "--report", str(tmp_path)))
    assert last == (
        f"interactor-mock verify: error: argument --report: {tmp_path} is a directory, not a file"
    )
    assert journal() == []


# -- --contracts DIR everywhere; one exit code for a missing directory ----------------------


@pytest.mark.parametrize(
    "command",
    [
        ["contracts", "list"],
        ["contracts", "check"],
        ["contracts", "format"],
        ["contracts", "update", "--from-recordings", "."],
        ["contracts", "export", "out"],
        ["verify", "--account", "a", "--api-key", "k"],
        ["record", "--account", "a", "--api-key", "k"],
    ],
)
def test_every_command_takes_contracts_dir_and_exits_2_when_it_is_missing(
    capsys, tmp_path, command
):
    missing = tmp_path / "none"
    last = usage_error(capsys, *command, "--contracts", str(missing))
    assert last.endswith(f"error: argument --contracts: contracts directory not found: {missing}")


def test_contracts_check_dir_still_works_with_a_deprecation_warning(capsys):
    shipped = str(default_contracts_dir())
    assert main(["contracts", "check", shipped]) == 0
    captured = capsys.readouterr()
    assert captured.err == (
        "warning: 'contracts check DIR' is deprecated: use 'contracts check --contracts DIR'\n"
    )
    assert captured.out == f"ok: 10 contract file(s) in {shipped}\n"
    assert main(["contracts", "check", "--contracts", shipped]) == 0
    assert capsys.readouterr().err == ""


def test_contracts_check_refuses_the_directory_given_twice(capsys):
    shipped = str(default_contracts_dir())
    assert usage_error(capsys, "contracts", "check", shipped, "--contracts", shipped) == (
        "interactor-mock: error: contracts check: give the directory once, as --contracts DIR"
    )


# -- every defect listed ---------------------------------------------------------------------


def test_contracts_check_lists_every_defect_of_a_file_not_a_count(tmp_path, capsys):
    copy = tmp_path / "contracts"
    shutil.copytree(default_contracts_dir(), copy)
    slack = copy / "interactor" / "slack.json"
    data = json.loads(slack.read_text())
    data["formatVersion"] = 2
    data["title"] = 3
    data["owner"] = 4
    del data["auth"]
    data["surprise"] = True
    slack.write_text(json.dumps(data))
    assert main(["contracts", "check", "--contracts", str(copy)]) == 1
    err = capsys.readouterr().err
    assert "more)" not in err
    lines = [line for line in err.splitlines() if line.startswith("error: interactor/slack.json")]
    assert lines == [
        "error: interactor/slack.json: at /: 'auth' is a required property",
        "error: interactor/slack.json: at /: Additional properties are not allowed "
        "('surprise' was unexpected)",
        "error: interactor/slack.json: at /formatVersion: 1 was expected",
        "error: interactor/slack.json: at /owner: 4 is not of type 'string'",
        "error: interactor/slack.json: at /title: 3 is not of type 'string'",
    ]
    assert err.splitlines()[-1] == "5 defect(s) in 10 file(s)"


# -- one exit-code table ---------------------------------------------------------------------


def test_the_exit_code_table_is_in_every_help_and_in_the_docs():
    expected = EXIT_CODES_EPILOG.splitlines()
    assert expected[0] == "exit codes (every command):"
    assert [line.split()[0] for line in expected[1:]] == ["0", "1", "2", "3", "4"]
    for command in ([], ["verify"], ["record"], ["contracts"], ["contracts", "check"]):
        out = run_cli(*command, "--help").stdout
        assert " ".join(EXIT_CODES_EPILOG.split()) in " ".join(out.split()), command
    docs = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    from interactor_mock.tooling.options import EXIT_CODES

    for code, text in EXIT_CODES:
        assert f"| {code} | {text} |" in docs


# -- verify --all: creates, reads, updates, deletes -------------------------------------------


def test_verify_all_creates_then_reads_then_updates_then_deletes(real_api, journal, capsys):
    assert main(verify_args(real_api, "--all", "--yes")) == 1
    out = capsys.readouterr().out
    # The drifted stand-in's four drifts; the messages its fixed answers name do not exist,
    # so what acts on them is not checked (documented "Requested entity was not found.")
    assert "\nsummary: 6 ok, 4 drift, 11 not checked, 0 skipped\n" in out
    assert journal() == [
        "email.draft.create",
        "email.draft.create.forward",
        "email.draft.create.reply",
        "email.draft.create.reply.all",
        "email.forward",
        "email.reply",
        "email.reply.all",
        "email.send",
        "email.draft.list",
        "email.get.batch",
        "email.list",
        "email.attachment.get",
        "email.draft.get",
        "email.get",
        "email.draft.update",
        "email.label",
        "email.star",
        "email.delete",
        "email.draft.delete",
        "email.draft.send",
        "email.trash",
    ]


def test_verify_all_updates_and_deletes_what_it_created(real_api, journal, capsys):
    main(verify_args(real_api, "--all", "--yes"))
    out = capsys.readouterr().out
    for name in ("email.draft.get", "email.draft.update", "email.draft.delete"):
        line = next(line for line in out.splitlines() if f" {name} " in line)
        assert line.endswith("draft_id from an earlier answer"), line


@pytest.mark.parametrize(
    ("connector", "action", "phase"),
    [
        ("gmail", "email.draft.create.reply.all", "create"),
        ("gmail", "email.draft.send", "delete"),
        ("gmail", "email.trash", "delete"),
        ("gmail", "email.star", "update"),
        ("gmail", "email.list", "read"),
        ("gmail-v1", "gmail.users.settings.sendAs.verify", "update"),
        ("gmail-v1", "gmail.users.messages.batchDelete", "delete"),
        ("googlecalendar-v1", "calendar.events.quickAdd", "create"),
    ],
)
def test_each_action_has_its_phase_from_its_verb(connector, action, phase):
    assert phase_of(default_registry().action(connector, action)) == phase
