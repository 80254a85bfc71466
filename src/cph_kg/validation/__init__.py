"""Validation: collections, point in time, engines, the shapes compiled, reports."""
