"""Finding the headless browser of the e2e tests: Debian's Chromium and ChromeDriver.

Without them the tests skip on a developer's machine, and fail in CI (env ``CI`` set), where
``.ci/run`` installs them: a browser test that silently skips in CI tests nothing.
"""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def missing() -> str | None:
    """What of selenium, Chromium and ChromeDriver is not installed (None: all are)."""
    absent = []
    try:
        import selenium  # noqa: F401
    except ImportError:
        absent.append("selenium")
    if not CHROMIUM:
        absent.append("chromium")
    if not CHROMEDRIVER:
        absent.append("chromedriver")
    return f"{', '.join(absent)} not installed" if absent else None


def skip_module_unless_browser() -> None:
    """At a test module's top, before it imports selenium: skip the module when the browser
    is missing, except under CI, where the ``browser`` fixture fails each test instead."""
    reason = missing()
    if reason and not os.environ.get("CI"):
        pytest.skip(reason, allow_module_level=True)


def require_browser() -> None:
    """Fail under CI, else skip, unless the browser is installed."""
    reason = missing()
    if reason and os.environ.get("CI"):
        pytest.fail(
            f"{reason}: CI must run the browser tests (.ci/run installs them)", pytrace=False
        )
    if reason:
        pytest.skip(reason)
