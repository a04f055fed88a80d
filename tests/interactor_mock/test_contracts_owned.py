"""Contracts a user can own: export, no writes into an installed package, --max-age that
passes on a fresh install."""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import sys
from datetime import date
from datetime import timedelta
from pathlib import Path

import pytest

from interactor_mock.cli import main
from interactor_mock.contracts import canonical_json
from interactor_mock.contracts import contract_files
from interactor_mock.contracts import default_contracts_dir
from interactor_mock.tooling import contracts_cli
from interactor_mock.tooling.contracts_cli import installed_package_dir


def shipped_files() -> list[str]:
    root = default_contracts_dir()
    return sorted(str(p.relative_to(root)) for p in contract_files(root))


def test_export_copies_every_contract_and_the_meta_schema(tmp_path, capsys):
    target = tmp_path / "mine"
    assert main(["contracts", "export", str(target)]) == 0
    out = capsys.readouterr().out
    assert out == (
        f"copied 10 contract file(s) and contract.schema.json to {target}\n"
        f"use them with --contracts {target} (serve, verify, record, contracts update, ...)\n"
    )
    root = default_contracts_dir()
    copied = sorted(str(p.relative_to(target)) for p in target.rglob("*.json"))
    assert copied == sorted([*shipped_files(), "contract.schema.json"])
    for name in copied:
        assert (target / name).read_bytes() == (root / name).read_bytes()
    assert main(["contracts", "check", "--contracts", str(target)]) == 0
    assert capsys.readouterr().out == f"ok: 10 contract file(s) in {target}\n"


