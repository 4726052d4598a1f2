"""Pure appraisal logic: no SQLAlchemy, no Qt, no I/O."""
