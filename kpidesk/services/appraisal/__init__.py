"""A period's appraisal: measurements, scores, snapshots, the period workflow, adjustments,
calibration and sign-offs."""
