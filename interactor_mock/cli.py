"""The ``interactor-mock`` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from interactor_mock import __version__
from interactor_mock.config import DEFAULT_PORT
from interactor_mock.config import MockConfig
from interactor_mock.contracts import Contract
from interactor_mock.contracts import ContractRegistry
from interactor_mock.contracts import canonical_json
from interactor_mock.contracts import contract_files
from interactor_mock.contracts import default_contracts_dir
from interactor_mock.errors import ContractError
from interactor_mock.tooling import record as recorder
from interactor_mock.tooling import update as contract_update
from interactor_mock.tooling import verify

__all__ = ["main"]

DESCRIPTION = """\
An offline, contract-driven mock of the Interactor API (console.interactor.com).

  interactor-mock serve               serve the API on http://127.0.0.1:1290/api/v1
  interactor-mock contracts list      the connectors and actions the mock knows
  interactor-mock contracts check     check contract files, naming every defect
  interactor-mock verify              compare the real API with the contracts (drift report)
  interactor-mock record              record real traffic through a scrubbing proxy
  interactor-mock contracts update    merge recordings into the contracts
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="interactor-mock",
        description=DESCRIPTION,
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
    serve.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default {DEFAULT_PORT}; 0 = any)"
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
        "--seed-file",
        type=Path,
        metavar="FILE",
        help="preload environments, connected accounts and their data from a JSON or YAML "
        "seed file (see the README: Seed data)",
    )

    contracts = commands.add_parser("contracts", help="list or check contract files")
    verbs = contracts.add_subparsers(dest="verb", required=True, metavar="VERB")
    listing = verbs.add_parser("list", help="list connectors and their actions")
    listing.add_argument("--contracts", type=Path, metavar="DIR", help="contracts directory")
    listing.add_argument("--actions", action="store_true", help="list every action too")
    check = verbs.add_parser("check", help="check every contract file; exit 1 naming each defect")
    check.add_argument("directory", nargs="?", type=Path, help="contracts directory")
    check.add_argument(
        "--max-age",
        type=int,
        metavar="DAYS",
        help="also fail on contracts whose last recording is older than DAYS (or missing)",
    )
    update = verbs.add_parser(
        "update", help="merge recordings into the contracts, showing every change as a diff"
    )
    contract_update.add_arguments(update)
    fmt = verbs.add_parser("format", help="rewrite contract files canonically")
    fmt.add_argument("directory", nargs="?", type=Path, help="contracts directory")
    fmt.add_argument("--check", action="store_true", help="report, do not rewrite; exit 1 if any")

    verify_command = commands.add_parser(
        "verify",
        help="call the real API and report drift from the contracts",
        description="Call the actions the contracts mark safe (read-only; --all for every "
        "action) against the real API and report, per action, the status, whether the "
        "request was valid and every difference from the contract. Exit 0: no drift; "
        "1: drift; 2: usage error; 3: some actions could not be checked.",
    )
    verify.add_arguments(verify_command)
    record = commands.add_parser(
        "record",
        help="run a recording proxy to the real API (secrets scrubbed)",
        description="Run a proxy on 127.0.0.1 in front of the real API. It sends the real "
        "key, relays every answer, and writes each exchange, scrubbed, as a recording for "
        "'interactor-mock contracts update --from-recordings DIR'. Ctrl-C stops it.",
    )
    recorder.add_arguments(record)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return serve(args)
    if args.command == "verify":
        return verify.run_command(args)
    if args.command == "record":
        return recorder.run_command(args)
    if args.verb == "update":
        return contract_update.run_command(args)
    if args.verb == "list":
        return list_contracts(args.contracts, actions=args.actions)
    if args.verb == "check":
        status = check_contracts(args.directory)
        if status == 0 and args.max_age is not None:
            root = args.directory or default_contracts_dir()
            return contract_update.check_max_age(root, args.max_age)
        return status
    return format_contracts(args.directory, check=args.check)


def serve(args: argparse.Namespace) -> int:
    from werkzeug.serving import make_server

    from interactor_mock.core.environments import API_KEY_PATTERN
    from interactor_mock.http.app import create_app

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
        app = create_app(config)
    except (ContractError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    seeded = None
    if args.seed_file is not None:
        from interactor_mock.errors import HTTPError

        try:
            seeded = app.extensions["interactor_mock"].seeds.apply_file(args.seed_file)
        except HTTPError as exc:
            print(f"error: --seed-file {args.seed_file}: {exc.message}", file=sys.stderr)
            return 2
    try:
        server = make_server(args.host, args.port, app, threaded=True)
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 2
    engine = app.extensions["interactor_mock"]
    origin = f"http://{args.host}:{server.server_port}"
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
    print(f"  console: {origin}/   (open it in a browser)")
    print(f"  control API: {origin}/_mock/health   (Ctrl-C to stop)", flush=True)
    try:
        # werkzeug's serve_forever returns on Ctrl-C itself; catch it too for older versions.
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print("\nstopped", flush=True)
    return 0


def list_contracts(directory: Path | None, *, actions: bool) -> int:
    try:
        registry = ContractRegistry.load(directory)
    except (ContractError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    for contract in registry:
        auth = f"{contract.auth.get('type')}/{contract.auth.get('provider')}"
        print(f"{contract.key:<32} {len(contract.actions):>3} actions  {auth:<18} {contract.title}")
        if actions:
            for name, action in sorted(contract.actions.items()):
                safe = "read" if action.safe else "write"
                print(f"    {name:<40} {safe:<5} {action.label.get('en', '')}")
    return 0


def check_contracts(directory: Path | None) -> int:
    """Check every file (not only the first bad one) and name each defect."""
    root = directory or default_contracts_dir()
    if not root.is_dir():
        print(f"error: contracts directory not found: {root}", file=sys.stderr)
        return 1
    files = contract_files(root)
    defects: list[str] = []
    seen: dict[str, str] = {}
    for path in files:
        try:
            contract = Contract.from_file(path, root=root)
        except ContractError as exc:
            defects.append(str(exc))
            continue
        shown = str(path.relative_to(root))
        if contract.key in seen:
            defects.append(f"{shown}: {contract.key} is also defined in {seen[contract.key]}")
        seen[contract.key] = shown
    if not files:
        defects.append(f"{root}: no contract files (<owner>/<name>.json)")
    for defect in defects:
        print(f"error: {defect}", file=sys.stderr)
    if defects:
        print(f"{len(defects)} defect(s) in {len(files)} file(s)", file=sys.stderr)
        return 1
    print(f"ok: {len(files)} contract file(s) in {root}")
    return 0


def format_contracts(directory: Path | None, *, check: bool) -> int:
    root = directory or default_contracts_dir()
    stale = []
    for path in sorted(root.rglob("*.json")):
        import json

        text = path.read_text(encoding="utf-8")
        wanted = canonical_json(json.loads(text))
        if text != wanted:
            stale.append(path)
            if not check:
                path.write_text(wanted, encoding="utf-8")
    for path in stale:
        print(f"{path}: {'not canonical' if check else 'rewritten'}", file=sys.stderr)
    return 1 if (stale and check) else 0


if __name__ == "__main__":
    sys.exit(main())
