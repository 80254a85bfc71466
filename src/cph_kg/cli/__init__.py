"""The ``cph-kg`` command line: each command parses its arguments and renders; the library works.

Exit codes follow pySHACL: 0 success (or conforms), 1 does not conform, 2 bad input or usage.
A user mistake is printed as one line on standard error, never as a traceback.
"""

from __future__ import annotations

import logging

import click

from cph_kg.cli.authoring import convention_group, convert_command
from cph_kg.cli.codes import codes_group
from cph_kg.cli.query import queries_command, query_command
from cph_kg.cli.serve import serve_command
from cph_kg.cli.store import load_command, store_group
from cph_kg.cli.validate import validate_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="cph-kg")
def main() -> None:
    """cph-kg: the legal knowledge graph of article R349-2 CASF and its cooperation agreements."""
    # An ill-formed typed literal (a date "2019-02-30") is a finding the validation reports in
    # legal terms; rdflib would also log it, with a traceback, each time it meets the literal.
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)


for command in (
    validate_command,
    load_command,
    query_command,
    queries_command,
    store_group,
    serve_command,
    codes_group,
    convert_command,
    convention_group,
):
    main.add_command(command)
