"""The package's layers: each imports only from the layers below it, never upward.

The tree shows the architecture (README, "Layout"); this test keeps it true. Every import
counts, those inside functions too: a lazy import upward is still a dependency upward.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers import ROOT

PACKAGE = ROOT / "src" / "cph_kg"

#: From the top down; a module belongs to the first layer whose name starts its own. The
#: modules of one layer may import each other.
LAYERS = [
    ("cli", "__main__"),
    ("web",),
    ("publish",),
    ("knowledge_graph", "generic"),
    ("store",),
    ("validation",),
    ("sparql",),
    ("authoring",),
    ("codes", "reference"),
    ("rdf",),
    ("namespaces", "vocab", "errors", "limits", "resources", "output_safety", "java", "interrupts"),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The cph_kg modules ``path`` imports, as names relative to ``cph_kg``."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            elif node.module and (node.module == "cph_kg" or node.module.startswith("cph_kg.")):
                target = node.module.removeprefix("cph_kg").lstrip(".")
            else:
                continue
            found.update(f"{target}.{a.name}".lstrip(".") for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(
                a.name.removeprefix("cph_kg.") for a in node.names if a.name.startswith("cph_kg.")
            )
    return found


def layer(name: str) -> int | None:
    """The index of the layer ``name`` belongs to (None: the package's own __init__)."""
    for index, heads in enumerate(LAYERS):
        if any(name == head or name.startswith(head + ".") for head in heads):
            return index
    return None


def test_every_module_has_a_layer() -> None:
    names = [module_name(path) for path in PACKAGE.rglob("*.py")]
    assert [n for n in names if n and layer(n) is None] == []


def test_imports_point_down_only() -> None:
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = module_name(path)
        if not source:  # cph_kg/__init__.py: the public API re-exports from every layer
            continue
        for target in sorted(imports(path)):
            below = layer(target)
            if below is not None and below < layer(source):
                upward.append(f"{source} -> {target}")
    assert upward == []


def _declared_term(call: ast.Call) -> str | None:
    """The source of a fixed IRI ``call`` makes an Oxigraph term of, if it makes one.

    ``ox.NamedNode("http://…")``, ``ox.NamedNode(SH.result)`` and ``ox.NamedNode(str(CPH.x))``
    are fixed terms; ``ox.NamedNode(iri)`` of a variable is not.
    """
    func = call.func
    if not (isinstance(func, ast.Attribute) and func.attr == "NamedNode" and call.args):
        return None
    argument = call.args[0]
    if isinstance(argument, ast.Call) and ast.unparse(argument.func) == "str" and argument.args:
        argument = argument.args[0]
    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
        return ast.unparse(argument)
    if (
        isinstance(argument, ast.Attribute)
        and isinstance(argument.value, ast.Name)
        and argument.value.id.isupper()  # a namespace's term: SH.result, CPH.provision
    ):
        return ast.unparse(argument)
    return None


def test_vocabulary_terms_have_one_owner() -> None:
    """Only cph_kg.vocab makes Oxigraph terms of fixed IRIs: every other module imports them."""
    declared = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if module_name(path) == "vocab":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and (term := _declared_term(node)) is not None:
                declared.append(f"{module_name(path)}:{node.lineno} {term}")
    assert declared == []


#: What the stores take from rdflib itself: a remote endpoint's answers are read by rdflib's
#: Turtle and SPARQL JSON parsers, which accept what Virtuoso writes and Oxigraph's refuse
#: (README, "One term model inside, rdflib at the edges"). Graph names, the triples written and
#: every other term a store takes are Oxigraph's (``cph_kg.vocab``).
STORE_RDFLIB_IMPORTS = {"store.remote": {"rdflib.Graph", "rdflib.query.Result"}}


def rdflib_imports(path: Path) -> set[str]:
    """What ``path`` imports from rdflib, as ``module.name`` (or the module, for ``import``)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "rdflib":
            found.update(f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.split(".")[0] == "rdflib")
    return found


def test_the_stores_take_oxigraph_terms() -> None:
    """No store module imports rdflib but for the remote answers' parsers: no URIRef inside."""
    found = {
        module_name(path): names
        for path in sorted((PACKAGE / "store").rglob("*.py"))
        if (names := rdflib_imports(path))
    }
    assert found == STORE_RDFLIB_IMPORTS
