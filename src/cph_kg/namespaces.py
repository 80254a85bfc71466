"""Namespaces of cph-kg and of the vocabularies it reuses, and the slug of its IRI segments.

``CPH`` is a closed :class:`~rdflib.namespace.DefinedNamespace`: a misspelt term is an
``AttributeError`` at import time rather than a silently new IRI. The Oxigraph terms the code
reads and writes are made from these, once, in :mod:`cph_kg.vocab`.
"""

from __future__ import annotations

import re
import unicodedata

from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, PROV, RDFS, SH, SKOS, VOID, XSD, DefinedNamespace

ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
#: schema.org as the ontology writes it (domainIncludes, rangeIncludes); rdflib's SDO is https.
SCHEMA = Namespace("http://schema.org/")
#: Where every cph-kg IRI lives.
BASE = Namespace("https://w3id.org/cph-kg/")
LAW = Namespace(BASE + "law/")
R349_2 = LAW["casf/R349-2"]
L349_2 = LAW["casf/L349-2"]

#: Départements by INSEE code, conventions minted from an identifier, the bodies of the
#: reference data, the roles R. 349-2, I names, the shapes, the texts of the Journal officiel.
DEPARTEMENT = Namespace(BASE + "departement/")
CONVENTION = Namespace(BASE + "convention/")
ORGANISATION = Namespace(BASE + "org/")
NAMED_BODY = Namespace(BASE + "concept/named-body/")
SHAPE = Namespace(BASE + "shapes/r349-2#")
TEXT = Namespace(BASE + "text/")
#: The reference data's sources and records: its datasets, the DILA directory records of 2016
#: its bodies are grouped from, the kinds of France Travail direction, the role attributions.
DATASET = Namespace(BASE + "dataset/")
DILA_RECORD = Namespace(BASE + "source/dila-2016/")
DIRECTION_KIND = Namespace(BASE + "concept/france-travail-direction/")
#: The kinds of legal text (``eli:type_document``): loi, ordonnance, décret… as SKOS concepts.
RESOURCE_TYPE = Namespace(BASE + "concept/resource-type/")
ROLE_ATTRIBUTION = Namespace(BASE + "reference/role-attribution/")

