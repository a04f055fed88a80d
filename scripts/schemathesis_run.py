"""Run schemathesis against a live mock, through ``/_mock/openapi.json``.

    .venv/bin/python scripts/schemathesis_run.py                  # what CI runs
    .venv/bin/python scripts/schemathesis_run.py --max-examples 50 --max-time 600

Starts ``interactor-mock serve --state memory --port 0`` on 127.0.0.1 (a free port, with a
fixed Development key), grants every connector to one account, and runs schemathesis with
every check it has, positive and negative data, all its phases, bounded by ``--max-examples``
per operation and ``--max-time`` seconds. It exits 1 on any finding (a failed check or an
error), and prints the figures (operations, cases, time, findings).

Schemathesis lives in a venv of its own, ``.venv-schemathesis`` (made from
``.ci/schemathesis.txt`` when missing): every schemathesis release pins
``jsonschema-rs<0.61`` and the mock needs ``>=0.61``. ``scripts/schemathesis_hooks.py`` is
loaded into it (see there why every case's ``account`` is a granted one).

What the server may answer with a 500: only, per action, the data-dependent errors its
contract documents (an unknown draft id is "Requested entity was not found.", as the real
API relays Gmail's 404), and the hooks check the message. Nothing else: "Account has no
tokens" stays a finding.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from interactor_mock.contracts import default_registry  # noqa: E402
from interactor_mock.http.openapi import _operation_id  # noqa: E402
from tests.serve_process import start_serve  # noqa: E402

VENV = ROOT / ".venv-schemathesis"
REQUIREMENTS = ROOT / ".ci" / "schemathesis.txt"
HOOKS = ROOT / "scripts" / "schemathesis_hooks.py"
API_KEY = "interactor_SchEmAth_esisfuzzingthemockthroughopenapi"
ACCOUNT = "alice"
#: The environment the control API's ``{env_id}`` names (the API calls use Development's
#: key, so that rules and resets made through the control API do not steer them).
FUZZ_ENV = "fuzz"


def ensure_venv(venv: Path = VENV) -> Path:
    """``venv``'s schemathesis, installing it from the pinned requirements when missing."""
    binary = venv / "bin" / "schemathesis"
    if not binary.exists():
        print(f"installing schemathesis into {venv} from {REQUIREMENTS}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "--quiet", "-r", str(REQUIREMENTS)],
            check=True,
        )
    return binary


def allowed_500s() -> dict[str, list[str]]:
    """Per execute operation, the documented 500 messages that depend on the input (not
    those every action documents: no tokens, an unauthorized token, a timeout)."""
    registry = default_registry()
    documented = {
        (c, name): {e["error"] for e in a.errors if e.get("status") == 500 and e.get("error")}
        for c in registry.connectors
        for name, a in c.actions.items()
    }
    universal = set.intersection(*documented.values()) if documented else set()
    found: dict[str, list[str]] = {}
    for (contract, name), messages in sorted(documented.items(), key=lambda kv: kv[0][1]):
        own = sorted(messages - universal)
        if own:
            key = _operation_id("execute", contract.owner, contract.name, name)
            found[key] = own
    return found


def _setup_calls() -> list[tuple[str, dict[str, Any]]]:
    registry = default_registry()
    grants = {"accounts": {ACCOUNT: {"connect": [c.key for c in registry.connectors]}}}
    return [
        ("/_mock/environments", {"name": FUZZ_ENV}),
        ("/_mock/seed", {"environments": {"development": grants, FUZZ_ENV: grants}}),
    ]


def _config(allowed: dict[str, list[str]]) -> str:
    lines = [
        "# written by scripts/schemathesis_run.py",
        "[parameters]",
        f'"path.env_id" = "{FUZZ_ENV}"',
        "",
        "[[operations]]",
        "include-operation-id = [" + ", ".join(f'"{k}"' for k in sorted(allowed)) + "]",
        "[operations.checks.not_a_server_error]",
        'expected-statuses = ["2xx", "3xx", "4xx", "500"]',
        "",
    ]
    return "\n".join(lines)


