"""Accessors for the runtime services kept in app.extensions (storage, OCR queue, search)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import current_app

if TYPE_CHECKING:
    from leaflets.services.decode_slots import DecodeSlots
    from leaflets.storage import Storage


def _get(name: str) -> Any:
    return current_app.extensions["straight_choice"][name]


def storage() -> "Storage":
    return _get("storage")


def ocr_queue() -> Any:
    return _get("ocr_queue")


def search_backend() -> Any:
    return _get("search")


def decode_slots() -> "DecodeSlots":
    return _get("decode_slots")
