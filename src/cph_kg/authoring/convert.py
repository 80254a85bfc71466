"""Conventions converted between authoring formats and RDF syntaxes; a new convention's template.

Every conversion goes through RDF: the input is read as any other file (all its checks apply),
and the output is written from the graph, so a conversion never says more or less than the data.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from rdflib import RDF, Graph, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.term import Node

from cph_kg import resources
from cph_kg.authoring.bodies import Holder, RoleInDepartement, roles_in
from cph_kg.authoring.format import read_json, read_yaml, to_document
from cph_kg.authoring.spreadsheet import COLUMNS
from cph_kg.errors import CphKgError, InputError, shown
from cph_kg.namespaces import CONTEXT_IRI, CONVENTION, CPH, DEPARTEMENT, slugify
from cph_kg.output_safety import json_safe, rdf_safe, spreadsheet_cell

FORMATS = ("yaml", "json-ld", "csv", "turtle", "ntriples")


def described(graph: Graph, root: URIRef) -> Graph:
    """``root`` and every node of ``graph`` reachable from it through subjects of ``graph``.

    The avenants and renewals of a convention point to it (``cph:amends``): they are part of
    its description too.
    """
    avenants = [a for a in graph.subjects(CPH.amends, root) if a != root]
    found, todo, seen = Graph(), list[Node]([root, *avenants]), set[Node]([root, *avenants])
    while todo:
        node = todo.pop()
        for triple in graph.triples((node, None, None)):
            found.add(triple)
            value = triple[2]
            if value not in seen and (value, None, None) in graph:
                seen.add(value)
                todo.append(value)
    return found


def conventions_of(graph: Graph) -> list[URIRef]:
    """The conventions a graph describes, in IRI order."""
    return sorted(
        (c for c in graph.subjects(RDF.type, CPH.ConventionDeCooperation) if isinstance(c, URIRef)),
        key=str,
    )


def convert(graph: Graph, fmt: str, raw_csv: bool = False) -> str:
    """The conventions of ``graph`` written in ``fmt`` (one of :data:`FORMATS`).

    CSV is meant for spreadsheets: a cell that would run as a formula gets a leading ``'``
    (read back as it was) unless ``raw_csv``.
    """
    if fmt == "turtle":
        return rdf_safe(graph.serialize(format="turtle"))
    if fmt == "ntriples":
        return rdf_safe(graph.serialize(format="nt"))
    documents = [to_document(described(graph, c)) for c in conventions_of(graph)]
    if fmt == "csv":
        text = _csv(documents, raw_csv)  # refuses what a row has no column for
        _check_csv_iris(graph, documents)
        return text
    if len(documents) != 1:
        raise CphKgError(
            f"{fmt} holds one convention and the input has {len(documents)}: write csv or turtle"
        )
    elif fmt == "yaml":
        text = yaml.safe_dump(documents[0], allow_unicode=True, sort_keys=False)
    else:
        as_json = {"@context": CONTEXT_IRI, **documents[0]}
        text = (
            json_safe(json.dumps(as_json, ensure_ascii=False, indent=2, default=_json_value)) + "\n"
        )
    _check_read_back(graph, fmt, text)
    return text


def _check_csv_iris(graph: Graph, documents: list[dict[str, Any]]) -> None:
    """A CSV row has no IRI column: refuse a convention whose IRI a row would not give back."""
    for convention, document in zip(conventions_of(graph), documents, strict=True):
        identifier = str(document.get("identifier", ""))
        if str(convention) != CONVENTION + slugify(identifier):
            raise CphKgError(
                f"csv cannot hold {shown(str(convention))}: a row makes its convention's IRI from "
                f"its identifier ({shown(identifier)}); write yaml or turtle"
            )


#: How each authoring format is read back, and the file name its errors are reported under.
_READERS = {
    "yaml": (read_yaml, "converted.yaml"),
    "json-ld": (read_json, "converted.jsonld"),
}


def _check_read_back(graph: Graph, fmt: str, text: str) -> None:
    """Refuse, on one line, a conversion that would not read back as the graph it was made from.

    The authoring format holds less than RDF: it describes the organisations a convention
    names as its centre and signatories, not others, and its reader refuses a convention with
    a field missing or unknown, where the shapes would report it. Rather than write a file that says
    less than the input, or one that ``validate`` refuses, the conversion is refused and says
    what the format cannot hold; Turtle and N-Triples hold everything.
    """
    read, name = _READERS[fmt]
    try:
        back = read(Path(name), text)
    except InputError as error:
        raise CphKgError(
            f"{fmt} cannot hold this input as it is (read back, {error.problem}): "
            "write turtle or ntriples"
        ) from None
    if isomorphic(back, graph):
        return
    _, lost, added = graph_diff(to_isomorphic(graph), to_isomorphic(back))
    change = (
        f"{_n3(next(iter(lost)))} would be lost"
        if len(lost)
        else f"{_n3(next(iter(added)))} would be added"
    )
    raise CphKgError(f"{fmt} cannot hold this input as it is ({change}): write turtle or ntriples")


def _n3(triple: tuple[Node, Node, Node]) -> str:
    """A triple on one line, each term quoted and cut (a literal can be long)."""
    return " ".join(shown(term.n3(), 70) for term in triple)


def _json_value(value: object) -> str:
    """A date as JSON-LD writes it (an ill-formed one is already the text it was)."""
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def _csv(documents: list[dict[str, Any]], raw: bool = False) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, delimiter=";", lineterminator="\n")
    writer.writeheader()
    for document in documents:
        lifecycle = [key for key in ("effect", "end", "duration", "avenants") if key in document]
        if lifecycle:
            raise CphKgError(
                f"{document.get('identifier')}: {', '.join(lifecycle)} has no place in a CSV row;"
                " write yaml or turtle"
            )
        centre = document.get("centre")
        row = {
            "identifier": document.get("identifier", ""),
            "title": document.get("title", ""),
            "date": document["date"].isoformat() if isinstance(document.get("date"), date) else "",
            "departement": document.get("departement", ""),
            "centre": centre.get("id", "") if isinstance(centre, dict) else centre or "",
            "centre_name": centre.get("name", "") if isinstance(centre, dict) else "",
            "source": document.get("source", ""),
        }
        for key in ("signatories", "missions", "objects", "references"):
            values = document.get(key) or []
            if any(isinstance(value, dict) for value in values):
                raise CphKgError(
                    f"{document.get('identifier')}: an organisation described in {key} has no "
                    "place in a CSV row; write yaml or turtle"
                )
            row[key] = " ".join(sorted(values))
        writer.writerow(row if raw else {k: spreadsheet_cell(str(v)) for k, v in row.items()})
    return buffer.getvalue()


def template(departement: str, today: date) -> str:
    """A commented YAML convention, pre-filled with the bodies of ``departement`` (INSEE code).

    For each role R. 349-2, I names, the bodies present in the département that play it: all of
    them when there are several (any one satisfies the text), a comment when the sources
    identify none. France Travail's unit is ``ft:NN`` whatever the date (one organisation,
    renamed); the comment gives the name it bore on the template's date.
    """
    roles = roles_in(departement)
    departements = Graph()
    departements.parse(resources.root() / "data" / "reference" / "departements.ttl")
    departement_iri = DEPARTEMENT[departement]
    preposition = departements.value(departement_iri, CPH.nameWithPreposition)
    lines, codes = [], []
    for role in roles:
        lines += _role_comment(role, departement, today)
        for holder in role.holders:
            if holder.code not in codes:
                codes.append(holder.code)
    text = (resources.root() / "data" / "templates" / "convention.yaml").read_text("utf-8")
    return text.format(
        departement=departement,
        departement_name=str(preposition),
        today=today.isoformat(),
        bodies="\n".join(lines),
        signatories=f"[{', '.join(codes)}]",
    )


def _role_comment(role: RoleInDepartement, departement: str, today: date) -> list[str]:
    """The comment lines that present one role's bodies in the template."""
    head = f"#   {role.label}:"
    if not role.holders:
        reason = role.unknown or "the reference data has no body for this role here."
        return [head + " not identified by cph-kg's sources.", *_wrapped(reason, "#     ")]
    if len(role.holders) == 1:
        [holder] = role.holders
        return [f"{head} {holder.code} ({holder.name_on(today)}){_noted(holder)}"]
    lines = [
        f"{head} {len(role.holders)} bodies play this role here; any one of them satisfies the"
        " text:"
    ]
    for holder in role.holders:
        elsewhere = [code for code in holder.present_in if code != departement]
        where = f"; also present in {', '.join(elsewhere)}" if elsewhere else ""
        lines.append(f"#     {holder.code} ({holder.name_on(today)}{where}){_noted(holder)}")
    return lines


def _noted(holder: Holder) -> str:
    return " — role inferred, see its cph:roleAttribution" if holder.certainty == "Inferred" else ""


def _wrapped(text: str, prefix: str, width: int = 98) -> list[str]:
    lines, line = [], prefix
    for word in text.split():
        if len(line) + len(word) + 1 > width and line.strip() != prefix.strip():
            lines.append(line.rstrip())
            line = prefix
        line += word + " "
    return [*lines, line.rstrip()]
