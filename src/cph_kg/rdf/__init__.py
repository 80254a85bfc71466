"""RDF itself: terms (rdflib and Oxigraph), documents read safely, what only cph-kg writes."""
