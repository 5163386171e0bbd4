"""The History tab: every stored run, opened, overlaid, compared, exported or imported."""
