"""Namespaces of cph-kg and of the vocabularies it reuses.

``CPH`` is a closed :class:`~rdflib.namespace.DefinedNamespace`: a misspelt term is an
``AttributeError`` at import time rather than a silently new IRI.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ELI = Namespace("http://data.europa.eu/eli/ontology#")
ORG = Namespace("http://www.w3.org/ns/org#")
LAW = Namespace("https://w3id.org/cph-kg/law/")
R349_2 = URIRef("https://w3id.org/cph-kg/law/casf/R349-2")


class CPH(DefinedNamespace):
    """The cph-kg ontology (``ontology/cph.ttl``)."""

    _NS = Namespace("https://w3id.org/cph-kg/ontology#")
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
    renumberedAs: URIRef

    # Reference data: the bodies R349-2 I names, their roles and dated names.
    CaisseGeneraleSecuriteSociale: URIRef
    CaisseCommuneSecuriteSociale: URIRef
    CaisseSecuriteSocialeMayotte: URIRef
    ReferenceDataset: URIRef
    RoleAttribution: URIRef
    UnidentifiedRoleHolder: URIRef
    DatedName: URIRef
    DirectoryRecord: URIRef
    actsAs: URIRef
    roleAttribution: URIRef
    role: URIRef
    legalBasis: URIRef
    certainty: URIRef
    basisNote: URIRef
    forDepartement: URIRef
    datedName: URIRef
    validFrom: URIRef
    validUntil: URIRef
    communeCode: URIRef
    siren: URIRef
    siret: URIRef
    safirCode: URIRef
