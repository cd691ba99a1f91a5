"""Prose pool C: the wider generator's tuning layouts draw their words from here."""

from __future__ import annotations

from bench.ocr.wide.words import Prose

PROSE = Prose(
    parties=(
        ("Labour Party", "Labour", (200, 16, 46)),
        ("Liberal Democrats", "Lib Dems", (250, 166, 26)),
        ("Scottish National Party", "SNP", (253, 243, 142)),
        ("Independent", "Independent", (120, 60, 140)),
    ),
    candidates=(
        "Aisha Rahman",
        "Callum Fraser",
        "Bethan Morgan",
        "Nikhil Sharma",
        "Joanne Whitaker",
        "Ewan McLeod",
    ),
    places=("Westbourne", "Harbour Ward", "Ashby Green", "Milltown", "St Peter's", "Broadfield"),
    streets=("Victoria Road", "Queen Street", "Mill Lane", "Station Approach", "Chapel Row"),
    headlines=(
        "Stop the closure of Westbourne library",
        "Safer streets for our children",
        "A fair deal for {place}",
        "{candidate}: your local champion",
        "Cleaner air, cheaper buses",
        "We fought for the new health centre",
    ),
    subheads=(
        "Working all year round, not just at election time",
        "The only candidate who lives in {place}",
        "Results, not promises",
        "Here is what we have achieved together",
    ),
    paragraphs=(
        "Since the last election {candidate} has held forty-two advice surgeries across {place}, "
        "helped hundreds of residents with housing problems and persuaded the council to reverse "
        "its disastrous decision to close the children's centre on {street}.",
        "The government's funding formula has taken £31m out of our local health services since 2019. "
        "Waiting lists at the district hospital have grown by 42% and the minor injuries unit now "
        "closes at six o'clock every evening, leaving families with a twenty mile journey.",
        "Residents told us that speeding traffic on {street} is their biggest worry. After a petition "
        "signed by 1,380 people the council has finally agreed to a twenty mile an hour limit, "
        "new pedestrian crossings and enforcement cameras outside both primary schools.",
        "Our neighbourhood deserves investment, not neglect. The regeneration of the old bus depot "
        "will bring 250 affordable homes, a community garden and workshops for small businesses, "
        "but only if local people keep the pressure on the developers and the planning committee.",
        "Flooding has damaged more than 90 homes in {place} in the last three winters. We are "
        "demanding that the water company invests in proper drainage infrastructure instead of "
        "paying dividends of £1.2bn to shareholders while sewage pours into our rivers.",
        "Young people need somewhere to go. {candidate} secured £85,000 for the youth club on "
        "{street}, which now opens five evenings a week with sports, music and homework support, "
        "and volunteers are already planning a summer programme for the holidays.",
        "Potholes, broken streetlights and overflowing bins are not too small to matter. Report "
        "them to us and we will chase the council until they are fixed: last year our team "
        "reported 617 problems and more than nine in ten were repaired within a month.",
        "Energy bills remain far too high for pensioners and working families. We will insulate "
        "older council homes, install solar panels on public buildings and campaign for a social "
        "tariff that protects the most vulnerable households through the winter months.",
        "The post office on {street} is the last one for three miles. When the company announced its "
        "closure, {candidate} organised a public meeting attended by more than 300 people and "
        "negotiated a new counter inside the community pharmacy, open six days a week.",
        "Local businesses are the heart of {place}. Parking charges have driven shoppers to the "
        "out-of-town retail park, so we are proposing two hours of free parking, a weekly market "
        "and lower business rates for independent shops that employ local apprentices.",
        "Every child deserves a good school place close to home. The secondary school is already "
        "oversubscribed by 140 pupils, and the council's own forecasts show the shortfall doubling "
        "within five years unless the promised extension is finally built.",
        "Our parks are precious. Volunteers from the Friends of Riverside Park have planted 2,000 "
        "trees, restored the bandstand and cleared the pond, and {candidate} has persuaded the "
        "council to employ a full-time park keeper again after a gap of eleven years.",
    ),
    bullets=(
        "Keep the library open five days a week",
        "20mph outside every school in {place}",
        "A GP appointment within a week",
        "Free swimming for under-16s in the holidays",
        "Fix the drains on {street}",
        "More buses in the evenings and on Sundays",
        "No to the incinerator on the industrial estate",
        "Protect green spaces from overdevelopment",
    ),
    stats=(
        ("£31m", "taken from local health services since 2019"),
        ("42%", "longer hospital waiting lists"),
        ("1,380", "residents signed our speeding petition"),
        ("617", "street problems reported and chased"),
        ("£85,000", "secured for the youth club"),
        ("250", "affordable homes at the old bus depot"),
        ("9 in 10", "residents want the library kept open"),
    ),
    quotes=(
        "{candidate} never gives up. When our street flooded, she was here the next morning.",
        "I have lived in {place} for forty years and nobody has worked harder for us.",
        "We need a councillor who listens, and {candidate} always does.",
    ),
    captions=(
        "{candidate} with residents on {street}",
        "{candidate} at the {place} community garden",
        "Campaigning to save the library",
    ),
    chart_titles=(
        "How people voted here last time",
        "Result of the last election in {place}",
        "Only {short} can win here",
    ),
    rivals=("Labour", "Lib Dems", "SNP", "Conservatives", "Greens", "Reform", "Independent"),
    mastheads=("{place} Focus", "The {place} Reporter", "{place} Matters"),
    greetings=("Dear resident,", "Dear neighbour,", "Dear friend,"),
    closings=("Yours sincerely,", "With best wishes,", "Kind regards,"),
    postscripts=(
        "P.S. Polling day is Thursday 2 May. Polls are open from 7am to 10pm.",
        "P.S. If you need a postal vote, call my office on 0161 496 0734.",
    ),
    printers=(
        "Northern Print Works, Unit 4, Canal Street, Manchester M1 3HE",
        "Clydeside Press, 12 Argyle Street, Glasgow G2 8AG",
    ),
    calls=("Vote {short} on Thursday 2 May", "Re-elect {candidate} on 2 May", "Back {candidate} for {place}"),
    contacts=(
        "Call {candidate} on 0161 496 0734 or write to {street}, {place}",
        "Email office@westbournefocus.org.uk or phone 0131 496 0512",
    ),
    pie_titles=("Where the council spends your money", "What residents told us matters most"),
    pie_labels=("Schools", "Roads", "Social care", "Bins", "Parks", "Housing", "Policing"),
)
