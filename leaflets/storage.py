"""Content-addressed image storage: one folder per sha256 holding the image's variants.

An upload's own bytes (the HELD object) wait until a background worker has made the variants from them, so the
database holds only the key, not megabytes of photo under its single writer. On disk they wait in one `held/`
folder (`held/<sha>.bin`), not in the photo's own: an upload's photos are then made durable with one sync of
that folder, and no new folder's entry has to be synced before the upload may answer (docs/running.md). Bytes
held before that change, in `<sha[:2]>/<sha>/upload.bin`, are still found there.

Files are written atomically (temp file, fsync, rename) so a crash never leaves a half file under a real name.
The interface is small so an S3-compatible store (leaflets/storage_s3.py, STORAGE=s3) stands in for
LocalStorage at scale. Callers read through `read()`; only LocalStorage has files on disk (`find()`).
"""

from __future__ import annotations

import heapq
import logging
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Iterable, Iterator, Protocol, Sequence

log = logging.getLogger(__name__)

VARIANTS = ("master", "display", "thumb")
HELD = "upload"  # an upload's bytes, kept until its variants are made (never served)
FAILED = "failed"  # why a held photo was given up (a few bytes of text, for a form that still holds it)
OBJECTS = (*VARIANTS, HELD, FAILED)  # what a folder may hold
_HELD_NAME = "upload.bin"  # held bytes before the held/ folder: any sniffed format (HEIF too) under one name
_HELD_FOLDER = "held"  # at the root, beside the two-letter prefix folders: <sha>.bin
_FIXED = {HELD: (_HELD_NAME, "application/octet-stream"), FAILED: ("failed.txt", "text/plain")}
_SHA = re.compile(r"^[0-9a-f]{64}$")
_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}
MIME_BY_EXTENSION = {ext: mime for mime, ext in _EXTENSIONS.items()}


