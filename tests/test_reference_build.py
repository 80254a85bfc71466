"""``cph-kg reference build`` remakes the shipped reference data exactly, from shipped sources.

The build reads the copies in data/reference/sources/, so it runs in a plain clone; where the
project's shared folder is at hand (/work/shared beside the checkout), the copies are checked
against the originals, and the LEGI excerpt against a fresh extraction from the corpus.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cph_kg.cli import main
from cph_kg.reference.build import render
from cph_kg.reference.legi import extract, write_excerpt
from cph_kg.reference.rules import read_rules
from tests.helpers import ROOT

REFERENCE = ROOT / "data" / "reference"
SOURCES = REFERENCE / "sources"
BUILT = ("bodies.ttl", "france-travail.ttl", "legal-bases.ttl", "provenance/dila-2016-records.ttl")


def shared() -> Path | None:
    """The project's shared folder, beside this checkout or one of its parents."""
    for parent in ROOT.parents:
        if (parent / "shared" / "reference" / "README.md").is_file():
            return parent / "shared"
    return None


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_the_build_remakes_the_shipped_files_byte_for_byte(tmp_path: Path) -> None:
    result = run("reference", "build", "--output", tmp_path)
    assert result.exit_code == 0, result.output
    assert "207 bodies (100 caf, 1 ccss, 4 cgss, 101 cpam, 1 cssm)" in result.stderr
    for name in BUILT:
        assert (tmp_path / name).read_bytes() == (REFERENCE / name).read_bytes(), name


@pytest.mark.slow
def test_check_says_whether_the_shipped_files_are_up_to_date(tmp_path: Path) -> None:
    assert run("reference", "build", "--check").exit_code == 0
    for name in BUILT:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REFERENCE / name, tmp_path / name)
    (tmp_path / "bodies.ttl").write_text("# edited by hand\n", encoding="utf-8")
    result = run("reference", "build", "--check", "--output", tmp_path)
    assert result.exit_code == 1
    assert f"{tmp_path / 'bodies.ttl'}: differs from what the build makes" in result.stderr


def test_a_bad_rule_is_one_line_and_nothing_is_written(tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    text = (REFERENCE / "rules.toml").read_text(encoding="utf-8")
    rules.write_text(text.replace('certainty = "Inferred"', 'certainty = "Likely"', 1), "utf-8")
    result = run("reference", "build", "--rules", rules, "--output", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "certainty 'Likely' is not one of" in result.stderr
    assert not (tmp_path / "out").exists()


def test_a_missing_source_is_one_line(tmp_path: Path) -> None:
    result = run("reference", "build", "--sources", tmp_path, "--output", tmp_path / "out")
    assert result.exit_code == 2
    assert "dila-2016-caf-cpam-pole-emploi.csv" in result.stderr
    assert result.stderr.startswith("cph-kg: error: ")


@pytest.mark.slow
def test_the_rendering_is_deterministic() -> None:
    arguments = (SOURCES, REFERENCE / "rules.toml", REFERENCE / "departements.ttl")
    assert render(*arguments).files == render(*arguments).files


def test_the_shipped_copies_are_the_shared_directories() -> None:
    folder = shared()
    if folder is None:
        pytest.skip("the project's shared folder (/work/shared) is not beside this checkout")
    for name in ("dila-2016-caf-cpam-pole-emploi.csv", "france-travail-directions-2024.csv"):
        assert (SOURCES / name).read_bytes() == (folder / "reference" / name).read_bytes(), name


@pytest.mark.slow
def test_the_legi_excerpt_is_what_the_corpus_gives(tmp_path: Path) -> None:
    folder = shared()
    if folder is None:
        pytest.skip("the project's shared folder (/work/shared) is not beside this checkout")
    rules = read_rules(REFERENCE / "rules.toml")
    corpus = folder / "corpora" / "legi-2026" / "socialgouv-legi-data-2.513.0.tgz"
    write_excerpt(extract(corpus, rules.legi_codes, rules.legi_articles), tmp_path / "x.json")
    shipped = SOURCES / rules.sources["legi"]
    assert (tmp_path / "x.json").read_bytes() == shipped.read_bytes()


def test_the_sources_are_documented() -> None:
    readme = (SOURCES / "README.md").read_text(encoding="utf-8")
    for path in SOURCES.iterdir():
        if path.name != "README.md":
            assert path.name in readme, path.name
    assert "Licence Ouverte" in readme and "MIT" in readme
