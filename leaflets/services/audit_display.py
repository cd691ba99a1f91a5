"""The audit log for people: an entry's before/after as field changes in words ("Area: Bristol West → Bristol
Central"), codes turned into names, and what else the action recorded (flags resolved, words removed, ...)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable

from sqlalchemy import select

from leaflets.extensions import db
from leaflets.models import Area, AuditEntry, Election, Party

ACTION_LABELS = {
    "hide": "Hid the leaflet",
    "restore": "Restored the leaflet",
    "remove": "Removed the leaflet",
    "edit-details": "Fixed the details",
    "rotate": "Turned a photo",
    "merge": "Merged a copy",
    "redact": "Redacted a photo",
    "crop": "Cropped a photo",
    "resolve-flag": "Resolved a flag",
    "rate-claim": "Rated a claim",
    "rate-bias": "Rated the bias",
    "add-claim": "Marked a claim",
    "set-tags": "Tagged",
    "add-tag": "Added a tag",
    "remove-tag": "Removed a tag",
    "correct-text": "Corrected text",
    "set-place": "Gave a place",
    "accept-suggestion": "Accepted a suggested claim",
    "dismiss-suggestion": "Dismissed a suggested claim",
    "edit-suggestion": "Edited a suggested claim",
    "propose-details": "Proposed a fix",
    "accept-proposal": "Accepted a proposed fix",
    "dismiss-proposal": "Dismissed a proposed fix",
}
FIELD_LABELS = {
    "status": "Status",
    "status_reason": "Reason shown",
    "party": "Party",
    "area": "Area",
    "election": "Election",
    "delivered_on": "Delivered on",
    "rotation": "Turned",
    "ocr_status": "Text",
    "size": "Size",
    "files": "Files",
    "stored_sha256": "Files",
    "images": "Photos",
    "original_images": "Photos of the original",
    "duplicate_of": "Copy of",
    "resolved": "Resolved",
    "accuracy": "Verdict",
    "source_url": "Source",
    "note": "Note",
    "tone": "Tone",
    "fairness": "Fairness",
    "text": "Text",
    "chars": "Characters",
    "version": "Version",
    "tags": "Tags",
    "tag": "Tag",
    "applied": "Times applied",
}
EXTRA_LABELS = {
    "claims_moved": "Claims moved",
    "flags_resolved": "Flags resolved",
    "photos_kept": "Photos kept",
    "words_removed": "Words taken out of the text",
    "style": "How",
    "rectangles": "Rectangles",
    "rectangle": "Rectangle kept",
    "copies": "Photo records changed",
    "proposal": "Proposal",
}
STYLE_WORDS = {"blur": "blurred", "black": "blacked out"}
# field: (the column the audit entry records, the column with its name)
LOOKUPS = {
    "party": (Party.slug, Party.name),
    "area": (Area.gss, Area.name),
    "election": (Election.slug, Election.name),
}


@dataclass(frozen=True)
class Change:
    label: str
    before: str | None  # None: the field was not recorded before (a new value)
    after: str


def _numbers(values: Iterable[Any]) -> str:
    return ", ".join(str(v) for v in values) or "none"


def _words(field: str, value: Any, names: dict[str, dict[str, str]]) -> str:
    if value is None or value == "":
        return "not known" if field in LOOKUPS else "none"
    if field in names:
        return names[field].get(str(value), str(value))
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field == "size" and isinstance(value, list) and len(value) == 2:
        return f"{value[0]} × {value[1]} pixels"
    if field in ("files", "stored_sha256"):
        return f"{str(value)[:10]}…"
    if field == "rotation":
        return f"{value}° clockwise"
    if field == "delivered_on":
        try:
            return date.fromisoformat(str(value)).strftime("%-d %B %Y")
        except ValueError:
            return str(value)
    if field == "duplicate_of":
        return f"leaflet {value}"
    if field in ("tone", "fairness") and isinstance(value, int):
        return f"{value:+d}"
    if field == "style":
        return STYLE_WORDS.get(str(value), str(value))
    if field in ("rectangles", "rectangle"):
        boxes = value if field == "rectangles" else [value]
        return "; ".join(f"{w} × {h} at ({x}, {y})" for x, y, w, h in boxes)
    if isinstance(value, list):
        return _numbers(value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def _names(entries: list[AuditEntry]) -> dict[str, dict[str, str]]:
    """Names for every party slug, GSS code and election slug the entries mention, in one query each."""
    wanted: dict[str, set[str]] = {field: set() for field in LOOKUPS}
    for entry in entries:
        for side in ("before", "after"):
            for field, value in ((entry.details or {}).get(side) or {}).items():
                if field in wanted and value:
                    wanted[field].add(str(value))
    names: dict[str, dict[str, str]] = {}
    for field, (key, name_column) in LOOKUPS.items():
        rows = (
            db.session.execute(select(key, name_column).where(key.in_(wanted[field]))).all()
            if wanted[field]
            else []
        )
        names[field] = {code: f"{name} ({code})" if field == "area" else name for code, name in rows}
    return names


def changes(entry: AuditEntry, names: dict[str, dict[str, str]]) -> list[Change]:
    """The fields that changed, in the order they were recorded; then what else the action recorded."""
    details = entry.details or {}
    before, after = details.get("before") or {}, details.get("after") or {}
    out = []
    for field in dict.fromkeys([*before, *after]):
        if field in before and field in after and before[field] == after[field]:
            continue
        label = FIELD_LABELS.get(field, field.replace("_", " ").capitalize())
        out.append(
            Change(
                label,
                _words(field, before[field], names) if field in before else None,
                _words(field, after.get(field), names) if field in after else "none",
            )
        )
    for field, value in details.items():
        if field in ("before", "after"):
            continue
        label = EXTRA_LABELS.get(field, field.replace("_", " ").capitalize())
        out.append(Change(label, None, _words(field, value, names)))
    return out


def readable(entries: list[AuditEntry]) -> dict[int, list[Change]]:
    """Each entry's changes, by entry id."""
    names = _names(entries)
    return {entry.id: changes(entry, names) for entry in entries}


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action.replace("-", " ").capitalize())
