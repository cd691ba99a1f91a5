"""Topic shares: the share of the party's local leaflets about each topic against its share elsewhere.

A leaflet is about a topic when a volunteer tagged it so or its text uses the topic tag's words."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from leaflets.services.compare.corpus import Baseline, Local
from leaflets.services.compare.topics import TopicMatcher


@dataclass(frozen=True)
class TopicShare:
    slug: str
    name: str
    local: int
    local_total: int
    national: int
    national_total: int

    @property
    def local_share(self) -> float:
        return self.local / self.local_total if self.local_total else 0.0

    @property
    def national_share(self) -> float:
        return self.national / self.national_total if self.national_total else 0.0

    @property
    def difference(self) -> float:
        """Percentage points, positive when the topic is more common here."""
        return round(100 * (self.local_share - self.national_share), 1)


def shares(local: Local, baseline: Baseline, topics: TopicMatcher) -> list[TopicShare]:
    """Every topic found here or elsewhere, the biggest difference first."""
    here = Counter(slug for doc in local.docs for slug in set(doc.topics))
    elsewhere = baseline.topics()
    found = [
        TopicShare(
            topic.slug,
            topic.name,
            here.get(topic.slug, 0),
            len(local.docs),
            elsewhere.get(topic.slug, 0),
            baseline.leaflets,
        )
        for topic in topics.topics
        if here.get(topic.slug) or elsewhere.get(topic.slug)
    ]
    return sorted(found, key=lambda share: (-abs(share.difference), share.name))
