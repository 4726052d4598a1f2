"""The History & charts page: an employee's and a team's results over time."""
