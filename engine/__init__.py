"""Trainfer's headless core: configs, model catalog, run loop, telemetry, comparison, CLI.

Never imports Qt (DESIGN.md). Importing ``engine`` is cheap: torch is imported only by the
run process (:mod:`engine.run.loop`, :mod:`engine.run.models`).
"""

from engine.core.catalog import CATALOG, ModelInfo
from engine.core.config import ConfigError, RunConfig

__all__ = ["CATALOG", "ConfigError", "ModelInfo", "RunConfig"]
__version__ = "0.1.0"
