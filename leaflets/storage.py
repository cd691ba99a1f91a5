"""Content-addressed image storage: one folder per sha256 holding the image's variants.

An upload's own bytes wait there too (the HELD object) until a background worker has made the variants from
them, so the database holds only the key, not megabytes of photo under its single writer.

Files are written atomically (temp file, fsync, rename) so a crash never leaves a half file under a real name.
The interface is small so an S3-compatible store (leaflets/storage_s3.py, STORAGE=s3) stands in for
LocalStorage at scale. Callers read through `read()`; only LocalStorage has files on disk (`find()`).
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
HELD = "upload"  # an upload's bytes, kept until its variants are made (never served)
FAILED = "failed"  # why a held photo was given up (a few bytes of text, for a form that still holds it)
OBJECTS = (*VARIANTS, HELD, FAILED)  # what a folder may hold
_HELD_NAME = "upload.bin"  # any sniffed format (HEIF too) under one name
_FIXED = {HELD: (_HELD_NAME, "application/octet-stream"), FAILED: ("failed.txt", "text/plain")}
_SHA = re.compile(r"^[0-9a-f]{64}$")
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
MIME_BY_EXTENSION = {ext: mime for mime, ext in _EXTENSIONS.items()}


class Storage(Protocol):
    def put(self, sha256: str, variant: str, data: bytes, mime: str) -> None: ...
    def read(self, sha256: str, variant: str) -> tuple[bytes, str] | None: ...
    def has(self, sha256: str) -> bool: ...
    def exists(self, sha256: str, variant: str) -> bool: ...
    def delete(self, sha256: str) -> None: ...
    def all_shas(self) -> Iterator[str]: ...
    def modified_at(self, sha256: str) -> float | None: ...
    def signed_url(self, sha256: str, variant: str, expires_s: int, cache_control: str) -> str | None: ...
    def check(self) -> None: ...
    def remove(self, sha256: str, variant: str) -> None: ...
    def held_shas(self) -> Iterator[str]: ...


class StorageUnreachable(OSError):
    """The image store did not answer or refused a write (object storage down, bucket missing)."""


def is_sha(value: str) -> bool:
    return _SHA.match(value) is not None


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
        if variant not in OBJECTS:
            raise ValueError(f"unknown variant {variant!r}")
        folder = self.folder(sha256)
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / (_FIXED[variant][0] if variant in _FIXED else f"{variant}.{_EXTENSIONS[mime]}")
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
        if variant not in OBJECTS or not _SHA.match(sha256):
            return None
        folder = self.root / sha256[:2] / sha256
        if variant in _FIXED:
            name, mime = _FIXED[variant]
            return (folder / name, mime) if (folder / name).is_file() else None
        for ext, mime in MIME_BY_EXTENSION.items():
            candidate = folder / f"{variant}.{ext}"
            if candidate.is_file():
                return candidate, mime
        return None

    def read(self, sha256: str, variant: str) -> tuple[bytes, str] | None:
        found = self.find(sha256, variant)
        return (found[0].read_bytes(), found[1]) if found else None

    def exists(self, sha256: str, variant: str) -> bool:
        return self.find(sha256, variant) is not None

    def has(self, sha256: str) -> bool:
        return all(self.exists(sha256, variant) for variant in VARIANTS)

    def modified_at(self, sha256: str) -> float | None:
        try:
            return self.folder(sha256).stat().st_mtime
        except FileNotFoundError:
            return None

    def signed_url(self, sha256: str, variant: str, expires_s: int, cache_control: str) -> str | None:
        """Files on disk are served by the app itself (no URL of their own)."""
        return None

    def check(self) -> None:
        """Raise OSError unless the upload folder exists (or can be made) and is writable."""
        self.root.mkdir(parents=True, exist_ok=True)
        if not os.access(self.root, os.W_OK):
            raise OSError(f"{self.root} is not writable")

    def delete(self, sha256: str) -> None:
        shutil.rmtree(self.folder(sha256), ignore_errors=True)

    def remove(self, sha256: str, variant: str) -> None:
        """Delete one object of a folder (an upload's bytes once its variants exist); missing is fine."""
        found = self.find(sha256, variant)
        if found is not None:
            found[0].unlink(missing_ok=True)
            self._fsync_dir(found[0].parent)

    def held_shas(self) -> Iterator[str]:
        """The folders that still hold an upload's bytes."""
        if self.root.is_dir():
            for held in sorted(self.root.glob(f"??/*/{_HELD_NAME}")):
                if _SHA.match(held.parent.name):
                    yield held.parent.name

    def all_shas(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for prefix in sorted(self.root.iterdir()):
            if prefix.is_dir() and len(prefix.name) == 2:
                for folder in sorted(prefix.iterdir()):
                    if folder.is_dir() and _SHA.match(folder.name):
                        yield folder.name


def create_storage(config: dict) -> Storage:
    """STORAGE=local (the default: UPLOAD_DIR) or STORAGE=s3 (S3_BUCKET, S3_ENDPOINT_URL, ...)."""
    kind = str(config.get("STORAGE") or "local").lower()
    if kind == "local":
        return LocalStorage(Path(config["UPLOAD_DIR"]))
    if kind == "s3":
        from leaflets.storage_s3 import S3Storage  # boto3 is only imported when S3 is used

        return S3Storage.from_config(config)
    raise ValueError(f"STORAGE={kind!r}: use 'local' or 's3'")
