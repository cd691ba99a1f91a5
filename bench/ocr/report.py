"""Score readings and print the per-set tables: CER and word recall plain -> ours, time ratios, and the
images where the pipeline reads worse than plain Tesseract.

A group's CER is pooled: total character edits over total truth characters (long pages weigh more);
its word recall is pooled over words the same way. Time ratios are ours/plain of the mean seconds per image.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bench.ocr.metrics import char_edits, recall_counts

ENGINES = ("plain", "ocr")
WORSE_BY = 0.01  # "more than 1 point worse" in CER
Entry = dict[str, Any]


def score(entry: Entry) -> Entry:
    """Add edits, CER, recall counts and recall of both engines to an entry with a truth."""
    fold = bool(entry.get("fold_case"))
    for engine in ENGINES:
        text = entry[engine]["text"]
        edits, chars = char_edits(entry["truth"], text, fold)
        found, total = recall_counts(entry["truth"], text)
        entry[engine].update(
            edits=edits, cer=edits / max(1, chars), found=found, recall=found / total if total else 1.0
        )
        entry["truth_chars"], entry["truth_words"] = chars, total
    return entry


def _ratio(top: float, bottom: float) -> float:
    return top / bottom if bottom else float("nan")


def row(entries: list[Entry], label: str) -> dict[str, Any]:
    """Pooled CER and recall, mean wall and CPU seconds of both engines over `entries`."""
    out: dict[str, Any] = {"label": label, "n": len(entries)}
    chars = sum(e["truth_chars"] for e in entries)
    words = sum(e["truth_words"] for e in entries)
    for engine in ENGINES:
        out[f"{engine}_cer"] = _ratio(sum(e[engine]["edits"] for e in entries), chars)
        out[f"{engine}_recall"] = _ratio(sum(e[engine]["found"] for e in entries), words)
        out[f"{engine}_s"] = sum(e[engine]["wall_s"] for e in entries) / max(1, len(entries))
        out[f"{engine}_cpu_s"] = sum(e[engine]["cpu_s"] for e in entries) / max(1, len(entries))
    out["cer_ratio"] = _ratio(out["ocr_cer"], out["plain_cer"])
    out["time_ratio"] = _ratio(out["ocr_s"], out["plain_s"])
    out["cpu_ratio"] = _ratio(out["ocr_cpu_s"], out["plain_cpu_s"])
    return out


def _rows_by(entries: list[Entry], groups: list[tuple[str, Callable[[Entry], bool]]]) -> list[dict[str, Any]]:
    rows = []
    for label, keep in groups:
        chosen = [e for e in entries if keep(e)]
        if chosen:
            rows.append(row(chosen, label))
    return rows


def _field_is(key: str, value: Any) -> Callable[[Entry], bool]:
    return lambda entry: bool(entry[key] == value)


def summarise(entries: list[Entry]) -> list[dict[str, Any]]:
    """Rows per level, level 0 turned, degraded levels together, degraded upright, and all."""
    groups = [(f"level {level}", _field_is("level", level)) for level in (0, 1, 2, 3)]
    groups += [
        ("level 0 turned", lambda e: e["level"] == 0 and e["turn"] != 0),
        ("degraded (1-3)", lambda e: e["level"] > 0),
        ("degraded upright", lambda e: e["level"] > 0 and e["turn"] == 0),
        ("all", lambda e: True),
    ]
    return _rows_by(entries, groups)


def by_layout(entries: list[Entry]) -> list[dict[str, Any]]:
    """One row per layout, all levels together."""
    layouts = sorted({e["layout"] for e in entries})
    return _rows_by(entries, [(name, _field_is("layout", name)) for name in layouts])


def table(title: str, rows: list[dict[str, Any]], label_width: int = 18) -> str:
    """A fixed-width text table."""
    header = (
        f"{'':{label_width}} {'n':>3} | {'CER plain -> ours':>17} {'ratio':>6} | "
        f"{'recall plain -> ours':>20} | {'s plain':>7} {'s ours':>6} {'wall':>5} {'cpu':>5}"
    )
    lines = [title, header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r['label']:{label_width}} {r['n']:>3} | {r['plain_cer']:>7.3f} -> {r['ocr_cer']:>6.3f} "
            f"{r['cer_ratio']:>6.2f} | {r['plain_recall']:>9.3f} -> {r['ocr_recall']:>7.3f} | "
            f"{r['plain_s']:>7.2f} {r['ocr_s']:>6.2f} {r['time_ratio']:>5.2f} {r['cpu_ratio']:>5.2f}"
        )
    return "\n".join(lines)


def worse_than_plain(entries: list[Entry]) -> list[Entry]:
    """Images whose pipeline CER is more than WORSE_BY above plain Tesseract's."""
    return [e for e in entries if e["ocr"]["cer"] - e["plain"]["cer"] > WORSE_BY]


def worse_table(entries: list[Entry]) -> str:
    """The "worse than plain" list, or "none"."""
    worse = worse_than_plain(entries)
    if not worse:
        return "images where ours is more than 1 point of CER worse than plain: none"
    lines = [
        f"images where ours is more than 1 point of CER worse than plain: {len(worse)}",
        f"  {'image':44} {'layout':22} {'level':>5} {'turn':>4} {'CER plain':>9} {'CER ours':>8}",
    ]
    for e in sorted(worse, key=lambda e: e["plain"]["cer"] - e["ocr"]["cer"]):
        level, turn = ("-" if e[key] is None else e[key] for key in ("level", "turn"))
        lines.append(
            f"  {e['name']:44} {e['layout']:22} {level:>5} {turn:>4} "
            f"{e['plain']['cer']:>9.3f} {e['ocr']['cer']:>8.3f}"
        )
    return "\n".join(lines)
