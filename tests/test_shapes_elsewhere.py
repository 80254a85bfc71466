"""The README's "Using the shapes elsewhere" command lines give cph-kg's results.

The shapes are meant to stand alone: given ``shapes/``, the law data and the conventions (and the
day each is judged on, as data), Apache Jena's ``shacl`` and pySHACL's ``pyshacl`` command reach
the results ``cph-kg validate`` reaches. This runs the README's pipeline as a user would, with
Jena's ``update`` adding the days (``tools/sparql/evaluated-on.ru``), and compares the results.
Skipped, with the reason, where Java or Debian's Jena is missing.
"""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import SH, Graph, URIRef

from cph_kg import Validator, java
from tests.helpers import ROOT

pytestmark = pytest.mark.slow  # Jena and the pySHACL command line

LAW = [
    ROOT / "ontology" / "cph.ttl",
    ROOT / "ontology" / "vendor" / "org.ttl",
    *sorted((ROOT / "data" / "legal").glob("*.ttl")),
    *sorted((ROOT / "data" / "reference").glob("*.ttl")),
]
EXAMPLES = sorted((ROOT / "data" / "conventions").glob("*/*.ttl"))
SHAPES = ROOT / "shapes" / "r349-2.ttl"


@pytest.fixture(scope="module")
def judged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``cat`` of the law and the examples, then Jena's ``update`` adding the days, as in README."""
    try:
        classpath = java.jena_classpath()
        launcher = java.java()
    except java.JavaUnavailable as missing:
        pytest.skip(f"Jena cannot run here: {missing}")
    folder = tmp_path_factory.mktemp("elsewhere")
    data = folder / "data.ttl"
    data.write_bytes(b"".join(path.read_bytes() for path in [*LAW, *EXAMPLES]))
    update = ROOT / "tools" / "sparql" / "evaluated-on.ru"
    done = subprocess.run(
        [launcher, "-cp", classpath, "arq.update", f"--data={data}", f"--update={update}",
         "--dump"],
        capture_output=True,
        check=True,
        timeout=300,
    )  # fmt: skip
    judged = folder / "judged.ttl"
    judged.write_bytes(done.stdout)
    return judged


def keys(report: Graph) -> Counter:
    return Counter(
        tuple(
            report.value(r, p) for p in (SH.focusNode, SH.sourceShape, SH.resultSeverity, SH.value)
        )
        for r in report.objects(None, SH.result)
    )


@pytest.fixture(scope="module")
def expected(validator: Validator) -> Counter:
    """What ``cph-kg validate`` finds in the same examples."""
    outcome = validator.validate_files(EXAMPLES)
    return Counter((f.focus, f.shape, f.severity.value, f.value) for f in outcome.results)


def test_jena_shacl_gives_cph_kgs_results(judged: Path, expected: Counter) -> None:
    done = subprocess.run(
        [java.java(), "-cp", java.jena_classpath(), "shacl.shacl", "validate",
         "--shapes", str(SHAPES), "--data", str(judged)],
        capture_output=True,
        check=True,
        timeout=300,
    )  # fmt: skip
    found = keys(Graph().parse(data=done.stdout, format="turtle"))
    assert found == expected
    assert sum(expected.values()) >= 30


# A long run (python -m pytest -m long): pySHACL's command on every example at once parses each
# of the 27 SPARQL constraints again for each focus node (1,149 parses by rdflib, 85 % of its
# time): 77 s, a quarter of the suite's budget. pySHACL's results on every example, one by one
# and together on four days, stay in the suite (tests/test_differential.py, same library).
@pytest.mark.long
def test_pyshacl_command_gives_cph_kgs_results(judged: Path, expected: Counter) -> None:
    pyshacl = Path(sys.executable).with_name("pyshacl")
    done = subprocess.run(
        [str(pyshacl), "-s", str(SHAPES), "-a", "-f", "turtle", str(judged)],
        capture_output=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 1, done.stderr  # 1: does not conform
    assert keys(Graph().parse(data=done.stdout, format="turtle")) == expected


def test_without_the_run_data_a_plain_engine_says_what_is_missing() -> None:
    """Given the conventions alone (no day, no reading), no legal rule can apply: the shapes say so.

    A convention or a centre handed to another engine without the run data must not pass as
    conforming: the run-data shapes report what is missing, and no dated rule reports anything.
    """
    data = Graph()
    for path in [*LAW, ROOT / "data" / "conventions" / "non-conforming" / "without-caf.ttl"]:
        data.parse(path)
    conforms, report, _ = validate(
        data, shacl_graph=Graph().parse(SHAPES), advanced=True, inference="none"
    )
    assert not conforms
    shapes = "https://w3id.org/cph-kg/shapes/r349-2#"
    focus = URIRef("https://w3id.org/cph-kg/convention/without-caf")
    centre = URIRef("https://w3id.org/cph-kg/org/cph/les-tilleuls-bordeaux")
    assert set(keys(report)) == {
        (focus, URIRef(f"{shapes}Convention-evaluatedOn"), SH.Violation, None),
        (focus, URIRef(f"{shapes}Convention-readingApplied"), SH.Violation, None),
        (centre, URIRef(f"{shapes}Centre-evaluatedOn"), SH.Violation, None),
    }
