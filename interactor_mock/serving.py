"""What ``interactor-mock serve`` keeps its state in, and the worker processes that serve it.

The state options (see ``docs/state.md``, "Stores and workers"):

- ``--state PATH``: a SQLite file (:class:`~interactor_mock.store.SqliteStore`), shared by the
  workers of this host and kept across restarts;
- ``--store redis://HOST:PORT/DB``: a Redis server (:class:`~interactor_mock.store.RedisStore`),
  shared by every ``serve`` pointed at it, on any host;
- ``--state memory``: this process's memory, gone when it stops (one process only);
- neither: the SQLite file :func:`default_state_path`, so that a printed key stays valid across
  restarts and a fresh ``serve`` is still one command.

Workers: ``serve`` runs its app on granian (``--workers N`` processes, default 1), each worker
opening the same store from the description the parent leaves in the environment variable
:data:`WORKER_ENV`. The parent bootstraps the store (default environments and keys) and applies
``--seed-file`` before any worker starts; a worker's own bootstrap then finds the marker and
does nothing. ``--state memory`` serves from this process on werkzeug's thread server instead
(a worker process would have a memory of its own).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import threading
import time
from collections.abc import Iterable
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING
from typing import Any

from interactor_mock.errors import InteractorMockError
from interactor_mock.errors import StoreError
from interactor_mock.http.security import Guard
from interactor_mock.store import MemoryStore
from interactor_mock.store import SqliteStore
from interactor_mock.store import Store

if TYPE_CHECKING:
    from interactor_mock.config import MockConfig
    from interactor_mock.core.engine import Engine

__all__ = [
    "WORKER_ENV",
    "add_state_arguments",
    "default_state_path",
    "describe_state",
    "open_store",
    "serve_workers",
    "store_spec",
    "worker_app",
]

#: The environment variable that tells a worker process its store and configuration.
WORKER_ENV = "INTERACTOR_MOCK_SERVE_WORKER"
STATE_FILE = "state.sqlite3"


class StateChoiceError(InteractorMockError):
    """A state option that cannot be used; the message says why (exit code 2)."""


def default_state_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_STATE_HOME/interactor-mock/state.sqlite3``, else
    ``~/.local/state/interactor-mock/state.sqlite3``: one file per user, whatever directory
    ``serve`` starts in, outside any repository (so no ``.gitignore`` entry is needed)."""
    environ = os.environ if environ is None else environ
    base = environ.get("XDG_STATE_HOME") or ""
    root = Path(base) if base and Path(base).is_absolute() else Path.home() / ".local" / "state"
    return root / "interactor-mock" / STATE_FILE


def add_state_arguments(serve: argparse.ArgumentParser) -> None:
    """The ``serve`` options of this module: ``--state``, ``--store``, ``--workers``,
    ``--server``."""
    group = serve.add_argument_group("state and workers")
    group.add_argument(
        "--state",
        metavar="PATH|memory",
        help="SQLite state file kept across restarts (default: "
        "$XDG_STATE_HOME/interactor-mock/state.sqlite3, else ~/.local/state/...), "
        "or 'memory' for a throw-away server",
    )
    group.add_argument(
        "--store",
        metavar="redis://HOST:PORT/DB",
        help="share state in Redis with every serve pointed at it (needs the redis extra)",
    )
    group.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="worker processes (granian) over the one shared store (default 1)",
    )
    group.add_argument(
        "--server",
        choices=("granian", "werkzeug"),
        default=None,
        help="the HTTP server (default granian; werkzeug's thread server for --state memory)",
    )


def store_spec(args: argparse.Namespace) -> dict[str, str]:
    """The store the options name, as a JSON-able description.

    Raises:
        StateChoiceError: contradictory or unusable options.
    """
    if args.state is not None and args.store is not None:
        raise StateChoiceError("give --state or --store, not both")
    if args.workers < 1:
        raise StateChoiceError("--workers must be at least 1")
    if args.store is not None:
        if not args.store.startswith(("redis://", "rediss://", "unix://")):
            raise StateChoiceError("--store takes a redis://HOST:PORT/DB URL")
        return {"kind": "redis", "url": args.store}
    if args.state == "memory":
        if args.workers > 1:
            raise StateChoiceError(
                "--state memory keeps state in one process: it cannot be shared by "
                f"{args.workers} workers; leave --state out (a SQLite file) or use --store"
            )
        if args.server == "granian":
            raise StateChoiceError("--state memory is served by werkzeug in this process")
        return {"kind": "memory"}
    path = Path(args.state) if args.state is not None else default_state_path()
    return {"kind": "sqlite", "path": str(path), "default": "yes" if args.state is None else ""}


