"""The shapes graph itself: well-formed SHACL, and every shape traces back to the law."""

from __future__ import annotations

import pyshacl
import pytest
from rdflib import RDF, SH, Graph, Literal, URIRef, Variable
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from cph_kg import resources
from cph_kg.namespaces import CPH


def test_shapes_conform_to_shacl_for_shacl(shapes_graph: Graph) -> None:
    """The W3C SHACL-for-SHACL shapes (shipped with pySHACL) accept the shapes graph."""
    conforms, _, text = pyshacl.validate(shapes_graph, shacl_graph=shapes_graph, meta_shacl=True)
    assert conforms, text


@pytest.fixture(scope="module")
def meta_report(shapes_graph: Graph, legal_graph: Graph) -> tuple[bool, Graph, str]:
    meta = Graph()
    for path in resources.meta_shapes_files():
        meta.parse(path)
    ontology = Graph()
    for path in resources.ontology_files():
        ontology.parse(path)
    # the ontology beside the data, not as ont_graph: see tests/test_reference_shapes.validate
    return pyshacl.validate(shapes_graph + legal_graph + ontology, shacl_graph=meta, advanced=True)


def test_every_shape_names_its_provision_and_speaks_french_and_english(meta_report) -> None:
    conforms, _, text = meta_report
    assert conforms, text


@pytest.mark.slow
def test_meta_shapes_reject_a_shape_without_provision(
    shapes_graph: Graph, legal_graph: Graph
) -> None:
    """The meta-shapes can fail: strip one shape's provision and message, and they say so."""
    broken = Graph() + shapes_graph
    shape = URIRef("https://w3id.org/cph-kg/shapes/r349-2#Convention-cpam-required")
    broken.remove((shape, CPH.provision, None))
    broken.remove((shape, SH.message, None))
    meta = Graph()
    for path in resources.meta_shapes_files():
        meta.parse(path)
    conforms, report, _ = pyshacl.validate(broken + legal_graph, shacl_graph=meta, advanced=True)
    assert not conforms
    failing = {
        (report.value(r, SH.focusNode), report.value(r, SH.resultPath))
        for r in report.objects(None, SH.result)
    }
    assert (shape, CPH.provision) in failing
    assert (shape, SH.message) in failing


def test_meta_shapes_reject_a_message_no_result_would_show(
    shapes_graph: Graph, legal_graph: Graph
) -> None:
    """A shape that only groups property shapes reports nothing itself: no message on it."""
    broken = Graph() + shapes_graph
    shape = URIRef("https://w3id.org/cph-kg/shapes/r349-2#Convention")
    assert (shape, SH.message, None) not in shapes_graph
    broken.add((shape, SH.message, Literal("La convention ne respecte pas R. 349-2.", lang="fr")))
    meta = Graph()
    for path in resources.meta_shapes_files():
        meta.parse(path)
    conforms, report, _ = pyshacl.validate(broken + legal_graph, shacl_graph=meta, advanced=True)
    assert not conforms
    assert {report.value(r, SH.focusNode) for r in report.objects(None, SH.result)} == {shape}


def test_meta_shapes_reject_a_severity_that_contradicts_the_text(
    shapes_graph: Graph, legal_graph: Graph
) -> None:
    """A warning for a strict obligation ('a pour objet') would soften the law: refused."""
    broken = Graph() + shapes_graph
    shape = URIRef("https://w3id.org/cph-kg/shapes/r349-2#Convention-object-meetings")
    broken.set((shape, SH.severity, SH.Warning))
    meta = Graph()
    for path in resources.meta_shapes_files():
        meta.parse(path)
    conforms, report, _ = pyshacl.validate(broken + legal_graph, shacl_graph=meta, advanced=True)
    assert not conforms
    assert {report.value(r, SH.focusNode) for r in report.objects(None, SH.result)} == {shape}


@pytest.mark.parametrize(
    ("name", "severity"),
    [("Convention-cpam-illustrative", SH.Violation), ("Convention-cpam-required", SH.Warning)],
)
def test_meta_shapes_reject_a_severity_the_reading_does_not_give(
    shapes_graph: Graph, legal_graph: Graph, name: str, severity: URIRef
) -> None:
    """A shape must apply the force its reading gives.

    Under the illustrative reading the named bodies are a warning, under the default a
    violation: a shape that swapped them would apply another reading than it says.
    """
    broken = Graph() + shapes_graph
    shape = URIRef(f"https://w3id.org/cph-kg/shapes/r349-2#{name}")
    broken.set((shape, SH.severity, severity))
    meta = Graph()
    for path in resources.meta_shapes_files():
        meta.parse(path)
    conforms, report, _ = pyshacl.validate(broken + legal_graph, shacl_graph=meta, advanced=True)
    assert not conforms
    assert {report.value(r, SH.focusNode) for r in report.objects(None, SH.result)} == {shape}


