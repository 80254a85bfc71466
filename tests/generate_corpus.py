"""A large synthetic corpus in the linked format, for testing and timing the code-graph import.

No public copy of a whole code in the linked format is available (see
``/work/shared/sources/README.md``), so this builds one shaped like it: two codes (the CASF and
the CESEDA folder slugs), each with a legislative and a regulatory part, livres, titres,
chapitres and, in some chapters, sections and sous-sections. Articles are numbered as in the
real codes (``L`` + livre, titre and chapitre digits + ``-n``: chapitre IX of titre IV of
livre III holds ``L349-1``…), one Markdown file each at the slugged path of its level, written
like the original R349-2 file: a ``# Article …`` heading, the text in ``<div align='left'>``,
``<br/><br/>`` between its 1 to 4 paragraphs, and 0 to 3 ``<a href>`` links to other generated
articles by their absolute path (about 2 % of them to a code cph-kg does not know, and about
1 % broken: not a ``/code-…/….md`` path). Some articles also cite an article in plain text
("l'article L. 123-4"), for the plain-text citation extractor.

The output depends only on ``articles`` and ``seed`` (one ``random.Random(seed)`` drawn in a
fixed order), so two runs write the same files::

    python -m tests.generate_corpus OUTDIR --articles 5000 --seed 1
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
from dataclasses import dataclass, field
from pathlib import Path

from cph_kg.codes.identifiers import CODES, slugify

#: The linked format's slug of each code (apostrophes dropped, not hyphenated).
CODE_SLUGS = {short: CODES[short].slugs[1] for short in ("casf", "ceseda")}
#: Share of the articles in each code, and of each code's articles in each part.
CODE_SHARE = {"casf": 0.55, "ceseda": 0.45}
PART_SHARE = {"legislative": 0.4, "reglementaire": 0.6}
#: A valid link to a code cph-kg does not know (read as a citation with ``code=None``).
UNKNOWN_CODE_HREF = (
    "/code-de-leducation/partie-reglementaire/livre-iii-lorganisation-des-enseignements-scolaires/"
    "titre-iii-les-enseignements-du-second-degre/chapitre-viii-dispositions-communes/d338-23.md"
)
BROKEN_HREFS = (
    "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI{n:012d}",
    "../{stem}.md",
    "/{code}/{stem}",
    "#{stem}",
)

THEMES = (
    "Dispositions générales",
    "Aide sociale",
    "Établissements et services sociaux",
    "Droits des usagers",
    "Contrôle et inspection",
    "Financement",
    "Hébergement d'urgence",
    "Accueil des demandeurs d'asile",
    "Titres de séjour",
    "Protection de l'enfance",
    "Personnes âgées",
    "Personnes handicapées",
    "Intégration républicaine",
    "Regroupement familial",
    "Éloignement",
    "Rétention administrative",
    "Centres provisoires d'hébergement",
    "Formation linguistique",
    "Allocations et prestations",
    "Organismes gestionnaires",
    "Conventions et contrats d'objectifs",
    "Statut des réfugiés",
    "Visas",
    "Sanctions pénales",
)
QUALIFIERS = (
    "",
    "",
    "",
    " et dispositions communes",
    " : règles de procédure",
    " applicables aux mineurs",
    " relatives à l'outre-mer",
    " et coordination départementale",
)
SUBJECTS = (
    "Le représentant de l'État dans le département",
    "L'Office français de l'immigration et de l'intégration",
    "Le président du conseil départemental",
    "La personne morale gestionnaire",
    "Le directeur de l'établissement",
    "L'autorité administrative compétente",
    "Les centres provisoires d'hébergement",
    "La caisse d'allocations familiales",
)
VERBS = (
    "conclut une convention avec",
    "informe par écrit",
    "accompagne",
    "consulte",
    "réunit au moins une fois par an",
    "peut, par décision motivée, prolonger l'accueil de",
    "transmet le rapport d'activité à",
    "désigne un référent pour",
)
OBJECTS = (
    "les personnes hébergées",
    "les bénéficiaires de la protection subsidiaire",
    "les acteurs de l'intégration présents dans le département",
    "les organismes de formation",
    "les membres de la famille",
    "les services de l'État",
    "les signataires de la convention",
    "les étrangers admis pour la première fois au séjour",
)
ENDINGS = (
    "dans un délai de deux mois",
    "dans des conditions fixées par décret en Conseil d'État",
    "après avis de la commission départementale",
    "pour une durée de neuf mois",
    "selon les modalités prévues par la convention type",
    "au vu des pièces justificatives",
)
ROMAN = (
    (1000, "m"),
    (900, "cm"),
    (500, "d"),
    (400, "cd"),
    (100, "c"),
    (90, "xc"),
    (50, "l"),
    (40, "xl"),
    (10, "x"),
    (9, "ix"),
    (5, "v"),
    (4, "iv"),
    (1, "i"),
)


def numeral(number: int) -> str:
    """``number`` in roman numerals, upper case: 4 gives "IV"."""
    digits = []
    for value, letters in ROMAN:
        while number >= value:
            digits.append(letters)
            number -= value
    return "".join(digits).upper()


def roman(number: int) -> str:
    """The slug of a level number: ``ier`` for 1 (as the codes write "Ier"), else lower roman."""
    return "ier" if number == 1 else numeral(number).lower()


def level_slug(kind: str, number: str, title: str) -> str:
    """``{kind}-{number}-{title}`` as the linked format writes it: apostrophes simply dropped."""
    return f"{kind}-{number}-" + slugify(title.replace("'", ""))


@dataclass
class Planned:
    """An article to write: where, under which number, and what it will say."""

    code: str
    number: str
    folder: Path  # relative to the output folder
    paragraphs: list[str] = field(default_factory=list)

    @property
    def href(self) -> str:
        """The absolute path other articles link it by."""
        return f"/{self.folder.as_posix()}/{self.number.lower()}.md"

    @property
    def display(self) -> str:
        """The number as texts write it: "L. 349-2"."""
        return f"{self.number[0]}. {self.number[1:]}"


def plan(rng: random.Random, articles: int) -> tuple[list[Planned], set[Path]]:
    """The articles of both codes and every level folder holding them, numbered as in a code."""
    planned: list[Planned] = []
    folders: set[Path] = set()
    codes = list(CODE_SHARE)
    for index, code in enumerate(codes):
        code_total = (
            articles - len(planned)
            if index == len(codes) - 1
            else round(articles * CODE_SHARE[code])
        )
        part_left = code_total
        for part_index, part in enumerate(PART_SHARE):
            target = (
                part_left
                if part_index == len(PART_SHARE) - 1
                else round(code_total * PART_SHARE[part])
            )
            part_left -= target
            part_folder = Path(CODE_SLUGS[code], f"partie-{part}")
            planned.extend(_plan_part(rng, code, part, part_folder, target, folders))
    return planned, folders


def _plan_part(
    rng: random.Random, code: str, part: str, root: Path, target: int, folders: set[Path]
) -> list[Planned]:
    """``target`` articles in livres, titres, chapitres (and some sections) of one part."""
    result: list[Planned] = []
    livre = 0
    while len(result) < target:
        livre += 1
        livre_folder = root / level_slug("livre", roman(livre), rng.choice(THEMES))
        for titre in range(1, rng.randint(3, 7) + 1):
            titre_folder = livre_folder / level_slug(
                "titre", roman(titre), rng.choice(THEMES) + rng.choice(QUALIFIERS)
            )
            for chapitre in range(1, rng.randint(3, 9) + 1):
                if len(result) >= target:
                    break
                chapitre_folder = titre_folder / level_slug(
                    "chapitre", roman(chapitre), rng.choice(THEMES) + rng.choice(QUALIFIERS)
                )
                prefix = "L" if part == "legislative" else rng.choice("RRRD")
                count = min(rng.randint(3, 15), target - len(result))
                numbers = [f"{prefix}{livre}{titre}{chapitre}-{n}" for n in range(1, count + 1)]
                for leaf, chunk in _split_chapter(rng, chapitre_folder, numbers):
                    folders.update(leaf.parents[i] for i in range(len(leaf.parts) - 1))
                    folders.add(leaf)
                    result.extend(Planned(code, number, leaf) for number in chunk)
    return result


def _split_chapter(
    rng: random.Random, chapitre: Path, numbers: list[str]
) -> list[tuple[Path, list[str]]]:
    """The chapter's articles, in order, spread over its sections and sous-sections if any."""
    if len(numbers) < 6 or rng.random() >= 0.4:
        return [(chapitre, numbers)]
    leaves: list[tuple[Path, list[str]]] = []
    for number, chunk in enumerate(_chunks(rng, numbers, rng.randint(2, 4)), start=1):
        section = chapitre / level_slug("section", str(number), rng.choice(THEMES))
        if len(chunk) >= 4 and rng.random() < 0.3:
            for sub, sub_chunk in enumerate(_chunks(rng, chunk, 2), start=1):
                title = rng.choice(THEMES) + rng.choice(QUALIFIERS)
                leaves.append((section / level_slug("sous-section", str(sub), title), sub_chunk))
        else:
            leaves.append((section, chunk))
    return leaves


