"""Where the knowledge graph lives: the stores, and the guard of the served endpoint."""
