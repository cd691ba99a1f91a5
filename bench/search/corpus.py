"""Generate realistic leaflet documents: real constituencies and parties, skewed, 300-900 words of campaign
prose."""

from __future__ import annotations

import csv
import random
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from search import SearchDocument

# The repository's own reference data (data/reference/PROVENANCE.md): the benchmark needs nothing from
# outside.
DATA = Path(__file__).resolve().parents[2] / "data" / "reference"

TOPICS = {
    "nhs": [
        "NHS",
        "hospital",
        "GP appointments",
        "waiting lists",
        "A&E",
        "nurses",
        "doctors",
        "dentists",
        "ambulance",
    ],
    "crime": [
        "police",
        "antisocial behaviour",
        "knife crime",
        "shoplifting",
        "community safety",
        "PCSOs",
        "burglaries",
    ],
    "roads": [
        "potholes",
        "road repairs",
        "traffic",
        "speed limits",
        "parking",
        "junction",
        "bypass",
        "pavements",
    ],
    "housing": [
        "affordable homes",
        "housing",
        "planning",
        "green belt",
        "developers",
        "rents",
        "social housing",
    ],
    "cost-of-living": ["cost of living", "energy bills", "food prices", "mortgages", "wages", "inflation"],
    "council-tax": ["council tax", "business rates", "council spending", "budget", "reserves"],
    "environment": ["sewage", "rivers", "climate", "solar panels", "flooding", "air quality", "trees"],
    "bins": ["bin collections", "recycling", "fly-tipping", "litter", "garden waste", "tip"],
    "transport": ["buses", "train services", "railway station", "cycle lanes", "bus routes", "fares"],
    "education": [
        "schools",
        "teachers",
        "SEND support",
        "class sizes",
        "free school meals",
        "nursery places",
    ],
    "immigration": ["immigration", "small boats", "asylum hotels", "border security", "visas"],
    "economy": ["jobs", "high street", "small businesses", "investment", "town centre", "apprenticeships"],
    "care": ["social care", "care homes", "carers", "elderly residents", "pensioners", "winter fuel"],
    "farming": ["farmers", "rural communities", "broadband", "village shops", "post office"],
}
TEMPLATES = [
    "{name} will fight for better {t1} and {t2} across {place}.",
    "For too long {place} has been let down on {t1}.",
    "Local people tell me every day about {t1} and {t2}.",
    "Only {party} can deliver real change on {t1} in {place}.",
    "The {other} have failed {place}: {t1} is worse than ever and {t2} has been ignored.",
    "I have campaigned for years to improve {t1} for families in {place}.",
    "We secured new funding for {t1}, but there is much more to do on {t2}.",
    "It's a two-horse race here: only {party} can beat the {other} in {place}.",
    "Residents in {street} have been waiting months for action on {t1}.",
    "{name} has a plan to tackle {t1}, cut {t2} and stand up for {place}.",
    "Our survey found that {pct}% of residents want action on {t1}.",
    "Vote {party} on {day} to put {place} first on {t1}.",
    "The cost of living crisis means {t1} matters more than ever.",
    "Every vote counts: last time the {other} won by just {votes} votes.",
    "Promoted by {agent} on behalf of {name} ({party}), both at {number} {street}, {place}.",
    "As your local champion I will hold surgeries on {t1} in every ward.",
    "Please get in touch if you have concerns about {t1} or {t2}.",
    "We will freeze council tax and protect frontline services including {t1}.",
    "Thousands of families in {place} are struggling with {t1}.",
    "Help us deliver leaflets, put up a poster, or donate today.",
]
FILLER = (
    "local community residents campaign team support hard working families future town village ward "
    "council government national election candidate vote voting polling station postal ballot change "
    "promise plan deliver record action listen neighbours streets services funding money priority "
    "improve protect invest fair honest strong better new every year month week people children "
    "young older working parents students workers businesses volunteers petition survey result"
).split()
FIRST = (
    "Sarah James Emma David Priya Mohammed Helen Tom Aisha Gareth Fiona Liam Chloe Raj Megan Owen Zara Ian"
).split()
LAST = (
    "Smith Jones Patel Williams Brown Khan Taylor Evans Davies Wilson Hughes Campbell Murphy Ali Roberts"
).split()
STREETS = (
    "High Street|Station Road|Church Lane|Victoria Road|Mill Lane|Park Avenue|Queens Road|The Green".split(
        "|"
    )
)
ELECTIONS = [
    ("ge-2024", date(2024, 7, 4), 0.62),
    ("local-2025", date(2025, 5, 1), 0.14),
    ("ge-2019", date(2019, 12, 12), 0.12),
    ("local-2023", date(2023, 5, 4), 0.08),
    ("by-2025-runcorn", date(2025, 5, 1), 0.04),
]


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


@dataclass
class Area:
    code: str
    name: str
    region: str
    nation: str


