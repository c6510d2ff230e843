"""The addressee registry: validated records, file import/export, target selection."""
