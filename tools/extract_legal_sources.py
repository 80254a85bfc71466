"""Rebuild ``data/sources/extracts/``: the passages of the shared corpora cph-kg's law data cites.

The shared sources (``shared/sources/``) hold R349-2 and its neighbours; three facts the legal
model needs are only in the whole codes of ``shared/corpora/``:

- when Pôle emploi became France Travail: the dated versions of C. trav. L. 5312-1 and their
  note, in the LEGI data of 2026 (``legi-2026``);
- when a decree published in the Journal officiel enters into force: CRPA L. 221-2 and
  L. 221-3, same corpus; and the date décret n° 2020-1734 gave its own provisions, in the notes
  of articles it amended (C. trav. R. 5221-22, C. séc. soc. D. 512-1);
- what a CADA is in the CESEDA: L. 744-3 as consolidated on 1 November 2015, and when the
  asylum reform of loi n° 2015-925 entered the CESEDA, in the Archéo Lex history
  (``ceseda-archeolex``).

Each extract is a Markdown file with YAML front matter (where it comes from, its identifiers
and dates, as the corpus gives them) and the text, word for word. Run from the repository::

    python tools/extract_legal_sources.py [--shared ../shared]

The output is deterministic: running it again on the same corpora rewrites the same bytes.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "data" / "sources" / "extracts"
LEGI_PACKAGE = "corpora/legi-2026/socialgouv-legi-data-2.513.0.tgz"
CESEDA_BUNDLE = "corpora/ceseda-archeolex/ceseda-2005-2017.bundle"
CESEDA_FILE = "Code_de_l’entree_et_du_sejour_des_etrangers_et_du_droit_d’asile.md"

#: (code short name, LEGITEXT, article number, what cph-kg uses it for)
LEGI_ARTICLES = [
    (
        "ctrav",
        "LEGITEXT000006072050",
        "L5312-1",
        "the operator France Travail, one legal person with Pôle emploi; the date of the renaming"
        " (versions and note)",
    ),
    (
        "crpa",
        "LEGITEXT000031366350",
        "L221-2",
        "a regulatory act enters into force the day after its publication formalities",
    ),
    (
        "crpa",
        "LEGITEXT000031366350",
        "L221-3",
        "acts published in the Journal officiel: Code civil art. 1, the day after publication",
    ),
    (
        "ctrav",
        "LEGITEXT000006072050",
        "R5221-22",
        "its note dates the provisions of décret n° 2020-1734 (art. 18: 1 May 2021)",
    ),
    (
        "css",
        "LEGITEXT000006073189",
        "L512-2",
        "its link dates the provisions of ordonnance n° 2020-1733 (1 May 2021)",
    ),
    (
        "css",
        "LEGITEXT000006073189",
        "D512-1",
        "its note dates the provisions of décret n° 2020-1734 (art. 18: 1 May 2021)",
    ),
]


def iso(milliseconds: int) -> str:
    """A LEGI date (milliseconds since 1970, UTC) as YYYY-MM-DD; 2999-01-01 means no end."""
    return datetime.fromtimestamp(milliseconds / 1000, tz=UTC).date().isoformat()


def articles(tree: dict):
    """Every article node of a LEGI code tree."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if node.get("type") == "article":
            yield node["data"]
        stack.extend(node.get("children") or [])


def quoted(value: str) -> str:
    """A YAML double-quoted scalar."""
    return json.dumps(value, ensure_ascii=False)


def legi_extract(code: str, legitext: str, article: dict, purpose: str) -> str:
    """The extract of one LEGI article: front matter, then its text in force."""
    lines = [
        "---",
        f"code: {code}",
        f"code_legitext: {legitext}",
        f"article: {article['num']}",
        f"legiarti_in_force: {article['id']}",
        f"legiarti_first_version: {article['cid']}",
        f"in_force_from: {iso(article['dateDebut'])}",
        "source: "
        + quoted(
            "npm package @socialgouv/legi-data 2.513.0 (LEGI data, Licence Ouverte), "
            f"data/{legitext}.json, as in shared/{LEGI_PACKAGE}"
        ),
        f"used_for: {quoted(purpose)}",
        "versions:  # LEGI: dateFin is the first day the version is no longer in force",
    ]
    for version in article.get("articleVersions") or []:
        lines.append(
            f"  - {{id: {version['id']}, version: {quoted(version['version'])}, "
            f"etat: {version['etat']}, dateDebut: {iso(version['dateDebut'])}, "
            f"dateFin: {iso(version['dateFin'])}}}"
        )
    lines.append("modifications:")
    for link in article.get("lienModifications") or []:
        lines.append(
            f"  - {{text: {quoted(link['textTitle'])}, textCid: {link['textCid']}, "
            f"linkType: {link['linkType']}, articleId: {link['articleId']}, "
            f"nature: {link['natureText']}, dateDebutCible: {link['dateDebutCible']}, "
            f"datePubliTexte: {link['datePubliTexte']}, "
            f"dateSignaTexte: {link['dateSignaTexte']}}}"
        )
    nota = (article.get("nota") or "").strip()
    lines.append(f"nota: {quoted(nota)}")
    lines.append("transformation: none (the article's plain text, texte, as the corpus gives it)")
    lines.append("---")
    return "\n".join(lines) + "\n" + article["texte"].strip() + "\n"


