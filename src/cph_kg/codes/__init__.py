"""Code graphs: whole codes (CASF, CESEDA) read from Markdown corpora and turned into ELI RDF.

``model`` holds what a reader yields, ``identifiers`` the IRIs, one reader module per corpus
format (``linked``, ``etalab``) behind :class:`~cph_kg.codes.model.CorpusReader`, ``citations``
the plain-text citation extractor.
"""
