"""cph-kg: a legal knowledge graph of article R349-2 CASF and its cooperation agreements.

The Python API mirrors the command line::

    from cph_kg import validate
    outcome = validate(["data/conventions/conforming/gironde-2019.ttl"])
    outcome.conforms, [f.provision.reference for f in outcome.findings]
"""

from cph_kg.errors import CphKgError, InputError
from cph_kg.report import (
    ConventionVerdict,
    Finding,
    Provision,
    RuleKind,
    Severity,
    ValidationOutcome,
)
from cph_kg.validation import Validator, validate

__all__ = [
    "ConventionVerdict",
    "CphKgError",
    "Finding",
    "InputError",
    "Provision",
    "RuleKind",
    "Severity",
    "ValidationOutcome",
    "Validator",
    "validate",
]
