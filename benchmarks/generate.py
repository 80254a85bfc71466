"""Synthetic conventions de coopération, as N-Triples, for benchmarking stores and validators.

Each convention is modelled like ``data/conventions/conforming/gironde-2019.ttl``: a
``cph:ConventionDeCooperation`` with an identifier, a French title, a date of conclusion, a
département, the centre provisoire d'hébergement (CPH) that concludes it, the CAF, the CPAM and
the France Travail unit of its département as parties, both missions of R349-2 II and the four
objects of R349-2 III. About 30 % of the conventions are faulty: each of those lacks exactly one
element (one named body, one mission, one object, or the link to its centre), so the named
queries and the SHACL shapes find something to report at every size.

The bundled reference data declares the named bodies of five départements only, so the bodies of
every département the conventions use are declared here too (same classes and IRIs as
``data/reference/bodies.ttl``); a convention thus names bodies that exist, as a real one would.

The output depends only on ``n`` and ``seed`` (one ``random.Random(seed)``, drawn in a fixed
order), so two runs of a benchmark load the same triples::

    python benchmarks/generate.py 1000 --seed 1 > conventions.nt
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import date, timedelta

BASE = "https://w3id.org/cph-kg/"
CPH = BASE + "ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_DATE = "http://www.w3.org/2001/XMLSchema#date"
DCT = "http://purl.org/dc/terms/"
SKOS_PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
ORG = "http://www.w3.org/ns/org#"
FRANCE_TRAVAIL = BASE + "org/france-travail"

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

#: R349-2 applies from 5 March 2016 (décret n° 2016-253); the last date is the data's horizon.
FIRST_DATE = date(2016, 3, 5)
LAST_DATE = date(2026, 11, 1)

MISSIONS = ("information-sensibilisation", "acces-formation-linguistique")
OBJECTS = (
    "role-des-acteurs",
    "rencontres-regulieres",
    "mission-de-conseil",
    "accompagnement-ponctuel",
)
BODIES = ("france-travail", "caf", "cpam")
#: What a faulty convention may lack: one of these, chosen uniformly.
DROPPABLE: tuple[str, ...] = (
    "centre",
    *(f"body:{body}" for body in BODIES),
    *(f"mission:{mission}" for mission in MISSIONS),
    *(f"object:{name}" for name in OBJECTS),
)
FAULTY_SHARE = 0.3

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
    """The IRI of a named body (``caf``, ``cpam``, ``france-travail``) of a département."""
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


def _convention(index: int, rng: random.Random) -> tuple[str, list[str]]:
    """The département and the triples of one convention and of its centre."""
    code = rng.choice(DEPARTEMENTS)
    concluded = FIRST_DATE + timedelta(days=rng.randrange((LAST_DATE - FIRST_DATE).days + 1))
    centre_name = f"{rng.choice(CENTRE_NAMES)} n° {index + 1}"
    dropped = rng.choice(DROPPABLE) if rng.random() < FAULTY_SHARE else None

    convention, centre = convention_iri(index), centre_iri(index)
    departement = departement_iri(code)
    concluded_on = f"{_literal(concluded.isoformat())}^^<{XSD_DATE}>"
    centre_label = _literal(f"Centre provisoire d'hébergement {centre_name}") + "@fr"
    title = (
        f"Convention de coopération entre le centre provisoire d'hébergement {centre_name} "
        f"et les acteurs de l'intégration du département {code}"
    )
    triples = [
        _triple(convention, RDF_TYPE, CPH + "ConventionDeCooperation"),
        _triple(convention, DCT + "identifier", _literal(f"SYN-{index + 1:06d}")),
        _triple(convention, DCT + "title", _literal(title) + "@fr"),
        _triple(convention, CPH + "dateOfConclusion", concluded_on),
        _triple(convention, CPH + "departement", departement),
    ]
    if dropped != "centre":
        triples.append(_triple(convention, CPH + "concludedBy", centre))
    triples += [
        _triple(convention, CPH + "party", body_iri(body, code))
        for body in BODIES
        if dropped != f"body:{body}"
    ]
    triples += [
        _triple(convention, CPH + "recallsMission", f"{BASE}concept/mission/{mission}")
        for mission in MISSIONS
        if dropped != f"mission:{mission}"
    ]
    triples += [
        _triple(convention, CPH + "hasObject", f"{BASE}concept/object/{name}")
        for name in OBJECTS
        if dropped != f"object:{name}"
    ]
    triples += [
        _triple(convention, CPH + "refersTo", f"{BASE}law/casf/{article}")
        for article in ("R349-2", "L349-2")
    ]
    # A convention that lacks its centre still has one in the data: a centre that concludes no
    # convention, which is what ``centres-without-convention`` looks for.
    triples += [
        _triple(centre, RDF_TYPE, CPH + "CentreProvisoireHebergement"),
        _triple(centre, SKOS_PREF_LABEL, centre_label),
        _triple(centre, CPH + "presentIn", departement),
    ]
    return code, triples


def _bodies(code: str) -> list[str]:
    """The CAF, CPAM and France Travail unit of a département, declared like bodies.ttl does."""
    triples = []
    for body in BODIES:
        iri = body_iri(body, code)
        triples.append(_triple(iri, RDF_TYPE, CPH + _BODY_CLASSES[body]))
        if body == "france-travail":
            triples += [
                _triple(iri, RDF_TYPE, ORG + "OrganizationalUnit"),
                _triple(iri, ORG + "unitOf", FRANCE_TRAVAIL),
            ]
        label = f"{_BODY_NAMES[body]} (département {code})"
        triples += [
            _triple(iri, SKOS_PREF_LABEL, _literal(label) + "@fr"),
            _triple(iri, CPH + "presentIn", departement_iri(code)),
        ]
    return triples


def generate(n: int, seed: int = 1) -> str:
    """``n`` synthetic conventions, their centres and the bodies they name, as N-Triples."""
    if n < 0:
        raise ValueError("n must be zero or more")
    rng = random.Random(seed)
    lines: list[str] = []
    used: set[str] = set()
    for index in range(n):
        code, triples = _convention(index, rng)
        used.add(code)
        lines += triples
    for code in DEPARTEMENTS:
        if code in used:
            lines += _bodies(code)
    return "".join(lines)


#: Départements whose bodies the bundled reference data declares: a CSV names bodies by code,
#: so generated CSV conventions stay within them.
REFERENCE_DEPARTEMENTS = ("13", "33", "44", "67", "69")
MISSIONS = ("II-1", "II-2")
OBJECTS = ("III-1", "III-2", "III-3", "III-4")


def generate_csv(n: int, seed: int = 1) -> str:
    """N conventions in the CSV bulk format (``;``, French dates), about 30 % of them faulty.

    A faulty row lacks one named body, one mission or one object, as :func:`generate` does.
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
        missions, objects = list(MISSIONS), list(OBJECTS)
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


def main(argv: list[str] | None = None) -> None:
    """Write ``N`` conventions as N-Triples on standard output."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of conventions")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    arguments = parser.parse_args(argv)
    sys.stdout.write(generate(arguments.n, arguments.seed))


if __name__ == "__main__":
    main()
