"""Trainfer's desktop application (PySide6, pyqtgraph, qasync).

Imports only the engine's public, torch-free API (``engine.catalog``, ``engine.config``,
``engine.events``, ``engine.session``, ``engine.devices``, ``engine.compare``); the model
runs in the engine's own process, so the window opens without importing torch.
"""
