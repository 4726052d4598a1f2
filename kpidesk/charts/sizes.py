"""The sizes charts print at, apart from the chart style so that the code sizing a print's charts (the
services gathering a sheet) does not import matplotlib: a one-sheet print draws its charts elsewhere."""

#: Sizes (inches) at which a chart prints at its natural size: half and full width of an A4 sheet.
PRINT_HALF_WIDTH = (3.5, 2.6)
PRINT_FULL_WIDTH = (7.0, 2.8)
