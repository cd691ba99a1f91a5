"""Content-addressed image storage: one folder per sha256 holding the image's variants.

Files are written atomically (temp file, fsync, rename) so a crash never leaves a half file under a real name.
The interface is small so an S3-compatible store can stand in for LocalStorage at scale.
"""
from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Iterator, Protocol

log = logging.getLogger(__name__)

VARIANTS = ("master", "display", "thumb")
_SHA = re.compile(r"^[0-9a-f]{64}$")
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
MIME_BY_EXTENSION = {ext: mime for mime, ext in _EXTENSIONS.items()}


class Storage(Protocol):
    def put(self, sha256: str, variant: str, data: bytes, mime: str) -> None: ...
    def find(self, sha256: str, variant: str) -> tuple[Path, str] | None: ...
    def has(self, sha256: str) -> bool: ...
    def delete(self, sha256: str) -> None: ...
    def all_shas(self) -> Iterator[str]: ...
    def folder(self, sha256: str) -> Path: ...


def check_sha(sha256: str) -> str:
    if not _SHA.match(sha256):
        raise ValueError(f"not a sha256 hex digest: {sha256!r}")
    return sha256


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def folder(self, sha256: str) -> Path:
        check_sha(sha256)
        return self.root / sha256[:2] / sha256

    def put(self, sha256: str, variant: str, data: bytes, mime: str) -> None:
        if variant not in VARIANTS:
            raise ValueError(f"unknown variant {variant!r}")
        folder = self.folder(sha256)
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / f"{variant}.{_EXTENSIONS[mime]}"
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{variant}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp_name, final)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        self._fsync_dir(folder)

    @staticmethod
    def _fsync_dir(folder: Path) -> None:
        """Make the rename itself durable."""
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def find(self, sha256: str, variant: str) -> tuple[Path, str] | None:
        if variant not in VARIANTS or not _SHA.match(sha256):
            return None
        folder = self.root / sha256[:2] / sha256
        for ext, mime in MIME_BY_EXTENSION.items():
            candidate = folder / f"{variant}.{ext}"
            if candidate.is_file():
                return candidate, mime
        return None

    def has(self, sha256: str) -> bool:
        return all(self.find(sha256, variant) for variant in VARIANTS)

    def delete(self, sha256: str) -> None:
        shutil.rmtree(self.folder(sha256), ignore_errors=True)

    def all_shas(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for prefix in sorted(self.root.iterdir()):
            if prefix.is_dir() and len(prefix.name) == 2:
                for folder in sorted(prefix.iterdir()):
                    if folder.is_dir() and _SHA.match(folder.name):
                        yield folder.name
