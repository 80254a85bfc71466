"""The ontology in OWL 2 DL: the OWL API's profile checker, and HermiT finding it consistent.

Researchers open ``ontology/cph.ttl`` in Protégé and run a DL reasoner on it. That needs the OWL 2
DL profile (every entity typed, no property both an annotation and a data property, no punning
between kinds), checked here by the OWL API 5's ``OWL2DLProfile`` (Debian's ``libowlapi-java``)
through ``tools/java/OwlDlCheck.java``, run by Java's single-file launcher. HermiT (as PyPI's
``owlready2`` ships it: Debian has no HermiT) then checks that the ontology, with the
vocabularies it reuses and with the law and the example conventions, is consistent and that no
class is unsatisfiable. Without Java, the jars or HermiT the tests are skipped with the reason.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from rdflib import OWL, RDF, RDFS, Graph, URIRef

from cph_kg import java, resources
from tests.helpers import ROOT

pytestmark = pytest.mark.slow  # the OWL API and HermiT in a Java virtual machine

CHECKER = ROOT / "tools" / "java" / "OwlDlCheck.java"
ONTOLOGY = ROOT / "ontology" / "cph.ttl"
VENDOR = sorted((ROOT / "ontology" / "vendor").glob("*.ttl"))
KINDS = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}


def available(tool: str) -> str | Path:
    """The class path or jar of a tool, or a skip saying what is missing."""
    try:
        java.java()
        return java.owlapi_classpath() if tool == "owlapi" else java.hermit_jar()
    except java.JavaUnavailable as missing:
        pytest.skip(f"{tool} cannot run here: {missing}")


def check(files: list[Path], export: Path | None = None) -> tuple[list[list[str]], bool]:
    """The OWL API's OWL 2 DL violations of the files merged (first file's axioms marked)."""
    classpath = available("owlapi")
    extra = ["--export", str(export)] if export else []
    done = subprocess.run(
        [java.java(), "-cp", classpath, str(CHECKER), *extra, *map(str, files)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = [line.split("\t") for line in done.stdout.splitlines()]
    violations = [row[1:] for row in rows if row[0] == "violation"]
    verdicts = [row for row in rows if row[0] == "profile"]
    return violations, verdicts == [["profile", "OWL 2 DL", "yes"]]


def hermit(document: Path) -> tuple[bool, list[str]]:
    """HermiT's consistency verdict and the classes it finds equivalent to owl:Nothing."""
    jar = available("hermit")
    done = subprocess.run(
        [java.java(), "-jar", str(jar), "--ignoreUnsupportedDatatypes", "-k", "-U",
         document.as_uri()],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    consistent = "http://www.w3.org/2002/07/owl#Thing is satisfiable." in lines
    header = lines.index("Classes equivalent to 'owl:Nothing':")
    return consistent, [line.strip() for line in lines[header + 1 :] if line.startswith("\t")]


def test_the_ontology_is_in_the_owl_2_dl_profile() -> None:
    violations, in_profile = check([ONTOLOGY])
    assert violations == []
    assert in_profile


def test_the_profile_checker_catches_what_it_must(tmp_path: Path) -> None:
    """A data property under an annotation property (cph:dateOfConclusion under dct:date, once)."""
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        ONTOLOGY.read_text(encoding="utf-8")
        + "\n<https://w3id.org/cph-kg/ontology#dateOfConclusion> "
        "<http://www.w3.org/2000/01/rdf-schema#subPropertyOf> <http://purl.org/dc/terms/date> .\n",
        encoding="utf-8",
    )
    violations, in_profile = check([broken])
    assert not in_profile
    assert violations
    assert all("<http://purl.org/dc/terms/date>" in description for *_, description in violations)


def test_reused_terms_are_declared_as_their_vocabularies_define_them(
    ontology_graph: Graph,
) -> None:
    """cph.ttl types each reused term (OWL 2 DL needs it) as the vendored vocabulary does.

    Dublin Core's terms, plain ``rdf:Property`` in DCMI's file, may be annotations, and its
    ``rdfs:Class``es are OWL classes.
    """
    vocabularies = Graph()
    for path in VENDOR:
        vocabularies.parse(path)
    ours = "https://w3id.org/cph-kg/"
    declared = {
        (term, kind)
        for term, kind in ontology_graph.subject_objects(RDF.type)
        if kind in KINDS and isinstance(term, URIRef) and not str(term).startswith(ours)
    }
    assert len(declared) >= 15
    for term, kind in declared:
        theirs = set(vocabularies.objects(term, RDF.type))
        if theirs == {RDF.Property}:
            theirs.add(OWL.AnnotationProperty)
        if RDFS.Class in theirs:
            theirs.add(OWL.Class)
        assert kind in theirs, term


def test_hermit_finds_the_ontology_and_its_vocabularies_consistent(tmp_path: Path) -> None:
    """The ontology with ELI, ORG, SKOS, PROV, DCMI and schema.org: consistent, no empty class.

    The vocabularies themselves are not all OWL 2 DL (DCMI Terms is RDFS; ELI uses SKOS's
    object properties as annotations): HermiT reads what it can of them.
    """
    export = tmp_path / "ontology.owl"
    check([ONTOLOGY, *VENDOR], export)
    consistent, unsatisfiable = hermit(export)
    assert consistent
    assert unsatisfiable == ["owl:Nothing"]


def test_hermit_finds_the_law_and_the_examples_consistent(tmp_path: Path) -> None:
    """The ontology, legal and reference data and every example convention, as one document.

    Read as one document so the data's properties have the ontology's types. Dates
    (``xsd:date``, outside the OWL 2 datatype map) are ignored by HermiT, as by any OWL 2 DL
    reasoner.
    """
    graph = Graph().parse(ONTOLOGY)
    for path in [*resources.legal_data_files(), *resources.example_conventions()]:
        graph.parse(path)
    merged, export = tmp_path / "all.ttl", tmp_path / "all.owl"
    graph.serialize(merged, format="turtle")
    check([merged], export)
    consistent, unsatisfiable = hermit(export)
    assert consistent
    assert unsatisfiable == ["owl:Nothing"]