def load_areas() -> list[Area]:
    with open(DATA / "uk_westminster_constituencies_2024.csv", encoding="utf-8") as f:
        return [Area(r["pcon24_code"], r["name"], r["region"], r["nation"]) for r in csv.DictReader(f)]


def load_parties() -> list[tuple[str, str, float, str]]:
    """Return (slug, name, weight, nation or '') with weights skewed like real leaflet volumes."""
    out = []
    with open(DATA / "uk_parties.csv", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = row["name"]
            weight = (int(row["ge2024_candidacies_in_snapshot"] or 0) + 1) ** 1.6
            nation = ""
            if re.search(r"Scottish|Alba", name):
                nation = "Scotland"
            elif "Plaid" in name:
                nation = "Wales"
            elif re.search(
                r"Ulster Unionist|Democratic Unionist|Traditional Unionist|Sinn|SDLP|Alliance - ", name
            ):
                nation = "Northern Ireland"
            out.append((slugify(row["short_name"] or name), name, weight, nation))
    return out


class Corpus:
    def __init__(self, seed: int = 7):
        self.rng = random.Random(seed)
        self.areas = load_areas()
        self.rng.shuffle(self.areas)
        self.area_weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(self.areas))]
        self.parties = load_parties()
        self.topics = list(TOPICS)

    def party_for(self, area: Area):
        choices = [p for p in self.parties if p[3] in ("", area.nation)]
        return self.rng.choices(choices, weights=[p[2] for p in choices])[0]

    def sentence(self, ctx: dict, topics: list[str]) -> str:
        rng = self.rng
        t1, t2 = (rng.choice(TOPICS[rng.choice(topics)]) for _ in range(2))
        s = rng.choice(TEMPLATES).format(
            t1=t1,
            t2=t2,
            pct=rng.randint(51, 94),
            votes=rng.randint(40, 3000),
            number=rng.randint(1, 200),
            street=rng.choice(STREETS),
            **ctx,
        )
        if rng.random() < 0.5:
            s += " " + " ".join(rng.choices(FILLER, k=rng.randint(4, 12))).capitalize() + "."
        return _ocr_noise(rng, s)

    def document(self, leaflet_id: int) -> SearchDocument:
        rng = self.rng
        area = rng.choices(self.areas, weights=self.area_weights)[0]
        slug, party_name, _, _ = self.party_for(area)
        other = rng.choice([p[1] for p in self.parties[:5] if p[0] != slug])
        election, day, _ = rng.choices(ELECTIONS, weights=[e[2] for e in ELECTIONS])[0]
        topics = rng.sample(self.topics, rng.randint(2, 4))
        ctx = {
            "name": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
            "place": area.name,
            "party": party_name,
            "other": other,
            "day": day.strftime("%d %B"),
            "agent": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
        }
        target = rng.randint(300, 900)
        sentences, words = [], 0
        while words < target:
            s = self.sentence(ctx, topics)
            sentences.append(s)
            words += s.count(" ") + 1
        delivered = day - timedelta(days=rng.randint(1, 40))
        claims = [rng.choice(sentences) for _ in range(rng.randint(0, 3))]
        return SearchDocument(
            leaflet_id=leaflet_id,
            title=f"{party_name}: {rng.choice(TOPICS[topics[0]])} in {area.name}",
            description=rng.choice(sentences),
            text="\n".join(sentences),
            claims=claims,
            party=slug,
            party_name=party_name,
            area=area.code,
            area_name=area.name,
            region=area.region,
            nation=area.nation,
            election=election,
            tags=topics[: rng.randint(1, len(topics))],
            delivered_on=delivered,
            uploaded_at=datetime(delivered.year, delivered.month, delivered.day)
            + timedelta(days=rng.randint(0, 5), seconds=rng.randint(0, 86399)),
            image_count=rng.randint(1, 4),
            status="live",
            version=f"v{leaflet_id}-1",
        )

    def documents(self, count: int, start: int = 1):
        for leaflet_id in range(start, start + count):
            yield self.document(leaflet_id)


def _ocr_noise(rng: random.Random, sentence: str) -> str:
    """Corrupt about 2% of words the way OCR does (dropped or swapped letters)."""
    words = sentence.split(" ")
    for i, w in enumerate(words):
        if len(w) > 4 and rng.random() < 0.02:
            j = rng.randrange(1, len(w) - 1)
            words[i] = w[:j] + rng.choice("rnilo1") + w[j + 1 :] if rng.random() < 0.5 else w[:j] + w[j + 1 :]
    return " ".join(words)


QUERY_WORDS = sorted(
    {w.lower() for ts in TOPICS.values() for t in ts for w in t.split() if len(w) > 3}
    | {"council", "local", "families", "funding", "campaign", "residents"}
)
QUERY_PHRASES = [
    "council tax",
    "cost of living",
    "energy bills",
    "waiting lists",
    "knife crime",
    "high street",
    "affordable homes",
    "bin collections",
    "train services",
    "social care",
    "small businesses",
    "free school meals",
    "road repairs",
    "green belt",
    "two-horse race",
    "local champion",
]
