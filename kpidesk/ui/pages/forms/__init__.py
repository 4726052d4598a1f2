"""The Appraisal forms page: self, manager and peer forms filled in."""
