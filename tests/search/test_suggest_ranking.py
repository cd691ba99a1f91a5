"""'Did you mean' on a vocabulary with OCR noise in it: the common real word wins over a rare misreading."""

from __future__ import annotations

from search import SearchQuery


def test_a_swapped_pair_of_letters_finds_the_common_word_not_a_rare_misreading(backend, make_doc):
    docs = [
        make_doc(n, title=f"Budget {n}", text="The council budget is balanced. " * 3) for n in range(1, 31)
    ]
    # an OCR misreading one deletion away from the query, held by two leaflets
    docs += [make_doc(n, title=f"Scan {n}", text="The budet was read badly.") for n in (31, 32)]
    backend.index(docs)
    backend.flush()
    result = backend.search(SearchQuery(text="bugdet"))
    assert result.total == 0
    assert result.suggestion == "budget"


def test_a_word_held_by_far_more_leaflets_wins_though_it_is_one_edit_further(backend, make_doc):
    docs = [make_doc(n, title=f"Hospital {n}", text="Save our hospital.") for n in range(1, 81)]
    # "hostl" is one edit from the query, "hospital" (stem "hospit") two; 80 leaflets against 2
    docs += [make_doc(n, title=f"Scan {n}", text="The hostl was read badly.") for n in (81, 82)]
    backend.index(docs)
    backend.flush()
    assert backend.search(SearchQuery(text="hosptl")).suggestion == "hospital"
