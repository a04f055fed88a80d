"""Every code example in the docs runs: quoted example files match the files the suite runs,
other Python blocks are executed, the seed document is applied, and the curl block runs as
pasted against a real ``interactor-mock serve``."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from interactor_mock import create_app

ROOT = Path(__file__).resolve().parents[2]
PAGES = [*sorted((ROOT / "docs").glob("*.md")), ROOT / "README.md"]
BLOCK = re.compile(r"(?:<!-- (?P<marker>[\w-]+) -->\n)?```(?P<lang>\w*)\n(?P<body>.*?)```", re.S)


def blocks(lang: str) -> list[tuple[str, str | None, str]]:
    found = []
    for page in PAGES:
        for match in BLOCK.finditer(page.read_text(encoding="utf-8")):
            if match["lang"] == lang:
                found.append((page.name, match["marker"], match["body"]))
    return found


def quoted_file(body: str) -> Path | None:
    first = body.splitlines()[0]
    if first.startswith("# tests/examples/"):
        return ROOT / first[2:].strip()
    return None


PYTHON = blocks("python")
QUOTED = [(page, body) for page, _, body in PYTHON if quoted_file(body)]
RUNNABLE = [(page, body) for page, _, body in PYTHON if not quoted_file(body)]


def test_the_docs_have_quoted_and_runnable_python_examples():
    assert len(QUOTED) >= 6
    assert len(RUNNABLE) >= 1


@pytest.mark.parametrize(("page", "body"), QUOTED, ids=[f"{p}:{quoted_file(b)}" for p, b in QUOTED])
def test_every_part_of_a_quoted_example_is_in_the_file_the_suite_runs(page, body):
    path = quoted_file(body)
    assert path is not None
    assert path.is_file(), f"{page} quotes {path}, which does not exist"
    source = path.read_text(encoding="utf-8")
    # A quote may leave out whole definitions: each part it shows must be there verbatim.
    for part in body.split("\n", 1)[1].strip("\n").split("\n\n\n"):
        assert part in source, f"{page}'s copy of {path.name} differs at:\n{part}"


@pytest.mark.parametrize(("page", "body"), RUNNABLE, ids=[p for p, _ in RUNNABLE])
def test_a_python_block_runs(page, body, tmp_path):
    script = tmp_path / "example.py"
    script.write_text(body, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=120, cwd=tmp_path
    )
    assert done.returncode == 0, f"{page}: {done.stderr[-2000:]}"


def test_the_seed_document_in_the_docs_is_accepted():
    documents = [json.loads(b) for _, _, b in blocks("json") if '"environments"' in b]
    assert documents, "docs/state.md shows a seed document"
    app = create_app()
    client = app.test_client()
    response = client.post("/_mock/seed", json=documents[0])
    assert response.status_code == 201, response.get_json()
    seeded = client.get("/_mock/environments").get_json()["environments"]
    assert {"development", "ci"} <= {e["id"] for e in seeded}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.skipif(shutil.which("curl") is None and not os.environ.get("CI"), reason="no curl")
def test_the_curl_block_runs_as_pasted_against_serve(tmp_path):
    [(_, _, body)] = [b for b in blocks("sh") if b[1] == "curl-example"]
    port = _free_port()
    command = [
        str(Path(sys.executable).with_name("interactor-mock")),
        "serve",
        "--port",
        str(port),
    ]
    server = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path
    )
    try:
        for _ in range(200):
            try:
                requests.get(f"http://127.0.0.1:{port}/_mock/health", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", body.replace("1290", str(port))],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert done.returncode == 0, done.stderr
    auth_url, grant, executed = (json.loads(line) for line in done.stdout.split("\n") if line)
    assert auth_url.startswith("http")
    assert "state=" in auth_url
    assert grant["account"] == "alice"
    assert executed["output"]["message"]["id"]
