"""Where a LEGI import's reading time goes: JSON, HTML reduction, citation extraction.

For the LEGI code files of a folder (``package/data`` of the legi-2026 tarball, extracted), in
one process and in this order, each step timed alone over every article of every code:

1. the baseline: parsing the JSON files with orjson (what ``benchmarks.import_codes`` calls the
   baseline too);
2. reducing each article's ``texteHtml`` to paragraphs and links with Python's
   ``html.parser`` (``cph_kg.codes.legi.read_html_slowly``, the reading before lxml);
3. the same reduction as the import does it, lxml's HTML parser (libxml2) feeding the same
   ``cph_kg.codes.linked.Body`` (``read_html``), with the number of articles whose text or
   links differ from step 2;
4. the plain-text citation extraction (``cph_kg.codes.citations.extract``) on each text;
5. the reader's whole stream of records (``cph_kg.codes.importer.stream``), for scale.

Prints a Markdown table (seconds, ratio to the baseline)::

    python -m benchmarks.legi_reading DIR
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import orjson

from benchmarks.measure import machine
from cph_kg.codes.citations import extract
from cph_kg.codes.identifiers import code_for_legitext
from cph_kg.codes.importer import stream
from cph_kg.codes.legi import read_html, read_html_slowly

T = TypeVar("T")


def articles(nodes: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Every article node of a LEGI tree, depth first."""
    for node in nodes:
        if node.get("type") == "article":
            yield node["data"]
        yield from articles(node.get("children") or [])


def timed(step: Callable[[], T]) -> tuple[float, T]:
    """Seconds ``step`` took, and what it returned."""
    started = time.perf_counter()
    result = step()
    return time.perf_counter() - started, result


def main() -> None:
    """Time each step over the folder's codes and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a folder of LEGI code files")
    folder = parser.parse_args().folder
    files = sorted(folder.glob("LEGITEXT*.json"))

    baseline, trees = timed(lambda: [orjson.loads(path.read_bytes()) for path in files])
    pages: list[tuple[str, str]] = []  # (code, texteHtml)
    for tree in trees:
        known = code_for_legitext(str(tree["data"]["id"]))
        code = known.short if known else "?"
        pages.extend((code, str(a.get("texteHtml") or "")) for a in articles(tree["children"]))
    del trees

    rows: list[tuple[str, float, str]] = [("JSON parsed by orjson (baseline)", baseline, "")]
    seconds, other = timed(lambda: [read_html_slowly(html) for _, html in pages])
    rows.append(("HTML reduced, `html.parser` (`read_html_slowly`)", seconds, ""))
    seconds, bodies = timed(lambda: [read_html(html) for _, html in pages])
    differ = sum(
        a.text() != b.text() or a.links != b.links for a, b in zip(bodies, other, strict=True)
    )
    rows.append(("HTML reduced, lxml (`read_html`)", seconds, f"{differ} articles differ"))
    texts = [(code, body.text()) for (code, _), body in zip(pages, bodies, strict=True)]
    seconds, found = timed(lambda: [extract(text, code) for code, text in texts])
    count = sum(len(c) for c in found)
    rows.append(("plain-text citations (`extract`)", seconds, f"{count:,} citations"))
    seconds, records = timed(lambda: sum(1 for _ in stream([folder])))
    rows.append(("the reader's records (`stream`), whole", seconds, f"{records:,} records"))

    print(f"{len(pages):,} articles of {len(files)} codes; measured on {machine()}.\n")
    print("| step | seconds | × baseline | note |")
    print("|---|---:|---:|---|")
    for name, secs, note in rows:
        print(f"| {name} | {secs:.2f} | {secs / baseline:.1f}× | {note} |")


if __name__ == "__main__":
    main()
