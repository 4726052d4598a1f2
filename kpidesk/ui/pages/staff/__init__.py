"""The Staff page: employees, departments, transfers and the staff-list import."""
