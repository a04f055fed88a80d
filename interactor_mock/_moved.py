"""Old import paths of the flat layout (0.1), kept for one release.

Each old module is a two-line shim that calls :func:`moved`: importing it warns once with a
:class:`DeprecationWarning` naming the new path, and every public name of the new module is
available under the old one. Remove the shims (and this module) in 0.3.
"""

from __future__ import annotations

import importlib
import sys
import warnings


def moved(old: str, new: str) -> None:
    """Make module ``old`` an alias of module ``new``, with a deprecation warning."""
    warnings.warn(
        f"{old} moved to {new} (the flat layout is deprecated and goes in 0.3); "
        f"import from {new}, or the public names from interactor_mock",
        DeprecationWarning,
        stacklevel=3,
    )
    sys.modules[old] = importlib.import_module(new)
