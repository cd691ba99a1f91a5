"""Prose pool D: the wider generator's held-out layouts draw their words from here. Do not tune on it."""

from __future__ import annotations

from bench.ocr.wide.words import Prose

PROSE = Prose(
    parties=(
        ("Conservative and Unionist Party", "Conservatives", (0, 87, 184)),
        ("Green Party", "Greens", (2, 168, 80)),
        ("Reform UK", "Reform", (18, 182, 207)),
        ("Plaid Cymru", "Plaid", (0, 129, 66)),
        ("Yorkshire Party", "Yorkshire Party", (0, 114, 198)),
    ),
    candidates=(
        "Olusegun Adeyemi",
        "Harriet Bramley",
        "Dafydd Rees",
        "Krystyna Nowak",
        "Imran Chaudhry",
        "Eleanor Fitzgerald",
    ),
    places=("Kirkby Moor", "Pontnewydd", "Eastfield Vale", "Saltmarsh", "Upper Heyford", "Calder Bridge"),
    streets=("Foundry Lane", "Orchard Crescent", "Bridge Street", "Brewery Yard", "Moorside Avenue"),
    headlines=(
        "Keep Kirkby Moor's maternity unit open",
        "Your vote decides who runs {place}",
        "Honest answers, practical solutions",
        "{candidate} is standing up for {place}",
        "Lower bills, warmer homes",
        "Protect our countryside",
    ),
    subheads=(
        "A record of delivery you can check",
        "Born and brought up in {place}",
        "What we will do in the first hundred days",
        "Listening to residents on every doorstep",
    ),
    paragraphs=(
        "Ambulances in {place} now take an average of fifty-three minutes to reach a heart attack or "
        "stroke patient. {candidate} has obtained the figures under freedom of information and is "
        "demanding an emergency plan from the health board before another winter begins.",
        "The county council has spent £2.7m on consultants in two years while closing three libraries "
        "and cutting the mobile library service that isolated villages depend upon. We would publish "
        "every contract over £5,000 and let residents question the cabinet in public.",
        "Farmers and food producers are the backbone of our rural economy, yet 38% of local farms say "
        "they may not survive the next five years. We will back local procurement, so that schools and "
        "hospitals buy food grown within thirty miles of {place}.",
        "Since {candidate} was elected, the derelict Bridge Street mill has been converted into "
        "sixty homes and a start-up centre, the riverside footpath has been resurfaced, and the "
        "dangerous junction by the primary school finally has traffic lights.",
        "Council tax has risen every year for a decade, but residents have seen their services "
        "shrink. Our independent audit found £4.1m of savings in management costs and duplicated "
        "departments, money that should be spent on frontline care for elderly residents.",
        "Rural bus routes have been cut by a third since 2015, leaving teenagers unable to reach "
        "college and pensioners unable to reach the surgery. We will introduce a demand-responsive "
        "minibus service that you can book by telephone or online the day before.",
        "Broadband in Upper Heyford and the surrounding hamlets is among the slowest in the country. "
        "We have secured a commitment from the network operator to connect 1,900 properties to full "
        "fibre by next spring, and we will publish monthly progress reports.",
        "Every year thousands of tonnes of recyclable waste from {place} are burned because the "
        "sorting plant is too small. A modern facility would create eighty skilled jobs, reduce "
        "emissions and save taxpayers an estimated £900,000 a year in landfill charges.",
        "Dentists are leaving the health service faster than they can be replaced: not one practice "
        "in {place} is accepting new adult patients. We will offer newly qualified dentists help "
        "with housing and student debt if they commit to working here for five years.",
        "The flood defences promised after the storms of 2020 are still unbuilt. {candidate} has "
        "raised the matter in the council chamber nine times and will not rest until the money "
        "allocated by the government is actually spent on the embankment at Saltmarsh.",
        "Small businesses on the high street pay some of the highest rates in the region. We will "
        "campaign for a fairer system based on turnover, so that the corner shop does not pay more "
        "than the online retailer with a warehouse on the bypass.",
        "Our young people should not have to leave {place} to build a career. Working with the "
        "college and local employers we will create 400 apprenticeships in engineering, care, "
        "construction and renewable energy over the next four years.",
    ),
    bullets=(
        "Save the maternity unit at Kirkby Moor",
        "A dentist for every family",
        "Full fibre broadband for the villages",
        "Fix the flood defences at Saltmarsh",
        "Publish every council contract over £5,000",
        "400 new apprenticeships",
        "Keep the mobile library running",
        "A minibus you can book the day before",
    ),
    stats=(
        ("53 min", "average ambulance wait in {place}"),
        ("£2.7m", "spent on council consultants"),
        ("38%", "of farms fear for their future"),
        ("1,900", "homes promised full fibre"),
        ("£4.1m", "of savings found by our audit"),
        ("400", "apprenticeships over four years"),
        ("0", "dentists taking new adult patients"),
    ),
    quotes=(
        "{candidate} answered every one of my letters, and fixed the problem within a week.",
        "Finally someone who understands what life is like in the villages.",
        "I did not vote last time. This time I am voting for {candidate}.",
    ),
    captions=(
        "{candidate} on the riverside footpath",
        "Meeting parents outside the primary school",
        "{candidate} at the Bridge Street mill",
    ),
    chart_titles=("The result here in 2019", "It is a close race in {place}", "Votes cast last time"),
    rivals=("Conservatives", "Greens", "Reform", "Plaid", "Labour", "Lib Dems", "Yorkshire Party"),
    mastheads=("The {place} Herald", "{place} Voice", "The {place} Courier"),
    greetings=("Dear neighbour,", "Dear householder,", "Dear fellow resident,"),
    closings=("Yours faithfully,", "With warm regards,", "Best wishes,"),
    postscripts=(
        "P.S. Polling stations are open from 7am until 10pm on Thursday 7 May.",
        "P.S. Need a lift to the polling station? Ring 01904 555 0188.",
    ),
    printers=(
        "Ridings Litho Ltd, 3 Mill Yard, Halifax HX1 2AB",
        "Gwasg y Dref, Heol y Castell, Caerfyrddin SA31 1AA",
    ),
    calls=("Vote {short} on Thursday 7 May", "Elect {candidate} on 7 May", "Put your cross for {candidate}"),
    contacts=(
        "Write to {candidate} at {street}, {place} or ring 01904 555 0142",
        "Visit www.kirkbymoorvoice.co.uk or email hello@kirkbymoorvoice.co.uk",
    ),
    pie_titles=("Our survey: your top concern", "How the county spends each pound"),
    pie_labels=("Health", "Transport", "Housing", "Crime", "Environment", "Education", "Cost of living"),
)
