"""A large synthetic corpus in the LEGI format, for timing the code-graph import at scale.

Shaped like the four real codes (``../shared/corpora/legi-2026``): one ``LEGITEXT….json`` tree
per code cph-kg knows, parts, livres, titres and chapters holding articles; each article has
1 to 4 versions (2.3 on average, as in the real codes: 67,492 versions of 29,115 articles), the
last one in force with an HTML text of two alinéas, about 1.4 links to other generated articles
by the id of one of their versions (as the real ``texteHtml`` does, across codes) and 1 or 2
``lienModifications`` entries to one of a pool of amending texts. The output depends only on
``versions`` and ``seed``::

    python -m benchmarks.generate_legi OUTDIR --versions 1000000 [--seed 1]
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from cph_kg.codes.identifiers import CODES

DAY_MS = 86_400_000
START = 10_957 * DAY_MS  # 2000-01-01
NO_END = 32_472_144_000_000  # LEGI's 2999-01-01
ARTICLES_PER_CHAPTER = 40
CHAPTERS_PER_TITRE = 8
TITRES_PER_LIVRE = 6


def generate(folder: Path, versions: int, seed: int = 1) -> int:
    """Write the corpus into ``folder``; returns how many versions it holds."""
    rng = random.Random(seed)
    codes = [code.legitext for code in CODES.values()]
    plan: list[list[int]] = [[] for _ in codes]  # versions of each article, per code
    total = 0
    while total < versions:
        count = min(rng.choice((1, 1, 2, 2, 3, 4)), versions - total)
        plan[rng.randrange(len(codes))].append(count)
        total += count
    ids = iter(range(10**11, 10**12))
    texts = [f"JORFTEXT{n:012d}" for n in range(1, 2001)]
    articles: list[tuple[int, str, list[str]]] = []  # code index, number, version ids
    for index, counts in enumerate(plan):
        for position, count in enumerate(counts):
            chapter, rank = divmod(position, ARTICLES_PER_CHAPTER)
            number = f"L{chapter + 1}-{rank + 1}"
            articles.append((index, number, [f"LEGIARTI{next(ids):012d}" for _ in range(count)]))
    by_code: list[list[dict]] = [[] for _ in codes]
    for index, number, version_ids in articles:
        by_code[index].append(_article(rng, number, version_ids, articles, texts))
    folder.mkdir(parents=True, exist_ok=True)
    for index, legitext in enumerate(codes):
        tree = {
            "type": "code",
            "data": {"id": legitext, "title": CODES_TITLE[legitext]},
            "children": _levels(by_code[index]),
        }
        (folder / f"{legitext}.json").write_text(json.dumps(tree, ensure_ascii=False))
    return total


CODES_TITLE = {code.legitext: code.title for code in CODES.values()}


def _article(
    rng: random.Random,
    number: str,
    version_ids: list[str],
    articles: list[tuple[int, str, list[str]]],
    texts: list[str],
) -> dict:
    """One article: its versions, a text with links, its amendments."""
    day = rng.randrange(0, 6000)
    versions = []
    for position, legi_id in enumerate(version_ids):
        length = rng.randrange(100, 2000)
        last = position == len(version_ids) - 1
        versions.append(
            {
                "id": legi_id,
                "etat": "VIGUEUR" if last else "MODIFIE",
                "version": f"{position + 1}.0",
                "dateDebut": START + day * DAY_MS,
                "dateFin": NO_END if last else START + (day + length) * DAY_MS,
            }
        )
        day += length
    links = []
    for _ in range(rng.choice((0, 1, 1, 2, 3))):
        _, cited, cited_ids = rng.choice(articles)
        links.append(
            f'<a href="/affichCodeArticle.do?cidTexte=LEGITEXT000006072050&amp;idArticle='
            f'{rng.choice(cited_ids)}&amp;dateTexte=&amp;categorieLien=cid">{cited}</a>'
        )
    html = (
        "<p>Les dispositions du présent chapitre s'appliquent dans les conditions prévues aux "
        f"articles {' et '.join(links) or 'suivants'}.<br/>Un décret en Conseil d'Etat précise "
        "les modalités d'application du présent article.</p>"
    )
    amendments = []
    for _ in range(rng.choice((1, 1, 2))):
        text = rng.choice(texts)
        year = 2000 + int(text[-4:]) % 25
        amendments.append(
            {
                "textCid": text,
                "textTitle": f"Décret n°{year}-{int(text[-4:])} du 1 mars {year} - art. 3",
                "linkType": "MODIFIE",
                "linkOrientation": "cible",
                "articleNum": "3",
                "articleId": f"JORFARTI{int(text[-6:]):012d}",
                "natureText": "DECRET",
                "datePubliTexte": f"{year}-03-02",
                "dateSignaTexte": f"{year}-03-01",
                "dateDebutCible": f"{year}-03-03",
            }
        )
    return {
        "type": "article",
        "data": {
            "id": version_ids[-1],
            "cid": version_ids[0],
            "num": number,
            "etat": "VIGUEUR",
            "dateDebut": versions[-1]["dateDebut"],
            "dateFin": NO_END,
            "texteHtml": html,
            "nota": "",
            "articleVersions": versions,
            "lienModifications": amendments,
        },
    }


def _levels(articles: list[dict]) -> list[dict]:
    """Parts, livres, titres and chapters around the articles, in order."""
    chapters = [
        articles[i : i + ARTICLES_PER_CHAPTER]
        for i in range(0, len(articles), ARTICLES_PER_CHAPTER)
    ]
    livres: list[dict] = []
    for index, chapter in enumerate(chapters):
        titre_index, chapter_rank = divmod(index, CHAPTERS_PER_TITRE)
        livre_index, titre_rank = divmod(titre_index, TITRES_PER_LIVRE)
        if livre_index == len(livres):
            livres.append(_section(f"Livre {livre_index + 1} : Dispositions", []))
        livre = livres[livre_index]
        if titre_rank == len(livre["children"]):
            livre["children"].append(_section(f"Titre {titre_rank + 1} : Règles", []))
        titre = livre["children"][titre_rank]
        titre["children"].append(_section(f"Chapitre {chapter_rank + 1} : Mesures", chapter))
    return [_section("Partie législative", livres)]


_SECTION_IDS = iter(range(10**11, 10**12))


def _section(title: str, children: list[dict]) -> dict:
    """A level of the tree."""
    return {
        "type": "section",
        "data": {
            "id": f"LEGISCTA{next(_SECTION_IDS):012d}",
            "title": title,
            "etat": "VIGUEUR",
            "dateDebut": "2000-01-01",
            "dateFin": "2999-01-01",
        },
        "children": children,
    }


def main() -> None:
    """Write a corpus of the given size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", type=Path)
    parser.add_argument("--versions", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(f"{generate(args.output, args.versions, args.seed)} versions in {args.output}")


if __name__ == "__main__":
    main()
