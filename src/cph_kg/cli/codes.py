"""``cph-kg codes import|check``: code graphs from LEGI and Markdown corpora; broken references."""

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
    raw_csv_option,
    store_options,
    user_errors,
    write_text,
)
from cph_kg.cli.query import DISPLAY_PREFIXES
from cph_kg.codes.model import Article, Problem, Record
from cph_kg.output_safety import printable
from cph_kg.sparql.results import SOLUTION_FORMATS, serialise


@click.group("codes")
def codes_group() -> None:
    """Import whole codes (LEGI JSON, Markdown corpora) as graphs, and check their references."""


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
    """Import corpus FOLDERS (legi, linked or etalab format) into one named graph per code.

    A file that cannot be read is reported with its reason and skipped; the rest is imported,
    and the exit code is 1 when some files were skipped.
    """
    files = sum(1 for folder in folders for _ in folder.rglob("*.md")) + sum(
        _legi_articles(path) for folder in folders for path in folder.glob("LEGITEXT*.json")
    )
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
            # one step per article, and per level that has a README of its own
            if isinstance(record, Article) or record.source.name == "README.md":
                bar.update(1)

        summary = kg.import_codes(list(folders), advance)
    for problem in summary.problems:
        # a file name or a reason quoting the file may hold a newline or a terminal escape
        click.echo(f"cph-kg: skipped {printable(f'{problem.source}: {problem.reason}')}", err=True)
    for code in sorted(summary.articles):
        counts = f"{summary.articles[code]} articles, {summary.levels[code]} levels"
        line = f"{printable(code)}: {counts}"
        if summary.versions[code]:
            line += f", {summary.versions[code]} versions, {summary.amendments[code]} amendments"
        click.echo(line)
    click.echo(
        f"{sum(summary.citations.values())} citations ({summary.citations['link']} links, "
        f"{summary.citations['text']} in plain text), {summary.unresolved} cited articles "
        f"absent from the corpus; {summary.triples} triples; {_skipped(summary.problems)}"
    )
    sys.exit(EXIT_FAILED if summary.problems else EXIT_OK)


def _skipped(problems: list[Problem]) -> str:
    """How many files, and folders with all they hold, were skipped."""
    folders = sum(1 for problem in problems if problem.source.is_dir())
    text = f"{len(problems) - folders} file(s) skipped"
    return f"{text}, and {folders} folder(s) with every file in them" if folders else text


def _legi_articles(path: Path) -> int:
    """About how many articles a LEGI code file holds, counted without parsing it (for the bar)."""
    with path.open("rb") as handle:
        return sum(
            chunk.count(b'"type": "article"') + chunk.count(b'"type":"article"')
            for chunk in iter(lambda: handle.read(1 << 20), b"")
        )


@codes_group.command("check")
@click.option("--code", metavar="IRI", help="Only references made by this code's articles.")
@format_option(SOLUTION_FORMATS, "table for a terminal, or a SPARQL 1.1 results format.", "table")
@out_option
@raw_csv_option
@store_options
@user_errors
def check_command(
    code: str | None, output: str, out: Path | None, raw_csv: bool, **store: Any
) -> None:
    """List citations whose target is absent, or no longer in force at the citing version's date.

    The output is written as ``cph-kg query`` writes it: no character a terminal obeys reaches
    a terminal, and CSV follows OWASP's CSV-injection rule unless --raw-csv (the citing text
    and the cited numbers come from the corpus, which a stranger may have written).
    """
    params: dict[str, Any] = {"code": code} if code else {}
    with open_graph(**store, create=False) as kg:
        result = kg.query("broken-references", **params)
    write_text(serialise(result, output, DISPLAY_PREFIXES, raw_csv), out)
