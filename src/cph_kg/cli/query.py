"""``cph-kg query`` and ``cph-kg queries``: the named SPARQL queries, on any store."""

from __future__ import annotations

import re
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from cph_kg.cli.options import (
    format_option,
    input_format_option,
    open_graph,
    out_option,
    raw_csv_option,
    shown_path,
    store_options,
    user_errors,
    write_text,
)
from cph_kg.codes.identifiers import CODE_PREFIXES
from cph_kg.errors import CphKgError
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.namespaces import prefixes
from cph_kg.sparql.catalog import MAX_QUERY_BYTES, NamedQuery, load, named_queries, parse, resolve
from cph_kg.sparql.guard import QueryRefused
from cph_kg.sparql.results import GRAPH_FORMATS, SOLUTION_FORMATS, Triples, serialise

#: Prefixes that shorten the project's IRIs in tables, besides those the query declares.
DISPLAY_PREFIXES = {
    **prefixes("conv", "dep", "r349", "shape", "sh", "cph"),
    **CODE_PREFIXES,
    **prefixes("text"),
}


def _date_parameter(named: NamedQuery) -> str:
    """The parameter --as-of sets: the query's date parameter called on, date or asOf."""
    for parameter in named.parameters:
        if parameter.type == "date" and parameter.name in ("on", "date", "asOf"):
            return parameter.name
    raise CphKgError(f"query {named.name} has no date parameter (on, date or asOf) for --as-of")


#: What a named query's name looks like (catalog's rule): anything else may be a file.
_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


def query_from(query: str | None, text: str | None) -> NamedQuery:
    """The query to run: ``--query TEXT``, ``-`` (standard input), a named query or a file.

    A name of ``queries/`` wins over a file of the same name in the current folder; any other
    argument is read as a file, whatever its extension (``.rq``, ``.sparql``, ``.txt``), as
    Jena's ``arq --query FILE`` does.
    """
    if text is not None:
        if query is not None:
            raise CphKgError("give the query once: QUERY or --query TEXT, not both")
        return parse(Path("--query"), text)
    if query is None:
        raise CphKgError("give a QUERY (a name, a file, - for standard input) or --query")
    if query == "-":
        data = sys.stdin.buffer.read(MAX_QUERY_BYTES + 1)
        if len(data) > MAX_QUERY_BYTES:
            raise CphKgError(f"standard input: a query of more than {MAX_QUERY_BYTES} bytes")
        try:
            return parse(Path("<stdin>"), data.decode("utf-8"))
        except UnicodeDecodeError:
            raise CphKgError("standard input: the query is not UTF-8 text") from None
    if _NAME.fullmatch(query) and query in named_queries():
        return resolve(query)
    if query.endswith(".rq") or _is_file(query):
        return load(Path(query))
    return resolve(query)  # an unknown name, said so


def _is_file(name: str) -> bool:
    """Whether ``name`` is a file's path; a name no file can have (too long, NUL) is none."""
    try:
        return Path(name).is_file()
    except (OSError, ValueError):
        return False


_SYNTAX = re.compile(r"SPARQL syntax error: (?:line (\d+)(?:, column \d+)?: )?(.*)", re.S)
#: What an error line may quote of a query the user gave: one line, this many characters.
_QUOTED = 160


def _in_file(error: CphKgError, named: NamedQuery, query: str | None) -> CphKgError:
    """An error in a query the user wrote, as ``FILE:LINE: problem`` or ``FILE: problem``.

    The command line reads any file it is given as a query (``cph-kg query ../../etc/passwd``
    reads that file, as ``cat`` would: it is the user's own command). What the error quotes of
    the file stays on one line and is cut at :data:`_QUOTED` characters, so an error never
    shows more of a file than a piece of one of its lines. Errors about the store or the
    endpoint, and those of named queries, are left as they are.
    """
    if query is not None and query != "-" and query in named_queries():
        return error
    where = "--query" if query is None else ("<stdin>" if query == "-" else shown_path(query))
    found = _SYNTAX.fullmatch(str(error))
    if found is not None:
        line = f":{found[1]}" if found[1] else ""
        return CphKgError(f"{where}{line}: SPARQL syntax error: {_one_line(found[2])}")
    if isinstance(error, QueryRefused):
        return CphKgError(f"{where}: {_one_line(str(error))}")
    return error


