"""``cph-kg load`` and ``cph-kg store info|clear|export``: filling and inspecting a store."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rdflib import URIRef

from cph_kg.cli.options import (
    EXIT_BAD_INPUT,
    input_format_option,
    open_graph,
    output_option,
    store_options,
    user_errors,
    whole_file,
)
from cph_kg.errors import CphKgError
from cph_kg.output_safety import printable
from cph_kg.resources import example_conventions
from cph_kg.store import CONVENTIONS_GRAPH, EmbeddedStore


@click.command("load")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--examples", is_flag=True, help="Load the example conventions shipped with cph-kg.")
@click.option(
    "--graph",
    default=str(CONVENTIONS_GRAPH),
    show_default=True,
    metavar="IRI",
    help="The named graph to load into.",
)
@click.option("--replace", is_flag=True, help="Empty the graph first (in the same transaction).")
@input_format_option
@store_options
@user_errors
def load_command(
    files: tuple[Path, ...],
    examples: bool,
    graph: str,
    replace: bool,
    forced_format: str | None,
    **store: str | None,
) -> None:
    """Load FILES into the store, atomically, with the bundled law graphs.

    Every file is parsed before anything is written: if one is bad, nothing is loaded.
    """
    paths = [*files, *(example_conventions() if examples else [])]
    with (
        open_graph(**store) as kg,
        click.progressbar(
            paths,
            label="Parsing",
            file=sys.stderr,
            show_pos=True,
            hidden=len(paths) < 10 or not sys.stderr.isatty(),
        ) as bar,
    ):
        report = kg.load(bar, graph=URIRef(graph), forced_format=forced_format, replace=replace)
    for name, size in report.written.items():
        click.echo(f"{size:>8} triples  <{printable(str(name))}>")
    click.echo(f"loaded {len(paths)} file(s) into {printable(kg.store.location)}")
    for problem in report.skipped:
        click.echo(f"cph-kg: skipped {printable(str(problem))}", err=True)
    if report.skipped:
        click.echo(f"{len(report.skipped)} row(s) left out", err=True)
        sys.exit(EXIT_BAD_INPUT)


@click.group("store")
def store_group() -> None:
    """Inspect, export or empty the store."""


@store_group.command("info")
@store_options
@user_errors
def info_command(**store: str | None) -> None:
    """Triples per named graph."""
    with open_graph(**store, read_only=True) as kg:
        sizes = kg.info()
    for name, size in sizes.items():
        click.echo(f"{size:>8} triples  <{printable(name)}>")
    click.echo(f"{sum(sizes.values()):>8} triples in {len(sizes)} graph(s) at {kg.store.location}")


@store_group.command("clear")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@store_options
@user_errors
def clear_command(yes: bool, **store: str | None) -> None:
    """Remove everything from the store."""
    with open_graph(**store) as kg:
        if not yes:
            click.confirm(f"Remove every graph from {kg.store.location}?", abort=True)
        kg.clear()
    click.echo(f"cleared {kg.store.location}")


@store_group.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["nquads", "trig", "turtle", "ntriples"]),
    default="nquads",
    show_default=True,
    help="nquads or trig for the whole dataset; turtle or ntriples with --graph.",
)
@click.option("--graph", metavar="IRI", help="Export only this named graph.")
@output_option
@store_options
@user_errors
def export_command(fmt: str, graph: str | None, output: Path | None, **store: str | None) -> None:
    """Write the store's content in a standard RDF syntax."""
    target = URIRef(graph) if graph else None
    if graph and fmt in ("nquads", "trig"):
        fmt = "ntriples" if fmt == "nquads" else "turtle"
    with open_graph(**store, read_only=True) as kg:
        if not isinstance(kg.store, EmbeddedStore):
            raise CphKgError(
                "export works on the embedded store; use the endpoint's own dump for a remote one"
            )
        with whole_file(output) as handle:
            kg.store.dump(handle, fmt, target)
