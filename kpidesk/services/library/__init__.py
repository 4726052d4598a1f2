"""What is measured: the KPI library, appraisal templates and the starter libraries."""
