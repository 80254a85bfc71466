"""SHACL on any data with any shapes (``cph-kg validate --shapes S --data D``) and its report."""
