"""``python -m cph_kg`` runs the command line."""

from cph_kg.cli import main

main()
