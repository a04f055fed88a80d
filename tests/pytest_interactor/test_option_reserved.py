"""``--interactor-live`` and ``--interactor-record`` are reserved for contract testing (issue 4)."""

from __future__ import annotations

import pytest


def run(pytester, *args):
    return pytester.runpytest("-p", "no:cacheprovider", "-p", "no:hypothesispytest", *args)


@pytest.mark.parametrize("name", ["live", "record"])
def test_a_reserved_option_is_refused_as_not_implemented_yet(pytester, name):
    pytester.makepyfile("def test_nothing(): pass")
    result = run(pytester, f"--interactor-{name}")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(
        [
            f"ERROR: --interactor-{name} is reserved for contract testing (issue 4) "
            "and not implemented yet"
        ]
    )


def test_the_reserved_options_are_listed_in_help_as_reserved(pytester):
    result = run(pytester, "--help")
    result.stdout.fnmatch_lines(
        [
            "  --interactor-live     reserved: see issue 4 (contract testing)",
            "  --interactor-record   reserved: see issue 4 (contract testing)",
        ]
    )
