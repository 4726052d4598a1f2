"""The import wizard: choose a file, map its columns, preview and import."""
