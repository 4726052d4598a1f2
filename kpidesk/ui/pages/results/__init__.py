"""The Results & calibration page: scores, grades, ranks, review, calibration and sign-off."""
