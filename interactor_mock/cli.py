"""The ``interactor-mock`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from interactor_mock import __version__
from interactor_mock import serving
from interactor_mock.config import DEFAULT_PORT
from interactor_mock.config import MockConfig
from interactor_mock.errors import ContractError
from interactor_mock.tooling import contracts_cli
from interactor_mock.tooling import record as recorder
from interactor_mock.tooling import verify
from interactor_mock.tooling.options import EXIT_CODES_EPILOG
from interactor_mock.tooling.options import host_address
from interactor_mock.tooling.options import port_number
from interactor_mock.tooling.options import stop_on_ctrl_c

__all__ = ["main"]

DESCRIPTION = """\
An offline, contract-driven mock of the Interactor API (console.interactor.com).

  interactor-mock serve               serve the API on http://127.0.0.1:1290/api/v1
  interactor-mock contracts list      the connectors and actions the mock knows
  interactor-mock contracts check     check contract files, naming every defect
  interactor-mock verify              compare the real API with the contracts (drift report)
  interactor-mock record              record real traffic through a scrubbing proxy
  interactor-mock contracts update    merge recordings into the contracts
  interactor-mock contracts export    copy the shipped contracts out, to own and update
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interactor-mock",
        description=DESCRIPTION,
        epilog=EXIT_CODES_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve",
        help="serve the mock API until interrupted",
        description="Serve the mock Interactor API. Prints the base URL and a ready-to-use "
        "API key for each environment; Ctrl-C stops it.",
    )
    serve.add_argument(
        "--host",
        type=host_address,
        default="127.0.0.1",
        help="interface to bind (default 127.0.0.1)",
    )
    serve.add_argument(
        "--port",
        type=port_number,
        default=DEFAULT_PORT,
        help=f"port (default {DEFAULT_PORT}; 0 = any)",
    )
    serve.add_argument("--contracts", type=Path, metavar="DIR", help="contracts directory")
    serve.add_argument(
        "--api-key",
        metavar="KEY",
        help="fixed key of the Development environment, for reproducible set-ups "
        "(shaped interactor_<8>_<32>)",
    )
    serve.add_argument("--seed", type=int, default=0, help="seed of generated data (default 0)")
    serve.add_argument(
        "--public-url",
        metavar="URL",
        help="origin clients reach the server at, when behind a proxy",
    )
    serve.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="also answer the control API (/_mock) under this Host name (repeatable); "
        "loopback names and --host always are, and /api/v1 and /oauth answer any",
    )
    serve.add_argument(
        "--admin-token",
        metavar="TOKEN",
        help="require 'Authorization: Bearer TOKEN' on every /_mock request",
    )
    serve.add_argument(
        "--idle-timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="close a connection idle or stalled this long, on either server (default 60)",
    )
    serve.add_argument(
        "--quiet", action="store_true", help="no access log (errors are still logged)"
    )
    serve.add_argument(
        "--log-level",
        choices=("debug", "info", "warning", "error"),
        default="info",
        help="log level of the access and error log on stderr (default info)",
    )
    serve.add_argument(
        "--seed-file",
        type=Path,
        metavar="FILE",
        help="preload environments, connected accounts and their data from a JSON or YAML "
        "seed file (see the README: Seed data); on a lasting state, once: a restart with "
        "the same file keeps what changed since, an edited file is applied again",
    )
    serve.add_argument(
        "--reseed",
        action="store_true",
        help="apply --seed-file again even if this state already had it",
    )
    serving.add_state_arguments(serve)

    contracts_cli.add_parser(commands, EXIT_CODES_EPILOG)

    verify_command = commands.add_parser(
        "verify",
        help="call the real API and report drift from the contracts",
        description="Call the actions the contracts mark safe (read-only; --all for every "
        "action) against the real API and report, per action, the status, whether the "
        "request was valid and every difference from the contract.",
        epilog=EXIT_CODES_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    verify.add_arguments(verify_command)
    record = commands.add_parser(
        "record",
        help="run a recording proxy to the real API (secrets scrubbed)",
        description="Run a proxy on 127.0.0.1 in front of the real API. It sends the real "
        "key, relays every answer, and writes each exchange, scrubbed, as a recording for "
        "'interactor-mock contracts update --from-recordings DIR'. Ctrl-C stops it.",
        epilog=EXIT_CODES_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    recorder.add_arguments(record)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args)
    if args.command == "verify":
        return verify.run_command(args)
    if args.command == "record":
        return recorder.run_command(args)
    return contracts_cli.run(args, parser)


def serve(args: argparse.Namespace) -> int:
    from werkzeug.serving import make_server

    from interactor_mock.core.environments import API_KEY_PATTERN
    from interactor_mock.embed.server import AccessLogHandler
    from interactor_mock.http.app import create_app
    from interactor_mock.http.security import Guard
    from interactor_mock.http.security import allowed_hosts

    if args.api_key is not None and not API_KEY_PATTERN.match(args.api_key):
        print(
            "error: --api-key must look like "
            "interactor_<8 letters or digits>_<32 letters or digits>",
            file=sys.stderr,
        )
        return 2
    config = MockConfig(
        contracts_dir=args.contracts,
        seed=args.seed,
        api_key=args.api_key,
        public_url=args.public_url,
    )
    try:
        spec = serving.store_spec(args)
        store = serving.open_store(spec)
    except serving.StateChoiceError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        app = create_app(config, store=store)
    except (ContractError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    seeded = None
    if args.reseed and args.seed_file is None:
        print("error: --reseed needs --seed-file", file=sys.stderr)
        return 2
    if args.seed_file is not None:
        from interactor_mock.errors import HTTPError

        try:
            seeded = app.extensions["interactor_mock"].seeds.apply_file_once(
                args.seed_file, again=args.reseed
            )
        except HTTPError as exc:
            print(f"error: --seed-file {args.seed_file}: {exc.message}", file=sys.stderr)
            return 2
    on_werkzeug = spec["kind"] == "memory" or args.server == "werkzeug"
    allowed = allowed_hosts(args.host, args.allow_host)
    _configure_logging(args.log_level, quiet=args.quiet)
    try:
        if on_werkzeug:
            handler = type(
                "ServeRequestHandler", (AccessLogHandler,), {"timeout": args.idle_timeout}
            )
            guarded = Guard(app, allowed=allowed, admin_token=args.admin_token)
            server = make_server(
                args.host, args.port, guarded, threaded=True, request_handler=handler
            )
            port = server.server_port
        else:
            port = args.port or serving.free_port(args.host)
            make_server(args.host, port, app).server_close()  # fail here, clearly, if taken
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    engine = app.extensions["interactor_mock"]
    origin = f"http://{args.host}:{port}"
    registry = engine.registry
    print(f"interactor-mock {__version__} serving {origin}/api/v1", flush=True)
    print(
        f"  {len(registry)} connectors, {sum(len(c.actions) for c in registry)} actions "
        f"from {registry.directory}"
    )
    for environment in engine.environments.all():
        print(f"  {environment.name:<12} x-api-key: {environment.api_key}")
    if seeded is not None:
        print(f"  seeded from {args.seed_file}: {', '.join(seeded['environments']) or 'nothing'}")
    elif args.seed_file is not None:
        print(
            f"  seed file {args.seed_file} already applied to this state: kept as it is now "
            "(--reseed applies it again)"
        )
    print(serving.describe_state(spec, engine))
    print(f"  console: {origin}/   (open it in a browser)")
    workers = "werkzeug threads" if on_werkzeug else f"granian, {args.workers} worker(s)"
    ready = f"  control API: {origin}/_mock/health   ({workers}; Ctrl-C to stop)"
    warning = bind_warning(args.host, args.admin_token)
    if warning is not None:
        print(warning, file=sys.stderr, flush=True)
    if not on_werkzeug:
        # granian forks its workers, and a process that forks must hold no thread that may
        # hold a lock, nor an open SQLite connection (SQLite's rule): the workers open their own.
        close = getattr(engine.store, "close", None)
        if close is not None:
            close()
        serving.serve_workers(
            args, spec, config, port, ready=ready, allowed=allowed, admin_token=args.admin_token
        )
        print("\nstopped", flush=True)
        return 0
    try:
        # Ready is said inside the try: a Ctrl-C the moment a script reads it still stops
        # cleanly. werkzeug's serve_forever returns on Ctrl-C itself; caught for older ones.
        stop_on_ctrl_c()
        print(ready, flush=True)
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print("\nstopped", flush=True)
    return 0


# Warn, not refuse: a team's mock on a private network or in a container (--host 0.0.0.0)
# is a use the README documents, and refusing would break it on upgrade; the warning says
# what is exposed and how to close it.
NO_ADMIN_TOKEN = (
    "warning: serving on {host} without --admin-token: anyone who can reach this address "
    "can read every API key and reset the mock through /_mock; pass --admin-token TOKEN, "
    "or bind 127.0.0.1"
)


def bind_warning(host: str, admin_token: str | None) -> str | None:
    """The warning ``serve`` prints when it listens beyond loopback without an admin token."""
    import ipaddress

    if admin_token is not None:
        return None
    name = host.strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return None
    try:
        if ipaddress.ip_address(name).is_loopback:
            return None
    except ValueError:
        pass  # a host name: it may resolve to any interface
    return NO_ADMIN_TOKEN.format(host=host)


def _configure_logging(level: str, *, quiet: bool) -> None:
    """The access and error log on stderr at ``level``; ``quiet`` drops the access lines."""
    import logging

    from interactor_mock.embed.server import ACCESS_LOGGER

    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for name in (ACCESS_LOGGER, "werkzeug"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.propagate = False
        logger.setLevel(getattr(logging, level.upper()))
    if quiet:
        logging.getLogger(ACCESS_LOGGER).setLevel(
            max(logging.WARNING, getattr(logging, level.upper()))
        )


if __name__ == "__main__":
    sys.exit(main())