class Storage(Protocol):
    def put(self, sha256: str, variant: str, data: bytes, mime: str) -> None: ...
    def hold(self, uploads: Sequence[tuple[str, bytes]]) -> None: ...
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
    def partial_holds_removed(self, older_than: float) -> int: ...


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
        self._held_ready = False  # the held/ folder made, and its entry in the root synced, by this process

    def folder(self, sha256: str) -> Path:
        check_sha(sha256)
        return self.root / sha256[:2] / sha256

    def put(self, sha256: str, variant: str, data: bytes, mime: str) -> None:
        if variant not in OBJECTS:
            raise ValueError(f"unknown variant {variant!r}")
        if variant == HELD:
            self.hold([(sha256, data)])
            return
        folder = self.folder(sha256)
        folder.mkdir(parents=True, exist_ok=True)
        final = folder / (_FIXED[variant][0] if variant in _FIXED else f"{variant}.{_EXTENSIONS[mime]}")
        self._replace_all([(self._synced_temp(folder, variant, data), final)])
        self._fsync_dir(folder)

    def hold(self, uploads: Sequence[tuple[str, bytes]]) -> None:
        """Keep uploads' bytes (sha256, data) until their variants are made, durable when this returns: each
        file synced, renamed into held/, then one sync of held/ for every rename. (In the photos' own folders
        each photo cost a sync of its folder, and a new folder's entry in its parent was never synced.)"""
        folder = self._held_folder()
        self._replace_all(
            [(self._synced_temp(folder, HELD, data), self._held_path(sha256)) for sha256, data in uploads]
        )
        self._fsync_dir(folder)

    def _held_folder(self) -> Path:
        folder = self.root / _HELD_FOLDER
        # once a process (racing processes each sync the root after their mkdir), or again if it was removed
        if not self._held_ready or not folder.is_dir():
            folder.mkdir(parents=True, exist_ok=True)
            self._fsync_dir(self.root)
            self._held_ready = True
        return folder

    def _held_path(self, sha256: str) -> Path:
        return self.root / _HELD_FOLDER / f"{check_sha(sha256)}.bin"

    @staticmethod
    def _synced_temp(folder: Path, variant: str, data: bytes) -> Path:
        fd, tmp_name = tempfile.mkstemp(dir=folder, prefix=f".{variant}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return Path(tmp_name)

    @staticmethod
    def _replace_all(moves: Iterable[tuple[Path, Path]]) -> None:
        """Rename each synced temporary file to its final name; on a failure none is left behind."""
        moves = list(moves)
        try:
            for temporary, final in moves:
                os.replace(temporary, final)
        except BaseException:
            for temporary, _final in moves:
                temporary.unlink(missing_ok=True)
            raise

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
        if variant == HELD and self._held_path(sha256).is_file():
            return self._held_path(sha256), _FIXED[HELD][1]
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
        """The newest of the photo's folder and its held bytes (either may be missing)."""
        times = []
        for path in (self.folder(sha256), self._held_path(sha256)):
            try:
                times.append(path.stat().st_mtime)
            except FileNotFoundError:
                continue
        return max(times, default=None)

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
        self._held_path(sha256).unlink(missing_ok=True)

    def remove(self, sha256: str, variant: str) -> None:
        """Delete one object of a folder (an upload's bytes once its variants exist); missing is fine."""
        found = self.find(sha256, variant)
        if found is not None:
            found[0].unlink(missing_ok=True)
            self._fsync_dir(found[0].parent)

    def held_shas(self) -> Iterator[str]:
        """The photos whose upload's bytes are still held, in order, once each."""
        yield from _unique(heapq.merge(self._held(), self._held_before()))

    def partial_holds_removed(self, older_than: float) -> int:
        """Remove held/'s temporary files last written before `older_than` (a crash mid-write); how many."""
        folder, removed = self.root / _HELD_FOLDER, 0
        for partial in folder.glob(f".{HELD}.*.tmp") if folder.is_dir() else ():
            try:
                if partial.stat().st_mtime < older_than:
                    partial.unlink()
                    removed += 1
            except FileNotFoundError:  # renamed or removed meanwhile
                continue
        return removed

    def _held(self) -> Iterator[str]:
        folder = self.root / _HELD_FOLDER
        names = sorted(path.name for path in folder.glob("*.bin")) if folder.is_dir() else []
        return (name[:-4] for name in names if _SHA.match(name[:-4]))

    def _held_before(self) -> Iterator[str]:
        if self.root.is_dir():
            for held in sorted(self.root.glob(f"??/*/{_HELD_NAME}")):
                if _SHA.match(held.parent.name):
                    yield held.parent.name

    def all_shas(self) -> Iterator[str]:
        """Every photo with a folder or held bytes, in order, once each."""
        yield from _unique(heapq.merge(self._folders(), self._held()))

    def _folders(self) -> Iterator[str]:
        if not self.root.is_dir():
            return
        for prefix in sorted(self.root.iterdir()):
            if prefix.is_dir() and len(prefix.name) == 2:
                for folder in sorted(prefix.iterdir()):
                    if folder.is_dir() and _SHA.match(folder.name):
                        yield folder.name


def _unique(ordered: Iterable[str]) -> Iterator[str]:
    previous = None
    for value in ordered:
        if value != previous:
            yield value
        previous = value


def create_storage(config: dict) -> Storage:
    """STORAGE=local (the default: UPLOAD_DIR) or STORAGE=s3 (S3_BUCKET, S3_ENDPOINT_URL, ...)."""
    kind = str(config.get("STORAGE") or "local").lower()
    if kind == "local":
        return LocalStorage(Path(config["UPLOAD_DIR"]))
    if kind == "s3":
        from leaflets.storage_s3 import S3Storage  # boto3 is only imported when S3 is used

        return S3Storage.from_config(config)
    raise ValueError(f"STORAGE={kind!r}: use 'local' or 's3'")
