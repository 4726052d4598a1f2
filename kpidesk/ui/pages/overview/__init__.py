"""The Overview page: the open period at a glance."""
