"""``cph-kg validate``: judge conventions against R349-2 CASF, provision by provision."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from cph_kg import render
from cph_kg.cli.options import (
    EXIT_BAD_INPUT,
    EXIT_FAILED,
    EXIT_OK,
    input_format_option,
    open_graph,
    store_options,
    user_errors,
)
from cph_kg.output_safety import printable
from cph_kg.report import Severity
from cph_kg.resources import example_conventions
from cph_kg.validation import ENGINES, Validator


class _ProgressBar:
    """A progress bar on standard error, created when the number of conventions is known."""

    def __init__(self) -> None:
        self.bar: Any = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="Validating", file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done)
        if self.bar.pos >= total:
            self.bar.__exit__(None, None, None)


@click.command("validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--examples",
    is_flag=True,
    help="Validate the example conventions shipped with cph-kg (in addition to FILES).",
)
@input_format_option
@click.option(
    "--output",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="text for people, json for programs, turtle for the standard sh:ValidationReport.",
)
@click.option(
    "--lang",
    type=click.Choice(["fr", "en"]),
    default="fr",
    show_default=True,
    help="Language of labels and messages (French is the source).",
)
@click.option(
    "--fail-on",
    type=click.Choice(["violation", "warning"]),
    default="violation",
    show_default=True,
    help="Exit with 1 on violations only, or on warnings too.",
)
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Judge every convention against the law in force on this day (YYYY-MM-DD) "
    "instead of its own date of conclusion.",
)
@click.option(
    "--reading",
    metavar="NAME",
    help="How the open parts of R349-2 are read: 'required' (the default: the bodies R349-2 I "
    "names after \"notamment\" must be parties) or 'illustrative' (they are examples: their "
    "absence is a warning). The report states the reading applied.",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default="compiled",
    show_default=True,
    help="compiled: the shapes as SPARQL on Oxigraph (fast); pyshacl: the reference "
    "implementation (slow, same results); jena: Apache Jena's SHACL in Java (Debian's "
    "libapache-jena-java, same results).",
)
@click.option(
    "--store",
    "record",
    is_flag=True,
    help="Record the report in the store (without FILES: validate every stored convention).",
)
@store_options
@user_errors
def validate_command(
    files: tuple[Path, ...],
    examples: bool,
    forced_format: str | None,
    output: str,
    lang: str,
    fail_on: str,
    as_of: datetime | None,
    reading: str | None,
    engine: str,
    record: bool,
    **store: str | None,
) -> None:
    """Validate cooperation agreements (conventions de coopération) against R349-2 CASF.

    FILES are Turtle, N-Triples, N-Quads, TriG (their named graphs merged), JSON-LD or RDF/XML
    documents, each describing one or more cph:ConventionDeCooperation, or conventions in YAML
    or CSV. The report is grouped by convention, then by provision; then comes each centre's own
    obligation (an agreement in force on the day judged, --as-of or today).
    """
    paths = [*files, *(example_conventions() if examples else [])]
    day = as_of.date() if as_of else None
    bar = _ProgressBar() if sys.stderr.isatty() else None
    if record:
        with open_graph(**store) as kg:
            kg.validator = Validator(engine)
            outcome = kg.validate(paths or None, forced_format, day, bar, reading)
    elif paths:
        outcome = Validator(engine).validate_files(paths, forced_format, day, bar, reading)
    else:
        raise click.UsageError("give convention files to validate, --examples, or --store")
    if output == "json":
        click.echo(render.as_json(outcome, lang))
    elif output == "turtle":
        click.echo(render.as_turtle(outcome), nl=False)
    else:
        click.echo(render.as_text(outcome, lang))
    for problem in outcome.skipped:
        click.echo(f"cph-kg: skipped {printable(str(problem))}", err=True)
    if outcome.skipped:
        sys.exit(EXIT_BAD_INPUT)
    threshold = Severity.WARNING if fail_on == "warning" else Severity.VIOLATION
    sys.exit(EXIT_FAILED if outcome.fails(threshold) else EXIT_OK)
