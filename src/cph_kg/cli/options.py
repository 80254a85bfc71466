"""Options shared by the commands that use a store, and the one-line error handling."""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any

import click

from cph_kg import interrupts
from cph_kg.errors import CphKgError
from cph_kg.knowledge_graph import ENV_ENDPOINT, ENV_STORE, KnowledgeGraph
from cph_kg.output_safety import printable, terminal_safe
from cph_kg.rdf.documents import FORMAT_NAMES
from cph_kg.store.remote import MAX_ANSWER_BYTES

EXIT_OK, EXIT_FAILED, EXIT_BAD_INPUT = 0, 1, 2


def fail(error: CphKgError) -> None:
    """Print a user-facing error as one line (nothing in it a terminal obeys) and exit with 2."""
    click.echo(f"cph-kg: error: {printable(str(error))}", err=True)
    sys.exit(EXIT_BAD_INPUT)


def user_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn :class:`CphKgError` raised by a command into one line on stderr and exit code 2."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except CphKgError as error:
            fail(error)

    return wrapper


def location(_ctx: click.Context, param: click.Parameter, value: str | None) -> Path | None:
    """``--location``: a folder's path; an empty one is refused (it would mean the current one)."""
    if value is None:
        return None
    if not value:
        raise click.BadParameter("is empty: name the store's folder", param=param)
    return Path(value)


