"""Closing a period: finalizing it and freezing its pay in one unit of work.

It sits above appraisal and pay and joins them; each step itself stays in its own package.
"""
