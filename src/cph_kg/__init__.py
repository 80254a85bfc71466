"""cph-kg: a legal knowledge graph of article R349-2 CASF and its cooperation agreements.

The Python API mirrors the command line::

    from cph_kg import validate
    outcome = validate(["data/conventions/conforming/gironde-2019.ttl"])
    outcome.conforms, [f.provision.reference for f in outcome.findings]

The names below are imported on first use (PEP 562), so that ``cph-kg --help`` and programs
that need one module do not pay for rdflib, Oxigraph and pySHACL.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "ConventionVerdict": "cph_kg.report",
    "CphKgError": "cph_kg.errors",
    "Finding": "cph_kg.report",
    "InputError": "cph_kg.errors",
    "Provision": "cph_kg.report",
    "RuleKind": "cph_kg.report",
    "Severity": "cph_kg.report",
    "ValidationOutcome": "cph_kg.report",
    "Validator": "cph_kg.validation",
    "Verdict": "cph_kg.report",
    "CentreVerdict": "cph_kg.report",
    "Reading": "cph_kg.readings",
    "validate": "cph_kg.validation",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'cph_kg' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
