"""The recording proxy: a small Flask app in front of the real Interactor API.

Clients point at the proxy (``http://127.0.0.1:<port>/api/v1``) instead of the real base URL.
The proxy forwards every request with :mod:`requests`, sends the real API key in
``x-api-key`` (the client never needs it), relays the answer unchanged, and keeps each
exchange as an :class:`Exchange`. With a registry it compares every action call with the
contract (see :mod:`interactor_mock.tooling.drift`); with an output directory it writes each
exchange, scrubbed (see :mod:`interactor_mock.tooling.scrub`), as a recording that
``interactor-mock contracts update --from-recordings DIR`` turns into contract examples.

A recording is written only if the scrubbed text passes :meth:`Scrubber.check`; request
headers are never written at all, so the API key cannot reach a file by that road either.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import secrets
import sys
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl
from urllib.parse import urlsplit

import requests
from flask import Flask
from flask import Response
from flask import request

from interactor_mock.contracts import DEFAULT_OWNER
from interactor_mock.contracts import ContractRegistry
from interactor_mock.contracts import canonical_json
from interactor_mock.errors import ContractError
from interactor_mock.errors import InteractorMockError
from interactor_mock.errors import NotFound
from interactor_mock.errors import UsageError
from interactor_mock.tooling.drift import Difference
from interactor_mock.tooling.drift import Drift
from interactor_mock.tooling.drift import compare_response
from interactor_mock.tooling.options import add_api_arguments
from interactor_mock.tooling.options import add_contracts_argument
from interactor_mock.tooling.options import port_number
from interactor_mock.tooling.options import stop_on_ctrl_c
from interactor_mock.tooling.scrub import Scrubber
from interactor_mock.tooling.scrub import ScrubError
from interactor_mock.tooling.scrub import ScrubLeak
from interactor_mock.tooling.scrub import ScrubRules
from interactor_mock.tooling.scrub import today

__all__ = [
    "RECORDING_FORMAT",
    "Exchange",
    "ProxyClient",
    "Recording",
    "RecordingProxy",
    "load_recordings",
    "parse_api_path",
]

RECORDING_FORMAT = 1
API_ROOT = "/api/v1"
ACCOUNT_PARAMETERS = ("account", "accountId", "userId")
UNKNOWN_ACTION = "unknown-action"
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]
_HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "content-encoding",
        "content-length",
        "host",
    }
)
_API_PATH = re.compile(
    r"^/connector/(?:(?P<owner>[^/]+)/)?(?P<connector>[^/]+)/"
    r"(?:action/(?P<action>[^/]+)/(?P<execute>execute)|(?P<kind>auth-url|credential))$"
)
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")
_LOCAL_KEY_PREFIX = "interactor_mockprox_"


def parse_api_path(path: str) -> tuple[str, str, str | None, str] | None:
    """``(owner, connector, action, kind)`` of a path under the API root, else ``None``.

    ``kind`` is ``execute``, ``auth-url`` or ``credential``; ``action`` is set for execute.
    A path without the owner segment (``/connector/gmail/...``) is owned by ``interactor``.
    """
    match = _API_PATH.match(path)
    if match is None:
        return None
    owner = match["owner"] or DEFAULT_OWNER
    if match["execute"]:
        return owner, match["connector"], match["action"], "execute"
    return owner, match["connector"], None, match["kind"]


def _parse_json(raw: bytes) -> tuple[Any, str | None]:
    """``(parsed, None)`` for a JSON body, ``(None, text)`` otherwise (empty: ``(None, None)``)."""
    if not raw.strip():
        return None, None
    text = raw.decode("utf-8", errors="replace")
    try:
        return json.loads(text), None
    except ValueError:
        return None, text


@dataclass
class Exchange:
    """One request through the proxy and its answer, as sent and received (not scrubbed).

    Attributes:
        method, path, query: the request (``path`` relative to the API root).
        input: the request's JSON body (``None`` if empty or not JSON).
        status, body: the answer (``body`` parsed JSON, ``None`` if not JSON).
        connector: ``owner/name`` for connector paths; ``action`` for execute calls.
        account: the account the API was asked about (after any mapping).
        asked_account: the account the client named (before any mapping).
        client: the name of the registered client that sent it, if any.
        drift: the comparison with the contract (execute calls of known actions).
        recording: where the scrubbed recording was written, if it was.
        refused: why it was not written, if it was not.
    """

    method: str
    path: str
    query: list[tuple[str, str]]
    input: Any
    input_text: str | None
    status: int
    body: Any
    body_text: str | None
    kind: str | None = None
    connector: str | None = None
    action: str | None = None
    account: str | None = None
    asked_account: str | None = None
    client: str | None = None
    duration_ms: float = 0.0
    request_ok: bool = True
    drift: Drift | None = None
    recording: Path | None = None
    refused: str | None = None

    @property
    def title(self) -> str:
        """``interactor/gmail email.list`` or ``GET /connector/...``, for reports."""
        if self.connector and self.action:
            return f"{self.connector} {self.action}"
        return f"{self.method} {self.path}"


@dataclass
class ProxyClient:
    """A client the proxy knows by its own local API key (the live-mode ``interactor``
    fixture registers one per test, so that each test sees only its own exchanges).

    Attributes:
        name: shown in reports (the test's node id).
        key: the local key the client sends; the proxy swaps it for the real one.
        accounts: per ``owner/connector``, the account names the client uses mapped to real
            accounts (``{"interactor/gmail": {"alice": "me@example.com"}}``).
        exchanges: what the client sent and got, oldest first.
    """

    name: str
    key: str
    accounts: dict[str, dict[str, str]] = field(default_factory=dict)
    exchanges: list[Exchange] = field(default_factory=list)


@dataclass(frozen=True)
class Recording:
    """One recording file, as :func:`load_recordings` reads it."""

    path: Path
    data: dict[str, Any]

    @property
    def connector(self) -> str | None:
        """``owner/name`` of the connector called, if any."""
        value = self.data.get("connector")
        return str(value) if value is not None else None

    @property
    def action(self) -> str | None:
        """The action executed, for execute calls."""
        value = self.data.get("action")
        return str(value) if value is not None else None

    @property
    def recorded_at(self) -> str:
        """The ISO date the exchange was recorded."""
        return str(self.data.get("recordedAt", ""))

    @property
    def status(self) -> int:
        """The HTTP status of the answer."""
        return int(self.data.get("response", {}).get("status", 0))

    @property
    def input(self) -> Any:
        """The request's JSON body (scrubbed)."""
        return self.data.get("request", {}).get("body")

    @property
    def body(self) -> Any:
        """The answer's JSON body (scrubbed)."""
        return self.data.get("response", {}).get("body")


class RecordingProxy:
    """A proxy to the API at ``base_url``; its Flask app is :attr:`app`.

    Arguments:
        base_url: the real API root, e.g. ``https://console.interactor.com/api/v1``.
        api_key: the real key, sent upstream in ``x-api-key`` (never written anywhere).
        out_dir: write a scrubbed recording of each exchange here (nothing when omitted).
        account: the account added to requests that name none (``record --account``).
        registry: compare action calls with these contracts (no comparison when omitted).
        scrubber: the scrubber of this session (default rules when omitted).
        inject_key: ``"always"`` sends the real key whatever the client sent;
            ``"registered"`` only for requests carrying a registered client's key (others
            are forwarded as they are, so a test of a wrong key still gets the API's 401).
        timeout: seconds to wait for the API.
        on_exchange: called with every exchange (from the serving thread).
        clock: returns today's date, for ``recordedAt``.
    """

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str,
        out_dir: Path | None = None,
        account: str | None = None,
        registry: ContractRegistry | None = None,
        scrubber: Scrubber | None = None,
        inject_key: str = "always",
        timeout: float = 60.0,
        on_exchange: Callable[[Exchange], None] | None = None,
        clock: Callable[[], date] = today,
    ) -> None:
        if inject_key not in ("always", "registered"):
            raise UsageError(f"inject_key must be 'always' or 'registered', not {inject_key!r}")
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UsageError(f"base_url must be an absolute http(s) URL, not {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self.out_dir = out_dir
        self.account = account
        self.registry = registry
        accounts = [account] if account else []
        self.scrubber = scrubber or Scrubber(secrets=[api_key], accounts=accounts)
        self.scrubber.add_secret(api_key)
        self.inject_key = inject_key
        self.timeout = timeout
        self.on_exchange = on_exchange
        self.clock = clock
        self.exchanges: list[Exchange] = []
        self.clients: dict[str, ProxyClient] = {}
        self._lock = threading.Lock()
        self._local = threading.local()
        self.app = self._build_app()

    def __repr__(self) -> str:
        return f"<RecordingProxy to {self.base_url}, {len(self.exchanges)} exchanges>"

    # -- clients ----------------------------------------------------------------------------

    def register_client(self, name: str) -> ProxyClient:
        """A new client with its own local key (see :class:`ProxyClient`)."""
        key = _LOCAL_KEY_PREFIX + secrets.token_hex(16)
        client = ProxyClient(name=name, key=key)
        with self._lock:
            self.clients[key] = client
        return client

    def unregister_client(self, client: ProxyClient) -> None:
        """Forget a client; its key stops being swapped for the real one."""
        with self._lock:
            self.clients.pop(client.key, None)

    # -- the app ----------------------------------------------------------------------------

    def _build_app(self) -> Flask:
        app = Flask(__name__)
        view = self._forward
        app.add_url_rule(
            "/",
            "root",
            view,
            defaults={"path": ""},
            methods=_METHODS,
            provide_automatic_options=False,
        )
        app.add_url_rule(
            "/<path:path>", "forward", view, methods=_METHODS, provide_automatic_options=False
        )
        return app

    def _session(self) -> requests.Session:
        session: requests.Session | None = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False
            self._local.session = session
        return session

    def _forward(self, path: str) -> Response:
        started = time.perf_counter()
        api_path = "/" + path
        if api_path == API_ROOT or api_path.startswith(API_ROOT + "/"):
            api_path = api_path[len(API_ROOT) :] or "/"
        parsed = parse_api_path(api_path)
        client_key = request.headers.get("x-api-key")
        client = self.clients.get(client_key or "")
        inject = self.inject_key == "always" or client is not None
        query = parse_qsl(request.query_string.decode("latin-1"), keep_blank_values=True)
        query, asked, account = self._accounts(query, parsed, client)
        headers = {
            k: v
            for k, v in request.headers.items()
            if k.lower() not in _HOP_BY_HOP and k.lower() != "x-api-key"
        }
        if inject:
            headers["x-api-key"] = self._api_key
        elif client_key is not None:
            headers["x-api-key"] = client_key
        raw = request.get_data()
        url = self.base_url + (api_path if api_path != "/" else "")
        try:
            answer = self._session().request(
                request.method,
                url,
                params=query,
                data=raw,
                headers=headers,
                timeout=self.timeout,
                allow_redirects=False,
            )
        except requests.RequestException as exc:
            message = f"interactor-mock proxy: cannot reach {self.base_url}: {type(exc).__name__}"
            return Response(json.dumps({"error": message}), 502, mimetype="application/json")
        content = answer.content
        exchange = self._exchange(
            api_path, query, raw, answer.status_code, content, parsed, account, client
        )
        exchange.asked_account = asked
        exchange.request_ok = inject and account is not None
        exchange.duration_ms = round((time.perf_counter() - started) * 1000, 3)
        self._handle(exchange, client)
        relayed = [(k, v) for k, v in answer.headers.items() if k.lower() not in _HOP_BY_HOP]
        return Response(content, answer.status_code, headers=relayed)

    def _accounts(
        self,
        query: list[tuple[str, str]],
        parsed: tuple[str, str, str | None, str] | None,
        client: ProxyClient | None,
    ) -> tuple[list[tuple[str, str]], str | None, str | None]:
        """The query with the account mapped (live mode) or added (``--account``), the
        account the client asked for, and the one sent."""
        if parsed is None:
            return query, None, None
        owner, connector, _action, _kind = parsed
        mapping = client.accounts.get(f"{owner}/{connector}", {}) if client else {}
        asked: str | None = None
        account: str | None = None
        result = []
        for name, value in query:
            if name in ACCOUNT_PARAMETERS and account is None:
                asked = value
                value = mapping.get(value, value)
                account = value
            result.append((name, value))
        if account is None and self.account is not None:
            account = self.account
            result.append(("account", account))
        return result, asked, account

    def _exchange(
        self,
        api_path: str,
        query: list[tuple[str, str]],
        raw: bytes,
        status: int,
        content: bytes,
        parsed: tuple[str, str, str | None, str] | None,
        account: str | None,
        client: ProxyClient | None,
    ) -> Exchange:
        request_json, request_text = _parse_json(raw)
        body, body_text = _parse_json(content)
        exchange = Exchange(
            method=request.method,
            path=api_path,
            query=query,
            input=request_json,
            input_text=request_text,
            status=status,
            body=body,
            body_text=body_text,
            account=account,
            client=client.name if client else None,
        )
        if parsed is not None:
            owner, connector, action, kind = parsed
            exchange.kind = kind
            exchange.connector = f"{owner}/{connector}"
            exchange.action = action
        return exchange

    def _handle(self, exchange: Exchange, client: ProxyClient | None) -> None:
        if exchange.kind == "execute":
            exchange.drift = self.compare(exchange)
        if self.out_dir is not None:
            try:
                exchange.recording = self.write(exchange)
            except ScrubLeak as exc:
                exchange.refused = str(exc)
                print(
                    f"interactor-mock record: NOT written ({exchange.title}): {exc}",
                    file=sys.stderr,
                )
        with self._lock:
            self.exchanges.append(exchange)
            if client is not None:
                client.exchanges.append(exchange)
        if self.on_exchange is not None:
            self.on_exchange(exchange)

    # -- contract comparison ---------------------------------------------------------------

    def compare(self, exchange: Exchange) -> Drift | None:
        """The exchange compared with its action's contract (``None`` without a registry)."""
        if self.registry is None or exchange.connector is None or exchange.action is None:
            return None
        owner, name = exchange.connector.split("/", 1)
        try:
            action = self.registry.action(name, exchange.action, owner)
        except NotFound:
            drift = Drift(action=f"{exchange.connector}:{exchange.action}", status=exchange.status)
            if exchange.status == 200:
                drift.differences.append(
                    Difference(
                        UNKNOWN_ACTION,
                        "",
                        f"the API answered 200 to {exchange.title}, which the contracts do not "
                        "have (the mock answers 404)",
                        expected=404,
                        actual=exchange.status,
                    )
                )
            return drift
        payload = exchange.input if exchange.input is not None else {}
        if exchange.input_text is not None:
            payload = None  # not JSON: the input cannot be checked
        return compare_response(
            action,
            status=exchange.status,
            body=exchange.body,
            input=payload,
            request_ok=exchange.request_ok,
        )

    # -- recordings -------------------------------------------------------------------------

    def recording_of(self, exchange: Exchange) -> dict[str, Any]:
        """The scrubbed recording of an exchange (what :meth:`write` writes).

        Raises:
            ScrubLeak: something secret survived scrubbing.
        """
        request_part: dict[str, Any] = {
            "method": exchange.method,
            "path": exchange.path,
            "query": [list(pair) for pair in exchange.query],
        }
        if exchange.input is not None:
            request_part["body"] = exchange.input
        if exchange.input_text is not None:
            request_part["bodyText"] = exchange.input_text
        response_part: dict[str, Any] = {"status": exchange.status}
        if exchange.body is not None:
            response_part["body"] = exchange.body
        if exchange.body_text is not None:
            response_part["bodyText"] = exchange.body_text
        data: dict[str, Any] = {
            "formatVersion": RECORDING_FORMAT,
            "kind": exchange.kind,
            "connector": exchange.connector,
            "action": exchange.action,
            "account": exchange.account,
            "request": request_part,
            "response": response_part,
        }
        if exchange.drift is not None and exchange.drift.differences:
            data["drift"] = [d.as_dict() for d in exchange.drift.differences]
        data["request"]["query"] = [
            [name, self.scrubber.scrub({name: value})[name]] for name, value in exchange.query
        ]
        scrubbed: dict[str, Any] = self.scrubber.scrub(data)
        # The structural names the proxy itself put there are not personal data.
        for key in ("kind", "connector", "action", "formatVersion"):
            scrubbed[key] = data[key]
        self.scrubber.check(scrubbed)
        scrubbed["recordedAt"] = self.clock().isoformat()
        return scrubbed

    def write(self, exchange: Exchange) -> Path:
        """Scrub and write one exchange; returns the file.

        The file name is derived from the scrubbed content (not the date), so the same
        exchange recorded twice is one file.

        Raises:
            ScrubLeak: something secret survived scrubbing; nothing is written.
        """
        assert self.out_dir is not None
        data = self.recording_of(exchange)
        undated = {k: v for k, v in data.items() if k != "recordedAt"}
        digest = hashlib.sha256(canonical_json(undated).encode()).hexdigest()[:12]
        if exchange.connector is not None:
            owner, name = exchange.connector.split("/", 1)
            folder = self.out_dir / _safe(owner) / _safe(name)
            stem = _safe(exchange.action or exchange.kind or "call")
        else:
            folder = self.out_dir / "_other"
            stem = "call"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{stem}.{digest}.json"
        text = canonical_json(data)
        self.scrubber.check(json.loads(text))
        with self._lock:
            path.write_text(text, encoding="utf-8")
        return path


def _safe(name: str) -> str:
    cleaned = _SAFE_NAME.sub("_", name).strip("._")
    return cleaned or "_"


class RecordingError(InteractorMockError):
    """A recordings directory or file is unreadable; the message names it."""


def load_recordings(directory: Path) -> list[Recording]:
    """Every recording under ``directory`` (``**/*.json``), sorted by path.

    Raises:
        RecordingError: the directory is missing, or a file is not a recording.
    """
    if not directory.is_dir():
        raise RecordingError(f"recordings directory not found: {directory}")
    found = []
    for path in _json_files(directory):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError as exc:
            raise RecordingError(f"{path}: not valid JSON: {exc}") from None
        if not isinstance(data, dict) or data.get("formatVersion") != RECORDING_FORMAT:
            raise RecordingError(
                f"{path}: not an interactor-mock recording (formatVersion {RECORDING_FORMAT})"
            )
        found.append(Recording(path=path, data=data))
    return found


def _json_files(directory: Path) -> Iterator[Path]:
    yield from sorted(p for p in directory.rglob("*.json") if p.is_file())


# -- the command ---------------------------------------------------------------------------

DEFAULT_RECORD_PORT = 1291
DEFAULT_RECORDINGS_DIR = Path("recordings")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``record`` command's arguments."""
    add_api_arguments(parser, key_help="the real key, sent upstream only")
    parser.add_argument(
        "--account",
        required=True,
        metavar="A",
        help="the account added to requests that name none (scrubbed in recordings)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_RECORDINGS_DIR,
        metavar="DIR",
        help="where recordings go (default: ./recordings)",
    )
    parser.add_argument(
        "--port",
        type=port_number,
        default=DEFAULT_RECORD_PORT,
        help=f"port on 127.0.0.1 (default {DEFAULT_RECORD_PORT}; 0 = any)",
    )
    parser.add_argument(
        "--rules",
        type=Path,
        metavar="FILE",
        help="extra scrubbing rules (JSON; docs/contract-testing.md: 'What a recording "
        "never contains')",
    )
    add_contracts_argument(parser, help="compare with these contracts (default: shipped)")


def run_command(args: argparse.Namespace) -> int:
    """Run ``interactor-mock record`` until interrupted; returns the exit code."""
    from werkzeug.serving import make_server

    if not args.api_key:
        print("error: no API key: pass --api-key or set INTERACTOR_API_KEY", file=sys.stderr)
        return 2
    try:
        rules = ScrubRules.load(args.rules)
        registry = ContractRegistry.load(args.contracts)
    except (ScrubError, ContractError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    scrubber = Scrubber(rules, secrets=[args.api_key], accounts=[args.account])

    def show(exchange: Exchange) -> None:
        where = (
            f"-> {exchange.recording}" if exchange.recording else f"NOT written: {exchange.refused}"
        )
        drift = ""
        if exchange.drift is not None and exchange.drift.differences:
            drift = f"  [drift: {', '.join(exchange.drift.kinds)}]"
        title = scrubber.scrub_text(exchange.title)
        print(f"  {exchange.status} {title} {where}{drift}", flush=True)

    try:
        proxy = RecordingProxy(
            args.base_url,
            api_key=args.api_key,
            out_dir=args.out,
            account=args.account,
            registry=registry,
            scrubber=scrubber,
            on_exchange=show,
        )
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        server = make_server("127.0.0.1", args.port, proxy.app, threaded=True)
    except OSError as exc:
        print(f"error: cannot listen on 127.0.0.1:{args.port}: {exc}", file=sys.stderr)
        return 2
    origin = f"http://127.0.0.1:{server.server_port}"
    print(f"interactor-mock record: proxy on {origin}/api/v1 -> {proxy.base_url}", flush=True)
    print("  point the client at that base URL; any x-api-key works (the proxy sends yours)")
    stop_on_ctrl_c()
    try:
        # Ready is said inside the try: a Ctrl-C the moment a script reads it stops cleanly.
        print(f"  scrubbed recordings go to {args.out}   (Ctrl-C to stop)", flush=True)
        server.serve_forever(poll_interval=0.1)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    written = sum(1 for e in proxy.exchanges if e.recording is not None)
    refused = sum(1 for e in proxy.exchanges if e.refused is not None)
    print(f"\nstopped: {written} exchange(s) recorded, {refused} refused (a secret survived)")
    if written:
        print(f"next: interactor-mock contracts update --from-recordings {args.out}")
    return 1 if refused else 0