def open_store(spec: Mapping[str, str]) -> Store:
    """The store a description names.

    Raises:
        StateChoiceError: it cannot be opened (another version's file, another tool's keys,
            an unreachable Redis, a missing redis-py), with the reason.
    """
    try:
        if spec["kind"] == "memory":
            return MemoryStore()
        if spec["kind"] == "sqlite":
            path = Path(spec["path"])
            try:
                # The state holds the environments' API keys: only its user may read it.
                path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                path.touch(mode=0o600, exist_ok=True)
            except OSError as error:
                raise StateChoiceError(f"cannot create {path}: {error}") from None
            return SqliteStore(path)
        try:
            from interactor_mock.store.redis import RedisStore
        except ImportError:
            raise StateChoiceError(
                "--store redis:// needs redis-py: pip install 'interactor-mock[redis]'"
            ) from None
        return RedisStore(spec["url"])
    except StoreError as error:  # IncompatibleStore included
        raise StateChoiceError(str(error)) from None


def describe_state(spec: Mapping[str, str], engine: Engine) -> str:
    """One line: which store, and how much it holds."""
    if spec["kind"] == "memory":
        where = "memory (forgotten when serve stops)"
    elif spec["kind"] == "sqlite":
        default = " (the default; --state PATH or --state memory to change)"
        where = f"SQLite file {spec['path']}{default if spec.get('default') else ''}"
    else:
        where = f"Redis {engine.store!r}"
    environments = engine.environments.all()
    accounts = sum(len(engine.oauth.credentials(e.id)) for e in environments)
    items = sum(c["items"] for e in environments for c in engine.resources.collections_of(e))
    return (
        f"  state: {where}\n"
        f"         holds {len(environments)} environments, {accounts} connected accounts, "
        f"{items} stored items"
    )


def free_port(host: str) -> int:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def serve_workers(
    args: argparse.Namespace,
    spec: Mapping[str, str],
    config: MockConfig,
    port: int,
    *,
    ready: str,
    allowed: Iterable[str],
    admin_token: str | None,
) -> None:
    """Run ``args.workers`` granian workers on ``host:port`` until interrupted; print
    ``ready`` once the port answers (so that a script reading it may call at once)."""
    from granian import Granian
    from granian.constants import Interfaces
    from granian.http import HTTP1Settings

    def announce() -> None:
        while True:
            try:
                with socket.create_connection((args.host, port), timeout=1):
                    break
            except OSError:
                time.sleep(0.02)
        print(ready, flush=True)

    threading.Thread(target=announce, daemon=True, name="ready").start()
    # The workers' settings travel in their environment (never a file): the admin token too.
    os.environ[WORKER_ENV] = json.dumps(
        {
            "store": dict(spec),
            "config": _config_json(config),
            "guard": {"allowed": sorted(allowed), "admin_token": admin_token},
        }
    )
    server = Granian(
        "interactor_mock.serving:worker_app",
        address=args.host,
        port=port,
        interface=Interfaces.WSGI,
        workers=args.workers,
        # Two threads per worker, so that a call a scenario delays never stalls the worker's
        # other calls (tests/serve/test_latency_and_batches.py). Measured on a quiet machine,
        # one thread serves SQLite about 1.4x faster (no thread then waits for the GIL after
        # its SQL), 4 threads no faster than 2: the price of not stalling.
        blocking_threads=2,
        factory=True,
        log_enabled=False,
        # --idle-timeout: a connection that sends no (next) request head in time is closed
        http1_settings=HTTP1Settings(header_read_timeout=int(args.idle_timeout * 1000)),
    )
    server.serve()


def _config_json(config: MockConfig) -> dict[str, Any]:
    return {
        "contracts_dir": None if config.contracts_dir is None else str(config.contracts_dir),
        "seed": config.seed,
        "api_key": config.api_key,
        "public_url": config.public_url,
    }


def worker_app() -> Guard:
    """A worker's app (granian's factory): the store and configuration its parent chose,
    behind the same Host check and admin token as the werkzeug server."""
    from interactor_mock.config import MockConfig
    from interactor_mock.http.app import create_app

    described = json.loads(os.environ[WORKER_ENV])
    settings = described["config"]
    config = MockConfig(
        contracts_dir=None
        if settings["contracts_dir"] is None
        else Path(settings["contracts_dir"]),
        seed=settings["seed"],
        api_key=settings["api_key"],
        public_url=settings["public_url"],
    )
    try:
        store = open_store(described["store"])
    except StateChoiceError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    _exit_with_parent()
    _leave_ctrl_c_to_the_parent()
    guard = described["guard"]
    return Guard(
        create_app(config, store=store),
        allowed=guard["allowed"],
        admin_token=guard["admin_token"],
    )


def _leave_ctrl_c_to_the_parent() -> None:
    """A terminal's Ctrl-C reaches every process of its foreground group, and granian hangs
    when a worker gets that SIGINT as well as the parent (which stops its workers itself): so
    a worker leaves the group. (If the parent is killed, :func:`_exit_with_parent` ends it.)"""
    if hasattr(os, "setpgrp"):
        os.setpgrp()


def _exit_with_parent() -> None:
    """End this worker when the ``serve`` process that started it is gone (killed with
    SIGKILL, it cannot stop its workers): no orphan keeps the port."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="parent-watch").start()
