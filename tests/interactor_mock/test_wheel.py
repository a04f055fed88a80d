"""The built wheel ships the contracts and serves them, installed away from the source tree."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import textwrap
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("dist")
    # --no-isolation: build with the hatchling already installed, so the test stays offline.
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("interactor_mock-*.whl")
    return found


def test_wheel_contains_both_packages_contracts_and_type_markers(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "interactor_mock/_contracts/contract.schema.json" in names
    assert "interactor_mock/_contracts/interactor/gmail.json" in names
    assert "interactor_mock/py.typed" in names
    assert "pytest_interactor/py.typed" in names
    assert "interactor_mock/http/templates/consent.html" in names
    assert "interactor_mock/http/templates/console/tester.html" in names
    assert "interactor_mock/http/static/console/console.css" in names
    assert "interactor_mock/http/static/console/console.js" in names
    assert not any(name.startswith("docs/") or "screenshots" in name for name in names)
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "interactor-mock = interactor_mock.cli:main" in text
    assert "pytest_interactor.plugin" in text


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """(python, site-packages) of a fresh venv with the wheel installed."""
    target = tmp_path_factory.mktemp("installed") / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
    )
    # Dependencies come from this interpreter's site-packages, appended after the wheel; a .pth
    # line adds the directory without running its .pth files, so the editable checkout stays out.
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python, site


def test_installed_wheel_serves_a_contract_from_itself(installed, tmp_path):
    python, site = installed
    script = textwrap.dedent(
        """
        import json, interactor_mock, interactor_mock.contracts as c
        from interactor_mock import create_app
        client = create_app().test_client()
        key = client.get("/_mock/environments").json["environments"][0]["apiKey"]
        grant = {"connector": "gmail", "account": "a"}
        client.post("/_mock/environments/development/grants", json=grant)
        path = "/api/v1/connector/interactor/gmail/action/email.list/execute?account=a"
        r = client.post(path, json={}, headers={"x-api-key": key})
        where = {"file": interactor_mock.__file__, "contracts": str(c.default_contracts_dir())}
        print(json.dumps({**where, "status": r.status_code}))
        """
    )
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}
    result = subprocess.run(
        [str(python), "-c", script],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["file"].startswith(str(site))
    assert report["contracts"] == str(site / "interactor_mock" / "_contracts")
    assert report["status"] == 200


def test_an_installed_wheel_exports_its_contracts_and_refuses_to_rewrite_them(installed, tmp_path):
    python, site = installed
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(python), "-m", "interactor_mock", *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )

    shipped = site / "interactor_mock" / "_contracts"
    refused = cli("contracts", "format")
    assert refused.returncode == 2
    assert refused.stderr.splitlines()[0] == (
        f"error: contracts format would write into the installed package ({shipped}), where "
        "changes are lost at the next install. Copy the contracts out first, then point at "
        "the copy:"
    )
    nightly = cli("contracts", "check", "--max-age", "30")
    assert nightly.returncode == 0, nightly.stderr
    exported = cli("contracts", "export", "mine")
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "mine" / "contract.schema.json").is_file()
    formatted = cli("contracts", "format", "--contracts", "mine")
    assert (formatted.returncode, formatted.stderr) == (0, "")
