"""The headless browser for the e2e tests (see ``browser.py``): one per test module, with a
fresh profile."""

from __future__ import annotations

import pytest

from tests.e2e.browser import CHROMEDRIVER
from tests.e2e.browser import CHROMIUM
from tests.e2e.browser import FLAGS
from tests.e2e.browser import require_browser


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