def _chunks(rng: random.Random, items: list[str], parts: int) -> list[list[str]]:
    """``items`` cut into ``parts`` non-empty runs (fewer if there are not enough items)."""
    parts = min(parts, len(items))
    cuts = sorted(rng.sample(range(1, len(items)), parts - 1))
    bounds = [0, *cuts, len(items)]
    return [items[a:b] for a, b in itertools.pairwise(bounds)]


def _sentence(rng: random.Random) -> str:
    """One French-looking sentence of legal text."""
    return (
        f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(ENDINGS)}."
    )


def write_text(
    rng: random.Random,
    article: Planned,
    everything: list[Planned],
    by_code: dict[str, list[Planned]],
    counts: dict[str, int],
) -> str:
    """The HTML body of one article: paragraphs, links (some broken) and plain citations."""
    paragraphs = [
        " ".join(_sentence(rng) for _ in range(rng.randint(1, 3))) for _ in range(rng.randint(1, 4))
    ]
    if len(paragraphs) > 1 and rng.random() < 0.5:
        paragraphs = [f"{numeral(i + 1)}.-{p}" for i, p in enumerate(paragraphs)]
    for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
        target = rng.choice(everything)
        words = target.display
        if target.code != article.code:
            title = CODES[target.code].title
            words = f"article {words} du {title[0].lower()}{title[1:]}"
        roll = rng.random()
        if roll < 0.01:
            href = rng.choice(BROKEN_HREFS).format(
                n=rng.randrange(10**11), stem=target.number.lower(), code=CODE_SLUGS[target.code]
            )
            counts["broken_links"] += 1
        elif roll < 0.03:
            href, words = UNKNOWN_CODE_HREF, "article D. 338-23 du code de l'éducation"
            counts["links"] += 1
            counts["unknown_code_links"] += 1
        else:
            href = target.href
            counts["links"] += 1
        # As in R349-2: "à l'article <a>L. 349-2</a>", "à l'<a>article R. 311-24 du code…</a>".
        link = f"<a href='{href}'>{words}</a>"
        link = f"l'{link}" if words.startswith("article") else f"l'article {link}"
        where = rng.randrange(len(paragraphs))
        paragraphs[where] += f" Les dispositions de {link} s'appliquent."
    if rng.random() < 0.3:
        cited = rng.choice(by_code[article.code])
        where = rng.randrange(len(paragraphs))
        paragraphs[where] += f" Il est fait application de l'article {cited.display}."
        counts["text_citations"] += 1
    if rng.random() < 0.1:
        paragraphs[-1] += (
            " Le présent article s'applique à Mayotte&nbsp;; il entre en vigueur le"
            " 1er janvier 2017."
        )
    return " <br/><br/>".join(paragraphs) + "<br/>" * rng.choice((0, 2, 6))