def test_export_does_not_overwrite_without_force(tmp_path, capsys):
    target = tmp_path / "mine"
    assert main(["contracts", "export", str(target)]) == 0
    slack = target / "interactor" / "slack.json"
    slack.write_text("{}", encoding="utf-8")
    capsys.readouterr()
    assert main(["contracts", "export", str(target)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert f"error: {slack} exists (pass --force to overwrite)" in err
    assert err[-1] == f"nothing copied: 11 file(s) exist in {target}"
    assert slack.read_text(encoding="utf-8") == "{}"
    assert main(["contracts", "export", str(target), "--force"]) == 0
    assert slack.read_bytes() == (default_contracts_dir() / "interactor/slack.json").read_bytes()


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """The shipped contracts as a plain install has them: under site-packages."""
    root = tmp_path / "lib" / "python3.12" / "site-packages" / "interactor_mock" / "_contracts"
    shutil.copytree(default_contracts_dir(), root)
    monkeypatch.setattr(contracts_cli, "default_contracts_dir", lambda: root)
    return root


@pytest.mark.parametrize(
    ("command", "name"),
    [
        (["contracts", "format"], "contracts format"),
        (["contracts", "update", "--from-recordings", "."], "contracts update"),
    ],
)
def test_update_and_format_refuse_to_write_into_an_installed_package(
    installed, capsys, command, name
):
    gmail = installed / "interactor" / "gmail.json"
    gmail.write_text(json.dumps(json.loads(gmail.read_text())), encoding="utf-8")
    before = gmail.read_bytes()
    assert main(command) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"error: {name} would write into the installed package ({installed}), where changes "
        "are lost at the next install. Copy the contracts out first, then point at the copy:",
        "  interactor-mock contracts export my-contracts",
        f"  interactor-mock {name} --contracts my-contracts ...",
    ]
    assert gmail.read_bytes() == before


def test_format_check_still_reads_an_installed_package(installed, capsys):
    assert main(["contracts", "format", "--check"]) == 0
    assert capsys.readouterr().err == ""


def test_the_wheel_contracts_and_site_packages_count_as_installed_a_checkout_does_not(tmp_path):
    package = Path(contracts_cli.__file__).resolve().parent.parent
    assert installed_package_dir(package / "_contracts")
    assert installed_package_dir(package / "_contracts" / "interactor")
    assert installed_package_dir(tmp_path / "venv" / "lib" / "site-packages" / "x")
    assert installed_package_dir(tmp_path / "usr" / "lib" / "python3" / "dist-packages")
    assert not installed_package_dir(tmp_path / "my-contracts")
    assert not installed_package_dir(package.parent / "contracts")


def test_a_source_checkout_contracts_stay_writable(tmp_path, capsys):
    checkout = tmp_path / "checkout" / "contracts"
    shutil.copytree(default_contracts_dir(), checkout)
    slack = checkout / "interactor" / "slack.json"
    slack.write_text(json.dumps(json.loads(slack.read_text())), encoding="utf-8")
    assert main(["contracts", "format", "--contracts", str(checkout)]) == 0
    assert capsys.readouterr().err == f"{slack}: rewritten\n"
    assert slack.read_text(encoding="utf-8") == canonical_json(json.loads(slack.read_text()))


# -- --max-age -------------------------------------------------------------------------------


def nightly_check_line() -> list[str]:
    """The ``contracts check`` line of the nightly CI example in the docs."""
    docs = Path(__file__).resolve().parents[2] / "docs" / "contract-testing.md"
    (line,) = [
        line.strip().removeprefix("run: ")
        for line in docs.read_text(encoding="utf-8").splitlines()
        if line.strip().startswith("run: interactor-mock contracts check")
    ]
    return shlex.split(line)


def test_the_nightly_max_age_check_of_the_docs_passes_on_the_shipped_contracts():
    command = nightly_check_line()
    assert command == ["interactor-mock", "contracts", "check", "--max-age", "30"]
    result = subprocess.run(
        [sys.executable, "-m", "interactor_mock", *command[1:]],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"ok: 10 contract file(s) in {default_contracts_dir()}",
        "ok: no contract recorded more than 30 days ago; 10 never recorded "
        "(--require-recorded to fail on them)",
    ]
    notes = [f"note: {name}: never recorded from the real API" for name in shipped_files()]
    assert result.stderr.splitlines() == notes


def test_require_recorded_fails_on_contracts_never_recorded(capsys):
    assert main(["contracts", "check", "--max-age", "30", "--require-recorded"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "stale: interactor/github-v1.json: never recorded from the real API"
    assert err[-1] == (
        "10 contract(s) not recorded from the real API in the last 30 days: record them "
        "(interactor-mock record, then contracts update)"
    )


def test_a_contract_recorded_too_long_ago_fails_the_max_age_check(tmp_path, capsys):
    root = tmp_path / "contracts"
    shutil.copytree(default_contracts_dir(), root)
    slack = root / "interactor" / "slack.json"
    data = json.loads(slack.read_text())
    old = (date.today() - timedelta(days=31)).isoformat()
    data["provenance"]["sources"].append({"kind": "recording", "ref": "r", "date": old})
    slack.write_text(canonical_json(data), encoding="utf-8")
    assert main(["contracts", "check", "--contracts", str(root), "--max-age", "30"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        f"stale: interactor/slack.json: last recorded {old}, 31 days ago (max age 30 days)"
    )
    assert err[-1].startswith("1 contract(s) not recorded from the real API in the last 30 days")
    assert main(["contracts", "check", "--contracts", str(root), "--max-age", "31"]) == 0
    capsys.readouterr()


@pytest.mark.parametrize("value", ["-5", "thirty", "1.5", ""])
def test_bad_max_age_values_are_usage_errors(capsys, value):
    with pytest.raises(SystemExit) as stopped:
        main(["contracts", "check", "--max-age", value])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "interactor-mock contracts check: error: argument --max-age: must be a whole number "
        f"of days, 0 or more, not {value!r}"
    )


def test_require_recorded_without_max_age_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["contracts", "check", "--require-recorded"])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "interactor-mock: error: contracts check: --require-recorded needs --max-age DAYS"
    )
