"""Compare's text analysis without a database: words and figures, names and noise, MinHash, topics, diffs."""

from __future__ import annotations

import csv
import random
from collections import Counter
from pathlib import Path

import pytest

from leaflets.services import text_stats
from leaflets.services.compare import minhash
from leaflets.services.compare.analysis import ImageSource, LeafletSource, analyse
from leaflets.services.compare.clusters import TEMPLATE_THRESHOLD
from leaflets.services.compare.diff import diff_words
from leaflets.services.compare.figures import value_of
from leaflets.services.compare.names import ReferenceNames, TokenStats, names_of, why_excluded
from leaflets.services.compare.topics import TopicMatcher
from leaflets.services.compare.words import from_ocr, from_text, tokenise
from tests.compare_support import ocr_words

TAGS = Path(__file__).resolve().parents[1] / "data" / "reference" / "tags.csv"
REFERENCE = names_of(["Aldershot", "Banbury", "Brent East", "Labour Party", "Labour", "South East"])
PLACE_TEMPLATE = (
    "{name} lives in {place} and knows what matters here. Potholes on {road} have been "
    "reported {times} times this year, and the council sits on a {budget} repair budget.\n\n"
    "Families in {place} are paying {shop} more a year for their weekly shop. It is time for a "
    "government that puts working people first and a council that fixes the roads.\n\n"
    "{stat} for local services\n\n"
    "Promoted by {agent} on behalf of {name}, both at {number} {road}, {place}."
)


def topics() -> TopicMatcher:
    with open(TAGS, newline="", encoding="utf-8") as handle:
        return TopicMatcher.from_tags(
            (r["slug"], r["name"], r["group"], r["description"]) for r in csv.DictReader(handle)
        )


def filled(**values: str) -> str:
    defaults = {
        "name": "Alex Baker",
        "place": "Aldershot",
        "road": "Station Road",
        "times": "47",
        "budget": "£3 million",
        "shop": "£650",
        "stat": "£31m",
        "agent": "Chloe Lloyd",
        "number": "12",
    }
    return PLACE_TEMPLATE.format(**{**defaults, **values})


def analysed(text: str, description: str = "", words: bool = False):  # type: ignore[no-untyped-def]
    image = ImageSource(1, text, ocr_words=ocr_words(text) if words else None)
    return analyse(
        LeafletSource(1, "", description, [image]),
        REFERENCE,
        topics(),
        frozenset(w.lower() for w in description.split()),
    )


def test_sentences_keep_figures_whole_and_know_where_capitals_mean_names():
    sentences = tokenise(
        from_text(
            "Potholes on Station Road: reported 47 times.\nWe saved £3 million and "
            "6,500 jobs, 12% more. Chloe Lloyd"
        )
    )
    tokens = [[(t.original, t.figure, t.titled) for t in sentence] for sentence in sentences]
    assert tokens[0] == [
        ("Potholes", False, False),
        ("on", False, False),
        ("Station", False, True),
        ("Road", False, True),
    ]
    assert ("47", True, False) in tokens[1]
    assert [t for t, figure, _ in tokens[2] if figure] == ["£3 million", "6,500", "12%"]
    assert tokens[3] == [("Chloe", False, False), ("Lloyd", False, True)]  # a new line: "Chloe" starts it
    assert (value_of("£3 million"), value_of("6,500"), value_of("£1.5bn"), value_of("£9mM")) == (
        3e6,
        6500.0,
        1.5e9,
        9e6,
    )


def test_big_print_read_a_character_at_a_time_is_one_figure():
    pieces = [
        {
            "text": text,
            "left": left,
            "top": 100,
            "width": 40,
            "height": 80,
            "confidence": 80,
            "block": 1,
            "paragraph": 1,
            "line": 1,
        }
        for text, left in (("£", 80), ("2", 125), ("7", 170), ("m", 215), ("for", 420), ("local", 470))
    ]
    words = from_ocr(3, pieces)
    assert [w.text for w in words] == ["£27m", "for", "local"]
    assert words[0].box == (80, 100, 175, 80)
    assert [t.figure for t in tokenise(words)[0]] == [True, False, False]


def test_figures_get_the_same_key_in_the_same_sentence_and_another_elsewhere():
    here, there = (
        analysed(filled()),
        analysed(
            filled(
                name="Sean Woodcock", place="Banbury", road="Mill Lane", times="12", stat="£18m", shop="£900"
            )
        ),
    )
    keys_here = {m.figure: m.key for m in here.mentions}
    keys_there = {m.figure: m.key for m in there.mentions}
    assert keys_here["£31m"] == keys_there["£18m"] and keys_here["47"] == keys_there["12"]
    assert keys_here["£650"] == keys_there["£900"]  # the place name in the window is masked
    assert len(set(keys_here.values())) == len(keys_here)
    stat = next(m for m in here.mentions if m.figure == "£31m")
    assert stat.context == "{} for local services" and stat.image_id == 1


def test_the_template_with_names_and_figures_swapped_has_nearly_the_same_signature():
    here = analysed(filled(), description="Alex Baker for Aldershot")
    there = analysed(
        filled(
            name="Sean Woodcock",
            place="Banbury",
            road="Mill Lane",
            times="12",
            stat="£18m",
            agent="Priya Patel",
            number="7",
        ),
        description="Sean Woodcock for Banbury",
    )
    other = analysed(
        "Reform will stop the boats and cut immigration. Britain deserves secure borders and "
        "lower taxes for working families, and a government that listens to you at last."
    )
    assert minhash.similarity(here.signature, there.signature) >= 0.9
    assert minhash.similarity(here.signature, other.signature) < TEMPLATE_THRESHOLD
    assert set(minhash.bands(here.signature)) & set(minhash.bands(there.signature))
    assert not set(minhash.bands(here.signature)) & set(minhash.bands(other.signature))


