"""``cph-kg codes import|check``: code graphs from Markdown corpora, and their broken references."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from cph_kg.cli.options import (
    EXIT_FAILED,
    EXIT_OK,
    format_option,
    open_graph,
    out_option,
    store_options,
    user_errors,
    write_text,
)
from cph_kg.cli.query import DISPLAY_PREFIXES
from cph_kg.codes.model import Article, Record
from cph_kg.sparql.results import SOLUTION_FORMATS, serialise


@click.group("codes")
def codes_group() -> None:
    """Import whole codes (CASF, CESEDA) as graphs, and check their references."""


@codes_group.command("import")
@click.argument(
    "folders",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
)
@store_options
@user_errors
def import_command(folders: tuple[Path, ...], **store: Any) -> None:
    """Import corpus FOLDERS (linked or etalab format) into one named graph per code.

    A file that cannot be read is reported with its reason and skipped; the rest is imported,
    and the exit code is 1 when some files were skipped.
    """
    files = sum(1 for folder in folders for _ in folder.rglob("*.md"))
    with (
        open_graph(**store) as kg,
        click.progressbar(
            length=files,
            label="Reading",
            file=sys.stderr,
            show_pos=True,
            hidden=not sys.stderr.isatty(),
        ) as bar,
    ):

        def advance(record: Record) -> None:
            # one step per file read: articles, and levels that have a README of their own
            if isinstance(record, Article) or record.source.name == "README.md":
                bar.update(1)

        summary = kg.import_codes(list(folders), advance)
    for problem in summary.problems:
        click.echo(f"cph-kg: skipped {problem.source}: {problem.reason}", err=True)
    for code in sorted(summary.articles):
        click.echo(f"{code}: {summary.articles[code]} articles, {summary.levels[code]} levels")
    click.echo(
        f"{sum(summary.citations.values())} citations ({summary.citations['link']} links, "
        f"{summary.citations['text']} in plain text), {summary.unresolved} cited articles "
        f"absent from the corpus; {summary.triples} triples; "
        f"{len(summary.problems)} file(s) skipped"
    )
    sys.exit(EXIT_FAILED if summary.problems else EXIT_OK)


@codes_group.command("check")
@click.option("--code", metavar="IRI", help="Only references made by this code's articles.")
@format_option(SOLUTION_FORMATS, "table for a terminal, or a SPARQL 1.1 results format.", "table")
@out_option
@store_options
@user_errors
def check_command(code: str | None, output: str, out: Path | None, **store: Any) -> None:
    """List citations whose target is absent, or no longer in force at the citing version's date."""
    params: dict[str, Any] = {"code": code} if code else {}
    with open_graph(**store, create=False) as kg:
        result = kg.query("broken-references", **params)
    write_text(serialise(result, output, DISPLAY_PREFIXES), out)
