"""cph-kg: a legal knowledge graph of article R349-2 CASF and its cooperation agreements.

The Python API mirrors the command line::

    from cph_kg import validate
    outcome = validate(["data/conventions/conforming/gironde-2019.ttl"])
    outcome.conforms, [f.provision.reference for f in outcome.findings]

The names below are cph-kg's public API, the one the README documents: they are imported on
first use (PEP 562), so that ``cph-kg --help`` and programs that need one module do not pay for
rdflib, Oxigraph and pySHACL. The modules behind them (``cph_kg.store.embedded``, …) are internal:
their layout may change, these names stay.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # what type checkers and editors see; at run time, __getattr__ below
    from cph_kg.errors import CphKgError, InputError
    from cph_kg.knowledge_graph import KnowledgeGraph
    from cph_kg.sparql.results import Boolean, Solutions, Triples
    from cph_kg.validation.readings import Reading
    from cph_kg.validation.report import (
        CentreVerdict,
        ConventionVerdict,
        Finding,
        Provision,
        RuleKind,
        Severity,
        ValidationOutcome,
        Verdict,
    )
    from cph_kg.validation.validator import Validator, validate

_EXPORTS = {
    "Boolean": "cph_kg.sparql.results",
    "CentreVerdict": "cph_kg.validation.report",
    "ConventionVerdict": "cph_kg.validation.report",
    "CphKgError": "cph_kg.errors",
    "Finding": "cph_kg.validation.report",
    "InputError": "cph_kg.errors",
    "KnowledgeGraph": "cph_kg.knowledge_graph",
    "Provision": "cph_kg.validation.report",
    "Reading": "cph_kg.validation.readings",
    "RuleKind": "cph_kg.validation.report",
    "Severity": "cph_kg.validation.report",
    "Solutions": "cph_kg.sparql.results",
    "Triples": "cph_kg.sparql.results",
    "ValidationOutcome": "cph_kg.validation.report",
    "Validator": "cph_kg.validation.validator",
    "Verdict": "cph_kg.validation.report",
    "validate": "cph_kg.validation.validator",
}

__all__ = [
    "Boolean",
    "CentreVerdict",
    "ConventionVerdict",
    "CphKgError",
    "Finding",
    "InputError",
    "KnowledgeGraph",
    "Provision",
    "Reading",
    "RuleKind",
    "Severity",
    "Solutions",
    "Triples",
    "ValidationOutcome",
    "Validator",
    "Verdict",
    "validate",
]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'cph_kg' has no attribute {name!r}")
    value = getattr(importlib.import_module(_EXPORTS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_EXPORTS])
