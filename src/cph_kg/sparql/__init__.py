"""SPARQL: query text, the guard on what a query may do, named queries, results."""
