"""Synthetic conventions de coopération for benchmarks and differential tests.

Each convention is modelled like ``data/conventions/conforming/gironde-2019.ttl``: a
``cph:ConventionDeCooperation`` with an identifier, a French title, a date of conclusion, a
département, the centre provisoire d'hébergement (CPH) that concludes it, the CAF, the CPAM and
the public employment operator of its département as parties (France Travail's unit, named
"Pôle emploi" before 1 January 2024 and "France Travail" from that day, as a real convention
names the body of its day), both missions of R349-2 II, the four objects of R349-2 III, and the
articles it cites (R. 311-24 of the CESEDA before 1 May 2021, R. 413-8 from that day).

A share of the conventions (30 % by default) is faulty: each of those has exactly one fault,
drawn uniformly from :data:`FAULTS`, so that every clause of R349-2 is broken somewhere and
every shape has something to report at every size.

Bodies: the five départements of ``data/reference/bodies.ttl`` use its real bodies (same IRIs,
not redeclared); for the others the generator declares bodies with the same classes, roles and
IRI patterns (a CAF, a CPAM, a unit of France Travail), synthetic stand-ins for a directory.

The output depends only on ``n``, ``seed`` and ``faulty_share`` (one ``random.Random(seed)``,
drawn in a fixed order), so two runs of a benchmark read the same triples::

    python -m tests.generate 1000 --seed 1 > conventions.nt
    python -m tests.generate 1000 --format turtle --output conventions.ttl
    python -m tests.generate 100 --format yaml --output conventions/
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta
from pathlib import Path

BASE = "https://w3id.org/cph-kg/"
CPH = BASE + "ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
DCT = "http://purl.org/dc/terms/"
SKOS_PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
ORG = "http://www.w3.org/ns/org#"
FRANCE_TRAVAIL = BASE + "org/france-travail"
ROLE = BASE + "concept/named-body/"

#: The 101 départements by INSEE code (Corsica is 2A and 2B; there is no 20 and no 975).
DEPARTEMENTS: tuple[str, ...] = (
    *(f"{code:02d}" for code in range(1, 20)),
    "2A",
    "2B",
    *(f"{code:02d}" for code in range(21, 96)),
    "971",
    "972",
    "973",
    "974",
    "976",
)
#: Départements whose bodies the bundled reference data declares (data/reference/bodies.ttl).
REFERENCE_DEPARTEMENTS = ("13", "33", "44", "67", "69")

#: R349-2 applies from 5 March 2016 (the day after décret n° 2016-253 was published); the last
#: date is the data's horizon.
FIRST_DATE = date(2016, 3, 5)
LAST_DATE = date(2026, 11, 1)
#: R349-2 II 2° cites R. 413-8 instead of R. 311-24 from 1 May 2021; Pôle emploi is named
#: France Travail from 1 January 2024.
RECODIFIED = date(2021, 5, 1)
FRANCE_TRAVAIL_DAY = date(2024, 1, 1)

MISSIONS = ("information-sensibilisation", "acces-formation-linguistique")
OBJECTS = (
    "role-des-acteurs",
    "rencontres-regulieres",
    "mission-de-conseil",
    "accompagnement-ponctuel",
)
BODIES = ("employment", "caf", "cpam")

#: The faults a faulty convention may have, each with the provision (or check) it breaks.
FAULTS: dict[str, str] = {
    "no-centre": "R349-2 I: concluded by a CPH",
    "party-outside-departement": "R349-2 I: the CAF of another département (violation, info)",
    "without-employment-service": "R349-2 I: notamment Pôle emploi (violation, default reading)",
    "without-caf": "R349-2 I: notamment la CAF (violation, default reading)",
    "without-cpam": "R349-2 I: notamment la CPAM (violation, default reading)",
    "superseded-body": "data quality: named Pôle emploi after 1 January 2024 (warning)",
    "without-mission-information": "R349-2 II 1°",
    "without-mission-language-training": "R349-2 II 2°",
    "outdated-reference": "R349-2 II 2°: R. 311-24 cited after 1 May 2021 (warning)",
    "without-object-roles": "R349-2 III 1°",
    "without-object-meetings": "R349-2 III 2°",
    "without-object-advice": "R349-2 III 3°",
    "without-object-support": "R349-2 III 4°",
    "no-identifier": "data quality: identifier",
    "ill-formed-date": "data quality: date of conclusion",
}
FAULTY_SHARE = 0.3
#: The faults a YAML authoring document can hold: reading one refuses a document without
#: identifier, date or centre (an input error, before any validation).
YAML_FAULTS = tuple(
    fault for fault in FAULTS if fault not in ("no-identifier", "ill-formed-date", "no-centre")
)
_DROPPED = {
    "without-employment-service": "employment",
    "without-caf": "caf",
    "without-cpam": "cpam",
    "without-mission-information": "information-sensibilisation",
    "without-mission-language-training": "acces-formation-linguistique",
    "without-object-roles": "role-des-acteurs",
    "without-object-meetings": "rencontres-regulieres",
    "without-object-advice": "mission-de-conseil",
    "without-object-support": "accompagnement-ponctuel",
}

CENTRE_NAMES = (
    "Les Tilleuls",
    "Les Cèdres",
    "L'Escale",
    "Le Phare",
    "La Passerelle",
    "Les Glycines",
    "L'Horizon",
    "Le Relais",
)
_BODY_CLASSES = {
    "caf": "CaisseAllocationsFamiliales",
    "cpam": "CaissePrimaireAssuranceMaladie",
    "france-travail": "PublicEmploymentService",
}
_BODY_NAMES = {
    "caf": "Caisse d'allocations familiales",
    "cpam": "Caisse primaire d'assurance maladie",
    "france-travail": "France Travail",
}
_BODY_ROLES = {
    "caf": "caisse-allocations-familiales",
    "cpam": "caisse-primaire-assurance-maladie",
    "france-travail": "service-public-emploi",
}


def convention_iri(index: int) -> str:
    """The IRI of the ``index``-th generated convention (0-based); it exists for every n > index."""
    return f"{BASE}convention/synthetic-{index:06d}"


def centre_iri(index: int) -> str:
    """The IRI of the centre that concludes the ``index``-th convention."""
    return f"{BASE}org/cph/synthetic-{index:06d}"


def departement_iri(code: str) -> str:
    """The IRI of a département, as in ``data/reference/departements.ttl``."""
    return f"{BASE}departement/{code}"


def body_iri(body: str, code: str) -> str:
    """The IRI of a body (``caf``, ``cpam``, ``france-travail``) in ``code``."""
    return f"{BASE}org/{body}/{code}"


def _literal(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    )
    return f'"{escaped}"'


def _triple(subject: str, predicate: str, obj: str) -> str:
    """One N-Triples line; ``obj`` is an IRI unless it is already a serialised literal."""
    rendered = obj if obj.startswith('"') else f"<{obj}>"
    return f"<{subject}> <{predicate}> {rendered} .\n"


def _day(rng: random.Random, first: date = FIRST_DATE) -> date:
    return first + timedelta(days=rng.randrange((LAST_DATE - first).days + 1))


def _convention(
    index: int,
    rng: random.Random,
    faulty_share: float,
    departements: tuple[str, ...],
    faults: tuple[str, ...],
) -> tuple[set[str], list[str]]:
    """The départements whose bodies it names, and the triples of a convention and its centre."""
    code = rng.choice(departements)
    fault = rng.choice(faults) if rng.random() < faulty_share else None
    # the faults that depend on the day draw it from the days they can happen on
    first = {"outdated-reference": RECODIFIED, "superseded-body": FRANCE_TRAVAIL_DAY}
    concluded = _day(rng, first.get(fault or "", FIRST_DATE))
    centre_name = f"{rng.choice(CENTRE_NAMES)} n° {index + 1}"
    elsewhere = rng.choice([c for c in departements if c != code])

    convention, centre = convention_iri(index), centre_iri(index)
    departement = departement_iri(code)
    lexical = concluded.isoformat()
    if fault == "ill-formed-date":
        lexical = f"{concluded.year}-02-30"
    title = (
        f"Convention de coopération entre le centre provisoire d'hébergement {centre_name} "
        f"et les acteurs de l'intégration du département {code}"
    )
    triples = [
        _triple(convention, RDF_TYPE, CPH + "ConventionDeCooperation"),
        _triple(convention, DCT + "title", _literal(title) + "@fr"),
        _triple(convention, CPH + "dateOfConclusion", f"{_literal(lexical)}^^<{XSD_DATE}>"),
        _triple(convention, CPH + "departement", departement),
    ]
    if fault != "no-identifier":
        triples.append(_triple(convention, DCT + "identifier", _literal(f"SYN-{index + 1:06d}")))
    if fault != "no-centre":
        triples.append(_triple(convention, CPH + "concludedBy", centre))
    name = "Pôle emploi" if concluded < FRANCE_TRAVAIL_DAY else "France Travail"
    if fault == "superseded-body":
        name = "Pôle emploi"
    parties = {
        "employment": body_iri("france-travail", code),
        "caf": body_iri("caf", code),
        "cpam": body_iri("cpam", code),
    }
    if fault == "party-outside-departement":
        parties["caf"] = body_iri("caf", elsewhere)
    dropped = _DROPPED.get(fault or "")
    triples += [
        _triple(convention, CPH + "party", iri) for body, iri in parties.items() if body != dropped
    ]
    if dropped != "employment":  # how the convention names the operator: one body, dated names
        naming = f"_:naming{index}"
        triples += [
            f"<{convention}> <{CPH}naming> {naming} .\n",
            f"{naming} <{RDF_TYPE}> <{CPH}PartyNaming> .\n",
            f"{naming} <{CPH}namedBody> <{parties['employment']}> .\n",
            f"{naming} <{CPH}nameUsed> {_literal(name)}@fr .\n",
        ]
    triples += [
        _triple(convention, CPH + "recallsMission", f"{BASE}concept/mission/{mission}")
        for mission in MISSIONS
        if mission != dropped
    ]
    triples += [
        _triple(convention, CPH + "hasObject", f"{BASE}concept/object/{name}")
        for name in OBJECTS
        if name != dropped
    ]
    language = "R311-24" if concluded < RECODIFIED or fault == "outdated-reference" else "R413-8"
    triples += [
        _triple(convention, CPH + "refersTo", f"{BASE}law/{article}")
        for article in ("casf/R349-2", "casf/L349-2", f"ceseda/{language}")
    ]
    # A convention that lacks its centre still has one in the data: a centre that concludes no
    # convention, which is what ``centres-without-convention`` looks for.
    centre_label = _literal(f"Centre provisoire d'hébergement {centre_name}") + "@fr"
    triples += [
        _triple(centre, RDF_TYPE, CPH + "CentreProvisoireHebergement"),
        _triple(centre, SKOS_PREF_LABEL, centre_label),
        _triple(centre, CPH + "presentIn", departement),
    ]
    named = {code, elsewhere} if fault == "party-outside-departement" else {code}
    return named, triples


def _bodies(code: str) -> list[str]:
    """The bodies of a département the reference data lacks, declared like bodies.ttl does."""
    triples = []
    for body in ("caf", "cpam", "france-travail"):
        iri = body_iri(body, code)
        triples.append(_triple(iri, RDF_TYPE, CPH + _BODY_CLASSES[body]))
        label = f"{_BODY_NAMES[body]} (département {code})"
        triples += [
            _triple(iri, SKOS_PREF_LABEL, _literal(label) + "@fr"),
            _triple(iri, CPH + "presentIn", departement_iri(code)),
            _triple(iri, CPH + "actsAs", ROLE + _BODY_ROLES[body]),
        ]
    triples += [
        _triple(body_iri("france-travail", code), RDF_TYPE, ORG + "OrganizationalUnit"),
        _triple(body_iri("france-travail", code), ORG + "unitOf", FRANCE_TRAVAIL),
    ]
    return triples


def generate(
    n: int,
    seed: int = 1,
    faulty_share: float = FAULTY_SHARE,
    departements: tuple[str, ...] = DEPARTEMENTS,
    faults: tuple[str, ...] = tuple(FAULTS),
) -> str:
    """``n`` synthetic conventions, their centres and the bodies they name, as N-Triples.

    ``departements`` are those the conventions are drawn in (all 101 by default), ``faults``
    those a faulty convention draws its fault from (all of :data:`FAULTS` by default).
    """
    if n < 0:
        raise ValueError("n must be zero or more")
    if not 0 <= faulty_share <= 1:
        raise ValueError("the faulty share is between 0 and 1")
    rng = random.Random(seed)
    lines: list[str] = []
    used: set[str] = set()
    for index in range(n):
        named, triples = _convention(index, rng, faulty_share, departements, faults)
        used |= named
        lines += triples
    for code in DEPARTEMENTS:
        if code in used and code not in REFERENCE_DEPARTEMENTS:
            lines += _bodies(code)
    return "".join(lines)


#: How the CSV bulk format names missions and objects (by provision).
CSV_MISSIONS = ("II-1", "II-2")
CSV_OBJECTS = ("III-1", "III-2", "III-3", "III-4")


def generate_csv(n: int, seed: int = 1) -> str:
    """N conventions in the CSV bulk format (``;``, French dates), about 30 % of them faulty.

    A CSV names bodies by département code, so the conventions stay within the five
    départements whose bodies the reference data declares; a faulty row lacks one named body,
    one mission or one object.
    """
    rng = random.Random(seed)
    header = (
        "identifier;title;date;departement;centre;centre_name;signatories;missions;"
        "objects;references;source"
    )
    rows = [header]
    first, span = date(2016, 3, 5), (date(2026, 11, 1) - date(2016, 3, 5)).days
    for index in range(1, n + 1):
        code = rng.choice(REFERENCE_DEPARTEMENTS)
        day = first + timedelta(days=rng.randrange(span))
        employment = "ft" if day >= date(2024, 1, 1) else "pe"
        bodies = [f"{employment}:{code}", f"caf:{code}", f"cpam:{code}"]
        missions, objects = list(CSV_MISSIONS), list(CSV_OBJECTS)
        if rng.random() < 0.3:
            faulty = rng.choice((bodies, missions, objects))
            faulty.remove(rng.choice(faulty))
        rows.append(
            ";".join(
                (
                    f"CSV-{index:06d}",
                    f"Convention de coopération n° {index}",
                    day.strftime("%d/%m/%Y"),
                    code,
                    f"csv-centre-{index:06d}",
                    f"Centre provisoire d'hébergement n° {index}",
                    " ".join(bodies),
                    " ".join(missions),
                    " ".join(objects),
                    "casf:R349-2",
                    f"convention-{index:06d}.pdf, p. 1",
                )
            )
        )
    return "\n".join(rows) + "\n"


#: Prefixes of the Turtle output.
PREFIXES = {
    "cph": CPH,
    "dct": DCT,
    "org": ORG,
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "convention": BASE + "convention/",
    "mission": BASE + "concept/mission/",
    "object": BASE + "concept/object/",
    "dep": BASE + "departement/",
}
OUTPUT_FORMATS = ("ntriples", "turtle", "csv", "yaml")


def to_turtle(ntriples: str) -> str:
    """The same triples as Turtle, grouped by subject, with the prefixes above."""
    import pyoxigraph as ox  # only the Turtle output needs it

    parsed = ox.parse(ntriples.encode("utf-8"), ox.RdfFormat.N_TRIPLES)
    return ox.serialize(parsed, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES).decode("utf-8")


def write_yaml(n: int, seed: int, faulty_share: float, directory: Path) -> int:
    """One YAML authoring document per convention in ``directory``; returns how many.

    The authoring format names bodies the reference data declares, so these conventions are
    drawn in its five départements (:data:`REFERENCE_DEPARTEMENTS`); and it refuses, when it is
    read, a document without identifier, date or centre, so the faults are drawn from
    :data:`YAML_FAULTS`.
    """
    from rdflib import Graph  # the authoring format is cph-kg's, read through rdflib

    from cph_kg.authoring import to_yaml
    from cph_kg.convert import conventions_of, described

    triples = generate(n, seed, faulty_share, REFERENCE_DEPARTEMENTS, YAML_FAULTS)
    graph = Graph().parse(data=triples, format="nt")
    directory.mkdir(parents=True, exist_ok=True)
    conventions = conventions_of(graph)
    for convention in conventions:
        name = convention.rsplit("/", 1)[-1]
        (directory / f"{name}.yaml").write_text(to_yaml(described(graph, convention)), "utf-8")
    return len(conventions)


def main(argv: list[str] | None = None) -> None:
    """Write ``N`` conventions in the chosen format, to standard output or ``--output``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of conventions")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--faulty-share",
        type=float,
        default=FAULTY_SHARE,
        help=f"share of conventions with one fault (default {FAULTY_SHARE})",
    )
    parser.add_argument("--format", choices=OUTPUT_FORMATS, default="ntriples")
    parser.add_argument(
        "--output", type=Path, help="file to write (a directory for yaml); default: stdout"
    )
    arguments = parser.parse_args(argv)
    n, seed, share = arguments.n, arguments.seed, arguments.faulty_share
    if arguments.format == "yaml":
        if arguments.output is None:
            parser.error("--format yaml writes one file per convention: give --output DIR")
        write_yaml(n, seed, share, arguments.output)
        return
    if arguments.format == "csv":
        text = generate_csv(n, seed)
    elif arguments.format == "turtle":
        text = to_turtle(generate(n, seed, share))
    else:
        text = generate(n, seed, share)
    if arguments.output is None:
        sys.stdout.write(text)
    else:
        arguments.output.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
