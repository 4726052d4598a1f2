"""Pay from grades: rules, computation, freezing, the payroll export and the sheet's pay section."""
