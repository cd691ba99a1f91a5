"""The value `ocr.recognise` returns: text, confidence, word boxes, rotation and timings."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class WordBox:
    """One recognised word; coordinates are pixels of the input (master) image."""

    text: str
    confidence: float
    left: int
    top: int
    width: int
    height: int
    block: int
    paragraph: int
    line: int


@dataclass
class OcrResult:
    """Everything one OCR run produced, JSON-serialisable through `to_dict`."""

    text: str = ""
    confidence: float = 0.0
    words: list[WordBox] = field(default_factory=list)
    rotation: int = 0
    skew: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)
    image_size: tuple[int, int] = (0, 0)
    # Whether the text is good enough to publish as the photo's text (False: gibberish or nothing legible).
    readable: bool = True
    # The evidence behind `readable` and the choice between readings (confidences, dictionary share, ...).
    quality: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Return plain JSON types (lists, dicts, str, int, float)."""
        data = asdict(self)
        data["image_size"] = list(self.image_size)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OcrResult:
        """Rebuild a result stored with `to_dict`."""
        return cls(
            text=str(data.get("text", "")),
            confidence=float(data.get("confidence", 0.0)),
            words=[WordBox(**word) for word in data.get("words", [])],
            rotation=int(data.get("rotation", 0)),
            skew=float(data.get("skew", 0.0)),
            timings={str(k): float(v) for k, v in data.get("timings", {}).items()},
            image_size=tuple(data.get("image_size", (0, 0))),
            readable=bool(data.get("readable", True)),
            quality={str(k): float(v) for k, v in data.get("quality", {}).items()},
        )
