"""``cph-kg convert`` and ``cph-kg convention new``: the authoring formats at the command line."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from cph_kg.cli.options import input_format_option, output_option, user_errors, whole_file
from cph_kg.convert import FORMATS, convert, template
from cph_kg.output_safety import terminal_safe
from cph_kg.rdfio import parse_file


def _write(text: str, output: Path | None) -> None:
    if output is None and sys.stdout.isatty():
        text = terminal_safe(text)  # a CSV value holding an escape sequence, shown as text
    with whole_file(output) as handle:
        handle.write(text.encode("utf-8"))


@click.command("convert")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--to", "fmt", type=click.Choice(FORMATS), required=True, help="Output format.")
@input_format_option
@output_option
@click.option(
    "--raw-csv",
    is_flag=True,
    help="With --to csv, write every value as it is (by default a value a spreadsheet would "
    "run as a formula gets a leading ', which reading the file back takes off).",
)
@user_errors
def convert_command(
    source: Path, fmt: str, forced_format: str | None, output: Path | None, raw_csv: bool
) -> None:
    """Convert conventions between YAML, JSON-LD, CSV, Turtle and N-Triples.

    The input is read and checked like any file cph-kg validates; YAML and JSON-LD hold one
    convention, CSV one per row.
    """
    _write(convert(parse_file(source, forced_format), fmt, raw_csv), output)


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
@output_option
@user_errors
def new_command(departement: str, output: Path | None) -> None:
    """A commented YAML template of a convention de coopération."""
    _write(template(departement.upper(), date.today()), output)
