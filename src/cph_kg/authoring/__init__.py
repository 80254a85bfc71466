"""The authoring formats (YAML, JSON-LD, CSV), conversion and new conventions."""
