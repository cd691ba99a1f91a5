"""The real set: leaflet photos uploaded to ElectionLeaflets.org, read in place from the shared data folder.

Never copied into the repository. Truth is the hand-made `*.gt.txt` beside an image, or a `truth: "..."`
cell in the folder's README table (the imprint strip); images with neither are shown, not scored.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")
_README_TRUTH = re.compile(r'^\|\s*(?P<name>[^|\s]+)\s*\|.*truth:\s*"(?P<truth>[^"]+)"', re.MULTILINE)


@dataclass(frozen=True)
class RealImage:
    """One real photo; `truth` is None when nobody has transcribed it."""

    name: str
    path: str
    truth: str | None
    transcribed: bool  # truth typed from the whole leaflet (a *.gt.txt), not a one-line README cell


def shared_data_dir() -> Path:
    """`SHARED_DATA_DIR`, else `../shared/data` beside the checkout, else `/work/shared/data`."""
    candidates = [
        os.environ.get("SHARED_DATA_DIR", ""),
        str(REPO.parent / "shared" / "data"),
        "/work/shared/data",
    ]
    for candidate in candidates:
        if candidate and Path(candidate, "real_leaflets").is_dir():
            return Path(candidate)
    tried = [c for c in candidates if c]
    raise SystemExit(f"real leaflets not found under any of {tried}; set SHARED_DATA_DIR")


def real_images(folder: Path | None = None) -> list[RealImage]:
    """Every image in real_leaflets/, transcribed ones first, each with its truth if it has one."""
    folder = folder or shared_data_dir() / "real_leaflets"
    readme = folder / "README.md"
    readme_text = readme.read_text() if readme.is_file() else ""
    table = {match["name"]: match["truth"] for match in _README_TRUTH.finditer(readme_text)}
    images = []
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() not in IMAGE_SUFFIXES:
            continue
        transcript = path.with_suffix(".gt.txt")
        truth = transcript.read_text() if transcript.is_file() else table.get(path.name)
        images.append(RealImage(path.name, str(path), truth, transcript.is_file()))
    return sorted(images, key=lambda image: (not image.transcribed, image.truth is None))