def test_every_obligation_is_expressed_by_a_shape(shapes_graph: Graph, legal_graph: Graph) -> None:
    obligations = set(legal_graph.subjects(RDF.type, CPH.Obligation))
    expressed = set(shapes_graph.objects(None, CPH.expresses))
    assert obligations == expressed


def test_every_clause_of_the_article_is_enforced(shapes_graph: Graph) -> None:
    """R349-2 I, II 1°, II 2° and III 1° to 4°, and L. 349-2 III, each have a legal shape."""
    enforced = {
        str(provision).rsplit("/law/casf/", 1)[-1]
        for shape, provision in shapes_graph.subject_objects(CPH.provision)
        if (shape, CPH.ruleKind, CPH.LegalRequirement) in shapes_graph
    }
    assert enforced == {
        "R349-2/I",
        "R349-2/II/1",
        "R349-2/II/2",
        "R349-2/III/1",
        "R349-2/III/2",
        "R349-2/III/3",
        "R349-2/III/4",
        "L349-2/III",
    }


def _constraint_algebras(shapes_graph: Graph) -> list[tuple[Node, CompValue]]:
    """Each SPARQL constraint's shape and the algebra rdflib makes of its query (one at least)."""
    declared = "".join(
        f"PREFIX {shapes_graph.value(d, SH.prefix)}: <{shapes_graph.value(d, SH.namespace)}>\n"
        for d in shapes_graph.objects(None, SH.declare)
    )
    algebras = []
    for shape, constraint in shapes_graph.subject_objects(SH.sparql):
        select = declared + str(shapes_graph.value(constraint, SH.select))
        algebras.append((shape, translateQuery(parseQuery(select)).algebra))
    assert algebras
    return algebras


def test_sparql_constraints_leave_their_messages_to_their_shape(shapes_graph: Graph) -> None:
    """A SPARQL constraint node carries no sh:message; the shape holding it does, in both languages.

    Jena 4.5 refuses a constraint with more than one message ("ShaclParseException: More than one
    match"), so the French and English messages sit on the shape, where every engine reads them.
    """
    constraints = list(shapes_graph.objects(None, SH.sparql))
    assert constraints
    for constraint in constraints:
        assert shapes_graph.value(constraint, SH.message) is None, constraint
        shape = next(shapes_graph.subjects(SH.sparql, constraint))
        languages = {m.language for m in shapes_graph.objects(shape, SH.message)}
        assert languages == {"fr", "en"}, shape


def _joins_evaluated_apart(node: object) -> list[str]:
    """The right sides of the joins rdflib evaluates on their own, then joins by nested loops.

    rdflib's SPARQL algebra marks a join lazy (each left solution bound into the right side)
    only when neither side holds another join; any other join evaluates its right side without
    the focus node bound, over the whole graph, for every focus node pySHACL visits.
    """
    found: list[str] = []
    if isinstance(node, CompValue):
        if node.name == "Join" and not node.get("lazy"):
            found.append(str(node.p2)[:200])
        for value in node.values():
            found += _joins_evaluated_apart(value)
    elif isinstance(node, list | tuple):
        for value in node:
            found += _joins_evaluated_apart(value)
    return found


def _expression_variables(node: object) -> set[Variable]:
    """The variables an expression mentions, leaving out the patterns of its EXISTS."""
    if isinstance(node, Variable):
        return {node}
    if isinstance(node, CompValue):
        if node.name in ("Builtin_EXISTS", "Builtin_NOTEXISTS"):
            return set()
        return set().union(*(_expression_variables(v) for k, v in node.items() if k != "_vars"))
    if isinstance(node, list | tuple):
        return set().union(*(_expression_variables(v) for v in node))
    return set()


def _pattern_variables(node: object) -> tuple[set[Variable], set[Variable]]:
    """The variables a pattern binds, and those its BINDs and FILTERs use without binding."""
    bound: set[Variable] = set()
    used: set[Variable] = set()
    if isinstance(node, CompValue):
        if node.name == "BGP":
            bound |= {
                term for triple in node.triples for term in triple if isinstance(term, Variable)
            }
        if node.name == "Extend":
            bound.add(node.var)
            used |= _expression_variables(node.expr)
        if node.name == "Filter":
            used |= _expression_variables(node.expr)
        for key, value in node.items():
            if key not in ("expr", "_vars"):
                inner_bound, inner_used = _pattern_variables(value)
                bound |= inner_bound
                used |= inner_used
    elif isinstance(node, list | tuple):
        for value in node:
            inner_bound, inner_used = _pattern_variables(value)
            bound |= inner_bound
            used |= inner_used
    return bound, used


