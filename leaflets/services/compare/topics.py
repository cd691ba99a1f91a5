"""Topics from the tag taxonomy: which tag's words explain a term, and which topics a leaflet's text is about.

A topic tag's keywords are the items of its name and description ("Roads, potholes, buses, trains, parking";
"Crime and policing"): one-word items match any word with the same Porter stem ("pothole" and "potholes"),
longer items ("council tax", "cost of living") match only as the whole phrase.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from search.analysis import stem

TOPIC_GROUP = "topic"
# Its words ("a campaign about something in this area") explain nothing.
UNSPECIFIC = frozenset({"local-issue"})
_SPLIT = re.compile(r",|\band\b|\bthe\b", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")


def _forms(word: str) -> list[str]:
    """A keyword and its naive singular ("buses": "bus"; "roads": "road")."""
    if word.endswith("es") and len(word) > 4:
        return [word, word[:-2], word[:-1]]
    return [word, word[:-1]] if word.endswith("s") and len(word) > 3 else [word]


@dataclass(frozen=True)
class Topic:
    slug: str
    name: str


@dataclass
class TopicMatcher:
    topics: list[Topic] = field(default_factory=list)
    stems: dict[str, str] = field(default_factory=dict)  # word stem -> slug
    phrases: dict[tuple[str, ...], str] = field(default_factory=dict)  # stems of a phrase -> slug

    @classmethod
    def from_tags(cls, tags: Iterable[tuple[str, str, str, str]]) -> "TopicMatcher":
        """From (slug, name, group, description) rows; only the topic group counts."""
        matcher = cls()
        for slug, name, group, description in tags:
            if group != TOPIC_GROUP:
                continue
            matcher.topics.append(Topic(slug, name))
            if slug in UNSPECIFIC:
                continue
            for item in _SPLIT.split(f"{name}, {description}"):
                words = tuple(
                    stem(word) for word in _WORD.findall(item.lower()) if word not in ("of", "with")
                )
                if len(words) == 1 and len(words[0]) > 1:
                    for form in _forms(item.strip().lower()):  # "buses" should explain "bus" too
                        matcher.stems.setdefault(stem(form), slug)
                elif len(words) > 1:
                    matcher.phrases.setdefault(words, slug)
        return matcher

    def topic_of(self, term: str) -> str | None:
        """The topic whose words explain a term ("potholes", "bus station", "council tax"), if one does."""
        words = tuple(stem(word) for word in term.split())
        if words in self.phrases:
            return self.phrases[words]
        return next((self.stems[word] for word in words if word in self.stems), None)

    def topics_in(self, sentences: Sequence[Sequence[str]]) -> set[str]:
        """The topics a text mentions, from sentences of lowercased words."""
        found: set[str] = set()
        longest = max((len(phrase) for phrase in self.phrases), default=0)
        for sentence in sentences:
            stems = [stem(word) for word in sentence if word not in ("of", "with")]
            found.update(self.stems[word] for word in stems if word in self.stems)
            for size in range(2, longest + 1):
                found.update(
                    self.phrases[gram]
                    for gram in zip(*(stems[i:] for i in range(size)))
                    if gram in self.phrases
                )
        return found

    def name(self, slug: str) -> str:
        return next((topic.name for topic in self.topics if topic.slug == slug), slug)
