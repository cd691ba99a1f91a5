"""Tables for the real set: scored images with CER and word recall, the others with what came out."""

from __future__ import annotations

from typing import Any

from bench.ocr.report import Entry, row


def _verdict(reading: dict[str, Any]) -> str:
    readable = reading.get("readable")
    return "-" if readable is None else ("yes" if readable else "no")


def _signals(entry: Entry) -> str:
    """Word counts, mean confidences, and the pipeline's readable/rotation fields."""
    plain, ours = entry["plain"], entry["ocr"]
    plain_conf = "-" if plain.get("confidence") is None else f"{plain['confidence']:.0f}"
    ours_conf = "-" if ours.get("confidence") is None else f"{ours['confidence']:.0f}"
    counts = f"{len(plain['text'].split()):>11} {len(ours['text'].split()):>4}"
    return f"{counts} | {plain_conf:>10} {ours_conf:>4} | {_verdict(ours):>8} {ours.get('rotation') or 0:>4}"


SIGNALS_HEADER = f"{'words plain ours':>16} | {'conf plain ours':>15} | {'readable':>8} {'turn':>4}"


def real_tables(entries: list[Entry]) -> str:
    """Per-image and overall figures for the scored images; signals for every image."""
    scored = [e for e in entries if e.get("truth")]
    header = f"{'image':44} | {'CER plain -> ours':>17} | {'recall plain -> ours':>20} | {SIGNALS_HEADER}"
    title = "\nreal set: leaflets uploaded to ElectionLeaflets.org (compared case-insensitively)"
    lines = [title, header, "-" * len(header)]
    for e in scored:
        lines.append(
            f"{e['name']:44} | {e['plain']['cer']:>7.3f} -> {e['ocr']['cer']:>6.3f} | "
            f"{e['plain']['recall']:>9.3f} -> {e['ocr']['recall']:>7.3f} | {_signals(e)}"
        )
    for label, group in (
        (
            f"overall: {sum(e['transcribed'] for e in scored)} transcribed leaflets",
            [e for e in scored if e["transcribed"]],
        ),
        ("overall: all scored images", scored),
    ):
        if group:
            r = row(group, label)
            lines.append(
                f"{label:44} | {r['plain_cer']:>7.3f} -> {r['ocr_cer']:>6.3f} | "
                f"{r['plain_recall']:>9.3f} -> {r['ocr_recall']:>7.3f} | time ours/plain: wall "
                f"{r['time_ratio']:.2f}, cpu {r['cpu_ratio']:.2f}"
            )
    others = [e for e in entries if not e.get("truth")]
    if others:
        lines += ["", f"{'untranscribed image (not scored)':44} | {SIGNALS_HEADER}"]
        lines += [f"{e['name']:44} | {_signals(e)}" for e in others]
        lines += [f"  {e['name']} ours: {' '.join(e['ocr']['text'].split())[:150]!r}" for e in others]
    return "\n".join(lines)
