"""The Data entry page: a period's raw values typed in a grid."""
