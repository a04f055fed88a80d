"""The headless browser for the e2e tests (see ``browser.py``): one per test module, with a
fresh profile; and an engine whose keys are visibly fake and fixed, so that no screenshot
shows a random-looking key."""

from __future__ import annotations

import itertools

import pytest

from interactor_mock.config import MockConfig
from interactor_mock.core import environments
from interactor_mock.core.engine import Engine
from tests.e2e.browser import CHROMEDRIVER
from tests.e2e.browser import CHROMIUM
from tests.e2e.browser import FLAGS
from tests.e2e.browser import require_browser


def demo_key(number):
    """The ``number``-th demo key, in the shape of Interactor's (``interactor_<8>_<32>``)."""
    return f"interactor_DEMO{number:04d}_exampleKeyForScreenshotsOnly{number:04d}"


@pytest.fixture
def engine(clock, monkeypatch):
    """An engine whose keys are the demo keys, in the order they are made: Development's is
    ``demo_key(1)``, Testing's ``demo_key(2)``, Production's ``demo_key(3)``, the next
    Generate gives ``demo_key(4)``."""
    numbers = itertools.count(1)
    monkeypatch.setattr(environments, "new_api_key", lambda: demo_key(next(numbers)))
    return Engine(MockConfig(), clock=clock)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument("--window-size=1280,900")
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()
