"""Qualitative appraisal forms: the catalogue, responses and their scores, fillable sheets."""
