"""Rebuild ``data/codes/legitext.tsv``: every code of Légifrance, by LEGITEXT id, from LEGI.

Reads ``package/data/index.json`` of the ``@socialgouv/legi-data`` package (the list of all
codes with their ids, Licence Ouverte) out of the tarball in ``../shared/corpora/legi-2026``
and writes one line per code id: ``id``, ``cid`` (the code's stable id: a code that changed its
LEGITEXT, such as the Code rural et de la pêche maritime, keeps the old one as ``cid``), state
and title, sorted by id. cph-kg reads this table to name the code of a link whose article is
not imported (``law/other/{slug of the title}/{number}``)::

    python scripts/build_legi_codes.py [--tarball PATH] [--output data/codes/legitext.tsv]
"""

from __future__ import annotations

import argparse
import json
import os
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: The shared folder beside the checkout, or where ``CPH_KG_SHARED`` says.
SHARED = Path(os.environ.get("CPH_KG_SHARED") or ROOT.parent / "shared")
TARBALL = SHARED / "corpora" / "legi-2026" / "socialgouv-legi-data-2.513.0.tgz"
MEMBER = "package/data/index.json"


def main() -> None:
    """Read the index out of the tarball and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, default=TARBALL)
    parser.add_argument("--output", type=Path, default=ROOT / "data" / "codes" / "legitext.tsv")
    args = parser.parse_args()
    with tarfile.open(args.tarball) as archive:
        member = archive.extractfile(MEMBER)
        if member is None:
            raise SystemExit(f"{args.tarball}: no {MEMBER}")
        codes = json.load(member)
    lines = ["id\tcid\tstate\ttitle"]
    for code in sorted(codes, key=lambda c: c["id"]):
        title = " ".join(code["titre"].split()).rstrip(".")
        lines.append(f"{code['id']}\t{code['cid']}\t{code['etat']}\t{title}")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{args.output}: {len(lines) - 1} codes")


if __name__ == "__main__":
    main()
