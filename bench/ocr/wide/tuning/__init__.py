"""The wider generator's tuning layouts: the pipeline may be tuned on these (sans fonts, prose pool C)."""

from bench.ocr.wide.tuning.formats import letter, postcard_lowres, trifold
from bench.ocr.wide.tuning.layouts import newspaper, photo_and_charts, stacked_panels, tinted_columns

LAYOUTS = (stacked_panels, photo_and_charts, tinted_columns, newspaper, letter, trifold, postcard_lowres)
