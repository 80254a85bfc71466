"""Fixtures of the robustness suite (see :mod:`tests.robustness.hostile`)."""

from tests.robustness.hostile import listener, loaded_store

__all__ = ["listener", "loaded_store"]