def run(
    *,
    max_examples: int,
    max_time: int,
    workers: int,
    seed: int,
    summary: Path | None = None,
    extra: list[str] | None = None,
) -> int:
    binary = ensure_venv()
    allowed = allowed_500s()
    served = start_serve("--state", "memory", "--api-key", API_KEY, "--quiet")
    started = time.monotonic()
    try:
        with tempfile.TemporaryDirectory(prefix="schemathesis-") as scratch:
            work = Path(scratch)
            (work / "schemathesis.toml").write_text(_config(allowed), encoding="utf-8")
            env = {
                **os.environ,
                "SCHEMATHESIS_HOOKS": str(HOOKS),
                "MOCK_ORIGIN": served.origin,
                "MOCK_ACCOUNT": ACCOUNT,
                "MOCK_SETUP": json.dumps(_setup_calls()),
            }
            command = [
                str(binary),
                "--config-file",
                str(work / "schemathesis.toml"),
                "run",
                f"{served.origin}/_mock/openapi.json",
                "--header",
                f"x-api-key: {API_KEY}",
                "--checks",
                "all",
                "--mode",
                "all",
                "--phases",
                "examples,coverage,fuzzing,stateful",
                "--max-examples",
                str(max_examples),
                "--max-time",
                str(max_time),
                "--workers",
                str(workers),
                "--seed",
                str(seed),
                "--request-timeout",
                "30",
                "--no-color",
                "--report",
                "json",
                "--report-dir",
                str(work),
                "--report-json-path",
                str(work / "report.json"),
                *(extra or []),
            ]
            print("==", " ".join(command[:6]), "...", flush=True)
            process = subprocess.run(command, env=env, cwd=work, check=False)
            report = json.loads((work / "report.json").read_text(encoding="utf-8"))
    finally:
        served.close()
    figures = _figures(report, time.monotonic() - started, max_examples, max_time)
    print(_render(figures))
    if summary is not None:
        summary.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    findings = figures["failures"] or figures["errors"]
    return 1 if process.returncode != 0 or findings else 0


def _figures(report: dict[str, Any], wall: float, examples: int, limit: int) -> dict[str, Any]:
    return {
        "schemathesis": report.get("schemathesis_version"),
        "operations": report["operations"]["tested"],
        "operations_selected": report["operations"]["selected"],
        "cases": report["test_cases"]["generated"],
        "seconds": round(report.get("running_time", wall), 1),
        "stop_reason": report.get("stop_reason"),
        "max_examples": examples,
        "max_time": limit,
        "phases": {name: p["status"] for name, p in report["phases"].items()},
        "failures": sum(f["count"] for f in report["failures"]),
        "failure_kinds": [f"{f['code']} {f['title']}: {f['count']}" for f in report["failures"]],
        "errors": sum(e.get("count", 1) for e in report["errors"]),
        "exit_code": report.get("exit_code"),
    }


def _render(figures: dict[str, Any]) -> str:
    kinds = "; ".join(figures["failure_kinds"]) or "none"
    return (
        f"schemathesis {figures['schemathesis']}: {figures['operations']} of "
        f"{figures['operations_selected']} operations, {figures['cases']:,} cases in "
        f"{figures['seconds']} s (stop: {figures['stop_reason']}); failures: "
        f"{figures['failures']} ({kinds}); errors: {figures['errors']}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=10, help="cases per operation")
    parser.add_argument("--max-time", type=int, default=240, help="seconds for the whole run")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--summary", type=Path, help="write the figures as JSON here")
    parser.add_argument("extra", nargs="*", help="more schemathesis options (after --)")
    args = parser.parse_args(argv)
    return run(
        max_examples=args.max_examples,
        max_time=args.max_time,
        workers=args.workers,
        seed=args.seed,
        summary=args.summary,
        extra=args.extra,
    )


if __name__ == "__main__":
    sys.exit(main())
