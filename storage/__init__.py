"""Storage: the schema (``tables``), engines and units of work (``db``), migrations, audit log."""