def from_legi(shared: Path) -> dict[str, str]:
    """The extracts of the LEGI articles, by file name."""
    wanted: dict[str, list[tuple[str, str, str]]] = {}
    for code, legitext, number, purpose in LEGI_ARTICLES:
        wanted.setdefault(legitext, []).append((code, number, purpose))
    found: dict[str, str] = {}
    with tarfile.open(shared / LEGI_PACKAGE) as package:
        for legitext, requested in wanted.items():
            member = package.extractfile(f"package/data/{legitext}.json")
            assert member is not None, legitext
            by_number = {a["num"]: a for a in articles(json.load(member))}
            for code, number, purpose in requested:
                name = f"{code}-{number.lower()}@legi-2026.md"
                found[name] = legi_extract(code, legitext, by_number[number], purpose)
    return found


def article_text(consolidation: str, number: str) -> str:
    """The text of ``##### Article NUMBER`` in an Archéo Lex consolidation, to the next heading."""
    lines = consolidation.split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip() == f"##### Article {number}")
    body = []
    for line in lines[start + 1 :]:
        if line.startswith("#"):
            break
        body.append(line)
    return "\n".join(body).strip()


def from_archeolex(shared: Path) -> dict[str, str]:
    """L. 744-3 of 1 November 2015, and the consolidations that bring in loi n° 2015-925."""
    with tempfile.TemporaryDirectory() as scratch:
        clone = Path(scratch) / "ceseda"
        subprocess.run(
            ["git", "clone", "--quiet", str(shared / CESEDA_BUNDLE), str(clone)], check=True
        )
        log = subprocess.run(
            ["git", "-C", str(clone), "log", "--format=%H %s"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout

        def at(day: str) -> tuple[str, str]:
            subject = f"Version consolidée au {day}"
            lines = log.splitlines()
            commit = next(line.split(" ", 1)[0] for line in lines if line.endswith(subject))
            text = subprocess.run(
                ["git", "-C", str(clone), "show", f"{commit}:{CESEDA_FILE}"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            return commit, text

        commit_1101, november = at("1er novembre 2015")
        commit_1019, october = at("19 octobre 2015")
        commit_0731, july = at("31 juillet 2015")
        commit_0720, before = at("20 juillet 2015")
    bundle = f"shared/{CESEDA_BUNDLE} (Archéo Lex history of tianyikillua/ceseda)"
    l744_3 = "\n".join(
        [
            "---",
            "code: ceseda",
            "code_legitext: LEGITEXT000006070158",
            "article: L744-3",
            "consolidation: 2015-11-01",
            "source: "
            + quoted(f"{bundle}, commit {commit_1101} « Version consolidée au 1er novembre 2015 »"),
            f"in_previous_consolidation: {'##### Article L744-3' in october}"
            f"  # 19 octobre 2015, commit {commit_1019}",
            "used_for: the accommodation places for asylum seekers and the CADA (CASF L. 348-1),"
            " which are not CPHs",
            "transformation: none (the article's paragraphs as the consolidation gives them)",
            "---",
        ]
    )
    l744_3 += "\n" + article_text(november, "L744-3") + "\n"
    reform = "\n".join(
        [
            "---",
            "code: ceseda",
            "code_legitext: LEGITEXT000006070158",
            "article: L311-5-1",
            "consolidation: 2015-07-31",
            "source: "
            + quoted(f"{bundle}, commit {commit_0731} « Version consolidée au 31 juillet 2015 »"),
            f"in_previous_consolidation: {'##### Article L311-5-1' in before}"
            f"  # 20 juillet 2015, commit {commit_0720}",
            "used_for: the asylum reform (loi n° 2015-925 du 29 juillet 2015) is in the CESEDA"
            " consolidated on 31 July 2015; the number of the loi is not in the corpus",
            "transformation: none",
            "---",
        ]
    )
    reform += "\n" + article_text(july, "L311-5-1") + "\n"
    return {"ceseda-l744-3@2015-11-01.md": l744_3, "ceseda-l311-5-1@2015-07-31.md": reform}


def main(argv: list[str] | None = None) -> int:
    """Write every extract; say which files changed."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args(argv)
    extracts = {**from_legi(args.shared), **from_archeolex(args.shared)}
    OUTPUT.mkdir(parents=True, exist_ok=True)
    for name, text in sorted(extracts.items()):
        path = OUTPUT / name
        changed = not path.exists() or path.read_text(encoding="utf-8") != text
        path.write_text(text, encoding="utf-8")
        print(f"{'wrote' if changed else 'same '} {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