def _required_triples(node: object) -> list[tuple]:
    """The triple patterns every solution of a pattern matches (not those of OPTIONAL or UNION)."""
    if not isinstance(node, CompValue):
        return []
    if node.name == "BGP":
        return list(node.triples)
    if node.name == "Join":
        return _required_triples(node.p1) + _required_triples(node.p2)
    if node.name in ("LeftJoin", "Minus"):
        return _required_triples(node.p1)
    if node.name in ("Filter", "Extend", "Project", "Distinct", "ToMultiSet"):
        return _required_triples(node.p)
    return []


def _optionals_evaluated_apart(node: object) -> list[str]:
    """The OPTIONAL groups Jena's ARQ evaluates on their own that do not start from $this.

    ARQ runs an OPTIONAL as an index join (each left solution substituted into the group,
    "conditional" in its plan) only when the group uses no variable it does not bind in an
    expression; a BIND such as ``IF(?d < "9999-12-31"^^xsd:date, ?d, ?noDate)`` (an unbound
    ?noDate for an ill-typed date) makes ARQ evaluate the group alone, over the whole graph, and
    join it after. Jena's SHACL substitutes the focus node for $this before planning, so such a
    group is harmless when it starts from $this, and costs the whole graph per focus node
    otherwise.
    """
    found: list[str] = []
    if isinstance(node, CompValue):
        if node.name == "LeftJoin":
            bound, used = _pattern_variables(node.p2)
            anchored = any(Variable("this") in triple for triple in _required_triples(node.p2))
            if used - bound and not anchored:
                found.append(str(node.p2)[:200])
        for key, value in node.items():
            if key != "_vars":
                found += _optionals_evaluated_apart(value)
    elif isinstance(node, list | tuple):
        for value in node:
            found += _optionals_evaluated_apart(value)
    return found


def test_sparql_constraints_bind_the_focus_node_into_every_pattern(shapes_graph: Graph) -> None:
    """No pattern of a SPARQL constraint is evaluated by rdflib over the whole graph.

    pySHACL runs each SPARQL constraint once per focus node; a pattern rdflib evaluates apart
    (a triple block after a UNION, OPTIONAL or BIND) costs the whole graph each time, so
    pySHACL's time grew with the square of the number of conventions. Such tests go into
    FILTER EXISTS, or before the group. Measured: benchmarks/README.md, "pySHACL shape by shape".
    """
    for shape, algebra in _constraint_algebras(shapes_graph):
        assert _joins_evaluated_apart(algebra) == [], shape


def test_sparql_constraints_leave_jena_no_optional_over_the_whole_graph(
    shapes_graph: Graph,
) -> None:
    """No OPTIONAL of a SPARQL constraint is evaluated by Jena over the whole graph per focus node.

    Two OPTIONAL groups of the centres' shapes held such a BIND and started from the centre's
    conventions, not from $this: Jena read every convention's dates for every centre, and its
    time grew with the square of the collection (12.8 s at 1,000 conventions, 379 s at 10,000).
    Measured: benchmarks/README.md, "Why Jena was quadratic".
    """
    for shape, algebra in _constraint_algebras(shapes_graph):
        assert _optionals_evaluated_apart(algebra) == [], shape


def test_the_jena_rule_finds_an_optional_over_the_whole_graph() -> None:
    """The rule above catches the pattern that made Jena quadratic, and allows it from $this."""

    def apart(group: str) -> list[str]:
        text = f"SELECT $this WHERE {{ $this <urn:day> ?day OPTIONAL {{ {group} }} }}"
        return _optionals_evaluated_apart(translateQuery(parseQuery(text)).algebra)

    dated = "?c <urn:date> ?d . BIND (IF(?d < 3, ?d, ?noDate) AS ?date)"
    assert apart(f"?c <urn:by> ?centre . OPTIONAL {{ {dated} }}")
    assert apart(f"?c <urn:by> $this . OPTIONAL {{ {dated} }}")
    assert not apart(f"?c <urn:by> $this . {dated}")
    assert not apart("?c <urn:by> ?centre . OPTIONAL { ?c <urn:date> ?d } BIND (?d AS ?date)")
