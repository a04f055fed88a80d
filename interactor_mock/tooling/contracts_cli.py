"""``interactor-mock contracts``: list, check, format, update and export contract files.

The shipped contracts live inside the installed package (``interactor_mock/_contracts`` of
the wheel), where a write is lost at the next install: ``update`` and ``format`` refuse to
write there and say what to do (``contracts export DIR``, then ``--contracts DIR``). A source
checkout's ``contracts/`` stays writable.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from jsonschema.exceptions import best_match

from interactor_mock.contracts import Contract
from interactor_mock.contracts import ContractRegistry
from interactor_mock.contracts import canonical_json
from interactor_mock.contracts import contract_files
from interactor_mock.contracts import default_contracts_dir
from interactor_mock.contracts import pointer
from interactor_mock.contracts.meta import META_SCHEMA_NAME
from interactor_mock.contracts.meta import meta_validator
from interactor_mock.errors import ContractError
from interactor_mock.tooling import update as contract_update
from interactor_mock.tooling.options import EXIT_FAILED
from interactor_mock.tooling.options import EXIT_OK
from interactor_mock.tooling.options import EXIT_USAGE
from interactor_mock.tooling.options import add_contracts_argument
from interactor_mock.tooling.options import contracts_dir
from interactor_mock.tooling.options import days
from interactor_mock.tooling.options import deprecated_directory

__all__ = ["add_parser", "installed_package_dir", "run"]

_PACKAGE_DIRS = ("site-packages", "dist-packages")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser], epilog: str) -> None:
    """The ``contracts`` command and its verbs."""
    formatter = argparse.RawDescriptionHelpFormatter
    contracts = commands.add_parser(
        "contracts",
        help="list, check, format, update or export contract files",
        epilog=epilog,
        formatter_class=formatter,
    )
    verbs = contracts.add_subparsers(dest="verb", required=True, metavar="VERB")
    listing = verbs.add_parser(
        "list", help="list connectors and their actions", epilog=epilog, formatter_class=formatter
    )
    add_contracts_argument(listing)
    listing.add_argument("--actions", action="store_true", help="list every action too")
    check = verbs.add_parser(
        "check",
        help="check every contract file; exit 1 naming each defect",
        epilog=epilog,
        formatter_class=formatter,
    )
    add_contracts_argument(check)
    check.add_argument(
        "directory",
        nargs="?",
        type=contracts_dir,
        metavar="DIR",
        help="deprecated: use --contracts DIR",
    )
    check.add_argument(
        "--max-age",
        type=days,
        metavar="DAYS",
        help="also fail on contracts whose last recording is more than DAYS days old; "
        "contracts never recorded are listed, and fail only with --require-recorded",
    )
    check.add_argument(
        "--require-recorded",
        action="store_true",
        help="with --max-age: also fail on contracts never recorded from the real API",
    )
    update = verbs.add_parser(
        "update",
        help="merge recordings into the contracts, showing every change as a diff",
        epilog=epilog,
        formatter_class=formatter,
    )
    contract_update.add_arguments(update)
    fmt = verbs.add_parser(
        "format",
        help="rewrite contract files canonically",
        epilog=epilog,
        formatter_class=formatter,
    )
    add_contracts_argument(fmt)
    fmt.add_argument(
        "directory",
        nargs="?",
        type=contracts_dir,
        metavar="DIR",
        help="deprecated: use --contracts DIR",
    )
    fmt.add_argument("--check", action="store_true", help="report, do not rewrite; exit 1 if any")
    export = verbs.add_parser(
        "export",
        help="copy the shipped contracts (and the meta-schema) into DIR, to own and update",
        description="Copy the contracts (default: the shipped ones) and contract.schema.json "
        "into DIR, then use them with --contracts DIR: 'contracts update' and 'contracts "
        "format' do not write into an installed package.",
        epilog=epilog,
        formatter_class=formatter,
    )
    export.add_argument("target", type=Path, metavar="DIR", help="where the copies go")
    add_contracts_argument(export, help="contracts to copy (default: shipped)")
    export.add_argument(
        "--force", action="store_true", help="overwrite files that already exist in DIR"
    )


def run(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    """Run a ``contracts`` verb with parsed arguments; returns the exit code."""
    if args.verb == "list":
        return list_contracts(args.contracts, actions=args.actions)
    if args.verb == "export":
        return export_contracts(args.contracts, args.target, force=args.force)
    if args.verb == "update":
        refused = refuse_installed(args.contracts, "contracts update")
        if refused is not None:
            return refused
        return contract_update.run_command(args)
    if args.directory is not None and args.contracts is not None:
        parser.error(f"contracts {args.verb}: give the directory once, as --contracts DIR")
    directory = deprecated_directory(args.directory, args.contracts, f"contracts {args.verb}")
    if args.verb == "check":
        if args.require_recorded and args.max_age is None:
            parser.error("contracts check: --require-recorded needs --max-age DAYS")
        status = check_contracts(directory)
        if status == EXIT_OK and args.max_age is not None:
            root = directory or default_contracts_dir()
            return contract_update.check_max_age(
                root, args.max_age, require_recorded=args.require_recorded
            )
        return status
    if not args.check:
        refused = refuse_installed(directory, "contracts format")
        if refused is not None:
            return refused
    return format_contracts(directory, check=args.check)


def installed_package_dir(root: Path) -> bool:
    """Whether ``root`` is inside an installed package (site-packages, or the wheel's
    ``interactor_mock/_contracts``), where writes are lost at the next install."""
    resolved = root.resolve()
    if any(part in _PACKAGE_DIRS for part in resolved.parts):
        return True
    package = Path(__file__).resolve().parent.parent
    return resolved == package / "_contracts" or package / "_contracts" in resolved.parents


def refuse_installed(directory: Path | None, command: str) -> int | None:
    """Exit code 2 with what to do when ``directory`` (default: shipped) is installed."""
    root = directory or default_contracts_dir()
    if not installed_package_dir(root):
        return None
    print(
        f"error: {command} would write into the installed package ({root}), where changes "
        "are lost at the next install. Copy the contracts out first, then point at the copy:\n"
        "  interactor-mock contracts export my-contracts\n"
        f"  interactor-mock {command} --contracts my-contracts ...",
        file=sys.stderr,
    )
    return EXIT_USAGE


def export_contracts(source: Path | None, target: Path, *, force: bool) -> int:
    """Copy every contract file and the meta-schema from ``source`` into ``target``."""
    root = source or default_contracts_dir()
    if target.exists() and not target.is_dir():
        print(f"error: {target} exists and is not a directory", file=sys.stderr)
        return EXIT_USAGE
    if target.resolve() == root.resolve():
        print(f"error: {target} is the directory the contracts come from", file=sys.stderr)
        return EXIT_USAGE
    files = contract_files(root)
    meta = root / META_SCHEMA_NAME
    if not meta.is_file():
        meta = default_contracts_dir() / META_SCHEMA_NAME
    copies = [(path, target / path.relative_to(root)) for path in files]
    copies.append((meta, target / META_SCHEMA_NAME))
    existing = [str(dest) for _, dest in copies if dest.exists()]
    if existing and not force:
        for name in existing:
            print(f"error: {name} exists (pass --force to overwrite)", file=sys.stderr)
        print(f"nothing copied: {len(existing)} file(s) exist in {target}", file=sys.stderr)
        return EXIT_USAGE
    for path, dest in copies:
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
    print(f"copied {len(files)} contract file(s) and {META_SCHEMA_NAME} to {target}")
    print(f"use them with --contracts {target} (serve, verify, record, contracts update, ...)")
    return EXIT_OK


def list_contracts(directory: Path | None, *, actions: bool) -> int:
    try:
        registry = ContractRegistry.load(directory)
    except ContractError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_FAILED
    for contract in registry:
        auth = f"{contract.auth.get('type')}/{contract.auth.get('provider')}"
        print(f"{contract.key:<32} {len(contract.actions):>3} actions  {auth:<18} {contract.title}")
        if actions:
            for name, action in sorted(contract.actions.items()):
                safe = "read" if action.safe else "write"
                print(f"    {name:<40} {safe:<5} {action.label.get('en', '')}")
    return EXIT_OK


def _file_defects(path: Path, root: Path) -> list[str]:
    """Every defect of one file: each meta-schema violation, else the first semantic one."""
    shown = str(path.relative_to(root))
    try:
        Contract.from_file(path, root=root)
    except ContractError as exc:
        first = str(exc)
    else:
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return [first]
    found = set()
    for error in meta_validator().iter_errors(data):
        best = best_match([error])
        found.add(str(ContractError(shown, pointer(*best.absolute_path), best.message)))
    return sorted(found) or [first]


def check_contracts(directory: Path | None) -> int:
    """Check every file (not only the first bad one) and name each defect."""
    root = directory or default_contracts_dir()
    if not root.is_dir():
        print(f"error: contracts directory not found: {root}", file=sys.stderr)
        return EXIT_USAGE
    files = contract_files(root)
    defects: list[str] = []
    seen: dict[str, str] = {}
    for path in files:
        found = _file_defects(path, root)
        if found:
            defects.extend(found)
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        key = f"{data['owner']}/{data['name']}"
        shown = str(path.relative_to(root))
        if key in seen:
            defects.append(f"{shown}: {key} is also defined in {seen[key]}")
        seen[key] = shown
    if not files:
        defects.append(f"{root}: no contract files (<owner>/<name>.json)")
    for defect in defects:
        print(f"error: {defect}", file=sys.stderr)
    if defects:
        print(f"{len(defects)} defect(s) in {len(files)} file(s)", file=sys.stderr)
        return EXIT_FAILED
    print(f"ok: {len(files)} contract file(s) in {root}")
    return EXIT_OK


def format_contracts(directory: Path | None, *, check: bool) -> int:
    root = directory or default_contracts_dir()
    stale = []
    for path in sorted(root.rglob("*.json")):
        text = path.read_text(encoding="utf-8")
        wanted = canonical_json(json.loads(text))
        if text != wanted:
            stale.append(path)
            if not check:
                path.write_text(wanted, encoding="utf-8")
    for path in stale:
        print(f"{path}: {'not canonical' if check else 'rewritten'}", file=sys.stderr)
    return EXIT_FAILED if (stale and check) else EXIT_OK
