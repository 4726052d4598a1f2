"""Qualitative appraisal forms: the catalogue of form files and pinned versions, raters' responses and
the scores they give, fillable sheets out and filled sheets back in."""
