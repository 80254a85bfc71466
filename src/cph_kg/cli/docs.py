"""``cph-kg docs OUT``: publish the knowledge graph's documentation, description and dumps."""

from __future__ import annotations

import tempfile
from pathlib import Path

import click

from cph_kg.cli.options import user_errors
from cph_kg.knowledge_graph import ENV_STORE, KnowledgeGraph, default_store_path


@click.command("docs")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--store",
    "from_store",
    is_flag=True,
    help="Publish the embedded store (conventions, reports, code graphs included) instead of "
    "the bundled knowledge graph (ontology, shapes, law, reference data).",
)
@click.option(
    "--location",
    type=click.Path(file_okay=False, path_type=Path),
    envvar=ENV_STORE,
    help=f"Directory of the embedded store, with --store [env {ENV_STORE}].",
)
@click.option(
    "--base-url",
    metavar="URL",
    help="Where OUT will be published; the dumps' IRIs in void.ttl start with it "
    "(default: OUT's file: URL).",
)
@click.option(
    "--endpoint-url", metavar="URL", help="A SPARQL endpoint serving the dataset, for void.ttl."
)
@user_errors
def docs_command(
    out: Path,
    from_store: bool,
    location: Path | None,
    base_url: str | None,
    endpoint_url: str | None,
) -> None:
    """Publish documentation, a VoID + DCAT description and versioned dumps into OUT.

    The documentation is of the ontology, the shapes and the named queries, in French and
    English; the dumps are N-Quads and Turtle, gzipped, with their SHA-256.
    """
    from cph_kg.publish.site import build

    if base_url and not base_url.endswith("/"):
        base_url += "/"
    if from_store:
        with KnowledgeGraph.open(location or default_store_path(), read_only=True) as kg:
            built = build(kg, out, base_url, endpoint_url)
    else:
        with (
            tempfile.TemporaryDirectory(prefix="cph-kg-docs-") as scratch,
            KnowledgeGraph.open(Path(scratch) / "store") as kg,
        ):
            kg.refresh_law()
            built = build(kg, out, base_url, endpoint_url)
    click.echo(
        f"wrote {built.folder}: {len(built.pages)} pages, {len(built.dumps)} dumps, "
        f"{built.triples:,} triples described",
        err=True,
    )
