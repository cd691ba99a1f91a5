"""Campaign prose for synthetic leaflets: two disjoint pools, one to tune on and one held out."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProsePool:
    """Everything a template draws its words from."""

    parties: tuple[tuple[str, str, tuple[int, int, int]], ...]  # name, short name, colour
    candidates: tuple[str, ...]
    places: tuple[str, ...]
    headlines: tuple[str, ...]
    paragraphs: tuple[str, ...]
    bullets: tuple[str, ...]
    box_texts: tuple[str, ...]
    squeeze: tuple[str, ...]


TUNING = ProsePool(
    parties=(
        ("Liberal Democrats", "Lib Dems", (250, 166, 26)),
        ("Labour Party", "Labour", (228, 0, 59)),
        ("Conservative Party", "Conservatives", (0, 135, 220)),
    ),
    candidates=("Sarah Whitfield", "Tom Okafor", "Priya Desai", "Gareth Llewellyn", "Helen McBride"),
    places=("Northfield", "St Anne's Ward", "Kingsmead", "Eastbrook", "Holloway Park"),
    headlines=(
        "Fixing the potholes on our roads",
        "Save our local NHS walk-in centre",
        "Stop the council tax rise",
        "Weekly bin collections are back on the agenda",
        "A strong local voice for {place}",
        "{candidate} gets things done",
    ),
    paragraphs=(
        "Residents in {place} have told us again and again that the potholes on Station Road are a danger "
        "to cyclists and drivers alike. {candidate} reported 43 of them to the council last month and will "
        "keep pushing until every one is fixed.",
        "The council wants to put up council tax by 4.99% while cutting services. That means a Band D "
        "household paying an extra £98 a year for fewer bin collections and shorter library hours.",
        "Waiting times at the surgery on Mill Lane have doubled since 2019. Local people deserve to see a "
        "GP when they need one, not three weeks later. We are campaigning for more GPs and nurses.",
        "Fortnightly bin collections have left rubbish piling up on our streets. {candidate} has launched "
        "a petition signed by 1,274 residents calling for weekly food waste collections.",
        "Our high street needs support. Business rates are too high and too many shops on Market Street "
        "stand empty. We will back a fair deal for small traders and free parking after 3pm.",
        "The number 12 bus was cut with just two weeks of notice. Older residents and students now face a "
        "forty minute walk to the hospital. We want the route restored in full.",
    ),
    bullets=(
        "Fix the potholes on Station Road",
        "Protect the walk-in centre at {place}",
        "Freeze council tax for pensioners",
        "Bring back weekly food waste collections",
        "More police on the beat in the town centre",
        "Clean up our rivers from sewage dumping",
    ),
    box_texts=(
        "Only the Lib Dems can beat the Conservatives here",
        "It's a two-horse race in {place}",
        "Every vote counts: the last election was won by just 312 votes",
    ),
    squeeze=(
        "Lib Dems 41% Conservatives 38% Labour 12% Green 9%",
        "Last time: Labour 2,140 votes, Conservatives 1,985 votes, Others 402",
    ),
)

HELD_OUT = ProsePool(
    parties=(
        ("Green Party", "Greens", (106, 176, 35)),
        ("Reform UK", "Reform", (18, 182, 207)),
        ("Plaid Cymru", "Plaid", (0, 129, 66)),
    ),
    candidates=("Rhiannon Pugh", "David Achterberg", "Marcus Bell", "Fatima Hussain"),
    places=("Riverside", "Abbey Ward", "Longmoor", "Cwmbran North"),
    headlines=(
        "Your village school deserves better",
        "Cheaper buses for {place}",
        "Let's end the sewage scandal",
        "Putting {place} first",
    ),
    paragraphs=(
        "The primary school on Church Lane is still using temporary classrooms built in 1998. "
        "{candidate} has secured £250,000 towards a new building and will not stop until it opens.",
        "Energy bills have risen by 54% in two years. We will insulate 3,000 homes across {place} and "
        "help families cut their heating costs by up to £400 a winter.",
        "Developers want to build 600 houses on the flood plain by the river without a single new doctor, "
        "school place or road. Local people must have the final say on planning.",
        "Young people in {place} cannot afford to rent, let alone buy. We will bring empty homes back "
        "into use and build council houses that families on ordinary wages can afford.",
        "The ambulance response time for our area is now 47 minutes, far above the national target of "
        "18 minutes. Our hospital needs more beds and fairer funding.",
    ),
    bullets=(
        "A new surgery for {place}",
        "Half-price bus fares for under 25s",
        "Street lights that work all night",
        "Protect the green belt from developers",
        "Free school meals for every primary pupil",
    ),
    box_texts=(
        "Vote {short} on Thursday 7 May",
        "Only {short} can win here: the others are out of the race",
    ),
    squeeze=(
        "Greens 36% Labour 33% Reform 19% Lib Dems 12%",
        "Majority last time: just 89 votes",
    ),
)
