"""The Linked Data pages of ``cph-kg serve``: a page for every resource, search, the editor.

Every IRI of the graph under ``https://w3id.org/cph-kg/`` is served under its own path: an HTML
page by default (no JavaScript needed to read it), its description in Turtle, N-Triples or
JSON-LD when asked (``Accept``, or ``?format=``). A page shows what the graph says, read by
query: what the resource states (blank nodes spelt out), what refers to it, and the answers of
every named query that takes it as a parameter, so that a convention shows its findings, an
article its citations in and out, without a page knowing either.
"""