def store_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--location`` for the embedded store, or ``--endpoint`` and credentials for a remote one."""
    decorators = [
        click.option(
            "--location",
            callback=location,
            envvar=ENV_STORE,
            help=f"Directory of the embedded store [env {ENV_STORE}; "
            "default ~/.local/share/cph-kg/store].",
        ),
        click.option(
            "--endpoint",
            envvar=ENV_ENDPOINT,
            metavar="URL",
            help="A SPARQL 1.1 query endpoint to use instead of the embedded store "
            f"[env {ENV_ENDPOINT}].",
        ),
        click.option(
            "--update-endpoint",
            metavar="URL",
            help="The endpoint's SPARQL Update URL (default: the query URL, …/query -> …/update).",
        ),
        click.option(
            "--user",
            envvar="CPH_KG_USER",
            help="HTTP basic-auth user for the endpoint [env CPH_KG_USER].",
        ),
        click.option(
            "--password",
            envvar="CPH_KG_PASSWORD",
            help="HTTP basic-auth password [env CPH_KG_PASSWORD; prefer it to the option].",
        ),
        click.option(
            "--max-answer-mb",
            type=click.FloatRange(min=0, min_open=True, max=64 * 1024),
            default=MAX_ANSWER_BYTES / 2**20,
            show_default=True,
            envvar="CPH_KG_MAX_ANSWER_MB",
            help="The largest answer read from the endpoint, in MiB (parsed, it takes about six "
            "times as much memory) [env CPH_KG_MAX_ANSWER_MB].",
        ),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def open_graph(
    location: Path | None,
    endpoint: str | None,
    update_endpoint: str | None,
    user: str | None,
    password: str | None,
    create: bool = True,
    read_only: bool = False,
    allow_service: bool = False,
    max_answer_mb: float = MAX_ANSWER_BYTES / 2**20,
) -> KnowledgeGraph:
    """The knowledge graph the store options designate (``read_only`` for reading commands)."""
    return KnowledgeGraph.open(
        location,
        endpoint=endpoint,
        update_endpoint=update_endpoint,
        user=user,
        password=password,
        create=create,
        read_only=read_only,
        allow_service=allow_service,
        max_answer_bytes=int(max_answer_mb * 2**20),
    )


#: ``--format`` of the commands that read convention files.
input_format_option = click.option(
    "--format",
    "forced_format",
    type=click.Choice(sorted(FORMAT_NAMES)),
    help="Syntax of the files (default: from each file's extension).",
)


@contextlib.contextmanager
def whole_file(output: Path | None) -> Iterator[IO[bytes]]:
    """Standard output, or what ``-o`` names, written without replacing what is not a file.

    A regular file (or a path where none is yet) appears whole: written aside, then renamed
    over it, keeping its permissions. A symbolic link is written through: the file it points
    to is replaced, the link stays. Anything else (a FIFO, a terminal, ``/dev/null``) is
    written to as it is, never replaced by a file; a directory is an error. Failing to write
    (no such folder, no space left, permission denied) is one line, and a partial file is
    removed.
    """
    if output is None:
        yield sys.stdout.buffer
        return
    target = output.resolve() if output.is_symlink() else output
    try:
        if target.exists() and not target.is_file():
            if target.is_dir():
                raise CphKgError(f"cannot write {shown_path(output)}: it is a directory")
            with target.open("wb") as handle:  # a FIFO, a device: streamed, never replaced
                yield handle
            return
        # a name of its own beside the target: never another file's, nor another writer's
        descriptor, name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".partial"
        )
        partial = Path(name)
        try:
            with os.fdopen(descriptor, "wb") as handle:
                yield handle
            if target.exists():
                shutil.copymode(target, partial)
            else:  # mkstemp made it private (0600); a new file gets the usual permissions
                umask = os.umask(0)
                os.umask(umask)
                partial.chmod(0o666 & ~umask)
            with interrupts.deferred():  # a Ctrl-C Python swallowed stops it before the rename
                partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise CphKgError(f"cannot write {shown_path(output)}: {reason}") from None


def shown_path(path: Path | str) -> str:
    """A path as an error line shows it: on one line, nothing a terminal obeys."""
    return printable(str(path))


class LegacyFile(click.ParamType):  # type: ignore[type-arg]
    """``-o/--output FORMAT``, which in a few commands once named a file.

    A value among the formats is the format; any other value, in a command where ``-o`` used
    to name the output file, is still read as that file, with a deprecation warning on
    standard error (``--out FILE`` is the new spelling). Elsewhere it is refused as click's
    Choice refuses it.
    """

    name = "format"

    def __init__(self, formats: tuple[str, ...] | list[str], was_file: bool) -> None:
        self.formats = tuple(formats)
        self.was_file = was_file

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        """``[table|csv|…]``, as click shows a Choice."""
        return "[" + "|".join(self.formats) + "]"

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[click.shell_completion.CompletionItem]:
        """The formats that start with what is typed."""
        return [
            click.shell_completion.CompletionItem(name)
            for name in self.formats
            if name.startswith(incomplete)
        ]

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> str | Path:
        """The format, or (deprecated) the file an old ``-o FILE`` named."""
        if isinstance(value, Path) or value in self.formats:
            return value
        if self.was_file and isinstance(value, str) and value:
            click.echo(
                f"cph-kg: warning: -o/--output now names a format ({', '.join(self.formats)}); "
                f"-o {printable(value)} is read as --out {printable(value)}, the spelling to "
                "use from now on",
                err=True,
            )
            return Path(value)
        self.fail(f"{value!r} is not one of {', '.join(map(repr, self.formats))}.", param, ctx)


def format_option(
    formats: tuple[str, ...] | list[str],
    help: str,
    default: str | None = None,
    was_file: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``-o/--output FORMAT``: the same meaning in every command (as in Jena's tools)."""
    return click.option(
        "--output",
        "-o",
        "output",
        type=LegacyFile(formats, was_file),
        default=default,
        show_default=default is not None,
        help=help,
    )


#: ``--out FILE`` of every command that writes something.
out_option = click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file, whole or not at all (default: standard output).",
)


raw_csv_option = click.option(
    "--raw-csv",
    is_flag=True,
    help="With -o csv, write every value as it is. By default a value a spreadsheet would run "
    "as a formula (starting with =, +, -, @) gets a leading ' (OWASP's CSV-injection rule).",
)


def split_output(output: str | Path | None, out: Path | None) -> tuple[str | None, Path | None]:
    """The format and the file, once a deprecated ``-o FILE`` is read as ``--out FILE``."""
    if isinstance(output, Path):
        if out is not None:
            raise CphKgError("-o names a format: give the file once, with --out FILE")
        return None, output
    return output, out


def write_text(text: str, out: Path | None) -> None:
    """``text`` to standard output, or to ``--out FILE`` whole (:func:`whole_file`).

    On a terminal, a value holding an escape sequence (a CSV cell, a Turtle literal) is shown
    as text (:func:`terminal_safe`); a file or a pipe gets the bytes as they are.
    """
    if out is None:
        click.echo(terminal_safe(text) if sys.stdout.isatty() else text, nl=False)
        return
    with whole_file(out) as handle:
        handle.write(text.encode("utf-8"))
