"""Generated demo leaflets, so a newcomer sees a living archive: UK campaign prose rendered by Pillow.

Everything comes from one seeded random generator: a seed always makes the same leaflets and image bytes.
Leaflets go in through the real upload service, exactly as a voter's would.
"""

from __future__ import annotations

import io
import logging
import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Iterator

from PIL import Image, ImageDraw, ImageFont
from sqlalchemy import func, select

from leaflets.extensions import db
from leaflets.models import Area, Leaflet, OcrPriority, Party
from leaflets.services import browse
from leaflets.services.uploads import IncomingImage, LeafletSubmission, submit_leaflet

log = logging.getLogger(__name__)

DEJAVU = "/usr/share/fonts/truetype/dejavu/"
LIBERATION = "/usr/share/fonts/truetype/liberation/"
PAGE = (1000, 1414)  # A-series proportions
PARTIES_BY_NATION = {
    "England": ("labour", "conservative", "libdem", "reform-uk", "green"),
    "Scotland": ("snp", "labour", "conservative", "libdem", "reform-uk"),
    "Wales": ("plaid-cymru", "labour", "conservative", "libdem", "reform-uk", "green"),
}
SPOKEN = {
    "labour": "Labour",
    "conservative": "the Conservatives",
    "libdem": "the Lib Dems",
    "reform-uk": "Reform UK",
    "green": "the Greens",
    "snp": "the SNP",
    "plaid-cymru": "Plaid Cymru",
}
RIVALS = {
    "labour": "the Conservatives",
    "conservative": "Labour",
    "libdem": "the Conservatives",
    "reform-uk": "Labour",
    "green": "Labour",
    "snp": "Labour",
    "plaid-cymru": "Labour",
}
FIRST = (
    "Sarah",
    "James",
    "Priya",
    "Tom",
    "Aisha",
    "David",
    "Rhiannon",
    "Callum",
    "Fiona",
    "Mohammed",
    "Helen",
    "Gareth",
    "Chloe",
    "Ravi",
    "Eilidh",
    "Owen",
    "Joanne",
    "Patrick",
)
LAST = (
    "Hughes",
    "Patel",
    "McKenzie",
    "Evans",
    "Okafor",
    "Campbell",
    "Thompson",
    "Jones",
    "Begum",
    "Fraser",
    "Williams",
    "Clarke",
    "Murray",
    "Khan",
    "Lloyd",
    "Robertson",
)
HEADLINES = (
    "{area} deserves better",
    "Fixing the potholes on our roads",
    "Get GP appointments back on track",
    "Save our bus routes",
    "Stop the council tax rise",
    "Only {party} can win here",
    "A fresh start for {area}",
    "Protect our high street",
    "Clean up our rivers",
    "More police on our streets",
    "Cut the cost of living",
)
PARAGRAPHS = (
    "Residents across {area} tell me the same thing: it now takes three weeks to get a GP appointment. "
    "{candidate} will fight for a new surgery and {n2} more doctors.",
    "Potholes on {road} have been reported {n3} times this year. Drivers are paying for damaged tyres "
    "while the council sits on a £{n1} million repair budget.",
    "The number {bus} bus to the hospital was cut last spring. Older residents have been left stranded. "
    "We will campaign to bring it back.",
    "Council tax here has gone up by {pct}% in two years, yet bins are collected less often. "
    "That is not value for money.",
    "Local surveys show {pct}% of people feel less safe in the town centre after dark. "
    "{candidate} wants more neighbourhood police officers.",
    "Families in {area} are paying £{n4} more a year for their weekly shop. It is time for a government that "
    "puts working people first.",
    "Only {party} can beat {rival} here. Last time we were just {votes} votes behind. "
    "Other parties cannot win in {area}.",
    "Sewage was dumped into our river {n3} times last year. "
    "{candidate} will hold the water company to account.",
    "Young people cannot afford to rent, let alone buy. We will build {n1},000 genuinely affordable homes.",
    "Our high street has lost {n2} shops since 2019. We back small businesses with lower business rates.",
)
# Every SHOWCASE_EVERY-th leaflet is the search issue's example, so a researcher's first query answers on a
# fresh site: Liberal Democrat leaflets about potholes in the South West during the 2024 general election.
SHOWCASE_EVERY = 16
SHOWCASE = {
    "party": "libdem",
    "region": "South West",
    "election": "ge-2024",
    "headline": "Fixing the potholes on our roads",
    "paragraph": PARAGRAPHS[1],
}
ROADS = ("the High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane", "the London Road")
# A share of each party's demo leaflets is its national template: the same headline and paragraphs, in the
# same
# order, with the place, the candidate and the figures changed (what /compare finds). Leaflets before the
# fifth
# are never templates, so the first leaflets of a seed stay what they were before templates existed.
TEMPLATE_SHARE = 0.5
TEMPLATE_FROM = 4
TEMPLATE_HEADLINES = ("A fresh start for {area}", "{area} deserves better", "Cut the cost of living")


