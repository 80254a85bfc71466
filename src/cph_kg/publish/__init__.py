"""Publishing the knowledge graph: documentation pages, a dataset description and dumps.

Everything published is read from the graph (labels, comments, shapes, obligations, readings,
found by query or by walking the graph), never written here about today's terms: a term, shape
or reading added to the ontology or the shapes appears in the next build.
"""
