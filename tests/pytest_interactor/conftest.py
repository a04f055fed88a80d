"""The plugin's tests run user projects in this process (``pytester.runpytest``).

pytester forgets, after each such run, the modules first imported during it; ``requests``
does not survive being imported twice in one process (its cookie jar class changes, and
"You can only merge into CookieJar" follows). The plugin now imports nothing at load, so this
process imports what the in-process runs use up front, once, where pytester keeps it.
"""

from __future__ import annotations

import requests  # noqa: F401
import responses  # noqa: F401

from interactor_mock import InProcessMock  # noqa: F401
from interactor_mock import MockServer  # noqa: F401
from interactor_mock import create_app  # noqa: F401
