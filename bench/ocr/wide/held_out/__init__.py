"""The wider generator's held-out layouts: only measured, never tuned on (Open Sans, Carlito and serif
fonts, prose pool D). See bench/ocr/README.md."""

from bench.ocr.wide.held_out.formats import council_letter, newsletter_lowres, trifold_survey
from bench.ocr.wide.held_out.layouts import broadsheet, infographic, pastel_quote, sidebar

LAYOUTS = (sidebar, infographic, pastel_quote, broadsheet, council_letter, trifold_survey, newsletter_lowres)
