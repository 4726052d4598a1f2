"""Who works here: employees, departments and the organisation's own settings."""
