"""A small terminal progress bar for long CLI work (reindex, import, demo data)."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator

import click


@contextmanager
def progress_bar(label: str, length: int | None) -> Iterator["_Bar"]:
    with click.progressbar(length=length or 0, label=label, show_pos=True, file=sys.stderr) as bar:
        yield _Bar(bar)


class _Bar:
    def __init__(self, bar) -> None:
        self._bar = bar

    def advance(self, steps: int = 1) -> None:
        self._bar.update(steps)
