"""What the hostile-input tests share: a store to fail against, a listener, the error checks.

Every case runs as a user runs cph-kg: ``validate FILE`` and ``load --location STORE FILE``
through :class:`click.testing.CliRunner`, a few as real subprocesses (``python -m cph_kg``).
"""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from cph_kg.cli import main
from cph_kg.knowledge_graph import KnowledgeGraph
from cph_kg.store.embedded import EmbeddedStore
from tests.helpers import CONFORMING, Counter, run_cph_kg

#: The environment every command runs in: never a remote endpoint.
ENV = {"CPH_KG_ENDPOINT": "", "CPH_KG_STORE": ""}


def run(*args: object) -> Result:
    """``cph-kg ARGS`` in this process."""
    return CliRunner(env=ENV).invoke(main, [str(a) for a in args])


def run_process(*args: object) -> subprocess.CompletedProcess[str]:
    """``python -m cph_kg ARGS`` in a process of its own."""
    return run_cph_kg(*args, env=ENV)


def command(name: str, path: Path, store: Path) -> list[object]:
    """The command line of ``validate`` or ``load`` for one file."""
    return ["validate", path] if name == "validate" else ["load", "--location", store, path]


def assert_one_line_error(
    exit_code: int, stdout: str, stderr: str, path: Path, line: int | None, problem: str
) -> None:
    """Exit 2, nothing on standard output, one line on standard error naming file, line, problem."""
    assert "Traceback" not in stdout + stderr, stderr
    assert exit_code == 2, (exit_code, stderr)
    assert stdout == "", stdout
    assert stderr.endswith("\n") and stderr.count("\n") == 1, stderr
    where = f"{path}:{line}: " if line is not None else f"{path}: "
    assert stderr.startswith(f"cph-kg: error: {where}"), stderr
    assert problem in stderr, stderr


def snapshot(store: Path) -> tuple[dict[str, int], str]:
    """Triples per named graph, and a digest of every quad: equal snapshots, equal stores."""
    dump = io.BytesIO()
    with KnowledgeGraph.open(store, create=False) as kg:
        sizes = kg.info()
        assert isinstance(kg.store, EmbeddedStore)
        kg.store.dump(dump, "nquads")
    quads = sorted(dump.getvalue().splitlines())
    return sizes, hashlib.sha256(b"\n".join(quads)).hexdigest()


@dataclass(frozen=True)
class Loaded:
    """A store holding the law and one convention, and its snapshot."""

    path: Path
    snapshot: tuple[dict[str, int], str]

    def copy(self, folder: Path) -> Path:
        """A copy of the store in ``folder``, for one test to load into."""
        copy = folder / "store"
        shutil.copytree(self.path, copy)
        return copy


@pytest.fixture(scope="session")
def loaded_store(tmp_path_factory: pytest.TempPathFactory) -> Loaded:
    """The loaded store, made once; tests load into copies and compare with its snapshot."""
    store = tmp_path_factory.mktemp("loaded") / "store"
    with KnowledgeGraph.open(store) as kg:
        kg.load([CONFORMING])
    return Loaded(store, snapshot(store))


@pytest.fixture(scope="session")
def listener() -> Iterator[Counter]:
    """One listener for the session; a test asserts no connection reached it."""
    server = Counter()
    yield server
    server.close()