@dataclass
class DemoLeaflet:
    submission: LeafletSubmission
    copy_of: int | None = None  # index of an earlier demo leaflet whose photos this one repeats


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    folder = DEJAVU if name.startswith("DejaVu") else LIBERATION
    return ImageFont.truetype(folder + name + ".ttf", size)


def wrap(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if draw.textlength(candidate, font=face) <= width or not line:
            line = candidate
        else:
            lines.append(line)
            line = word
    return lines + ([line] if line else [])


def fill_template(rng: random.Random, template: str, values: dict[str, str]) -> str:
    numbers = {
        "n1": str(rng.randint(2, 9)),
        "n2": str(rng.randint(2, 12)),
        "n3": str(rng.randint(14, 96)),
        "n4": str(rng.randint(3, 9) * 100 + rng.choice((20, 50, 80))),
        "pct": str(rng.randint(6, 64)),
        "bus": str(rng.randint(3, 99)),
        "road": rng.choice(ROADS),
        "votes": f"{rng.randint(300, 4800):,}",
    }
    return template.format(**values, **numbers)


def _bar_chart(
    draw: ImageDraw.ImageDraw, rng: random.Random, top: int, colour: str, party: str, rival: str
) -> None:
    """The squeeze-message chart every campaign loves: our bar close to theirs, the rest far behind."""
    headline = f"Only {party} can beat {rival} here"
    draw.text((50, top), headline, fill=colour, font=font("LiberationSans-Bold", 36))
    top += 100
    theirs, other = rng.randint(36, 45), rng.randint(6, 14)
    ours = theirs - rng.randint(1, 8)
    bars = (
        (rival.removeprefix("the ").title(), theirs, "#7a7a7a"),
        (party.removeprefix("the "), ours, colour),
        ("Others", other, "#b1b4b6"),
    )
    label_face, value_face = font("LiberationSans-Bold", 28), font("DejaVuSans-Bold", 30)
    for index, (label, value, fill) in enumerate(bars):
        x = 80 + index * 290
        height = value * 5
        draw.rectangle((x, top + 230 - height, x + 200, top + 230), fill=fill)
        draw.text((x, top + 230 - height - 42), f"{value}%", fill="black", font=value_face)
        draw.text((x, top + 245), label, fill="black", font=label_face)


def render_page(
    rng: random.Random,
    *,
    colour: str,
    party_name: str,
    headline: str,
    paragraphs: list[str],
    imprint: str,
    back: bool,
    candidate: str = "",
    party: str = "us",
    rival: str = "them",
    stat: tuple[str, ...] | None = None,
) -> bytes:
    """One side of a leaflet: party band, headline, two columns of prose, a statistic or chart, imprint."""
    image = Image.new("RGB", PAGE, "white")
    draw = ImageDraw.Draw(image)
    width, height = PAGE
    band = 150 if not back else 90
    draw.rectangle((0, 0, width, band), fill=colour)
    band_face = font("DejaVuSans-Bold", 44 if not back else 34)
    draw.text((50, 28), party_name.upper(), fill="white", font=band_face)
    y = band + 40
    face = font("DejaVuSans-Bold", 64 if not back else 48)
    for line in wrap(draw, headline, face, width - 100):
        draw.text((50, y), line, fill="black", font=face)
        y += int(face.size * 1.2)
    if candidate and not back:
        draw.text(
            (50, y + 10),
            f"Your local candidate: {candidate}",
            fill=colour,
            font=font("LiberationSans-Bold", 36),
        )
        y += 60
    y += 30
    body = font("LiberationSerif-Regular", 30)
    column_width = (width - 100 - 40) // 2
    bottom = y
    for index, column in enumerate((paragraphs[::2], paragraphs[1::2])):
        x, cy = 50 + index * (column_width + 40), y
        for paragraph in column:
            for line in wrap(draw, paragraph, body, column_width):
                draw.text((x, cy), line, fill="#1b1b1b", font=body)
                cy += 38
            cy += 22
        bottom = max(bottom, cy)
    imprint_face = font("LiberationSans-Regular", 20)
    imprint_lines = wrap(draw, imprint, imprint_face, width - 100)
    imprint_top = height - 40 - 28 * len(imprint_lines)
    room = imprint_top - bottom
    if back and room > 420:
        _bar_chart(draw, rng, bottom + 10, colour, party, rival)
    elif room > 240:
        if stat is None:  # a template gives its figure, drawing nothing from rng (see plan_template_leaflet)
            figure = f"{rng.randint(52, 88)}%" if rng.random() < 0.6 else f"£{rng.randint(2, 40)}m"
            stat = (
                figure,
                "of residents back our plan" if figure.endswith("%") else "for local services, wasted",
            )
        box_top = bottom + 20
        draw.rectangle((50, box_top, width - 50, box_top + 200), outline=colour, width=8)
        size = 100 if len(stat) < 3 else int(stat[2])
        draw.text(
            (80, box_top + 40 + (100 - size) // 2), stat[0], fill=colour, font=font("DejaVuSans-Bold", size)
        )
        draw.text((420, box_top + 80), stat[1], fill="black", font=font("LiberationSans-Bold", 34))
    for number, line in enumerate(imprint_lines):
        draw.text((50, imprint_top + 28 * number), line, fill="#333333", font=imprint_face)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=82, optimize=False)
    return buffer.getvalue()


def _delivered(rng: random.Random, election: str) -> date:
    if election == "ge-2024":
        return date(2024, 5, 24) + timedelta(days=rng.randint(0, 40))
    return date(2026, 3, 30) + timedelta(days=rng.randint(0, 37))


def plan_leaflet(rng: random.Random, area: Area, party: Party, showcase: bool = False) -> LeafletSubmission:
    candidate = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    values = {
        "area": area.name,
        "party": SPOKEN.get(party.slug, party.label),
        "candidate": candidate,
        "rival": RIVALS.get(party.slug, "the Conservatives"),
    }
    election = SHOWCASE["election"] if showcase else "ge-2024" if rng.random() < 0.75 else "local-2026"
    headline = fill_template(rng, SHOWCASE["headline"] if showcase else rng.choice(HEADLINES), values)
    imprint = (
        f"Promoted by {rng.choice(FIRST)} {rng.choice(LAST)} on behalf of {candidate} ({party.name}), "
        f"both at {rng.randint(1, 120)} {rng.choice(ROADS).removeprefix('the ')}, {area.name}."
    )
    pages = rng.choice((1, 2, 2, 2, 3))
    images = []
    for number in range(pages):
        chosen = rng.sample(PARAGRAPHS, 6 if number == 0 else 4)
        if showcase and number == 0 and SHOWCASE["paragraph"] not in chosen:
            chosen[0] = SHOWCASE["paragraph"]
        text = [fill_template(rng, paragraph, values) for paragraph in chosen]
        title = headline if number == 0 else fill_template(rng, rng.choice(HEADLINES), values)
        data = render_page(
            rng,
            colour=party.colour,
            party_name=party.name,
            headline=title,
            paragraphs=text,
            imprint=imprint,
            back=number > 0,
            candidate=candidate,
            party=values["party"],
            rival=values["rival"],
        )
        role = ("front", "back", "inside")[number]
        images.append(IncomingImage(data=data, filename=f"{role}.jpg", role=role))
    return LeafletSubmission(
        party=party.slug,
        election=election,
        delivered_on=_delivered(rng, election),
        area=area.gss,
        title=headline,
        description=f"{candidate} for {area.name}. Came through the letterbox with the post.",
        images=images,
    )


def plan_template_leaflet(rng: random.Random, area: Area, party: Party) -> LeafletSubmission:
    """The party's national template (fixed by its slug) filled in for one place: one page, ge-2024."""
    chooser = random.Random(f"national-template-{party.slug}")
    headline, paragraphs = chooser.choice(TEMPLATE_HEADLINES), chooser.sample(PARAGRAPHS, 4)
    candidate = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
    values = {
        "area": area.name,
        "party": SPOKEN.get(party.slug, party.label),
        "candidate": candidate,
        "rival": RIVALS.get(party.slug, "the Conservatives"),
    }
    imprint = (
        f"Promoted by {rng.choice(FIRST)} {rng.choice(LAST)} on behalf of {candidate} ({party.name}), "
        f"both at {rng.randint(1, 120)} {rng.choice(ROADS).removeprefix('the ')}, {area.name}."
    )
    title = fill_template(rng, headline, values)
    data = render_page(
        rng,
        colour=party.colour,
        party_name=party.name,
        headline=title,
        paragraphs=[fill_template(rng, paragraph, values) for paragraph in paragraphs],
        imprint=imprint,
        back=False,
        candidate=candidate,
        party=values["party"],
        rival=values["rival"],
        stat=(f"£{rng.randint(8, 40)}m", "for local services", "72"),
    )
    return LeafletSubmission(
        party=party.slug,
        election="ge-2024",
        delivered_on=_delivered(rng, "ge-2024"),
        area=area.gss,
        title=title,
        description=f"{candidate} for {area.name}. The party's national leaflet, it seems.",
        images=[IncomingImage(data=data, filename="front.jpg", role="front")],
    )


def plan(count: int, seed: int) -> Iterator[DemoLeaflet]:
    """Make the demo leaflets one by one (deterministic for a seed): places, parties, pages, a few copies."""
    rng = random.Random(seed)
    query = select(Area).where(Area.nation.in_(PARTIES_BY_NATION)).order_by(Area.gss)
    areas = list(db.session.scalars(query))
    parties = {party.slug: party for party in db.session.scalars(select(Party))}
    places = rng.sample(areas, k=min(len(areas), max(1, (count * 2) // 3)))
    showcase_areas = [area for area in areas if area.region == SHOWCASE["region"]]
    planned: list[DemoLeaflet] = []
    for index in range(count):
        area = places[index % len(places)] if index < len(places) else rng.choice(places)
        if index % SHOWCASE_EVERY == SHOWCASE_EVERY - 1 and showcase_areas and SHOWCASE["party"] in parties:
            planned.append(
                DemoLeaflet(
                    plan_leaflet(rng, rng.choice(showcase_areas), parties[SHOWCASE["party"]], showcase=True)
                )
            )
        elif index >= 3 and rng.random() < 0.1:  # the same leaflet delivered somewhere else too
            original = rng.randrange(len(planned))
            source = planned[original].submission
            area = _next_door(rng, source.area, areas)
            planned.append(
                DemoLeaflet(
                    LeafletSubmission(
                        party=source.party,
                        election=source.election,
                        delivered_on=source.delivered_on,
                        area=area.gss,
                        title=source.title,
                        description=f"Same leaflet, delivered in {area.name}.",
                        images=source.images,
                    ),
                    copy_of=original,
                )
            )
        else:
            slugs = [slug for slug in PARTIES_BY_NATION[area.nation] if slug in parties]
            party = parties[rng.choice(slugs)]
            local = random.Random(f"{seed}-{index}")  # its own generator: the main one's draws stay the same
            if index >= TEMPLATE_FROM and local.random() < TEMPLATE_SHARE:
                planned.append(DemoLeaflet(plan_template_leaflet(local, area, party)))
            else:
                planned.append(DemoLeaflet(plan_leaflet(rng, area, party)))
        yield planned[-1]


def _next_door(rng: random.Random, gss: str | None, areas: list[Area]) -> Area:
    """A neighbouring constituency on the hex map (where the same leaflet is often delivered too)."""
    home = next(area for area in areas if area.gss == gss)
    nearby = [area for area in browse.neighbours(home) if area.nation in PARTIES_BY_NATION]
    return rng.choice(nearby) if nearby else rng.choice([area for area in areas if area is not home])


def existing_leaflets() -> int:
    return db.session.scalar(select(func.count(Leaflet.id))) or 0


def create_demo_leaflets(
    count: int, seed: int, progress: Callable[[int], None] | None = None
) -> list[Leaflet]:
    """Submit `count` generated leaflets through the upload service; returns them in order."""
    made: list[Leaflet] = []
    for demo in plan(count, seed):
        made.append(submit_leaflet(demo.submission, priority=OcrPriority.BULK))  # behind any voter's upload
        if progress:
            progress(1)
    log.info("demo leaflets created", extra={"count": len(made), "seed": seed})
    return made
