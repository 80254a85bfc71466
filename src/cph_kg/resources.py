"""Where the ontology, shapes and legal data are.

They live at the top of the source tree (they are the project's product, not Python internals);
a built wheel carries them in ``cph_kg/_resources``. Both layouts are looked up here, so nothing
else in the package knows where files are.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

#: The vendored vocabularies validation needs: ORG's class hierarchy makes units and formal
#: organisations count as ``org:Organization`` (shape ``Party``). The others are only for
#: documentation and tests, so validation does not pay for parsing them.
VALIDATION_VOCABULARIES = ("org.ttl",)


@cache
def root() -> Path:
    """The folder holding ``ontology/``, ``shapes/`` and ``data/``."""
    packaged = Path(__file__).parent / "_resources"
    if (packaged / "ontology").is_dir():
        return packaged
    return Path(__file__).resolve().parents[2]


def ontology_files() -> list[Path]:
    """The cph-kg ontology and the vendored vocabularies validation relies on."""
    base = root() / "ontology"
    return [base / "cph.ttl", *(base / "vendor" / name for name in VALIDATION_VOCABULARIES)]


def shapes_files() -> list[Path]:
    """The SHACL shapes that express R349-2 (not the meta-shapes in ``shapes/meta``)."""
    return sorted((root() / "shapes").glob("*.ttl"))


def meta_shapes_files() -> list[Path]:
    """Shapes about the shapes: every shape names its provision and speaks French and English."""
    return sorted((root() / "shapes" / "meta").glob("*.ttl"))


def legal_data_files() -> list[Path]:
    """The article, its obligations and concepts, and the reference data (départements, bodies)."""
    data = root() / "data"
    return sorted((data / "legal").glob("*.ttl")) + sorted((data / "reference").glob("*.ttl"))


def example_conventions() -> list[Path]:
    """The example conventions shipped with the project (conforming and not)."""
    return sorted((root() / "data" / "conventions").glob("*/*.ttl"))
