"""The KPIs & templates page: the KPI library, templates and their rule parameters."""
