"""The issue's targets, each judged PASS or FAIL on one run's figures (or "-" when a set was not run)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bench.ocr.report import row, worse_than_plain

REAL_RECALL, REAL_CER = 0.90, 0.20
DEGRADED_CER_RATIO = 0.25
TIME_RATIO = 2.0
APP_SPEEDUP = 1.8


@dataclass(frozen=True)
class Verdict:
    """One target: what it asks, what was measured, and whether it is met (None: not measured)."""

    target: str
    measured: str
    passed: bool | None


def _real(sets: dict[str, Any]) -> list[Verdict]:
    names = ("real set: word recall >= 0.90 (transcribed leaflets)", "real set: CER <= 0.20 overall")
    leaflets = [e for e in sets.get("real", {}).get("entries", []) if e.get("transcribed")]
    if not leaflets:
        return [Verdict(name, "not measured", None) for name in names]
    r = row(leaflets, "real")
    return [
        Verdict(
            names[0], f"{r['ocr_recall']:.3f} (plain {r['plain_recall']:.3f})", r["ocr_recall"] >= REAL_RECALL
        ),
        Verdict(names[1], f"{r['ocr_cer']:.3f} (plain {r['plain_cer']:.3f})", r["ocr_cer"] <= REAL_CER),
    ]


def _scored(sets: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    return {name: [e for e in data["entries"] if e.get("truth")] for name, data in sets.items()}


def _no_harm(sets: dict[str, Any]) -> Verdict:
    scored = _scored(sets)
    worse = {name: len(worse_than_plain(entries)) for name, entries in scored.items()}
    total = sum(len(entries) for entries in scored.values())
    detail = ", ".join(f"{name} {count}" for name, count in worse.items())
    return Verdict(
        "every image: CER <= plain's + 0.01",
        f"{sum(worse.values())} of {total} worse ({detail})",
        sum(worse.values()) == 0 if total else None,
    )


def _degraded(sets: dict[str, Any], synthetic: tuple[str, ...]) -> list[Verdict]:
    verdicts = []
    for name in synthetic:
        target = f"{name}: degraded CER <= 0.25 of plain"
        degraded = [e for e in sets.get(name, {}).get("entries", []) if (e.get("level") or 0) > 0]
        if not degraded:
            verdicts.append(Verdict(target, "not measured", None))
            continue
        r = row(degraded, name)
        verdicts.append(
            Verdict(
                target,
                f"{r['cer_ratio']:.2f} ({r['plain_cer']:.3f} -> {r['ocr_cer']:.3f})",
                r["cer_ratio"] <= DEGRADED_CER_RATIO,
            )
        )
    return verdicts


def _time(sets: dict[str, Any]) -> Verdict:
    entries = [e for data in sets.values() for e in data["entries"]]
    if not entries:
        return Verdict("time per image <= 2x plain, overall", "not measured", None)
    wall = sum(e["ocr"]["wall_s"] for e in entries) / sum(e["plain"]["wall_s"] for e in entries)
    cpu = sum(e["ocr"]["cpu_s"] for e in entries) / sum(e["plain"]["cpu_s"] for e in entries)
    measured = f"wall {wall:.2f}x, cpu {cpu:.2f}x ({len(entries)} images)"
    return Verdict("time per image <= 2x plain, overall", measured, wall <= TIME_RATIO)


def _app(app: dict[str, Any] | None) -> Verdict:
    target = "OCR_WORKERS=2 in the app >= 1.8x images/min of 1"
    if not app:
        return Verdict(target, "not measured", None)
    one, two = app["per_min"]
    return Verdict(
        target, f"{app['speedup']:.2f}x ({one:.1f} -> {two:.1f} images/min)", app["speedup"] >= APP_SPEEDUP
    )


def evaluate(sets: dict[str, Any], synthetic: tuple[str, ...], app: dict[str, Any] | None) -> list[Verdict]:
    """Every target of the issue, in the issue's order."""
    return [*_real(sets), _no_harm(sets), *_degraded(sets, synthetic), _time(sets), _app(app)]


def summary_table(verdicts: list[Verdict]) -> str:
    """The final table: target, figure, PASS/FAIL."""
    width = max(len(v.target) for v in verdicts)
    lines = ["\nsummary", f"{'target':{width}} | {'result':>6} | measured", "-" * (width + 60)]
    for v in verdicts:
        status = "-" if v.passed is None else ("PASS" if v.passed else "FAIL")
        lines.append(f"{v.target:{width}} | {status:>6} | {v.measured}")
    return "\n".join(lines)
