"""Rewrite every contract file canonically: sorted keys, 2-space indent, final newline.

Usage: python scripts/canonicalize_contracts.py [--check] [DIR]
(the same as ``interactor-mock contracts format [--check] [--contracts DIR]``).
"""

from __future__ import annotations

import sys

from interactor_mock.cli import main

if __name__ == "__main__":
    args = [a if a.startswith("-") else f"--contracts={a}" for a in sys.argv[1:]]
    sys.exit(main(["contracts", "format", *args]))