def test_minhash_estimates_jaccard_similarity():
    rng = random.Random(4)
    for overlap in (0.2, 0.5, 0.8):
        shared = {rng.getrandbits(32) for _ in range(int(600 * overlap))}
        first = shared | {rng.getrandbits(32) for _ in range(600 - len(shared))}
        second = shared | {rng.getrandbits(32) for _ in range(600 - len(shared))}
        exact = len(first & second) / len(first | second)
        estimate = minhash.similarity(
            *(
                minhash.signature(minhash.shingle_hashes([str(x) for x in sorted(s)], 1))
                for s in (first, second)
            )
        )
        assert estimate == pytest.approx(exact, abs=0.12)
    assert minhash.signature(minhash.shingle_hashes([])) is None
    sig = minhash.signature(minhash.shingle_hashes("a b c d e f".split()))
    assert (minhash.from_bytes(minhash.to_bytes(sig)) == sig).all()
    assert len(minhash.bands(sig)) == minhash.BANDS


@pytest.mark.parametrize(
    "term, reason",
    [
        ("aldershot", "name"),
        ("brent east", "name"),
        ("east", "name"),
        ("chloe", "name"),
        ("lloyd", "name"),
        ("hloe", "noise"),
        ("potholes", None),
        ("gurkha", None),
        ("green", None),
        ("bus station", None),
    ],
)
def test_names_and_ocr_noise_are_left_out(term, reason):
    stats = {
        "aldershot": TokenStats(capitalised=9, paired=1, lowered=0, trusted=9),
        "brent": TokenStats(capitalised=4, paired=4, trusted=4),
        "east": TokenStats(capitalised=6, paired=6, lowered=1, trusted=7),
        "chloe": TokenStats(capitalised=5, paired=5, trusted=5),
        "lloyd": TokenStats(capitalised=5, paired=5, trusted=5),
        "hloe": TokenStats(lowered=1, trusted=0),
        "potholes": TokenStats(capitalised=2, lowered=9, trusted=11),
        "gurkha": TokenStats(capitalised=6, paired=1, trusted=6),  # a proper noun, not a person or a place
        "green": TokenStats(capitalised=3, paired=3, lowered=8, trusted=11),
        "bus": TokenStats(lowered=5, trusted=5),
        "station": TokenStats(capitalised=1, paired=1, lowered=4, trusted=5),
    }
    reference = REFERENCE | names_of(["Green Party"])
    assert why_excluded(term, stats, reference) == reason


def test_token_stats_count_capitals_pairs_lower_case_and_confident_reads():
    text = "Chloe Lloyd says the Gurkha centre must stay open.\nThe Gurkha centre matters to Chloe Lloyd."
    result = analyse(
        LeafletSource(1, "", "", [ImageSource(1, text, ocr_words=ocr_words(text, low={"matters": 40.0}))]),
        REFERENCE,
        topics(),
    )
    assert result.tokens["lloyd"] == TokenStats(capitalised=2, paired=2, lowered=0, trusted=2)
    assert result.tokens["gurkha"].paired == 0 and result.tokens["gurkha"].capitalised == 2
    assert result.tokens["centre"].lowered == 2 and result.tokens["matters"].trusted == 0


def test_topics_come_from_the_tag_words():
    matcher = topics()
    assert [
        matcher.topic_of(term) for term in ("potholes", "bus station", "council tax", "nhs", "weather")
    ] == ["transport", "transport", "tax", "health", None]
    found = matcher.topics_in(text_stats.sentences("The cost of living is rising. Sewage in our rivers."))
    assert found == {"economy", "environment"}
    assert (
        "local-issue" in {topic.slug for topic in matcher.topics}
        and "local-issue" not in matcher.stems.values()
    )


def test_a_word_diff_lists_what_was_swapped():
    diff = diff_words(filled().split(), filled(name="Sean Woodcock", stat="£18m").split())
    assert ("Alex Baker", "Sean Woodcock") in diff.swaps and ("£31m", "£18m") in diff.swaps
    assert not diff.identical and diff.changed_words == 5 and diff_words(["a"], ["a"]).identical
    rewritten = diff_words(["start"] + ["old"] * 10 + ["end"], ["start"] + ["new"] * 10 + ["end"])
    assert rewritten.swaps == [] and rewritten.changed_words == 10  # a rewritten passage is no swap


def test_fightin_words_ranks_a_local_word_first_given_only_candidate_counts_and_totals():
    local = Counter({"gurkha": 10, "potholes": 10, "labour": 10})
    national = Counter({"potholes": 100, "labour": 20000, "growth": 5000})
    top_local, top_national = text_stats.distinctive_terms(local, national, limit=3, totals=(300.0, 600000.0))
    assert [t.term for t in top_local][:2] == ["gurkha", "potholes"] and top_local[0].z > 1.96
    assert "growth" in [t.term for t in top_national] and all(t.z < 0 for t in top_national)
    assert text_stats.distinctive_terms(Counter(), national) == ([], [])


def test_reference_names_are_phrases_and_their_words():
    assert isinstance(REFERENCE, ReferenceNames)
    assert "brent east" in REFERENCE.phrases and {"brent", "east", "labour", "party"} <= REFERENCE.tokens
