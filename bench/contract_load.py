"""Contract loading: the shipped contracts, and 1,000 synthetic connectors of 20 actions.

Each load runs in a fresh interpreter (``python -m bench.contract_load DIR``), so that no
cache of an earlier load helps it; the child reports the load's wall time and its own peak
RSS. The synthetic connectors are made from the shipped ones (actions, data types, examples
and all), each connector from one shipped connector, its actions repeated under new names up
to 20, so that they cost what real contracts cost.
"""

from __future__ import annotations

import copy
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.core import REPO_ROOT
from bench.core import Figure
from bench.core import Target
from bench.core import median
from bench.core import python
from bench.core import python_env

GROUP = "contracts"
SYNTHETIC_OWNER = "synthetic"


def write_synthetic(root: Path, connectors: int, actions: int = 20) -> Path:
    """Write ``connectors`` contract files of ``actions`` actions each under ``root``."""
    from interactor_mock.contracts import canonical_json
    from interactor_mock.contracts import contract_files
    from interactor_mock.contracts import default_contracts_dir

    sources = [
        json.loads(path.read_text(encoding="utf-8"))
        for path in contract_files(default_contracts_dir())
    ]
    folder = root / SYNTHETIC_OWNER
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(connectors):
        source = sources[index % len(sources)]
        names = sorted(source["actions"])
        made: dict[str, Any] = {}
        for number in range(actions):
            base = names[number % len(names)]
            spec = copy.deepcopy(source["actions"][base])
            # A description of its own, so that no cache keyed by a schema's content can
            # make 20,000 schemas cost what 61 do.
            spec["schema"]["output"]["description"] = f"synthetic {index}.{number}"
            made[f"{base}.copy{number}" if number >= len(names) else base] = spec
        contract = {
            **source,
            "owner": SYNTHETIC_OWNER,
            "name": f"connector-{index:04d}",
            "title": f"Synthetic connector {index}",
            "actions": made,
            "provenance": {**source["provenance"], "inferred": []},
        }
        (folder / f"connector-{index:04d}.json").write_text(
            canonical_json(contract), encoding="utf-8"
        )
    return root


def measure(directory: str | None, lazy: bool = False) -> dict[str, Any]:
    """In this process: import, load ``directory`` (the shipped contracts if None), report.

    With ``lazy``, also time the first use of one connector (load, check, build) and the
    first validation of one of its actions (compiling its validator).
    """
    started = time.perf_counter()
    from interactor_mock.contracts import ContractRegistry

    imported = time.perf_counter()
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    registry = ContractRegistry.load(directory, lazy=lazy)
    loaded = time.perf_counter()
    result: dict[str, Any] = {
        "import_seconds": imported - started,
        "load_seconds": loaded - imported,
        "connectors": len(registry),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "rss_before_mb": rss_before,
    }
    if lazy:
        owner, name = registry._keys()[len(registry) // 2]
        start = time.perf_counter()
        contract = registry.connector(name, owner)
        result["first_use_seconds"] = time.perf_counter() - start
        action = next(iter(contract.actions.values()))
        start = time.perf_counter()
        action.input_problems({})
        action.output_problems({})
        result["first_validation_seconds"] = time.perf_counter() - start
        result["actions_per_connector"] = len(contract.actions)
    else:
        result["actions"] = sum(len(c.actions) for c in registry)
    return result


def _child(directory: Path | None, *, lazy: bool = False) -> dict[str, Any]:
    argv = [python(), "-m", "bench.contract_load"]
    if lazy:
        argv.append("--lazy")
    if directory is not None:
        argv.append(str(directory))
    done = subprocess.run(
        argv, cwd=REPO_ROOT, env=python_env(), capture_output=True, text=True, timeout=300
    )
    if done.returncode != 0:
        raise RuntimeError(f"contract load failed: {done.stderr.strip()[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(quick: bool = False) -> list[Figure]:
    shipped_runs = 2 if quick else 5
    shipped = [_child(None) for _ in range(shipped_runs)]
    figures = [
        Figure(
            group=GROUP,
            name="contract load, shipped contracts",
            ours=median([r["load_seconds"] for r in shipped]) * 1000,
            unit="ms",
            target=Target("<=", 100),
            runs=shipped_runs,
            samples={"ours": [r["load_seconds"] for r in shipped]},
            extra={"actions": shipped[0]["actions"], "connectors": shipped[0]["connectors"]},
        )
    ]
    connectors = 50 if quick else 1000
    big_runs = 1 if quick else 3
    note = f"quick: {connectors} connectors, not 1,000; " if quick else ""
    with tempfile.TemporaryDirectory(prefix="bench-contracts-") as tmp:
        root = write_synthetic(Path(tmp), connectors)
        lazy = [_child(root, lazy=True) for _ in range(big_runs)]
        eager = _child(root)
    scale = connectors / 1000
    figures += [
        Figure(
            group=GROUP,
            name=f"contract load, {connectors:,} connectors x 20 actions (lazy=True)",
            ours=median([r["load_seconds"] for r in lazy]),
            unit="s",
            target=Target("<=", 2.0 * scale),
            runs=big_runs,
            notes=note + "files listed at load; each connector checked and built on first use",
            samples={"ours": [r["load_seconds"] for r in lazy]},
        ),
        Figure(
            group=GROUP,
            name=f"peak RSS, {connectors:,} connectors loaded lazily",
            ours=median([r["rss_mb"] for r in lazy]),
            unit="MB",
            target=Target("<=", 300),
            runs=big_runs,
            notes=note + "whole process, interpreter and imports included",
        ),
        Figure(
            group=GROUP,
            name="lazy: first use of one connector (load, check, build)",
            ours=median([r["first_use_seconds"] for r in lazy]) * 1000,
            unit="ms",
            target=Target("info", 0),
            runs=big_runs,
            extra={"first_validation_ms": median([r["first_validation_seconds"] for r in lazy])},
        ),
        Figure(
            group=GROUP,
            name=f"contract load, {connectors:,} connectors x 20 actions (eager, default)",
            ours=eager["load_seconds"],
            unit="s",
            target=Target("info", 0),
            runs=1,
            notes=note + "everything checked at load (what `contracts check` does)",
            extra={"actions": eager["actions"]},
        ),
        Figure(
            group=GROUP,
            name=f"peak RSS, {connectors:,} connectors loaded eagerly",
            ours=eager["rss_mb"],
            unit="MB",
            target=Target("info", 0),
            runs=1,
            notes=note.rstrip("; "),
        ),
    ]
    return figures


if __name__ == "__main__":
    arguments = sys.argv[1:]
    lazy_flag = "--lazy" in arguments
    paths = [a for a in arguments if a != "--lazy"]
    print(json.dumps(measure(paths[0] if paths else None, lazy=lazy_flag)))
