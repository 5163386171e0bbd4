"""Model specs: one interface for every model and mode (STYLE.md 7).

Importing this package imports torch; the GUI process never does (it reads
:mod:`engine.core.catalog`).
"""

from engine.run.models.base import ModelSpec, build_spec, preload

__all__ = ["ModelSpec", "build_spec", "preload"]
