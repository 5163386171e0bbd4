"""The Live tab: the current run's telemetry and steps against time, replays and overlays."""
