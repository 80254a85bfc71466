"""Values for the named queries' required parameters, shared by the query benchmarks.

``store_comparison.py`` and ``query_latency.py`` run every named query of ``queries/`` without
knowing them in advance, so each required parameter gets a value from its type, name and
description. Optional parameters stay unbound: each query then reads the whole store, the
heavier case. The IRIs of the generated data are passed in (``generate.convention_iri(0)`` and
``generate.centre_iri(0)``) so that this module depends on no generator.
"""

from __future__ import annotations

import re

from cph_kg.catalog import NamedQuery, Parameter

LAW = "https://w3id.org/cph-kg/law/"


def sample_value(parameter: Parameter, convention: str, centre: str) -> str:
    """A sensible value for a required parameter, chosen from its type, name and description.

    IRIs: ``convention`` or ``centre`` when the name says so, else the example the description
    gives (``e.g. https://…``), else R349-2 or the CASF for ``article``/``code``.
    """
    name = parameter.name.lower()
    if parameter.type == "iri":
        example = re.search(r"e\.g\. (https?://\S+)", parameter.description)
        if "convention" in name:
            return convention
        if "centre" in name:
            return centre
        if example:
            return example.group(1).rstrip(".,;)")
        if "code" in name:
            return LAW + "casf"
        return LAW + "casf/R349-2" if "article" in name else convention
    return {
        "departement": "33",
        "date": "2021-05-01",
        "integer": "10",
        "boolean": "true",
    }.get(parameter.type, "fr" if "lang" in name else "R349-2")


def required_values(named: NamedQuery, convention: str, centre: str) -> dict[str, str]:
    """A value for each required parameter of ``named`` (optional ones stay unbound)."""
    return {p.name: sample_value(p, convention, centre) for p in named.parameters if p.required}


def bound_queries(
    catalog: dict[str, NamedQuery], convention: str, centre: str
) -> tuple[dict[str, str], dict[str, str]]:
    """Every named query's text with its required parameters bound, and those that cannot be."""
    texts, errors = {}, {}
    for name, named in catalog.items():
        try:
            texts[name] = named.bind(required_values(named, convention, centre))
        except Exception as error:
            errors[name] = str(error)
    return texts, errors
