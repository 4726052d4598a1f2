"""Files in and out: the import kinds behind one registry, and the results export."""
