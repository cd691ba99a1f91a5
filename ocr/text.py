"""The text of a reading: one paragraph per line, blocks separated by a blank line.

Tesseract gives lines; a paragraph's lines are joined with spaces (justified columns would otherwise
read as short broken lines), and a word hyphenated at a line end is rejoined ("elec-" + "tion").
"""

from __future__ import annotations

from itertools import groupby

from ocr import dictionary
from ocr.result import WordBox


def _paragraph(words: list[WordBox]) -> str:
    """One paragraph's words as one line, rejoining words hyphenated at line ends."""
    tokens: list[str] = []
    previous_line = None
    for word in words:
        if tokens and word.line != previous_line:
            joined = dictionary.rejoin(tokens[-1], word.text)
            if joined is not None:
                tokens[-1] = joined
                previous_line = word.line
                continue
        tokens.append(word.text)
        previous_line = word.line
    return " ".join(tokens)


def assemble(words: list[WordBox]) -> str:
    """Paragraphs one per line, blocks separated by a blank line, in the words' order."""
    blocks = []
    for _, in_block in groupby(words, key=lambda w: w.block):
        paragraphs = [_paragraph(list(p)) for _, p in groupby(in_block, key=lambda w: w.paragraph)]
        blocks.append("\n".join(paragraphs))
    return "\n\n".join(blocks)
