"""``cph-kg convert`` and ``cph-kg convention new``: the authoring formats at the command line."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click
import yaml

from cph_kg.authoring.convert import FORMATS, convert, template
from cph_kg.authoring.reading import parse_file
from cph_kg.cli.options import (
    format_option,
    input_format_option,
    out_option,
    split_output,
    user_errors,
    write_text,
)
from cph_kg.errors import CphKgError
from cph_kg.namespaces import CONTEXT_IRI


@click.command("convert")
@click.argument("source", type=click.Path(path_type=Path))
@format_option(FORMATS, "Output format (required).", was_file=True)
@click.option("--to", "fmt", type=click.Choice(FORMATS), help="The same as -o/--output.")
@input_format_option
@out_option
@click.option(
    "--raw-csv",
    is_flag=True,
    help="With --to csv, write every value as it is (by default a value a spreadsheet would "
    "run as a formula gets a leading ', which reading the file back takes off).",
)
@user_errors
def convert_command(
    source: Path,
    output: str | Path | None,
    fmt: str | None,
    forced_format: str | None,
    out: Path | None,
    raw_csv: bool,
) -> None:
    """Convert conventions between YAML, JSON-LD, CSV, Turtle and N-Triples.

    The input is read and checked like any file cph-kg validates; YAML and JSON-LD hold one
    convention, CSV one per row.
    """
    chosen, out = split_output(output, out)
    if chosen and fmt and chosen != fmt:
        raise CphKgError(f"-o {chosen} and --to {fmt} disagree: give one format")
    chosen = chosen or fmt
    if chosen is None:
        raise CphKgError("name the output format: -o yaml|json-ld|csv|turtle|ntriples")
    write_text(convert(parse_file(source, forced_format), chosen, raw_csv), out)


@click.group("convention")
def convention_group() -> None:
    """Write conventions in the authoring format."""


@convention_group.command("new")
@click.option(
    "--departement",
    default="33",
    show_default=True,
    metavar="CODE",
    help="INSEE code of the centre's département: pre-fills its CAF, CPAM, France Travail.",
)
@format_option(
    ("yaml", "json"),
    "yaml: the commented template; json: the same fields as JSON (naming cph-kg's context).",
    default="yaml",
    was_file=True,
)
@out_option
@user_errors
def new_command(departement: str, output: str | Path, out: Path | None) -> None:
    """A template of a convention de coopération, to fill in (commented YAML by default)."""
    fmt, out = split_output(output, out)
    text = template(departement.upper(), date.today())
    if fmt == "json":
        document = {"@context": CONTEXT_IRI, **yaml.safe_load(text)}
        text = json.dumps(document, ensure_ascii=False, indent=2, default=str) + "\n"
    write_text(text, out)
