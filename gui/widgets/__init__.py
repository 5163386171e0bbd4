"""Widgets and helpers the tabs share: theme, units, plot panels, export, banners, dialogs."""
