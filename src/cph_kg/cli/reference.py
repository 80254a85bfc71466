"""``cph-kg reference build|excerpt``: rebuild the reference data from the official directories."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cph_kg.cli.options import user_errors
from cph_kg.reference.build import differences, reference_folder, render, write
from cph_kg.reference.legi import extract, write_excerpt
from cph_kg.reference.rules import read_rules


@click.group("reference")
def reference_group() -> None:
    """Rebuild the reference data (bodies of every département) from the directories."""


@reference_group.command("build")
@click.option(
    "--sources",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the directories and LEGI excerpt [default: data/reference/sources].",
)
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the Turtle files to [default: data/reference].",
)
@click.option(
    "--rules",
    "rules_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The grouping rules [default: data/reference/rules.toml].",
)
@click.option("--check", is_flag=True, help="Write nothing; exit 1 if the files differ.")
@user_errors
def build_command(
    sources: Path | None, output: Path | None, rules_path: Path | None, check: bool
) -> None:
    """Group DILA's service points into bodies and write data/reference/*.ttl.

    The same inputs give the same files, byte for byte. The files are written only when all of
    them are made; --check compares them with those of --output instead.
    """
    folder = reference_folder()
    output = output or folder
    summary = render(
        sources or folder / "sources",
        rules_path or folder / "rules.toml",
        folder / "departements.ttl",
    )
    kinds = ", ".join(f"{n} {kind}" for kind, n in sorted(summary.bodies.items()))
    click.echo(
        f"{sum(summary.bodies.values())} bodies ({kinds}), {summary.unknowns} unidentified "
        f"role holder(s), France Travail in {summary.units} départements",
        err=True,
    )
    if summary.units_without_direction:
        click.echo(
            "no 2024 territorial direction names départements "
            + ", ".join(summary.units_without_direction),
            err=True,
        )
    if summary.left_out:
        click.echo(
            "left out (outside the 101 départements): " + ", ".join(summary.left_out), err=True
        )
    if check:
        changed = differences(summary.files, output)
        for name in changed:
            click.echo(f"{output / name}: differs from what the build makes", err=True)
        sys.exit(1 if changed else 0)
    write(summary.files, output)
    for name in summary.files:
        click.echo(f"wrote {output / name}", err=True)


@reference_group.command("excerpt")
@click.argument("corpus", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write it [default: data/reference/sources/legi-2026-excerpt.json].",
)
@user_errors
def excerpt_command(corpus: Path, output: Path | None) -> None:
    """Extract the articles the rules cite from the legi-data tarball CORPUS.

    CORPUS is the npm package @socialgouv/legi-data as a .tgz (the legi-2026 corpus).
    """
    folder = reference_folder()
    rules = read_rules(folder / "rules.toml")
    excerpt = extract(corpus, rules.legi_codes, rules.legi_articles)
    target = output or folder / "sources" / rules.sources["legi"]
    write_excerpt(excerpt, target)
    click.echo(f"wrote {len(excerpt['articles'])} articles to {target}", err=True)
