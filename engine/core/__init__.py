"""The small core every process shares: configuration, catalog, events, units and formatting.

Plain data and pure functions; no torch, no Qt, no threads. The run process, the session
side, the claims and the command line all build on it (docs/architecture.md).
"""
