"""The limits every reader of user input keeps, whatever the syntax and the path it comes by."""

#: No literal or IRI may reach this many bytes of UTF-8, whatever the syntax and the command.
#: Oxigraph's parsers hold a term in a buffer of 16 MiB (less the JSON around it in JSON-LD) and
#: stop with a MemoryError past it; rdflib's N-Triples parser took minutes over a 50 MB line.
#: Half the buffer is a limit every parser keeps, and still far beyond any legal text. Only a
#: file at least this large can break it, so only such files are checked.
MAX_TERM_BYTES = 8 * 1024 * 1024

#: The deepest nesting read in a document: brackets, parentheses and braces of Turtle and TriG
#: (blank nodes, collections, graphs), arrays and objects of JSON, sequences and mappings of
#: YAML, elements of XML. rdflib's parsers recurse once per level and give up near 150,
#: Oxigraph's RDF/XML parser slows down with the square of the depth; a convention needs fewer
#: than ten.
MAX_NESTING = 64

#: The deepest nesting of ``{ ( [`` and ``<<`` a SPARQL query may have: lower than a
#: document's, because rdflib's query parser (which decides SERVICE) overflows Python's stack
#: from 22 nested function calls (measured: 37 groups, 25 parentheses, 26 FILTER EXISTS);
#: Oxigraph's crashes the process near 3,000 levels. The named queries nest at most 7 deep.
MAX_QUERY_NESTING = 16


def too_deeply_nested(syntax: str, levels: str = "levels") -> str:
    """The one wording of a document refused for its nesting, whatever its syntax."""
    return f"{syntax} nested too deeply (more than {MAX_NESTING} {levels})"