def generate(outdir: Path, articles: int, seed: int) -> dict[str, int]:
    """Write the corpus into ``outdir`` (created; must be empty) and return what it holds.

    Counts: ``articles``, ``levels`` (level folders), ``links`` (resolvable ``<a href>``, those
    to the unknown code included), ``broken_links``, ``unknown_code_links``, ``text_citations``
    (plain-text citations planted), ``codes``.
    """
    if outdir.exists() and any(outdir.iterdir()):
        raise FileExistsError(f"{outdir} is not empty")
    rng = random.Random(seed)
    planned, folders = plan(rng, articles)
    counts = dict.fromkeys(("links", "broken_links", "unknown_code_links", "text_citations"), 0)
    for folder in sorted(folders):
        (outdir / folder).mkdir(parents=True, exist_ok=True)
    by_code: dict[str, list[Planned]] = {}
    for article in planned:
        by_code.setdefault(article.code, []).append(article)
    for article in planned:
        body = write_text(rng, article, planned, by_code, counts)
        (outdir / article.folder / f"{article.number.lower()}.md").write_text(
            f"# Article {article.number}\n\n<div align='left'>{body}</div>", encoding="utf-8"
        )
    levels = {f for f in folders if len(f.parts) > 1}  # the code folders are not levels
    return {"articles": len(planned), "levels": len(levels), "codes": len(CODE_SLUGS), **counts}


def main(argv: list[str] | None = None) -> None:
    """Write the corpus and print its counts as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, help="folder to create (must be empty)")
    parser.add_argument("--articles", type=int, default=5000, help="how many (default 5000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    arguments = parser.parse_args(argv)
    counts = generate(arguments.outdir, arguments.articles, arguments.seed)
    print(json.dumps(counts, indent=2))


if __name__ == "__main__":
    main()
