"""Files in and out: the import kinds (data, staff, KPIs) and the registry that dispatches to them and to
the filled-forms kind, import profiles, and the results export."""
