"""Validating conventions against article R349-2 with pySHACL.

The law graph (ontology, legal data, reference data) and the shapes are parsed once per
:class:`Validator`; each run validates the given conventions together with the law graph, so
that SHACL can see the class of each party, the missions and objects as SKOS concepts and the
département each body is present in.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import cached_property
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS

from cph_kg import resources
from cph_kg.convert import conventions_of, described
from cph_kg.errors import InputError
from cph_kg.namespaces import CPH
from cph_kg.point_in_time import assess, versions
from cph_kg.rdfio import read_document, read_rows
from cph_kg.report import (
    ValidationOutcome,
    annotate_report,
    merge,
    read_outcome,
    record_assessments,
)


def _load(paths: Iterable[Path]) -> Graph:
    graph = Graph()
    for path in paths:
        graph.parse(path, format="turtle")
    return graph


class Validator:
    """Validates conventions against the bundled ontology, legal data and shapes."""

    @cached_property
    def ontology(self) -> Graph:
        """The cph-kg ontology with the vendored vocabularies validation needs."""
        return _load(resources.ontology_files())

    @cached_property
    def legal_data(self) -> Graph:
        """R349-2, its obligations and concepts, départements and bodies."""
        return _load(resources.legal_data_files())

    @cached_property
    def shapes(self) -> Graph:
        """The SHACL shapes of R349-2."""
        return _load(resources.shapes_files())

    def validate_files(
        self,
        paths: Sequence[Path | str],
        forced_format: str | None = None,
        as_of: date | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> ValidationOutcome:
        """Parse every file (all or nothing) and validate the conventions they hold.

        A file that holds no convention is an input error: validating the ontology or a list
        of bodies by mistake would otherwise "conform" without checking anything.
        """
        conventions = Graph()
        sources: dict[URIRef, Path] = {}
        identifiers: dict[str, Path] = {}
        skipped: list[InputError] = []
        for raw in paths:
            path = Path(raw)
            graph, left_out = read_rows(read_document(path, forced_format))
            skipped += left_out
            found = [c for c in graph.subjects(RDF.type, CPH.ConventionDeCooperation)]
            if not found:
                raise InputError(path, "holds no cph:ConventionDeCooperation to validate")
            for convention in found:
                if convention in sources:
                    raise InputError(
                        path,
                        f"convention <{convention}> is also described in {sources[convention]}",
                    )
                sources[convention] = path
                for identifier in graph.objects(convention, DCTERMS.identifier):
                    if str(identifier) in identifiers:
                        raise InputError(
                            path,
                            f"identifier {str(identifier)!r} is also used in "
                            f"{identifiers[str(identifier)]}",
                        )
                    identifiers[str(identifier)] = path
            conventions += graph
        outcome = self.validate_graph(conventions, sources, as_of, progress=progress)
        outcome.skipped = skipped
        return outcome

    def validate_graph(
        self,
        conventions: Graph,
        sources: dict[URIRef, Path] | None = None,
        as_of: date | None = None,
        today: date | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> ValidationOutcome:
        """Validate the conventions in ``conventions`` (the graph is not modified).

        Each convention is judged on its own date of conclusion, or on ``as_of``
        (:mod:`cph_kg.point_in_time`): the day goes into the data as ``cph:evaluatedOn`` for the
        shapes that depend on it, and a convention dated before R349-2 existed is left out of
        the validation and reported as not judged.
        """
        if progress is not None:
            return self._validate_in_chunks(conventions, sources, as_of, today, progress)
        law = versions(self.legal_data)
        assessments = {
            convention: assess(conventions, convention, law, as_of, today)
            for convention in conventions.subjects(RDF.type, CPH.ConventionDeCooperation)
            if isinstance(convention, URIRef)
        }
        data = conventions + self.legal_data
        for convention, assessment in assessments.items():
            if assessment.version is None:
                data.remove((convention, None, None))
            else:
                data.add((convention, CPH.evaluatedOn, Literal(assessment.day)))
        _, report, _ = shacl_validate(
            data,
            shacl_graph=self.shapes,
            ont_graph=self.ontology,
            inference="none",
            advanced=True,
            allow_warnings=True,
        )
        annotate_report(report, self.shapes, data)
        record_assessments(report, assessments)
        return read_outcome(
            report, conventions + self.legal_data, self.shapes, sources or {}, assessments
        )

    def _validate_in_chunks(
        self,
        conventions: Graph,
        sources: dict[URIRef, Path] | None,
        as_of: date | None,
        today: date | None,
        progress: Callable[[int, int], None],
    ) -> ValidationOutcome:
        """Validate CHUNK conventions at a time, telling ``progress`` (done, total) as it goes.

        Each convention is validated with what it describes (its centre, its associations),
        so the verdicts are those of one run over the whole graph (tests check it).
        """
        roots = conventions_of(conventions)
        outcomes = []
        for start in range(0, len(roots), CHUNK):
            chunk = Graph()
            for root in roots[start : start + CHUNK]:
                chunk += described(conventions, root)
            outcomes.append(self.validate_graph(chunk, sources, as_of, today))
            progress(len(roots[start : start + CHUNK]), len(roots))
        return merge(outcomes)


#: Conventions per pySHACL run when progress is shown.
CHUNK = 100


_default: Validator | None = None


def validate(
    paths: Sequence[Path | str],
    forced_format: str | None = None,
    as_of: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ValidationOutcome:
    """Validate convention files against R349-2 CASF; see :class:`Validator`."""
    global _default
    if _default is None:
        _default = Validator()
    return _default.validate_files(paths, forced_format, as_of, progress)