#: The vocabularies the published dataset's description uses besides DCAT and VoID.
SPDX = Namespace("http://spdx.org/rdf/terms#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
#: The French language, as the Publications Office's authority table names it (ELI's advice
#: for ``eli:language``).
FRENCH = URIRef("http://publications.europa.eu/resource/authority/language/FRA")

GRAPH = BASE + "graph/"
#: Named graphs of the store, one per source.
ONTOLOGY_GRAPH = URIRef(GRAPH + "ontology")
SHAPES_GRAPH = URIRef(GRAPH + "shapes")
LEGAL_GRAPH = URIRef(GRAPH + "legal")
REFERENCE_GRAPH = URIRef(GRAPH + "reference")
CONVENTIONS_GRAPH = URIRef(GRAPH + "conventions")
VALIDATION_GRAPH = URIRef(GRAPH + "validation")

#: The IRI documents use to name the bundled context; it is resolved locally, never fetched.
CONTEXT_IRI = "https://w3id.org/cph-kg/context/convention.jsonld"

#: The ligatures of French that Unicode does not decompose.
_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


def slugify(text: str) -> str:
    """The IRI segment for a text: every IRI cph-kg mints from a name or identifier uses it.

    Accents and ligatures folded, lower case, every run of other characters one hyphen:
    "Hérault" → ``herault``, "Code de l’éducation" → ``code-de-l-education``, "Cœur" → ``coeur``.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES).casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


class CPH(DefinedNamespace):
    """The cph-kg ontology (``ontology/cph.ttl``)."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    ArticleVersion: URIRef
    SubdivisionVersion: URIRef
    Obligation: URIRef
    Mission: URIRef
    ConventionObject: URIRef
    CentreProvisoireHebergement: URIRef
    IntegrationActor: URIRef
    PublicEmploymentService: URIRef
    CaisseAllocationsFamiliales: URIRef
    CaissePrimaireAssuranceMaladie: URIRef
    ConventionDeCooperation: URIRef
    Departement: URIRef
    LegalRequirement: URIRef
    DataQuality: URIRef
    Strict: URIRef
    Indicative: URIRef
    Inferred: URIRef
    Attested: URIRef

    entryIntoForceCertainty: URIRef
    endOfForceCertainty: URIRef
    dateBasis: URIRef
    text: URIRef
    nota: URIRef
    ofArticleVersion: URIRef
    partOfText: URIRef
    citesInSomeVersion: URIRef
    provisionLabel: URIRef
    statedIn: URIRef
    requirementText: URIRef
    normativeForce: URIRef
    expresses: URIRef
    provision: URIRef
    concernsConvention: URIRef
    validatedConvention: URIRef
    evaluatedOn: URIRef
    appliedVersion: URIRef
    ruleKind: URIRef
    party: URIRef
    concludedBy: URIRef
    departement: URIRef
    dateOfConclusion: URIRef
    recallsMission: URIRef
    hasObject: URIRef
    presentIn: URIRef
    inseeCode: URIRef
    nameWithPreposition: URIRef
    region: URIRef
    CodeLevel: URIRef
    levelKind: URIRef
    Citation: URIRef
    citingArticle: URIRef
    citedResource: URIRef
    citationText: URIRef
    citedProvision: URIRef
    foundBy: URIRef
    Hyperlink: URIRef
    PlainText: URIRef
    corpus: URIRef
    readingApplied: URIRef
    Reading: URIRef
    defaultReading: URIRef
    reasoning: URIRef
    Assessment: URIRef
    assessment: URIRef
    assessed: URIRef
    verdict: URIRef
    assesses: URIRef
    Conforms: URIRef
    DoesNotConform: URIRef
    CannotBeAssessed: URIRef
    NotJudged: URIRef
    amends: URIRef
    addsParty: URIRef
    dateOfEffect: URIRef
    endDate: URIRef
    naming: URIRef
    namedBody: URIRef
    nameUsed: URIRef
    AccommodationCentre: URIRef
    AssociativeActor: URIRef
    AsylumSeekerAccommodation: URIRef
    Avenant: URIRef
    BeneficiaryRole: URIRef
    CentreAccueilDemandeursAsile: URIRef
    CitationMethod: URIRef
    CitationMethodScheme: URIRef
    Correspondence: URIRef
    DateCertainty: URIRef
    DateCertaintyScheme: URIRef
    DatedName: URIRef
    ForceAssignment: URIRef
    InstitutionalActor: URIRef
    NamedBodyRole: URIRef
    NormativeForce: URIRef
    NormativeForceScheme: URIRef
    PartyNaming: URIRef
    Permission: URIRef
    PrefetDeDepartement: URIRef
    ReferenceDataset: URIRef
    ReferenceDrift: URIRef
    Region: URIRef
    Renewal: URIRef
    RoleAttribution: URIRef
    RuleKind: URIRef
    RuleKindScheme: URIRef
    StateActor: URIRef
    Verdict: URIRef
    VerdictScheme: URIRef
    VersionedReference: URIRef
    actsAs: URIRef
    actualSubject: URIRef
    addsMission: URIRef
    addsObject: URIRef
    assigns: URIRef
    authority: URIRef
    basisNote: URIRef
    bearer: URIRef
    beneficiary: URIRef
    betterTarget: URIRef
    certainty: URIRef
    citedArticle: URIRef
    citingProvision: URIRef
    correspondsFrom: URIRef
    correspondsTo: URIRef
    datedName: URIRef
    duration: URIRef
    expectedSubject: URIRef
    grantsPermission: URIRef
    holder: URIRef
    impliesRole: URIRef
    legalBasis: URIRef
    manager: URIRef
    namedIn: URIRef
    permissionText: URIRef
    readsProvision: URIRef
    readsWords: URIRef
    referencedArticle: URIRef
    refersTo: URIRef
    removesMission: URIRef
    removesObject: URIRef
    removesParty: URIRef
    requires: URIRef
    requiresInstanceOf: URIRef
    sourceFile: URIRef
    role: URIRef
    roleAttribution: URIRef
    toObligation: URIRef
    underReading: URIRef
    validFrom: URIRef
    validUntil: URIRef
    versionedReference: URIRef
    wording: URIRef

    # Reference data: the bodies R349-2 I names, their roles and dated names.
    CaisseGeneraleSecuriteSociale: URIRef
    CaisseCommuneSecuriteSociale: URIRef
    CaisseSecuriteSocialeMayotte: URIRef
    UnidentifiedRoleHolder: URIRef
    DirectoryRecord: URIRef
    forDepartement: URIRef
    communeCode: URIRef
    siren: URIRef
    siret: URIRef
    safirCode: URIRef


#: The one prefix map: the name cph-kg gives each namespace wherever it abbreviates an IRI
#: (the Turtle validation report, query tables, the reference data, the dataset's description),
#: the names the project's files declare (``conv:`` for conventions, as the data and queries
#: write it). A writer takes the names it needs with :func:`prefixes`; the articles of a code
#: are abbreviated by the code's short name (``casf:R349-2``), which
#: :data:`cph_kg.codes.identifiers.CODE_PREFIXES` derives from ``LAW``.
#: ``tests/test_architecture.py`` keeps this the only map, and the files agreeing with it.
PREFIXES: dict[str, str] = {
    "cph": str(CPH),
    "conv": str(CONVENTION),
    "dep": str(DEPARTEMENT),
    "law": str(LAW),
    "r349": f"{R349_2}/",
    "shape": str(SHAPE),
    "text": str(TEXT),
    "role": str(NAMED_BODY),
    "caf": str(ORGANISATION["caf/"]),
    "cpam": str(ORGANISATION["cpam/"]),
    "cgss": str(ORGANISATION["cgss/"]),
    "ccss": str(ORGANISATION["ccss/"]),
    "cssm": str(ORGANISATION["cssm/"]),
    "ft": str(ORGANISATION["france-travail/"]),
    "ftdir": str(ORGANISATION["france-travail/direction/"]),
    "dila": str(DILA_RECORD),
    "dataset": str(DATASET),
    "attribution": str(ROLE_ATTRIBUTION),
    "org": str(ORG),
    "eli": str(ELI),
    "prov": str(PROV),
    "skos": str(SKOS),
    "dct": str(DCTERMS),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "sh": str(SH),
    "dcat": str(DCAT),
    "void": str(VOID),
    "spdx": str(SPDX),
    "sd": str(SD),
}


def prefixes(*names: str) -> dict[str, str]:
    """The entries of :data:`PREFIXES` for ``names``, in that order.

    Writers that declare every prefix they are given (Oxigraph's Turtle) take only those their
    output uses; a name not in the map is a ``KeyError``: a new prefix is added to the map.
    """
    return {name: PREFIXES[name] for name in names}
