"""The ``cph-kg`` command line: each command parses its arguments and renders; the library works.

Exit codes follow pySHACL: 0 success (or conforms), 1 does not conform, 2 bad input or usage.
A user mistake is printed as one line on standard error, never as a traceback.

Commands are imported when they run, not when ``cph-kg`` starts: their modules pull in rdflib,
Oxigraph and pySHACL (0.3 s), which ``cph-kg --help`` does not need. The summaries ``--help``
lists are kept here; a test checks each is its command's own.
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import logging
import os
import sys

import click

from cph_kg import interrupts

#: Each command: the module and attribute that define it, and its one-line summary.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "codes": (
        "cph_kg.cli.codes",
        "codes_group",
        "Import whole codes (LEGI JSON, Markdown corpora) as graphs, and check their references.",
    ),
    "convention": (
        "cph_kg.cli.authoring",
        "convention_group",
        "Write conventions in the authoring format.",
    ),
    "convert": (
        "cph_kg.cli.authoring",
        "convert_command",
        "Convert conventions between YAML, JSON-LD, CSV, Turtle and N-Triples.",
    ),
    "docs": (
        "cph_kg.cli.docs",
        "docs_command",
        "Publish documentation, a VoID + DCAT description and versioned dumps into OUT.",
    ),
    "load": (
        "cph_kg.cli.store",
        "load_command",
        "Load FILES into the store, atomically, with the bundled law graphs.",
    ),
    "queries": (
        "cph_kg.cli.query",
        "queries_command",
        "List the named queries with their descriptions and parameters.",
    ),
    "query": (
        "cph_kg.cli.query",
        "query_command",
        "Run QUERY: a named query (see cph-kg queries), a query file, or - for standard input.",
    ),
    "reference": (
        "cph_kg.cli.reference",
        "reference_group",
        "Rebuild the reference data (bodies of every département) from the directories.",
    ),
    "serve": (
        "cph_kg.cli.serve",
        "serve_command",
        "Serve the store as a SPARQL 1.1 endpoint (/query, /update) and its Linked Data pages (/).",
    ),
    "store": ("cph_kg.cli.store", "store_group", "Inspect, export or empty the store."),
    "validate": (
        "cph_kg.cli.validate",
        "validate_command",
        "Validate cooperation agreements (conventions de coopération) against R349-2 CASF.",
    ),
}


class LazyGroup(click.Group):
    """A group whose commands are imported only when one of them is run (or asked for help)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """The command names, sorted as click sorts them."""
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import the command's module now, and return the command."""
        if cmd_name not in COMMANDS:
            return None
        module, attribute, _ = COMMANDS[cmd_name]
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; an output that cannot be written (disk full) is one line, exit 2.

        Standard output is flushed here, so that a full disk or a closed device behind it is
        reported as every other failure is, not as a traceback when Python exits.
        """
        try:
            with interrupts.handled():
                result = super().invoke(ctx)
                sys.stdout.flush()
                interrupts.commit_point()  # a Ctrl-C that Python swallowed (README, Reliability)
        except KeyboardInterrupt:
            click.echo("cph-kg: interrupted", err=True)
            sys.exit(130)
        except OSError as error:
            if error.errno not in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO):
                raise
            with contextlib.suppress(OSError):
                sys.stdout = open(os.devnull, "w")  # nothing more is written where it failed  # noqa: SIM115
            click.echo(f"cph-kg: error: cannot write the output: {error.strerror}", err=True)
            sys.exit(2)
        return result

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands with their summaries, as click would, without importing them."""
        width = formatter.width - 6 - max(len(name) for name in COMMANDS)
        rows = [
            (name, click.Command(name, help=summary).get_short_help_str(width))
            for name, (_, _, summary) in sorted(COMMANDS.items())
        ]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cph-kg")
def main() -> None:
    """cph-kg: the legal knowledge graph of article R349-2 CASF and its cooperation agreements."""
    # An ill-formed typed literal (a date "2019-02-30") is a finding the validation reports in
    # legal terms; rdflib would also log it, with a traceback, each time it meets the literal.
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
