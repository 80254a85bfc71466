"""The limits every reader of user input keeps, whatever the syntax and the path it comes by."""

#: No literal or IRI may reach this many bytes of UTF-8, whatever the syntax and the command.
#: Oxigraph's parsers hold a term in a buffer of 16 MiB (less the JSON around it in JSON-LD) and
#: stop with a MemoryError past it; rdflib's N-Triples parser took minutes over a 50 MB line.
#: Half the buffer is a limit every parser keeps, and still far beyond any legal text. Only a
#: file at least this large can break it, so only such files are checked.
MAX_TERM_BYTES = 8 * 1024 * 1024
