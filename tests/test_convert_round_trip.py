"""Every shipped example and golden case converts to every format and back, and keeps its verdict.

``cph-kg convert`` goes through RDF, so a conversion says no more and no less than the data: read
back, the converted file validates to the same results (focus node, shape, severity, value) as
the original. A format that cannot hold a convention says so on one line and exits 2; which
conventions those are is listed here, so the list cannot grow unseen.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

import pytest
from click.testing import CliRunner

from cph_kg import Validator
from cph_kg.cli import main
from cph_kg.resources import example_conventions
from tests.helpers import CONVENTIONS, ENTRIES, MANIFEST, MF, SHT

pytestmark = pytest.mark.slow  # 33 files, five formats, each validated twice

FORMATS = {
    "turtle": ".ttl",
    "ntriples": ".nt",
    "json-ld": ".jsonld",
    "yaml": ".yaml",
    "csv": ".csv",
}


def golden_files() -> list[Path]:
    files = []
    for entry in ENTRIES:
        action = MANIFEST.value(entry, MF.action)
        data = MANIFEST.value(action, SHT.dataGraph)
        files.append(Path(url2pathname(urlparse(str(data)).path)))
    return files


CASES = sorted({*example_conventions(), *golden_files(), *(CONVENTIONS / "authoring").glob("*.*")})

#: The formats that hold any RDF, and the conventions every format holds (the authoring examples
#: and the conforming ones that describe only the organisations they name).
RDF_SYNTAXES = ("turtle", "ntriples")
HELD_EVERYWHERE = ("gironde-2019.yaml", "gironde-2019.jsonld", "gironde-2019.ttl")


def results(validator: Validator, path: Path) -> tuple[bool, list[tuple[str, ...]]]:
    outcome = validator.validate_files([path])
    return outcome.conforms, sorted(
        (str(f.focus), str(f.shape), f.severity.name, str(f.value)) for f in outcome.results
    )


@pytest.mark.parametrize("source", CASES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_converted_and_read_back_it_keeps_its_verdict(
    source: Path, tmp_path: Path, validator: Validator
) -> None:
    """Converted, a convention reads back to the same results; else convert refuses on one line."""
    expected = results(validator, source)
    for fmt, suffix in FORMATS.items():
        target = tmp_path / f"converted{suffix}"
        run = CliRunner().invoke(main, ["convert", str(source), "--to", fmt, "--out", str(target)])
        if run.exit_code == 2:
            assert fmt not in RDF_SYNTAXES, run.stderr
            assert source.name not in HELD_EVERYWHERE or fmt == "csv", (fmt, run.stderr)
            assert run.stderr.startswith("cph-kg: error: ") and run.stderr.count("\n") == 1
            assert not target.exists(), fmt  # nothing half-written
            continue
        assert run.exit_code == 0, (fmt, run.output)
        assert results(validator, target) == expected, fmt


def test_every_case_is_a_file() -> None:
    assert len(CASES) > 30 and all(p.is_file() for p in CASES), CASES
