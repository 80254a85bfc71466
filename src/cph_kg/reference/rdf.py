"""The reference data as RDF: bodies, France Travail, directory records, legal bases.

Every body carries what makes it a fact rather than an assertion: the dataset it comes from
(``dct:source``) and, in ``provenance/dila-2016-records.ttl``, the records it was grouped from
(``prov:wasDerivedFrom``) with their names and update dates; how sure its
delimitation is (``cph:certainty``) and the grouping decisions that shaped it
(``skos:editorialNote``), the articles that found it (``cph:legalBasis``), the départements it
is present in, and for each role of R. 349-2, I it plays a ``cph:RoleAttribution`` with basis,
certainty and reasoning. Blank nodes get labels derived from their subject so the Turtle
written is the same, byte for byte, on every run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta

from rdflib import RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from cph_kg.errors import CphKgError
from cph_kg.namespaces import (
    BASE,
    CPH,
    DEPARTEMENT,
    DILA_RECORD,
    DIRECTION_KIND,
    ELI,
    FRENCH,
    NAMED_BODY,
    ORG,
    prefixes,
)
from cph_kg.reference.dila import Body, Record
from cph_kg.reference.france_travail import Direction
from cph_kg.reference.legi import Article
from cph_kg.reference.rules import Attribution, Dataset, DatedName, Note, Rules, Text, Unknown
from cph_kg.reference.territory import Departement

#: The prefixes the reference files declare.
PREFIXES = prefixes(
    *("cph", "dep", "role", "caf", "cpam", "cgss", "ccss", "cssm", "ft", "ftdir", "dila"),
    *("law", "text", "dataset", "attribution", "org", "eli", "prov", "skos", "dct", "rdfs", "xsd"),
)
_DIRECTION_KINDS = {
    "DG": ("direction-generale", "direction générale", "directorate general"),
    "DR": ("direction-regionale", "direction régionale", "regional direction"),
    "DT": ("direction-territoriale", "direction territoriale", "territorial direction"),
}


def graph() -> Graph:
    """An empty graph with the prefixes the reference files use."""
    made = Graph()
    for prefix, namespace in PREFIXES.items():
        made.bind(prefix, Namespace(namespace), override=True, replace=True)
    return made


def fr(text: str) -> Literal:
    """French text."""
    return Literal(text, lang="fr")


def en(text: str) -> Literal:
    """English text."""
    return Literal(text, lang="en")


def day(text: str) -> Literal:
    """An ``xsd:date`` literal."""
    return Literal(text, datatype=XSD.date)


def iri(path: str) -> URIRef:
    """A project IRI from its path (``law/css/L211-1``)."""
    return BASE[path]


def _note(g: Graph, subject: URIRef | BNode, prop: URIRef, note: Note) -> None:
    g.add((subject, prop, fr(note.fr)))
    g.add((subject, prop, en(note.en)))


def _attribution(g: Graph, subject: URIRef, attribution: Attribution) -> None:
    """``subject`` plays the attribution's role; the attribution is described once."""
    node = iri(f"reference/role-attribution/{attribution.id}")
    g.add((subject, CPH.actsAs, NAMED_BODY[attribution.role]))
    g.add((subject, CPH.roleAttribution, node))
    if (node, RDF.type, CPH.RoleAttribution) in g:
        return
    g.add((node, RDF.type, CPH.RoleAttribution))
    g.add((node, CPH.role, NAMED_BODY[attribution.role]))
    g.add((node, CPH.certainty, CPH[attribution.certainty]))
    for basis in attribution.legal_basis:
        g.add((node, CPH.legalBasis, iri(basis)))
    _note(g, node, CPH.basisNote, attribution.note)


def _tag(subject: URIRef) -> str:
    return str(subject).removeprefix(str(BASE)).replace("/", "-")


