"""``cph-kg load`` and ``cph-kg store info|clear|export``: filling and inspecting a store."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from cph_kg.cli.options import (
    EXIT_BAD_INPUT,
    format_option,
    input_format_option,
    open_graph,
    out_option,
    split_output,
    store_options,
    user_errors,
    whole_file,
)
from cph_kg.errors import CphKgError
from cph_kg.knowledge_graph import graph_name
from cph_kg.namespaces import CONVENTIONS_GRAPH
from cph_kg.output_safety import printable
from cph_kg.resources import example_conventions
from cph_kg.store.embedded import EmbeddedStore


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
    **store: Any,
) -> None:
    """Load FILES into the store, atomically, with the bundled law graphs.

    Every file is parsed before anything is written: if one is bad, nothing is loaded. The
    counts are of triples added: a triple two files share, or the store already holds, once.
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
        report = kg.load(bar, graph=graph, forced_format=forced_format, replace=replace)
    for name, size in report.written.items():  # triples added: none twice, none already there
        click.echo(f"{size:>8} triples added  <{printable(str(name))}>")
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
def info_command(**store: Any) -> None:
    """Triples per named graph."""
    with open_graph(**store, read_only=True) as kg:
        sizes = kg.info()
    for name, size in sizes.items():
        click.echo(f"{size:>8} triples  <{printable(name)}>")
    click.echo(f"{sum(sizes.values()):>8} triples in {len(sizes)} graph(s) at {kg.store.location}")


@store_group.command("clear")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation (for scripts).")
@store_options
@user_errors
def clear_command(yes: bool, **store: Any) -> None:
    """Remove everything from the store (it asks first; --yes does not)."""
    with open_graph(**store) as kg:
        if not yes:
            click.confirm(f"Remove every graph from {kg.store.location}?", abort=True)
        kg.clear()
    click.echo(f"cleared {kg.store.location}")


#: What ``store export`` writes: the whole dataset, or one graph (``--graph``).
EXPORT_FORMATS = ("nquads", "trig", "turtle", "ntriples")


@store_group.command("export")
@format_option(
    EXPORT_FORMATS,
    "nquads or trig for the whole dataset; turtle or ntriples with --graph.",
    default="nquads",
    was_file=True,
)
@click.option(
    "--format",
    "old_format",
    type=click.Choice(EXPORT_FORMATS),
    hidden=True,
    help="The old spelling of -o/--output (it meant the same: kept, without a warning).",
)
@click.option("--graph", metavar="IRI", help="Export only this named graph.")
@out_option
@store_options
@user_errors
def export_command(
    output: str | Path,
    old_format: str | None,
    graph: str | None,
    out: Path | None,
    **store: Any,
) -> None:
    """Write the store's content in a standard RDF syntax."""
    fmt, out = split_output(output, out)
    fmt = old_format or fmt or "nquads"  # --format, the old spelling, meant the same
    target = graph_name(graph) if graph else None
    if graph and fmt in ("nquads", "trig"):
        fmt = "ntriples" if fmt == "nquads" else "turtle"
    with open_graph(**store, read_only=True) as kg:
        if not isinstance(kg.store, EmbeddedStore):
            raise CphKgError(
                "export works on the embedded store; use the endpoint's own dump for a remote one"
            )
        with whole_file(out) as handle:
            kg.store.dump(handle, fmt, target)
