"""Scenarios: errors and latency on demand, per environment.

A rule matches calls by connector, action (a name or a glob such as ``email.*``), account,
and count (let ``after`` calls through, then apply ``times`` times), and may expire. Kinds:

``error``
    a fixed status and error (``{"error": message}``, or a whole ``body``), with optional
    headers: the real service's transient errors are ``Timeout``, ``Connector token is
    unauthorized`` and ``econnrefused`` (500).
``rate_limit``
    429 with ``Retry-After``.
``latency``
    a delay, fixed or drawn from a seeded distribution; the call is then answered as usual
    (latency rules stack with each other and with one answering rule).
``credential_expired``
    the account's credential expires and loses its refresh token: this call and every later
    one fail with ``Connector token is unauthorized`` until the account connects again.
``provider_error``
    a ``-v1`` connector's provider error: a successful execute whose output is
    ``{"status_code": 4xx/5xx, "body": {"error": {code, message, status}}}``.

Any rule may also carry a ``latency``. A ``Prefer`` request header applies a rule to one call
(:func:`parse_prefer`): ``Prefer: code=429``, ``Prefer: code=500, error="Timeout"``,
``Prefer: latency=250``, ``Prefer: provider-status=404``, ``Prefer: credential=expired``.
"""

from __future__ import annotations

from interactor_mock.core.scenarios.prefer import parse_prefer
from interactor_mock.core.scenarios.rules import ECONNREFUSED
from interactor_mock.core.scenarios.rules import REAUTHORIZE
from interactor_mock.core.scenarios.rules import TIMEOUT
from interactor_mock.core.scenarios.rules import TOKEN_UNAUTHORIZED
from interactor_mock.core.scenarios.rules import Applied
from interactor_mock.core.scenarios.rules import Latency
from interactor_mock.core.scenarios.rules import Rule
from interactor_mock.core.scenarios.rules import parse_rule
from interactor_mock.core.scenarios.service import Scenarios

__all__ = [
    "ECONNREFUSED",
    "REAUTHORIZE",
    "TIMEOUT",
    "TOKEN_UNAUTHORIZED",
    "Applied",
    "Latency",
    "Rule",
    "Scenarios",
    "parse_prefer",
    "parse_rule",
]
