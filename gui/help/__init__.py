"""The Help menu's dialogs: keyboard shortcuts and About."""
