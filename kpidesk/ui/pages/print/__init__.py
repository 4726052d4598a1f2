"""The Print page: sheets previewed, saved as PDF and sent to a printer."""
