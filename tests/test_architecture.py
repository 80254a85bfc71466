"""The package's layers: each imports only from the layers below it, never upward.

The tree shows the architecture (README, "Layout"); this test keeps it true. Every import
counts, those inside functions too: a lazy import upward is still a dependency upward.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

from cph_kg.codes.identifiers import CODE_PREFIXES
from cph_kg.namespaces import PREFIXES
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


#: Where a module takes namespaces from: an upper-case name imported from these is one.
_NAMESPACE_MODULES = {"rdflib", "rdflib.namespace", "cph_kg.namespaces"}


def _namespace_names(tree: ast.AST) -> set[str]:
    """The names of namespaces in a module: imported from rdflib or cph-kg's, or made there."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in _NAMESPACE_MODULES:
            names.update(a.asname or a.name for a in node.names if a.name.isupper())
        elif (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and ast.unparse(node.value.func).endswith("Namespace")
        ):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def _names_a_namespace(value: ast.expr, namespaces: set[str]) -> bool:
    """Whether ``value`` is a namespace.

    That is an IRI ending in / or #, ``NS``, ``str(NS)``, ``NS[…]`` or ``f"{NS}…/"``.
    """
    if isinstance(value, ast.Call) and ast.unparse(value.func) == "str" and value.args:
        value = value.args[0]
    if isinstance(value, ast.Constant):
        text = value.value
        return isinstance(text, str) and re.fullmatch(r"(https?|urn):\S*[/#:]", text) is not None
    if isinstance(value, ast.JoinedStr):
        last = value.values[-1]
        ends = isinstance(last, ast.Constant) and str(last.value).endswith(("/", "#"))
        return ends and _names_a_namespace(value.values[0], namespaces)
    if isinstance(value, ast.FormattedValue):
        value = value.value
    while isinstance(value, (ast.Subscript, ast.Attribute)):
        value = value.value
    return isinstance(value, ast.Name) and value.id in namespaces


def _prefix_maps(tree: ast.AST) -> list[tuple[int, str]]:
    """Prefix maps written in a module.

    A dict of prefix names to namespaces, pairs of them (``(("void", VOID), ("sd", SD))``), a
    ``bind`` of a prefix name written out.
    """
    namespaces = _namespace_names(tree)

    def is_prefix(node: ast.expr | None) -> bool:
        return (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and re.fullmatch(r"[a-z][a-z0-9]*", node.value) is not None
        )

    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            # ``**other`` entries have no key: the entries written out make the map
            entries = [(k, v) for k, v in zip(node.keys, node.values, strict=True) if k]
            if len(entries) >= 2 and all(
                is_prefix(k) and _names_a_namespace(v, namespaces) for k, v in entries
            ):
                found.append((node.lineno, f"dict of {len(entries)} prefixes"))
        elif isinstance(node, (ast.Tuple, ast.List)) and len(node.elts) >= 2:
            pairs = [e.elts for e in node.elts if isinstance(e, ast.Tuple) and len(e.elts) == 2]
            if len(pairs) == len(node.elts) and all(
                is_prefix(name) and _names_a_namespace(namespace, namespaces)
                for name, namespace in pairs
            ):
                found.append((node.lineno, f"{len(pairs)} (prefix, namespace) pairs"))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "bind"
            and len(node.args) >= 2
            and is_prefix(node.args[0])
        ):
            found.append((node.lineno, f"bind of {ast.unparse(node.args[0])}"))
    return found


def test_one_prefix_map() -> None:
    """``namespaces.PREFIXES`` is cph-kg's only prefix map: every writer selects from it.

    Two maps had drifted apart (the Turtle report said ``convention:``, the tables ``conv:``);
    a map written again anywhere else fails here. The code prefixes are derived from ``LAW``
    and the list of codes (``codes.identifiers.CODE_PREFIXES``), not written out.
    """
    written = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if module_name(path) == "namespaces":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        written += [f"{module_name(path)}:{line} {what}" for line, what in _prefix_maps(tree)]
    assert written == []