def _one_line(text: str) -> str:
    """``text`` on one line, cut at :data:`_QUOTED` characters."""
    text = " ".join(text.split())
    return text if len(text) <= _QUOTED else text[:_QUOTED] + "…"


def complete_query(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[click.shell_completion.CompletionItem]:
    """Shell completion of QUERY: the named queries with their titles, then files."""
    names = [
        click.shell_completion.CompletionItem(name, help=named.title)
        for name, named in named_queries().items()
        if name.startswith(incomplete)
    ]
    return [*names, click.shell_completion.CompletionItem(incomplete, type="file")]


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    params = {}
    for value in values:
        name, sep, raw = value.partition("=")
        if not sep or not name:
            raise click.BadParameter(f"{value!r} is not NAME=VALUE", param_hint="--param")
        params[name] = raw
    return params


@click.command("query")
@click.argument("query", required=False, shell_complete=complete_query)
@click.option(
    "--query",
    "-q",
    "text",
    metavar="TEXT",
    help="The SPARQL query itself, instead of QUERY.",
)
@click.option(
    "--data",
    "data",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Query these files (repeatable), read into memory, instead of a store (as arq --data).",
)
@input_format_option
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter of the query, bound as a typed RDF term (repeatable).",
)
@format_option(
    [*SOLUTION_FORMATS, *GRAPH_FORMATS],
    "table (default for SELECT/ASK), csv, tsv, json, xml (SPARQL 1.1 results); "
    "turtle (default for CONSTRUCT), ntriples, json-ld.",
)
@out_option
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
@raw_csv_option
@click.option(
    "--allow-service",
    is_flag=True,
    help="Let the query call SERVICE on the --endpoint (refused by default: the endpoint "
    "would reach the network on the query's behalf). Never on the embedded store.",
)
@store_options
@user_errors
def query_command(
    query: str | None,
    text: str | None,
    data: tuple[Path, ...],
    forced_format: str | None,
    params: tuple[str, ...],
    output: str | None,
    out: Path | None,
    limit: int | None,
    as_of: datetime | None,
    timeout: float | None,
    max_memory_mb: float | None,
    raw_csv: bool,
    allow_service: bool,
    **store: Any,
) -> None:
    """Run QUERY: a named query (see cph-kg queries), a query file, or - for standard input.

    The query runs on the store (--location, --endpoint), or on the files --data names.
    """
    bound = _parse_params(params)
    named = query_from(query, text)  # an unknown name or a bad header fails before any store
    if as_of is not None:
        bound[_date_parameter(named)] = as_of.date().isoformat()
    if data:
        from cph_kg.store.files import FileStore

        if store.get("endpoint"):
            raise CphKgError("--data queries files: it does not go with --endpoint")
        # a FileStore answers queries only, and this graph is only queried
        graph = KnowledgeGraph(FileStore(data, forced_format))  # type: ignore[arg-type]
    else:
        graph = open_graph(**store, read_only=True, allow_service=allow_service)
    max_memory = None if max_memory_mb is None else int(max_memory_mb * 2**20)
    with graph as kg:
        try:
            result = kg.query(named, timeout=timeout, max_memory=max_memory, limit=limit, **bound)
        except CphKgError as error:
            raise _in_file(error, named, query) from None
    fmt = output or ("turtle" if isinstance(result, Triples) else "table")
    try:
        rendered = serialise(result, fmt, {**DISPLAY_PREFIXES, **named.prefixes}, raw_csv)
    except ValueError as error:
        raise CphKgError(str(error)) from None
    write_text(rendered, out)


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
