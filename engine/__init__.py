"""Trainfer's headless core: configs, model catalog, run loop, telemetry, comparison, CLI.

Never imports Qt (DESIGN.md). Importing ``engine`` is cheap: torch is imported only by the
run process (:mod:`engine.loop`, :mod:`engine.models`).
"""

from engine.catalog import CATALOG, ModelInfo
from engine.config import ConfigError, RunConfig

__all__ = ["CATALOG", "ConfigError", "ModelInfo", "RunConfig"]
__version__ = "0.1.0"
