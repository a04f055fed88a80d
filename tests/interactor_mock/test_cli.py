"""The interactor-mock command, run as a user runs it."""

from __future__ import annotations

import json
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from interactor_mock.cli import main
from interactor_mock.contracts import default_contracts_dir

FIXED_KEY = "interactor_DEMOdemo_FAKEfakeFAKEfakeFAKEfakeFAKEfake"


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "interactor_mock", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture
def served():
    """`interactor-mock serve` on a free port; yields (origin, process, first lines)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "interactor_mock", "serve", "--port", "0", "--api-key", FIXED_KEY],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines = []
    try:
        while True:
            line = process.stdout.readline()
            assert line, process.stderr.read()
            lines.append(line)
            if "control API" in line:
                break
        origin = re.search(r"serving (http://127\.0\.0\.1:\d+)/api/v1", lines[0]).group(1)
        yield origin, process, lines
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)
        process.stdout.close()
        process.stderr.close()


def test_serve_prints_the_console_url_and_serves_the_console_there(served):
    origin, _, lines = served
    assert f"  console: {origin}/   (open it in a browser)\n" in lines
    page = requests.get(f"{origin}/")
    assert page.status_code == 200
    assert f"{FIXED_KEY[:15]}••••••••{FIXED_KEY[-4:]}" in page.text


def test_serve_prints_base_url_and_a_usable_key_then_stops_cleanly_on_ctrl_c(served):
    origin, process, lines = served
    text = "".join(lines)
    assert f"Development  x-api-key: {FIXED_KEY}" in text
    assert re.search(r"Testing\s+x-api-key: interactor_\w{8}_\w{32}", text)
    headers = {"x-api-key": FIXED_KEY}
    url = requests.get(
        f"{origin}/api/v1/connector/interactor/gmail/auth-url?account=alice", headers=headers
    )
    assert url.status_code == 200
    assert url.json().startswith(origin + "/oauth/google/authorize?")
    executed = requests.post(
        f"{origin}/api/v1/connector/interactor/gmail/action/email.list/execute?account=alice",
        json={},
        headers=headers,
    )
    assert executed.json() == {"error": "Account has no tokens"}
    process.send_signal(signal.SIGINT)
    assert process.wait(10) == 0
    assert "stopped" in process.stdout.read()


def test_serve_refuses_a_malformed_key():
    result = run_cli("serve", "--port", "0", "--api-key", "secret")
    assert result.returncode == 2
    assert "--api-key must look like interactor_" in result.stderr


def test_serve_names_a_broken_contracts_dir(tmp_path):
    result = run_cli("serve", "--port", "0", "--contracts", str(tmp_path / "none"))
    assert result.returncode == 2
    assert "contracts directory not found" in result.stderr


def test_contracts_list_names_every_connector(capsys):
    assert main(["contracts", "list", "--actions"]) == 0
    out = capsys.readouterr().out
    assert "interactor/gmail " in out
    assert "email.draft.create" in out
    assert len([line for line in out.splitlines() if line.startswith("interactor/")]) == 10


def test_contracts_check_passes_on_the_shipped_contracts(capsys):
    assert main(["contracts", "check"]) == 0
    assert "ok: 10 contract file(s)" in capsys.readouterr().out


def test_contracts_check_names_each_defect_of_a_broken_copy(tmp_path, capsys):
    copy = tmp_path / "contracts"
    shutil.copytree(default_contracts_dir(), copy)
    gmail = copy / "interactor" / "gmail.json"
    data = json.loads(gmail.read_text())
    data["actions"]["email.get"]["schema"]["output"]["x-dataType"] = "GmailMesage"
    gmail.write_text(json.dumps(data))
    slack = copy / "interactor" / "slack.json"
    slack.write_text(slack.read_text().replace('"formatVersion": 1', '"formatVersion": 2'))
    assert main(["contracts", "check", "--contracts", str(copy)]) == 1
    err = capsys.readouterr().err
    pointer = "/actions/email.get/schema/output/x-dataType"
    assert f"interactor/gmail.json: at {pointer}: unknown data type 'GmailMesage'" in err
    assert "interactor/slack.json: at /formatVersion:" in err
    assert "2 defect(s) in 10 file(s)" in err


def test_contracts_format_check_reports_a_non_canonical_file(tmp_path, capsys):
    path = tmp_path / "acme" / "x.json"
    path.parent.mkdir()
    path.write_text('{"b": 1, "a": 2}')
    assert main(["contracts", "format", "--check", "--contracts", str(tmp_path)]) == 1
    assert "not canonical" in capsys.readouterr().err
    assert main(["contracts", "format", "--contracts", str(tmp_path)]) == 0
    assert path.read_text() == '{\n  "a": 2,\n  "b": 1\n}\n'


@pytest.mark.parametrize(
    "args", [["--help"], ["serve", "--help"], ["contracts", "check", "--help"]]
)
def test_help_texts_explain_the_commands(args):
    result = run_cli(*args)
    assert result.returncode == 0
    assert "usage: interactor-mock" in result.stdout


def test_serve_help_mentions_every_option():
    out = run_cli("serve", "--help").stdout
    for option in ("--host", "--port", "--contracts", "--api-key", "--seed"):
        assert option in out


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "interactor-mock"
    assert script.exists()
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)
    assert result.stdout.startswith("interactor-mock ")
