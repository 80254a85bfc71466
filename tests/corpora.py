"""Where the whole-code corpora are: ``../shared/corpora`` beside the checkout.

``CPH_KG_SHARED`` names another shared folder (a git worktree has none beside it). Tests that
need a whole code skip, saying where the corpora come from, when it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CPH_KG_SHARED") or ROOT.parent / "shared")
CORPORA = SHARED / "corpora"
ETALAB = CORPORA / "etalab-2015"
LEGI_TARBALL = CORPORA / "legi-2026" / "socialgouv-legi-data-2.513.0.tgz"
#: Why a whole-code test is skipped.
MISSING = (
    "the whole-code corpora are not beside this checkout ({path}): they come with the project's "
    "shared folder (../shared/corpora, see its README), or set CPH_KG_SHARED"
)


def require(path: Path) -> Path:
    """``path``, or skip the test saying where the corpora come from."""
    if not path.exists():
        pytest.skip(MISSING.format(path=path))
    return path
