"""What a wide-generator prose pool holds, and a picker that fills its placeholders for one leaflet."""

from __future__ import annotations

import random
from dataclasses import dataclass

from bench.ocr.wide.canvas import Colour


@dataclass(frozen=True)
class Prose:
    """Everything the layouts of one group draw their words from ({place}, {candidate}, {party}, {short},
    {street} are filled per leaflet)."""

    parties: tuple[tuple[str, str, Colour], ...]  # name, short name, colour
    candidates: tuple[str, ...]
    places: tuple[str, ...]
    streets: tuple[str, ...]
    headlines: tuple[str, ...]
    subheads: tuple[str, ...]
    paragraphs: tuple[str, ...]
    bullets: tuple[str, ...]
    stats: tuple[tuple[str, str], ...]  # figure, what it measures
    quotes: tuple[str, ...]
    captions: tuple[str, ...]
    chart_titles: tuple[str, ...]
    rivals: tuple[str, ...]  # other parties' short names for charts
    mastheads: tuple[str, ...]
    greetings: tuple[str, ...]
    closings: tuple[str, ...]
    postscripts: tuple[str, ...]
    printers: tuple[str, ...]
    calls: tuple[str, ...]  # calls to action ("Vote ... on Thursday 2 May")
    contacts: tuple[str, ...]
    pie_titles: tuple[str, ...]
    pie_labels: tuple[str, ...]


class Picker:
    """Draws from a pool for one leaflet, filling placeholders consistently."""

    def __init__(self, prose: Prose, rng: random.Random) -> None:
        self.prose, self.rng = prose, rng
        self.party = rng.choice(prose.parties)
        self.values = {
            "place": rng.choice(prose.places),
            "candidate": rng.choice(prose.candidates),
            "party": self.party[0],
            "short": self.party[1],
            "street": rng.choice(prose.streets),
        }

    @property
    def candidate(self) -> str:
        return self.values["candidate"]

    @property
    def place(self) -> str:
        return self.values["place"]

    def fill(self, text: str) -> str:
        return text.format(**self.values)

    def one(self, field: str) -> str:
        return self.fill(self.rng.choice(getattr(self.prose, field)))

    def some(self, field: str, count: int) -> list[str]:
        options = getattr(self.prose, field)
        return [self.fill(text) for text in self.rng.sample(options, min(count, len(options)))]

    def stats(self, count: int) -> list[tuple[str, str]]:
        return [(figure, self.fill(what)) for figure, what in self.rng.sample(self.prose.stats, count)]

    def pie(self, count: int) -> list[tuple[str, float]]:
        """`count` budget or survey labels with percentages that add up to 100."""
        labels = self.rng.sample(self.prose.pie_labels, count)
        weights = [self.rng.uniform(8, 40) for _ in labels]
        values = [round(100 * w / sum(weights)) for w in weights]
        values[0] += 100 - sum(values)
        return list(zip(labels, [float(v) for v in values]))

    def shares(self, count: int) -> list[tuple[str, float]]:
        """`count` parties (this one first) with vote shares that add up to 100."""
        names = [
            self.party[1],
            *self.rng.sample([r for r in self.prose.rivals if r != self.party[1]], count - 1),
        ]
        weights = sorted((self.rng.uniform(5, 45) for _ in names), reverse=True)
        values = [round(100 * w / sum(weights)) for w in weights]
        values[0] += 100 - sum(values)
        return list(zip(names, [float(v) for v in values]))

    def imprint(self) -> str:
        """The legally required imprint, in one of a few real-world phrasings."""
        agent = self.rng.choice([c for c in self.prose.candidates if c != self.candidate])
        number, printer = self.rng.randint(2, 180), self.rng.choice(self.prose.printers)
        rng = self.rng
        postcode = (
            f"{rng.choice('BLMNSW')}{rng.choice('ADEHKNR')}{rng.randint(1, 19)} "
            f"{rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEGHJLNPRTW')}"
        )
        return self.rng.choice(
            (
                f"Promoted by {agent} on behalf of {self.candidate} ({self.party[0]}), both of {number} "
                f"{self.values['street']}, {self.place} {postcode}. Printed by {printer}.",
                f"Printed by {printer}. Published and promoted by {agent} for {self.party[0]}, {number} "
                f"{self.values['street']}, {self.place} {postcode}.",
                f"Promoted and printed by {agent} on behalf of {self.candidate}, both at {number} "
                f"{self.values['street']}, {self.place} {postcode}.",
            )
        )
