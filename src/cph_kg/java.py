"""The Java tools cph-kg runs as subprocesses: Apache Jena, the OWL API and HermiT.

Nothing is downloaded at run time: Jena and the OWL API are the jars ``apt-get install
libapache-jena-java libowlapi-java`` puts in ``/usr/share/java`` (``$CPH_KG_JAVA_DIR`` to look
elsewhere), and the class path names them one by one. HermiT, the OWL 2 DL reasoner, is not
packaged by Debian; the copy PyPI's ``owlready2`` ships (``owlready2/hermit/HermiT.jar``, HermiT
1.3.8 with its own OWL API) is used, run with ``java -jar``. A class path of
``/usr/share/java/*`` would not do: it holds two SLF4J bindings, and several versions of some
libraries.

Debian's Jena 4.5 also needs one repair. Its copy of Xerces (Jena's XSD datatypes) is compiled
in the package ``xerces`` but its message files sit under ``org/apache/jena/ext/xerces`` in
``jena-core.jar``; without them the first XSD datatype fails ("internal error") and Jena does not
start. :func:`jena_classpath` copies ``xerces/impl/msg/*.properties`` and
``xerces/impl/xpath/regex/message*.properties`` out of ``jena-core.jar`` into a folder it puts
first on the class path (once per jar, in the temporary directory).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

from cph_kg.errors import CphKgError

#: Jena's SHACL command (``shacl.shacl``) and what it loads, as Debian packages them.
JENA_JARS = (
    "jena-shacl", "jena-arq", "jena-core", "jena-base", "jena-iri", "jena-cmds", "jena-shex",
    "jena-rdfconnection", "jena-tdb", "jena-tdb2", "jena-dboe-base", "jena-dboe-index",
    "jena-dboe-storage", "jena-dboe-trans-data", "jena-dboe-transaction",
    "commons-cli", "commons-codec", "commons-compress", "commons-csv", "commons-io",
    "commons-lang3", "dexx.collection", "gson", "guava", "httpclient", "httpcore",
    "jackson-core", "jackson-databind", "jackson-annotations", "jsonld-java",
    "jakarta.json-api", "titanium-json-ld", "protobuf", "thrift", "slf4j-api", "slf4j-nop",
)  # fmt: skip
#: The OWL API 5 modules the profile checker needs (not ``owlapi-distribution``, whose service
#: files name parsers it cannot load) and their libraries.
OWLAPI_JARS = (
    "owlapi-api", "owlapi-impl", "owlapi-parsers", "owlapi-apibinding", "owlapi-tools",
    "guava", "caffeine", "commons-io", "commons-codec", "hppcrt", "jsr305",
    "atinject-jsr330-api", "commons-rdf-api", "jackson-core", "jackson-databind",
    "jackson-annotations", "xz", "slf4j-api", "slf4j-nop",
)  # fmt: skip

_PACKAGES = {"jena": "libapache-jena-java", "owlapi": "libowlapi-java"}
_XERCES_MESSAGES = "org/apache/jena/ext/xerces/"


class JavaUnavailable(CphKgError):
    """Java or the jars a tool needs are not installed; the message says what to install."""


def java_dir() -> Path:
    """Where the jars are looked for."""
    return Path(os.environ.get("CPH_KG_JAVA_DIR", "/usr/share/java"))


def java() -> str:
    """The ``java`` launcher (Java 11 or later runs a single ``.java`` file as a program)."""
    found = shutil.which("java")
    if found is None:
        raise JavaUnavailable("no `java` on PATH (Debian: apt-get install default-jre-headless)")
    return found


def _jars(names: tuple[str, ...], package: str) -> list[Path]:
    jars = [java_dir() / f"{name}.jar" for name in names]
    missing = [jar.name for jar in jars if not jar.is_file()]
    if missing:
        more = f" and {len(missing) - 2} more" if len(missing) > 2 else ""
        raise JavaUnavailable(
            f"{', '.join(missing[:2])}{more} not in {java_dir()} "
            f"(Debian: apt-get install {package})"
        )
    return jars


def owlapi_classpath() -> str:
    """The class path of the OWL API checker (``tools/java/OwlDlCheck.java``)."""
    return os.pathsep.join(map(str, _jars(OWLAPI_JARS, _PACKAGES["owlapi"])))


def hermit_jar() -> Path:
    """HermiT's jar, as the ``owlready2`` package installs it (a test dependency of cph-kg)."""
    spec = importlib.util.find_spec("owlready2")
    for folder in (spec.submodule_search_locations or []) if spec else []:
        jar = Path(folder) / "hermit" / "HermiT.jar"
        if jar.is_file():
            return jar
    raise JavaUnavailable("HermiT not found (pip install owlready2, which ships HermiT.jar)")


def jena_classpath() -> str:
    """The class path of Jena's command-line tools, the Xerces message files first."""
    jars = _jars(JENA_JARS, _PACKAGES["jena"])
    return os.pathsep.join(map(str, [xerces_messages(java_dir() / "jena-core.jar"), *jars]))


def xerces_messages(jena_core: Path) -> Path:
    """A folder holding Jena's Xerces message files where Debian's Jena looks for them.

    Made once for a given ``jena-core.jar`` (its size and time in the name), atomically, so
    concurrent runs never see half a folder.
    """
    status = jena_core.stat()
    folder = Path(tempfile.gettempdir()) / (
        f"cph-kg-jena-xerces-{os.getuid()}-{status.st_size}-{int(status.st_mtime)}"
    )
    if folder.is_dir():
        return folder
    scratch = Path(tempfile.mkdtemp(prefix=folder.name + ".", dir=folder.parent))
    with zipfile.ZipFile(jena_core) as jar:
        for name in jar.namelist():
            relative = name.removeprefix(_XERCES_MESSAGES)
            if relative != name and _is_message_file(relative):
                target = scratch / "xerces" / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(jar.read(name))
    try:
        scratch.rename(folder)
    except OSError:  # another process made it first
        shutil.rmtree(scratch, ignore_errors=True)
    return folder


def _is_message_file(relative: str) -> bool:
    return relative.endswith(".properties") and (
        relative.startswith("impl/msg/") or relative.startswith("impl/xpath/regex/message")
    )
