"""Pictures on the page: photo-like blocks, bar and pie charts with labelled data, signatures and logos.
Chart labels and values are text and part of the truth; the marks themselves are not."""

from __future__ import annotations

import math
import random

import cv2
import numpy as np
from PIL import Image

from bench.ocr.wide.canvas import INK, Canvas, Colour, Flow

SKIN = ((224, 184, 150), (198, 140, 105), (141, 90, 62), (238, 200, 170))


def photo(canvas: Canvas, box: tuple[int, int, int, int], rng: random.Random, person: bool = True) -> None:
    """A photo-like block: a soft two-colour gradient, blurred blobs (a street, trees), grain, and
    optionally a head-and-shoulders figure."""
    left, top, right, bottom = box
    w, h = right - left, bottom - top
    nprng = np.random.default_rng(rng.randrange(2**32))
    sky, ground = (np.array([rng.randrange(256) for _ in range(3)], np.float32) for _ in range(2))
    ramp = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    image = sky * (1 - ramp) + ground * ramp + np.zeros((h, w, 3), np.float32)
    blobs = np.zeros((h, w, 3), np.float32)
    for _ in range(rng.randint(6, 14)):
        colour = tuple(float(rng.randrange(256)) for _ in range(3))
        centre = (rng.randrange(w), rng.randrange(h))
        axes = (rng.randint(w // 12, w // 3), rng.randint(h // 12, h // 3))
        cv2.ellipse(blobs, centre, axes, rng.uniform(0, 180), 0, 360, colour, -1)
    mask = (blobs.sum(axis=2, keepdims=True) > 0).astype(np.float32)
    image = image * (1 - 0.6 * mask) + 0.6 * blobs
    if person:
        _figure(image, rng)
    image = cv2.GaussianBlur(image, (0, 0), max(1.0, w / 150)) + nprng.normal(0, 6, image.shape)
    canvas.image.paste(Image.fromarray(np.clip(image, 0, 255).astype(np.uint8)), (left, top))


def _figure(image: np.ndarray, rng: random.Random) -> None:
    """Head and shoulders, centred low in the frame."""
    h, w = image.shape[:2]
    cx = int(w * rng.uniform(0.35, 0.65))
    head = max(8, int(min(w, h) * 0.16))
    jacket = tuple(float(rng.randrange(40, 120)) for _ in range(3))
    cv2.ellipse(image, (cx, h), (int(head * 2.3), int(head * 1.9)), 0, 180, 360, jacket, -1)
    cv2.ellipse(
        image,
        (cx, int(h - head * 2.4)),
        (head, int(head * 1.25)),
        0,
        0,
        360,
        tuple(float(c) for c in rng.choice(SKIN)),
        -1,
    )
    cv2.ellipse(
        image,
        (cx, int(h - head * 3.3)),
        (int(head * 1.05), int(head * 0.55)),
        0,
        180,
        360,
        tuple(float(rng.randrange(20, 90)) for _ in range(3)),
        -1,
    )


def hbar_chart(
    flow: Flow,
    title: str,
    data: list[tuple[str, float, Colour]],
    size: int,
    unit: str = "%",
    colour: Colour = INK,
) -> None:
    """A horizontal bar chart: one row per item, label at the left, value after the bar."""
    flow.text(title, int(size * 1.2), "bold", colour)
    flow.space(size * 0.4)
    canvas = flow.canvas
    font = canvas.font("bold", size)
    label_width = max(font.getlength(label) for label, _, _ in data) + size
    bar_room = flow.width - label_width - font.getlength("100.0%") - size
    top = max(value for _, value, _ in data)
    texts = []
    for label, value, fill in data:
        if not flow.fits(1, size, 1.9):
            break
        shown = f"{value:g}{unit}"
        canvas.draw.text((flow.left, flow.y), label, font=font, fill=colour)
        length = max(4, bar_room * value / top)
        x0 = flow.left + label_width
        canvas.fill((x0, flow.y - size * 0.1, x0 + length, flow.y + size * 1.2), fill)
        canvas.draw.text((int(x0 + length + size * 0.5), flow.y), shown, font=font, fill=colour)
        texts.append(f"{label} {shown}")
        flow.space(size * 1.9)
    canvas.truth(" ".join(texts))


def vbar_chart(
    flow: Flow,
    title: str,
    data: list[tuple[str, float, Colour]],
    size: int,
    height: int,
    unit: str = "%",
    colour: Colour = INK,
) -> None:
    """A vertical bar chart: bars on a baseline, a row of labels under them and a row of values under that."""
    flow.text(title, int(size * 1.2), "bold", colour)
    flow.space(size * 0.6)
    canvas, font = flow.canvas, flow.canvas.font("bold", size)
    slot = flow.width / len(data)
    base = flow.y + height
    top = max(value for _, value, _ in data)
    for index, (label, value, fill) in enumerate(data):
        centre = flow.left + slot * (index + 0.5)
        bar_height = max(4, height * value / top)
        canvas.fill((centre - slot * 0.3, base - bar_height, centre + slot * 0.3, base), fill)
        for row, text in ((0, label), (1, f"{value:g}{unit}")):
            x = centre - font.getlength(text) / 2
            canvas.draw.text(
                (int(x), int(base + size * 0.5 + row * size * 1.4)), text, font=font, fill=colour
            )
    canvas.truth(" ".join(label for label, _, _ in data))
    canvas.truth(" ".join(f"{value:g}{unit}" for _, value, _ in data))
    flow.y = int(base + size * 3.6)


def pie_chart(
    flow: Flow,
    title: str,
    data: list[tuple[str, float, Colour]],
    size: int,
    diameter: int,
    colour: Colour = INK,
) -> None:
    """A pie with a legend beside it: a colour square and "label value%" per line."""
    flow.text(title, int(size * 1.2), "bold", colour)
    flow.space(size * 0.5)
    canvas = flow.canvas
    total = sum(value for _, value, _ in data)
    box = (flow.left, flow.y, flow.left + diameter, flow.y + diameter)
    start = -90.0
    for _, value, fill in data:
        sweep = 360.0 * value / total
        canvas.draw.pieslice(box, start, start + sweep, fill=fill, outline=(255, 255, 255), width=2)
        start += sweep
    legend = canvas.flow(
        flow.left + diameter + size * 1.5, flow.y + size * 0.5, flow.right, flow.y + diameter
    )
    texts = []
    for label, value, fill in data:
        if not legend.fits(1, size, 1.6):
            break
        canvas.fill(
            (legend.left, legend.y + size * 0.2, legend.left + size * 0.9, legend.y + size * 1.1), fill
        )
        text = f"{label} {value:g}%"
        canvas.draw.text(
            (int(legend.left + size * 1.5), legend.y), text, font=canvas.font("regular", size), fill=colour
        )
        texts.append(text)
        legend.space(size * 1.6)
    canvas.truth(" ".join(texts))
    flow.y = int(box[3] + size)


def signature(
    canvas: Canvas, x: int, y: int, width: int, rng: random.Random, colour: Colour = (20, 30, 110)
) -> None:
    """A handwritten-looking scrawl (not text: not in the truth)."""
    points = []
    for step in range(60):
        t = step / 59
        wobble = math.sin(t * math.pi * rng.uniform(5, 9)) * width * 0.08 + math.sin(t * 31) * width * 0.02
        points.append((x + t * width, y + wobble + t * width * 0.05))
    canvas.draw.line(points, fill=colour, width=3, joint="curve")
    canvas.draw.line(
        [(x + width * 0.1, y + width * 0.14), (x + width * 0.75, y + width * 0.11)], fill=colour, width=2
    )


def logo(canvas: Canvas, centre: tuple[int, int], radius: int, colour: Colour, rng: random.Random) -> None:
    """A party-style emblem: a disc with a star, leaf or bird-like mark cut out (no letters)."""
    cx, cy = centre
    canvas.draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), fill=colour)
    points = rng.choice((5, 6, 8))
    star = []
    for index in range(points * 2):
        r = radius * (0.72 if index % 2 == 0 else 0.32)
        angle = math.pi * index / points - math.pi / 2
        star.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    canvas.draw.polygon(star, fill=(255, 255, 255))
