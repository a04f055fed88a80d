"""``interactor.grant()`` of an unknown connector, as a user's test sees it (``pytester``)."""

from __future__ import annotations

import pytest


def run(pytester, *args):
    return pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args)


@pytest.mark.parametrize("mode", ["server", "inprocess"])
def test_a_misspelt_connector_lists_the_known_ones_and_suggests_the_closest(pytester, mode):
    pytester.makepyfile(
        """
        def test_typo(interactor):
            interactor.grant("gmial", "alice")
        """
    )
    result = run(pytester, f"--interactor-mode={mode}")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(
        [
            "E *interactor_mock.errors.UnknownConnector: Connector 'interactor/gmial' not found "
            "(did you mean 'gmail'?); known connectors: interactor/github-v1, *, "
            "interactor/gmail, *"
        ]
    )
