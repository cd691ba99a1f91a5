"""Aggregate readings per severity level and print the comparison table."""

from __future__ import annotations

from statistics import mean
from typing import Any

from bench.ocr.metrics import cer, wer

ENGINES = ("plain", "ocr")


def row(entries: list[dict[str, Any]], label: str) -> dict[str, Any]:
    """Mean CER, WER, wall and CPU seconds of both engines over `entries`."""
    out: dict[str, Any] = {"label": label, "n": len(entries)}
    for engine in ENGINES:
        out[f"{engine}_cer"] = mean(cer(e["truth"], e[engine]["text"]) for e in entries)
        out[f"{engine}_wer"] = mean(wer(e["truth"], e[engine]["text"]) for e in entries)
        out[f"{engine}_s"] = mean(e[engine]["wall_s"] for e in entries)
        out[f"{engine}_cpu_s"] = mean(e[engine]["cpu_s"] for e in entries)
    out["cer_ratio"] = out["ocr_cer"] / out["plain_cer"] if out["plain_cer"] else float("nan")
    out["time_ratio"] = out["ocr_s"] / out["plain_s"] if out["plain_s"] else float("nan")
    out["cpu_ratio"] = out["ocr_cpu_s"] / out["plain_cpu_s"] if out["plain_cpu_s"] else float("nan")
    return out


def summarise(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows per level, degraded levels together, upright degraded photos only, and all."""
    rows = [row([e for e in entries if e["level"] == level], f"level {level}")
            for level in sorted({e["level"] for e in entries})]
    degraded = [e for e in entries if e["level"] > 0]
    if degraded:
        rows.append(row(degraded, "levels 1-3"))
        upright = [e for e in degraded if e["turn"] == 0]
        if upright:
            rows.append(row(upright, "levels 1-3 upright"))
    rows.append(row(entries, "all"))
    return rows


def table(title: str, rows: list[dict[str, Any]]) -> str:
    """A fixed-width text table."""
    header = (f"{'':20} {'n':>3} | {'CER plain':>9} {'CER ocr':>8} {'ratio':>6} | "
              f"{'WER plain':>9} {'WER ocr':>8} | {'s plain':>7} {'s ocr':>6} {'ratio':>6} | "
              f"{'cpu plain':>9} {'cpu ocr':>7} {'ratio':>6}")
    lines = [title, header, "-" * len(header)]
    for r in rows:
        lines.append(
            f"{r['label']:20} {r['n']:>3} | {r['plain_cer']:>9.3f} {r['ocr_cer']:>8.3f} {r['cer_ratio']:>6.2f} | "
            f"{r['plain_wer']:>9.3f} {r['ocr_wer']:>8.3f} | {r['plain_s']:>7.2f} {r['ocr_s']:>6.2f} "
            f"{r['time_ratio']:>6.2f} | {r['plain_cpu_s']:>9.2f} {r['ocr_cpu_s']:>7.2f} {r['cpu_ratio']:>6.2f}")
    return "\n".join(lines)
