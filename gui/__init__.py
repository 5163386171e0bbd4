"""Trainfer's desktop application (PySide6, pyqtgraph, qasync).

Imports only the engine's torch-free packages (``engine.core``, ``engine.session``,
``engine.claims``); the model runs in the engine's own process, so the window opens
without importing torch.
"""
