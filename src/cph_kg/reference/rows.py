"""The rows of the reference CSV files (DILA's extract, France Travail's directions).

One reader so that both files report a missing column, a bad encoding or a malformed row the
same way: one line naming the file (and the line where there is one).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

from cph_kg.errors import CphKgError


def csv_rows(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[int, dict[str, str]]]:
    """Each row of ``path`` with the line it ends on; the file must have ``columns``."""
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in columns if c not in (reader.fieldnames or ())]
            if missing:
                raise CphKgError(f"{path}:1: missing column(s) {', '.join(missing)}")
            for row in reader:
                yield reader.line_num, row
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise CphKgError(f"{path}: {error}") from error
