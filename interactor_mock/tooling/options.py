"""The command line's one convention: exit codes, argument types and shared arguments.

Every ``interactor-mock`` command exits with a code of :data:`EXIT_CODES` (shown in
``--help`` and ``docs/cli.md``), reads contracts from ``--contracts DIR``, and checks what
it is given before any work: a port or host that cannot be used, an output file that cannot
be written, are usage errors (exit 2, one line, no traceback). The argument types here are
small functions so that every subcommand (``serve`` too) can use them as ``type=``.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import re
import signal
import sys
import threading
from pathlib import Path

from interactor_mock.config import DEFAULT_BASE_URL

__all__ = [
    "EXIT_CODES",
    "EXIT_CODES_EPILOG",
    "EXIT_FAILED",
    "EXIT_KEY_REFUSED",
    "EXIT_OK",
    "EXIT_UNCHECKED",
    "EXIT_USAGE",
    "add_api_arguments",
    "add_contracts_argument",
    "contracts_dir",
    "days",
    "deprecated_directory",
    "host_address",
    "output_file",
    "port_number",
]

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_UNCHECKED = 3
EXIT_KEY_REFUSED = 4

#: The one exit-code table of every command (``--help`` epilog, ``docs/cli.md``).
EXIT_CODES: tuple[tuple[int, str], ...] = (
    (EXIT_OK, "success: no drift, no defect, nothing stale or to rewrite"),
    (
        EXIT_FAILED,
        "the check failed: drift (verify), a defect or a stale contract (contracts check), "
        "a file not canonical (contracts format --check), a file that would not load "
        "(contracts update), an exchange not written (record)",
    ),
    (
        EXIT_USAGE,
        "usage error: a bad or missing argument, a file or directory not found, an output "
        "that cannot be written, a write into an installed package refused, --all not "
        "confirmed, a port that cannot be listened on",
    ),
    (
        EXIT_UNCHECKED,
        "verify: no drift, but some actions could not be checked (account not connected, "
        "a documented error, the API unreachable)",
    ),
    (EXIT_KEY_REFUSED, "verify: the API refused the key (401); nothing more was called"),
)
EXIT_CODES_EPILOG = "exit codes (every command):\n" + "\n".join(
    f"  {code}  {text}" for code, text in EXIT_CODES
)

_MAX_PORT = 65535
_HOST_LABEL = re.compile(r"(?!-)[A-Za-z0-9-]{1,63}(?<!-)")
_MAX_HOST = 253


def port_number(text: str) -> int:
    """``--port``: a whole number from 0 (any free port) to 65535."""
    try:
        port = int(text, 10)
    except ValueError:
        port = -1
    if not 0 <= port <= _MAX_PORT:
        raise argparse.ArgumentTypeError(
            f"must be a whole number from 0 to {_MAX_PORT} (0: any free port), not {text!r}"
        )
    return port


def host_address(text: str) -> str:
    """``--host``: an IPv4 or IPv6 address, or a host name (``localhost``)."""
    candidate = text[1:-1] if text.startswith("[") and text.endswith("]") else text
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        pass
    else:
        return candidate
    labels = candidate.rstrip(".").split(".")
    looks_numeric = all(label.isdigit() for label in labels)
    if (
        candidate
        and len(candidate) <= _MAX_HOST
        and not looks_numeric
        and all(_HOST_LABEL.fullmatch(label) for label in labels)
    ):
        return candidate
    raise argparse.ArgumentTypeError(
        f"must be an IP address (127.0.0.1, ::1, 0.0.0.0) or a host name, not {text!r}"
    )


def days(text: str) -> int:
    """``--max-age``: a whole number of days, 0 or more."""
    try:
        value = int(text, 10)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a whole number of days, 0 or more, not {text!r}")
    return value


def output_file(text: str) -> Path:
    """An output file (``--report``): its directory must exist and be writable, and it must
    not be a directory; checked when the arguments are parsed, before any work."""
    path = Path(text)
    parent = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise argparse.ArgumentTypeError(f"{text} is a directory, not a file")
    if not parent.is_dir():
        raise argparse.ArgumentTypeError(f"cannot write {text}: no directory {parent}")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise argparse.ArgumentTypeError(f"cannot write {text}: permission denied")
    return path


def contracts_dir(text: str) -> Path:
    """``--contracts DIR``: an existing directory."""
    path = Path(text)
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"contracts directory not found: {text}")
    return path


def add_contracts_argument(
    parser: argparse.ArgumentParser, help: str = "contracts directory (default: shipped)"
) -> None:
    """The ``--contracts DIR`` every command takes."""
    parser.add_argument("--contracts", type=contracts_dir, metavar="DIR", help=help)


def add_api_arguments(parser: argparse.ArgumentParser, *, key_help: str) -> None:
    """``--base-url`` and ``--api-key`` of ``verify`` and ``record`` (one declaration)."""
    parser.add_argument(
        "--base-url",
        default=os.environ.get("INTERACTOR_BASE_URL", DEFAULT_BASE_URL),
        metavar="URL",
        help="the real API root (default: $INTERACTOR_BASE_URL, else %(default)s)",
    )
    parser.add_argument(
        "--api-key",
        default=os.environ.get("INTERACTOR_API_KEY"),
        metavar="KEY",
        help=f"{key_help} (default: $INTERACTOR_API_KEY; prefer the variable, a command "
        "line is visible to other users)",
    )


def deprecated_directory(positional: Path | None, option: Path | None, command: str) -> Path | None:
    """The contracts directory of a command that used to take it as a positional argument:
    ``--contracts`` wins; the positional still works, with a warning on stderr."""
    if positional is None:
        return option
    print(
        f"warning: '{command} DIR' is deprecated: use '{command} --contracts DIR'",
        file=sys.stderr,
    )
    return option if option is not None else positional


def stop_on_ctrl_c() -> None:
    """Make Ctrl-C (SIGINT) stop this process's server, whatever it inherited.

    A background job of a script starts with SIGINT ignored (POSIX shells do that when job
    control is off), and Python then leaves it ignored: ``kill -INT`` would not stop the
    werkzeug servers of ``serve --state memory`` and ``record``. granian's own servers handle
    SIGINT whatever they inherited; these now do too. Only the main thread can set a handler
    (``main()`` run on another thread, as some embedders do, keeps what it has).
    """
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.default_int_handler)
