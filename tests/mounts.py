"""Real full and read-only filesystems for storage-failure tests: a tiny tmpfs, a read-only bind mount.

Mounting needs root (CAP_SYS_ADMIN), which this machine kind's tests have; elsewhere the tests that need a
mount are skipped with the reason, and a read-only folder falls back to chmod (which stops everyone but root).
"""

from __future__ import annotations

import os
import subprocess
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest


def _run(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, text=True)


def can_mount() -> bool:
    return os.geteuid() == 0


@contextmanager
def tiny_tmpfs(path: Path, size_kb: int) -> Iterator[Path]:
    """A tmpfs of `size_kb` at `path`: writes past its size fail with ENOSPC, as on a full disk."""
    if not can_mount():
        pytest.skip("a full filesystem needs a tmpfs mount (root)")
    path.mkdir(parents=True, exist_ok=True)
    _run("mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0755", "tmpfs", str(path))
    try:
        yield path
    finally:
        _run("umount", "--lazy", str(path))


def fill(path: Path) -> Path:
    """Fill the filesystem holding `path` to the last byte; returns the filler (delete it to make room)."""
    filler = path / ".filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        block = b"\0" * 4096
        while True:
            try:
                os.write(fd, block)
            except OSError:
                if len(block) == 1:
                    break
                block = b"\0"  # top up the last partial page
    finally:
        os.close(fd)
    return filler


@contextmanager
def read_only(path: Path) -> Iterator[str]:
    """Make the folder read-only: a read-only bind mount as root (EROFS), else chmod (EACCES)."""
    path.mkdir(parents=True, exist_ok=True)
    if can_mount():
        _run("mount", "--bind", str(path), str(path))
        try:
            _run("mount", "-o", "remount,bind,ro", str(path))
            yield "EROFS"
        finally:
            _run("umount", "--lazy", str(path))
        return
    modes = {folder: folder.stat().st_mode for folder in [path, *path.rglob("*")] if folder.is_dir()}
    for folder in modes:
        folder.chmod(0o555)
    try:
        yield "EACCES"
    finally:
        for folder, mode in modes.items():
            folder.chmod(mode)
