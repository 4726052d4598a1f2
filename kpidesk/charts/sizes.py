"""The sizes charts print at, apart from the chart style so that the code sizing a print's charts (the
services gathering a sheet) does not import matplotlib: a one-sheet print draws its charts elsewhere."""

#: Sizes (inches) at which a chart prints at its natural size: half and full width of an A4 sheet.
PRINT_HALF_WIDTH = (3.5, 2.6)
PRINT_FULL_WIDTH = (7.0, 2.8)

#: The two charts beside a sheet's result print at about this size. Drawn at it, their text prints at its
#: own size; drawn at half width and shrunk into the slot, it printed at some 4.5 pt.
PRINT_BESIDE_RESULT = (2.25, 1.65)
#: Their resolution: about the pixels of a half-width chart at the usual 150 dpi, so just as sharp on paper.
PRINT_BESIDE_RESULT_DPI = 220

#: Charts narrower than this (inches) are laid out for small print: smaller text, fewer labels.
COMPACT_WIDTH = 3.0


def is_compact(size: tuple[float, float]) -> bool:
    return size[0] < COMPACT_WIDTH
