"""One leaflet's text analysed for compare, without the database: tokens, how each word is written, figures
and their keys, topics, and the MinHash signature of its text with names and figures masked."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np

from leaflets.services.compare import minhash
from leaflets.services.compare.figures import Mention, mask, mentions
from leaflets.services.compare.names import ReferenceNames, TokenStats
from leaflets.services.compare.topics import TopicMatcher
from leaflets.services.compare.words import TRUSTED_CONFIDENCE, Token, Word, from_ocr, from_text, tokenise
from leaflets.services.text_stats import STOP_WORDS

MIN_SIGNED_TOKENS = 20  # shorter texts get no signature: too little to call anything a template


@dataclass(frozen=True)
class ImageSource:
    image_id: int
    ocr_text: str | None
    corrected_text: str | None = None
    ocr_words: Sequence[dict[str, Any]] | None = None
    confidence: float | None = None

    def words(self) -> list[Word]:
        """The best words of this photo: a volunteer's correction, else OCR words with boxes, else OCR
        text."""
        if self.corrected_text is not None:
            return from_text(self.corrected_text, self.image_id)
        if self.ocr_words:
            return from_ocr(self.image_id, self.ocr_words)
        trusted = self.confidence is None or self.confidence >= TRUSTED_CONFIDENCE
        return from_text(self.ocr_text or "", self.image_id, trusted)


@dataclass(frozen=True)
class LeafletSource:
    leaflet_id: int
    title: str = ""
    description: str = ""
    images: Sequence[ImageSource] = ()
    tags: Sequence[str] = ()  # slugs of topic tags volunteers gave it


@dataclass
class Analysis:
    sentences: list[list[str]]
    words: int
    tokens: dict[str, TokenStats]
    mentions: list[Mention]
    signature: np.ndarray | None
    topics: list[str]
    text_hash: str
    image_words: list[Word] = field(default_factory=list, repr=False)
    image_sentences: list[list[Token]] = field(default_factory=list, repr=False)


def name_test(names: frozenset[str]):
    """Whether a token is a name for masking: Capitalised mid-sentence or beside another Capitalised word, or
    one of the given names."""

    def is_name(token: Token) -> bool:
        return token.titled or token.lower in names

    return is_name


def analyse(
    source: LeafletSource,
    reference: ReferenceNames,
    topics: TopicMatcher,
    metadata: frozenset[str] = frozenset(),
) -> Analysis:
    """Everything compare keeps about one leaflet. The title counts as text; figures and the signature come
    from the photos' text only (a title is typed by whoever uploaded it, not printed by the party)."""
    title_words = from_text(source.title)
    image_words = [word for image in source.images for word in image.words()]
    title_sentences, image_sentences = tokenise(title_words), tokenise(image_words)
    is_name = name_test(reference.tokens | metadata)
    lowered = [[token.lower for token in sentence] for sentence in title_sentences + image_sentences]
    text = "\n".join(word.text for word in title_words + image_words)
    return Analysis(
        sentences=lowered,
        words=sum(len(sentence) for sentence in lowered),
        tokens=_merge(_token_stats(image_sentences, image_words), _token_stats(title_sentences, title_words)),
        mentions=mentions(image_sentences, image_words, is_name),
        signature=_signature(image_sentences, is_name),
        topics=sorted(topics.topics_in(lowered) | set(source.tags)),
        text_hash=hashlib.sha1(text.encode("utf-8")).hexdigest(),
        image_words=image_words,
        image_sentences=image_sentences,
    )


def _signature(sentences: list[list[Token]], is_name) -> np.ndarray | None:
    stream = [mask(token, is_name) for sentence in sentences for token in sentence]
    if len(stream) < MIN_SIGNED_TOKENS:
        return None
    return minhash.signature(minhash.shingle_hashes(stream))


def _token_stats(sentences: list[list[Token]], words: Sequence[Word]) -> dict[str, TokenStats]:
    capitalised: Counter[str] = Counter()
    paired: Counter[str] = Counter()
    lowered: Counter[str] = Counter()
    trusted: Counter[str] = Counter()
    for sentence in sentences:
        capitals = [token.capitalised and token.lower not in STOP_WORDS for token in sentence]
        for position, token in enumerate(sentence):
            if token.figure:
                continue
            if capitals[position]:
                capitalised[token.lower] += 1
                after = (
                    position + 1 < len(sentence)
                    and capitals[position + 1]
                    and not sentence[position + 1].initial
                )
                if (position and capitals[position - 1] and not token.initial) or after:
                    paired[token.lower] += 1
            elif token.original.islower():
                lowered[token.lower] += 1
            if words[token.word].trusted:
                trusted[token.lower] += 1
    return {
        token: TokenStats(capitalised[token], paired[token], lowered[token], trusted[token])
        for token in capitalised.keys() | lowered.keys() | trusted.keys()
    }


def _merge(first: dict[str, TokenStats], second: dict[str, TokenStats]) -> dict[str, TokenStats]:
    """The two counts added up (the second is the small one: a title)."""
    merged = dict(first)
    for token, stats in second.items():
        have = merged.get(token, TokenStats())
        merged[token] = TokenStats(
            have.capitalised + stats.capitalised,
            have.paired + stats.paired,
            have.lowered + stats.lowered,
            have.trusted + stats.trusted,
        )
    return merged