def test_the_prefix_map_finds_a_second_map() -> None:
    """The check above would see the maps it replaced (so it can fail)."""
    imports = "from rdflib import SH, VOID\nfrom cph_kg.namespaces import CONVENTION, R349_2\n"
    written = [
        '{"sh": str(SH), "convention": str(CONVENTION), "r349": f"{R349_2}/"}',
        '{"ex": "http://example.org/", "void": VOID, **CODE_PREFIXES}',
        'graph.bind("void", VOID)',
        'for prefix, ns in (("void", VOID), ("sh", SH)): graph.bind(prefix, ns)',
    ]
    assert [len(_prefix_maps(ast.parse(imports + text))) for text in written] == [1, 1, 1, 1]
    not_maps = [
        '{"provision": str(f.iri), "label": f"{R349_2}/x"}',
        'for key, known in (("missions", MISSIONS), ("objects", OBJECTS)): pass',
        '{"link": f"{CONVENTION}Hyperlink", "text": f"{CONVENTION}PlainText"}',
    ]
    assert [_prefix_maps(ast.parse(imports + text)) for text in not_maps] == [[], [], []]


#: The project's files that declare prefixes (the vendored vocabularies keep their own).
_DECLARING = ["ontology/*.ttl", "shapes/**/*.ttl", "data/**/*.ttl", "queries/**/*.rq"]
_DECLARATION = re.compile(r"^\s*@?prefix\s+([A-Za-z][\w-]*)?:\s*<([^>]*)>", re.I | re.M)


def _declarations() -> list[tuple[str, str, str]]:
    """(file, prefix, namespace) for every prefix the project's files declare."""
    found = []
    files = [p for pattern in _DECLARING for p in ROOT.glob(pattern)]
    files += list(PACKAGE.rglob("*.rq"))
    for path in sorted(files):
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(ROOT))
        found += [(name, p or "", namespace) for p, namespace in _DECLARATION.findall(text)]
    context = ROOT / "data" / "context" / "convention.jsonld"
    for term, value in json.loads(context.read_text(encoding="utf-8"))["@context"].items():
        if isinstance(value, str) and value.endswith(("/", "#")):
            found.append((str(context.relative_to(ROOT)), term, value))
    return found


def test_files_name_each_namespace_as_the_prefix_map_does() -> None:
    """Data, queries, shapes and the JSON-LD context call a namespace of the map by its name."""
    whole = {**PREFIXES, **CODE_PREFIXES}
    assert len(whole) == len(PREFIXES) + len(CODE_PREFIXES)
    name_of = {namespace: prefix for prefix, namespace in whole.items()}
    assert len(name_of) == len(whole), "two prefixes of the map name one namespace"
    declarations = _declarations()
    assert sum(prefix == "conv" for _, prefix, _ in declarations) > 40  # it reads them
    wrong = [
        f"{file}: {prefix}: <{namespace}> (the map: {name_of[namespace]}:)"
        for file, prefix, namespace in declarations
        if namespace in name_of and prefix != name_of[namespace]
    ]
    assert wrong == []


def _layout_tree() -> set[str]:
    """The modules and packages README's "Layout" lists under ``src/cph_kg/``, as paths.

    The tree is indented two spaces a level; a name ending in ``/`` is a package, one ending in
    ``.py`` a module of the package above it.
    """
    block = (ROOT / "README.md").read_text(encoding="utf-8").split("## Layout", 1)[1]
    lines = block.split("```")[1].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("src/cph_kg/"))
    listed: set[str] = set()
    parents: list[str] = []
    for line in lines[start + 1 :]:
        if not line.startswith("  "):
            break
        name = line.split()[0]
        if not name.endswith(("/", ".py")):
            continue
        level = (len(line) - len(line.lstrip(" "))) // 2 - 1
        parents = parents[:level]
        path = "/".join([*parents, name.rstrip("/")])
        listed.add(path)
        if name.endswith("/"):
            parents.append(name.rstrip("/"))
    return listed


def test_readme_layout_is_the_tree() -> None:
    """Every module and package has its line in README's "Layout", and every line a module."""
    actual = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if path.name != "__init__.py" or path.parent == PACKAGE
    } | {str(path.parent.relative_to(PACKAGE)) for path in PACKAGE.rglob("*/__init__.py")}
    listed = _layout_tree()
    assert (sorted(actual - listed), sorted(listed - actual)) == ([], [])
