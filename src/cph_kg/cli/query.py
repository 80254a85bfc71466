"""``cph-kg query`` and ``cph-kg queries``: the named SPARQL queries, on any store."""

from __future__ import annotations

import sys
from datetime import datetime

import click

from cph_kg.catalog import NamedQuery, named_queries, resolve
from cph_kg.cli.options import open_graph, store_options, user_errors
from cph_kg.errors import CphKgError
from cph_kg.output_safety import terminal_safe
from cph_kg.results import GRAPH_FORMATS, SOLUTION_FORMATS, Triples, serialise

#: Prefixes that shorten the project's IRIs in tables, besides those the query declares.
DISPLAY_PREFIXES = {
    "conv": "https://w3id.org/cph-kg/convention/",
    "dep": "https://w3id.org/cph-kg/departement/",
    "r349": "https://w3id.org/cph-kg/law/casf/R349-2/",
    "shape": "https://w3id.org/cph-kg/shapes/r349-2#",
    "sh": "http://www.w3.org/ns/shacl#",
    "cph": "https://w3id.org/cph-kg/ontology#",
    "casf": "https://w3id.org/cph-kg/law/casf/",
    "ceseda": "https://w3id.org/cph-kg/law/ceseda/",
    "css": "https://w3id.org/cph-kg/law/css/",
    "ctrav": "https://w3id.org/cph-kg/law/ctrav/",
    "crpm": "https://w3id.org/cph-kg/law/crpm/",
    "crpa": "https://w3id.org/cph-kg/law/crpa/",
    "text": "https://w3id.org/cph-kg/text/",
}


def _date_parameter(named: NamedQuery) -> str:
    """The parameter --as-of sets: the query's date parameter called on, date or asOf."""
    for parameter in named.parameters:
        if parameter.type == "date" and parameter.name in ("on", "date", "asOf"):
            return parameter.name
    raise CphKgError(f"query {named.name} has no date parameter (on, date or asOf) for --as-of")


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for value in values:
        name, sep, raw = value.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{value!r} is not NAME=VALUE", param_hint="--param")
        params[name] = raw
    return params


@click.command("query")
@click.argument("query")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter of the query, bound as a typed RDF term (repeatable).",
)
@click.option(
    "--output",
    "-o",
    type=click.Choice([*SOLUTION_FORMATS, *GRAPH_FORMATS]),
    default=None,
    help="table (default for SELECT/ASK), csv, tsv, json (SPARQL 1.1 results); "
    "turtle (default for CONSTRUCT), ntriples, json-ld.",
)
@click.option("--limit", type=click.IntRange(min=0), help="At most this many rows.")
@click.option(
    "--as-of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day the query asks about: binds its date parameter (on, date or asOf).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    metavar="SECONDS",
    help="Stop the query after this many seconds.",
)
@click.option(
    "--max-memory-mb",
    type=click.FloatRange(min=64),
    help="Stop the query if it needs more memory than this, in MiB (embedded store, Linux: "
    "the query runs in a process of its own, like --timeout).",
)
@click.option(
    "--raw-csv",
    is_flag=True,
    help="With -o csv, write every value as it is. By default a value a spreadsheet would run "
    "as a formula (starting with =, +, -, @) gets a leading ' (OWASP's CSV-injection rule).",
)
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let the query call SERVICE on the --endpoint (refused by default: the endpoint "
    "would reach the network on the query's behalf). Never on the embedded store.",
)
@store_options
@user_errors
def query_command(
    query: str,
    params: tuple[str, ...],
    output: str | None,
    limit: int | None,
    as_of: datetime | None,
    timeout: float | None,
    max_memory_mb: float | None,
    raw_csv: bool,
    allow_service: bool,
    **store: str | None,
) -> None:
    """Run QUERY, a named query (see cph-kg queries) or a SPARQL .rq file."""
    bound = _parse_params(params)
    named = resolve(query)  # an unknown name or a bad header fails before the store is opened
    if as_of is not None:
        bound[_date_parameter(named)] = as_of.date().isoformat()
    with open_graph(**store, read_only=True, allow_service=allow_service) as kg:
        max_memory = None if max_memory_mb is None else int(max_memory_mb * 2**20)
        result = kg.query(query, timeout=timeout, max_memory=max_memory, limit=limit, **bound)
    fmt = output or ("turtle" if isinstance(result, Triples) else "table")
    try:
        text = serialise(result, fmt, {**DISPLAY_PREFIXES, **named.prefixes}, raw_csv)
        if sys.stdout.isatty():
            text = terminal_safe(text)  # a CSV value holding an escape sequence, shown as text
        click.echo(text, nl=False)
    except ValueError as error:
        raise CphKgError(str(error)) from None


@click.command("queries")
def queries_command() -> None:
    """List the named queries with their descriptions and parameters."""
    for name, named in named_queries().items():
        click.echo(click.style(name, bold=True) + f" — {named.title}")
        if named.description:
            click.echo(
                click.wrap_text(named.description, initial_indent="    ", subsequent_indent="    ")
            )
        for p in named.parameters:
            need = (
                "required" if p.required else (f"default {p.default}" if p.default else "optional")
            )
            click.echo(f"    --param {p.name}=<{p.type}> ({need}): {p.description}")
        click.echo()