@dataclass
class ReferenceGraphs:
    """The four files of ``data/reference/`` the build writes, by file name.

    The provenance (directory records, and which body each was grouped into) sits in a
    sub-folder: validation and the store load ``data/reference/*.ttl``, and judging a convention
    needs the bodies, not the 2,852 records they come from; every triple loaded is also one more
    for a reasoner run over the law (owlrl's OWL 2 RL closure grows faster than the graph).
    """

    bodies: Graph
    france_travail: Graph
    records: Graph
    legal_bases: Graph

    def files(self) -> dict[str, Graph]:
        """File name → graph."""
        return {
            "bodies.ttl": self.bodies,
            "france-travail.ttl": self.france_travail,
            "legal-bases.ttl": self.legal_bases,
            "provenance/dila-2016-records.ttl": self.records,
        }


class Writer:
    """Builds the graphs from the grouped bodies, the directions and the LEGI articles."""

    def __init__(
        self,
        rules: Rules,
        departements: dict[str, Departement],
        articles: dict[str, Article],
        corpus: str,
    ) -> None:
        self.rules = rules
        self.departements = departements
        self.articles = articles
        self.corpus = corpus
        self.graphs = ReferenceGraphs(graph(), graph(), graph(), graph())

    # Datasets -------------------------------------------------------------------------------

    def dataset(self, dataset: Dataset) -> URIRef:
        """A source dataset, described in the graph of the bodies."""
        g, node = self.graphs.bodies, iri(dataset.iri)
        g.add((node, RDF.type, PROV.Entity))
        g.add((node, DCTERMS.title, fr(dataset.title.fr)))
        g.add((node, DCTERMS.title, en(dataset.title.en)))
        g.add((node, DCTERMS.publisher, Literal(dataset.publisher)))
        g.add((node, DCTERMS.license, URIRef(dataset.license)))
        g.add((node, DCTERMS.bibliographicCitation, Literal(dataset.source)))
        if dataset.modified:
            g.add((node, DCTERMS.modified, day(dataset.modified)))
        return node

    def reference_dataset(self) -> None:
        """The reference data itself: what it holds and what it was derived from."""
        g, node = self.graphs.bodies, iri("dataset/bodies")
        g.add((node, RDF.type, CPH.ReferenceDataset))
        _note(g, node, DCTERMS.title, self.rules.notes["dataset_title"])
        _note(g, node, DCTERMS.description, self.rules.notes["dataset_description"])
        for dataset in self.rules.datasets.values():
            g.add((node, PROV.wasDerivedFrom, self.dataset(dataset)))

    # DILA records ----------------------------------------------------------------------------

    def record(self, record: Record) -> URIRef:
        """A DILA record, in the graph of the records."""
        g, node = self.graphs.records, DILA_RECORD[record.id]
        g.add((node, RDF.type, CPH.DirectoryRecord))
        g.add((node, DCTERMS.identifier, Literal(record.id)))
        g.add((node, RDFS.label, fr(record.name)))
        g.add((node, DCTERMS.modified, day(record.updated.isoformat())))
        g.add((node, CPH.communeCode, Literal(record.commune)))
        g.add((node, DCTERMS.isPartOf, iri(self.rules.datasets["dila"].iri)))
        return node

    # Bodies ----------------------------------------------------------------------------------

    def body_iri(self, body: Body, several: bool) -> URIRef:
        """``org/{kind}/{dep}``; ``org/{kind}/{dep}-{slug}`` where its département has several."""
        suffix = f"{body.home}-{body.slug}" if several else body.home
        return iri(f"org/{body.kind.key}/{suffix}")

    def bodies(self, bodies: list[Body]) -> None:
        """The grouped bodies, each under its IRI (:meth:`body_iri`)."""
        count: dict[tuple[str, str], int] = {}
        for body in bodies:
            count[body.kind.key, body.home] = count.get((body.kind.key, body.home), 0) + 1
        for body in bodies:
            self.body(self.body_iri(body, count[body.kind.key, body.home] > 1), body)

    def body(self, node: URIRef, body: Body) -> None:
        g = self.graphs.bodies
        kind = body.kind
        g.add((node, RDF.type, CPH[kind.cls]))
        g.add((node, SKOS.prefLabel, fr(body.label_fr)))
        g.add((node, RDFS.label, fr(body.label_fr)))
        g.add((node, RDFS.label, en(body.label_en)))
        if body.key.departement and not body.slug:
            where = self.departements[body.home].with_preposition
            g.add((node, SKOS.altLabel, fr(f"{kind.acronym} {where}")))
        for name in body.dila_names:
            if name != body.label_fr:
                g.add((node, SKOS.hiddenLabel, fr(name)))
        for code in body.presence:
            g.add((node, CPH.presentIn, DEPARTEMENT[code]))
        for basis in kind.legal_basis:
            g.add((node, CPH.legalBasis, iri(basis)))
        g.add((node, DCTERMS.source, iri(self.rules.datasets["dila"].iri)))
        g.add((node, CPH.certainty, CPH[body.certainty]))
        for note in body.notes:
            _note(g, node, SKOS.editorialNote, note)
        for record in body.records:
            self.graphs.records.add((node, PROV.wasDerivedFrom, self.record(record)))
        for attribution in kind.attributions_for(body.home):
            _attribution(g, node, attribution)

    def extra_bodies(self) -> None:
        """The bodies no DILA record shows (the CSSM), from the codes that name them."""
        g = self.graphs.bodies
        for body in self.rules.bodies:
            node = iri(body.iri)
            g.add((node, RDF.type, CPH[body.cls]))
            g.add((node, SKOS.prefLabel, fr(body.label_fr)))
            g.add((node, RDFS.label, fr(body.label_fr)))
            g.add((node, RDFS.label, en(body.label_en)))
            g.add((node, CPH.presentIn, DEPARTEMENT[body.departement]))
            for basis in body.legal_basis:
                g.add((node, CPH.legalBasis, iri(basis)))
            for source in body.sources:
                g.add((node, DCTERMS.source, iri(source)))
            g.add((node, CPH.certainty, CPH.Attested))
            _note(g, node, SKOS.editorialNote, body.note)
            for attribution in body.attributions:
                _attribution(g, node, attribution)

    def unknown(self, unknown: Unknown) -> None:
        """A role whose holder the sources do not identify."""
        g, node = self.graphs.bodies, iri(unknown.iri)
        g.add((node, RDF.type, CPH.UnidentifiedRoleHolder))
        g.add((node, RDFS.label, fr(unknown.label_fr)))
        g.add((node, RDFS.label, en(unknown.label_en)))
        g.add((node, CPH.role, NAMED_BODY[unknown.role]))
        g.add((node, CPH.forDepartement, DEPARTEMENT[unknown.departement]))
        for basis in unknown.legal_basis:
            g.add((node, CPH.legalBasis, iri(basis)))
        _note(g, node, CPH.basisNote, unknown.note)

    # France Travail --------------------------------------------------------------------------

    def _dated_name(
        self, subject: URIRef, name: DatedName, label: str, certainty: str, note: Note
    ) -> None:
        g = self.graphs.france_travail
        node = BNode(f"{_tag(subject)}-name-{name.start or name.end}")
        g.add((subject, CPH.datedName, node))
        g.add((node, RDF.type, CPH.DatedName))
        g.add((node, SKOS.prefLabel, fr(label)))
        if name.start:
            g.add((node, CPH.validFrom, day(name.start)))
        if name.end:
            g.add((node, CPH.validUntil, day(name.end)))
        g.add((node, CPH.certainty, CPH[certainty]))
        for basis in name.legal_basis:
            g.add((node, CPH.legalBasis, iri(basis)))
        _note(g, node, CPH.basisNote, note)

    def france_travail(
        self,
        directions: list[Direction],
        service_points: dict[str, list[Record]],
    ) -> None:
        """The institution, its directions, and its unit in each département."""
        rules = self.rules.france_travail
        g, node = self.graphs.france_travail, iri(rules.iri)
        current = rules.names[-1]
        general = next(d for d in directions if d.safir == rules.general_direction_safir)
        g.add((node, RDF.type, CPH.PublicEmploymentService))
        g.add((node, RDF.type, ORG.FormalOrganization))
        g.add((node, SKOS.prefLabel, fr(current.label)))
        g.add((node, RDFS.label, fr(current.label)))
        g.add((node, RDFS.label, en(current.label)))
        for former in rules.names[:-1]:
            g.add((node, SKOS.altLabel, fr(former.label)))
        g.add((node, CPH.siren, Literal(general.siren)))
        for basis in rules.legal_basis:
            g.add((node, CPH.legalBasis, iri(basis)))
        _note(g, node, SKOS.scopeNote, rules.note)
        g.add((node, DCTERMS.source, iri(self.rules.datasets["directions"].iri)))
        for name in rules.names:
            self._dated_name(node, name, name.label, name.certainty, name.note)

        made = {d.safir: self.direction(d, node) for d in directions}
        regional = {d.name: made[d.safir] for d in directions if d.kind == "DR"}
        for direction in directions:
            if direction.kind == "DT" and direction.region in regional:
                g.add((made[direction.safir], ORG.subOrganizationOf, regional[direction.region]))
        covering: dict[str, list[URIRef]] = {}
        for direction in directions:
            for code in direction.covers:
                covering.setdefault(code, []).append(made[direction.safir])
        for code, departement in self.departements.items():
            self.unit(node, departement, service_points.get(code, []), covering.get(code, []))

    def _unit_attribution(self) -> Attribution:
        """Why each unit plays the role R. 349-2, I gives "Pôle emploi"."""
        rules = self.rules.france_travail
        return Attribution(
            id="france-travail-unit",
            role="service-public-emploi",
            certainty=rules.role_certainty,
            legal_basis=rules.legal_basis,
            note=rules.unit_role_note,
        )

    def direction(self, direction: Direction, institution: URIRef) -> URIRef:
        """A direction of the 2024 referential, classified DG, DR or DT."""
        g = self.graphs.france_travail
        node = iri(f"org/france-travail/direction/{direction.safir}")
        slug, label_fr, label_en = _DIRECTION_KINDS[direction.kind]
        concept = DIRECTION_KIND[slug]
        g.add((concept, RDF.type, SKOS.Concept))
        g.add((concept, SKOS.prefLabel, fr(label_fr)))
        g.add((concept, SKOS.prefLabel, en(label_en)))
        g.add((concept, SKOS.inScheme, iri("concept/france-travail-direction")))
        g.add(
            (
                concept,
                SKOS.definition,
                fr(
                    f"Direction que le référentiel des directions de France Travail (2024) classe "
                    f"« {direction.kind} » : {label_fr}."
                ),
            )
        )
        g.add(
            (
                concept,
                SKOS.definition,
                en(
                    f"A direction France Travail's referential of directions (2024) classifies "
                    f'"{direction.kind}": {label_en}.'
                ),
            )
        )
        scheme = iri("concept/france-travail-direction")
        g.add((scheme, RDF.type, SKOS.ConceptScheme))
        g.add((scheme, SKOS.prefLabel, fr("Directions de France Travail")))
        g.add((scheme, SKOS.prefLabel, en("Directions of France Travail")))
        g.add(
            (
                scheme,
                SKOS.definition,
                fr(
                    "Les niveaux des directions de France Travail dans le référentiel de 2024 : "
                    "générale, régionales, territoriales."
                ),
            )
        )
        g.add(
            (
                scheme,
                SKOS.definition,
                en(
                    "The levels of France Travail's directions in its 2024 referential: the "
                    "directorate general, regional and territorial directions."
                ),
            )
        )
        g.add((node, RDF.type, ORG.OrganizationalUnit))
        g.add((node, SKOS.prefLabel, fr(direction.name)))
        g.add((node, RDFS.label, fr(direction.name)))
        g.add((node, ORG.classification, concept))
        g.add((node, ORG.unitOf, institution))
        g.add((node, CPH.safirCode, Literal(direction.safir)))
        # The SIRET and address are the establishment's where the direction sits (org:Site):
        # several directions share a SIRET, so it identifies no direction.
        site = BNode(f"{_tag(node)}-site")
        g.add((node, ORG.hasPrimarySite, site))
        g.add((site, RDF.type, ORG.Site))
        g.add((site, CPH.siret, Literal(direction.siret)))
        g.add((site, RDFS.label, fr(direction.address)))
        g.add((node, DCTERMS.source, iri(self.rules.datasets["directions"].iri)))
        if direction.kind == "DT" and not direction.covers:
            note = self.rules.notes["direction_names_none"]
            fields = {"region": direction.region, "address": direction.address}
            _note(g, node, SKOS.editorialNote, note.format(**fields))
        return node

    def unit(
        self,
        institution: URIRef,
        departement: Departement,
        records: list[Record],
        directions: list[URIRef],
    ) -> None:
        """France Travail in a département: its service points and the DT covering it."""
        rules = self.rules.france_travail
        g, node = self.graphs.france_travail, iri(f"org/france-travail/{departement.code}")
        current = rules.names[-1]
        g.add((node, RDF.type, CPH.PublicEmploymentService))
        g.add((node, RDF.type, ORG.OrganizationalUnit))
        g.add((node, ORG.unitOf, institution))
        label = f"{current.label} ({departement.name})"
        g.add((node, SKOS.prefLabel, fr(label)))
        g.add((node, RDFS.label, fr(label)))
        g.add((node, RDFS.label, en(label)))
        g.add((node, CPH.presentIn, departement.iri))
        for basis in rules.legal_basis:
            g.add((node, CPH.legalBasis, iri(basis)))
        for direction in directions:
            g.add((node, ORG.subOrganizationOf, direction))
        for name in rules.names:
            day_ = name.end or name.start or ""
            note = self.rules.notes["unit_name_until" if name.end else "unit_name_from"]
            dated = Note(
                note.fr.format(label=name.label, date=_french_date(day_)),
                note.en.format(label=name.label, date=_english_date(day_)),
            )
            label = f"{name.label} ({departement.name})"
            self._dated_name(node, name, label, "Inferred", dated)
        _attribution(g, node, self._unit_attribution())
        g.add((node, DCTERMS.source, iri(self.rules.datasets["dila"].iri)))
        if directions:
            g.add((node, DCTERMS.source, iri(self.rules.datasets["directions"].iri)))
        else:
            _note(g, node, SKOS.editorialNote, self.rules.notes["unit_without_direction"])
        for record in records:
            self.graphs.records.add((node, PROV.wasDerivedFrom, self.record(record)))

    # Legal bases -----------------------------------------------------------------------------

    def legal_bases(self, cited: Iterable[str]) -> None:
        """The articles (with their dated versions) and JO texts the data cites."""
        g = self.graphs.legal_bases
        source = iri(self.rules.datasets["legi"].iri)
        for code, legitext in sorted(self.rules.legi_codes.items()):
            node = iri(f"law/{code}")
            g.add((node, RDF.type, ELI.LegalResource))
            g.add((node, RDFS.label, fr(self.rules.legi_titles[code])))
            g.add((node, ELI.id_local, Literal(legitext)))
        for path, article in sorted(self.articles.items()):
            node = iri(path)
            g.add((node, RDF.type, ELI.LegalResource))
            g.add((node, ELI.number, Literal(article.number)))
            g.add((node, CPH.provisionLabel, Literal(_provision_label(article.number))))
            g.add((node, ELI.is_part_of, iri(f"law/{article.code}")))
            g.add((node, CPH.partOfText, iri(f"law/{article.code}")))
            for version in article.versions:
                member = iri(f"{path}/version/{version.start.isoformat()}")
                g.add((node, ELI.has_member, member))
                g.add((member, RDF.type, CPH.ArticleVersion))
                g.add((member, ELI.is_member_of, node))
                g.add((member, ELI.id_local, Literal(version.id)))
                g.add((member, ELI.first_date_entry_in_force, day(version.start.isoformat())))
                g.add((member, CPH.entryIntoForceCertainty, CPH.Attested))
                basis = f"Dates of version {version.id} in the LEGI base ({self.corpus})."
                if version.end is not None:
                    # ELI's date_no_longer_in_force is the last day in force, as everywhere in
                    # the legal data; LEGI's dateFin is the first day no longer in force.
                    last = version.end - timedelta(days=1)
                    g.add((member, ELI.date_no_longer_in_force, day(last.isoformat())))
                    g.add((member, CPH.endOfForceCertainty, CPH.Attested))
                    basis += (
                        f" LEGI's end, {version.end.isoformat()}, is the first day it is no longer"
                        f" in force: its last day in force is {last.isoformat()}."
                    )
                g.add((member, CPH.dateBasis, en(basis)))
                g.add((member, DCTERMS.source, source))
                if version.id == article.in_force:
                    # the words are the French expression's (ELI), not the work's
                    expression = URIRef(f"{member}/fr")
                    g.add((member, ELI.is_realized_by, expression))
                    g.add((expression, RDF.type, ELI.LegalExpression))
                    g.add((expression, ELI.realizes, member))
                    g.add((expression, ELI.language, FRENCH))
                    label = _provision_label(article.number)
                    g.add(
                        (
                            expression,
                            ELI.title,
                            fr(f"Article {label} (version du {version.start.isoformat()})"),
                        )
                    )
                    g.add((expression, CPH.text, fr(article.text)))
                    if article.note:
                        g.add((member, CPH.nota, fr(article.note)))
        for text in self.rules.texts:
            self.text(text)
        missing = {p for p in cited if p.startswith("law/")} - self._described()
        if missing:
            raise CphKgError(
                f"the rules cite {', '.join(sorted(missing))}, which the LEGI excerpt lacks"
            )

    def _described(self) -> set[str]:
        return {
            str(s).removeprefix(str(BASE))
            for s in self.graphs.legal_bases.subjects(RDF.type, None)
            if isinstance(s, URIRef)
        }

    def text(self, text: Text) -> None:
        """A JO text (and its cited articles), as far as the sources show it."""
        g, node = self.graphs.legal_bases, iri(text.iri)
        g.add((node, RDF.type, ELI.LegalResource))
        g.add((node, RDFS.label, fr(text.label_fr)))
        g.add((node, ELI.date_document, day(text.date_document)))
        if text.date_publication:
            g.add((node, ELI.date_publication, day(text.date_publication)))
        if text.jorftext:
            g.add((node, ELI.id_local, Literal(text.jorftext)))
        g.add((node, DCTERMS.source, iri(text.source)))
        for number in text.articles:
            article = iri(f"{text.iri}/article/{number}")
            g.add((article, RDF.type, ELI.LegalResource))
            g.add((article, ELI.number, Literal(number)))
            g.add((article, ELI.is_part_of, node))
            g.add((article, CPH.partOfText, node))
            g.add((article, RDFS.label, fr(f"{text.label_fr.split(' du ')[0]}, article {number}")))


_MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _french_date(text: str) -> str:
    """The French form of an ISO date: 2024-01-01 is "1er janvier 2024"."""
    year, month, dd = (int(part) for part in text.split("-"))
    return f"{'1er' if dd == 1 else dd} {_MONTHS_FR[month - 1]} {year}"


def _english_date(text: str) -> str:
    """The English form of an ISO date: 2024-01-01 is "1 January 2024"."""
    year, month, dd = (int(part) for part in text.split("-"))
    return f"{dd} {_MONTHS_EN[month - 1]} {year}"


def _provision_label(number: str) -> str:
    """The usual way of citing an article: L211-1 is "L. 211-1"."""
    letters = "".join(c for c in number if c.isalpha())
    return f"{letters}. {number[len(letters) :]}"
