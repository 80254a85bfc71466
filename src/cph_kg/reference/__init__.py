"""The reference data: the bodies R349-2 I names, built from the official directories.

DILA's *Base de données locales* (2016) lists the service points of every CAF, CPAM and Pôle
emploi; France Travail's referential (2024) lists its regional and territorial directions; the
LEGI codes (2026) give the articles that found the bodies and date Pôle emploi's renaming.
``cph-kg reference build`` turns them into ``data/reference/*.ttl`` with the rules of
``data/reference/rules.toml``: the modules here are that build, one step each (names,
directory records, grouping, directions, LEGI excerpt, RDF), and nothing at run time needs them.
"""
