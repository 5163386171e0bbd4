"""Every run, kept: the SQLite store, recordings and exports."""

from engine.session.store.db import RunRecord, Store, StoreError, default_data_dir, open_store

__all__ = ["RunRecord", "Store", "StoreError", "default_data_dir", "open_store"]
