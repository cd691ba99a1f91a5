"""Turn a clean page into a phone photo of graded badness: background, perspective, rotation, shadow,
blur, noise and JPEG. Level 0 is the clean page; 1 mild, 2 moderate, 3 severe."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

QUARTER_TURNS = (0, 90, 0, 180, 0, 270)
SHADOW_SCALE = 8  # photo i of a level is turned by QUARTER_TURNS[i % 6] clockwise


@dataclass(frozen=True)
class Severity:
    """How hard each degradation is at one level."""

    tilt: float  # max small rotation, degrees
    perspective: float  # max corner displacement, fraction of page size
    page_fill: float  # fraction of the photo's width taken by the page
    shadow: float  # max darkening by the shadow
    blur: float  # Gaussian sigma, px
    noise: float  # Gaussian noise sigma, grey levels
    jpeg: int  # JPEG quality


LEVELS = {
    1: Severity(tilt=2.0, perspective=0.03, page_fill=0.85, shadow=0.2, blur=0.5, noise=3.0, jpeg=85),
    2: Severity(tilt=5.0, perspective=0.07, page_fill=0.78, shadow=0.4, blur=0.9, noise=6.0, jpeg=65),
    3: Severity(tilt=9.0, perspective=0.11, page_fill=0.70, shadow=0.6, blur=1.3, noise=10.0, jpeg=40),
}


def background(rng: random.Random, width: int, height: int) -> np.ndarray:
    """A carpet, wood or doormat texture (BGR uint8)."""
    nprng = np.random.default_rng(rng.randrange(2**32))
    kind = rng.choice(("carpet", "wood", "doormat"))
    base = np.array(
        rng.choice(
            {
                "carpet": ((60, 50, 120), (90, 90, 90), (40, 70, 40), (120, 110, 140)),
                "wood": ((40, 80, 130), (60, 110, 160), (30, 60, 100)),
                "doormat": ((50, 90, 120), (40, 60, 80)),
            }[kind]
        ),
        dtype=np.float32,
    )
    noise = nprng.standard_normal((height, width), dtype=np.float32)
    if kind == "wood":
        ys = np.arange(height, dtype=np.float32)[:, None]
        grain = np.sin(ys / rng.uniform(6, 14) + 3 * cv2.GaussianBlur(noise, (0, 0), 25) * 8)
        texture = 18 * grain + 6 * noise
    elif kind == "doormat":
        xs = np.sin(np.arange(width, dtype=np.float32) / 5.0)[None, :]
        ys = np.sin(np.arange(height, dtype=np.float32) / 5.0)[:, None]
        texture = 25 * np.sign(xs * ys) + 15 * noise
    else:
        texture = 22 * cv2.GaussianBlur(noise, (0, 0), 1.2) * 2 + 10 * noise
    image = base[None, None, :] + texture[..., None].astype(np.float32)
    return np.clip(image, 0, 255).astype(np.uint8)


def _fit(quad: np.ndarray, width: int, height: int, margin: float = 0.02) -> np.ndarray:
    """Shrink `quad` about its centre until it lies inside the photo: text is never cut off."""
    centre = quad.mean(axis=0)
    span = np.abs(quad - centre).max(axis=0)
    room = np.array([width, height], dtype=np.float32) * (0.5 - margin)
    factor = min(1.0, float((room / span).min()))
    return (centre + (quad - centre) * factor).astype(np.float32)


def place_page(page: np.ndarray, rng: random.Random, level: Severity) -> np.ndarray:
    """Put the page on a background with perspective and tilt, like a photo taken from above."""
    h, w = page.shape[:2]
    canvas_w = int(w / level.page_fill)
    canvas_h = int(canvas_w * rng.uniform(1.30, 1.36))
    centre = np.array([canvas_w / 2, canvas_h / 2], dtype=np.float32)
    angle = np.deg2rad(rng.uniform(-level.tilt, level.tilt))
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]], dtype=np.float32)
    corners = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]], dtype=np.float32)
    spread = level.perspective * np.array([w, h], dtype=np.float32)
    jitter = np.array([[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(4)], dtype=np.float32) * spread
    target = (corners + jitter) @ rot.T + centre
    target = _fit(target, canvas_w, canvas_h)
    source = np.array([[0, 0], [w, 0], [w, h], [0, h]], dtype=np.float32)
    matrix = cv2.getPerspectiveTransform(source, target)
    photo = background(rng, canvas_w, canvas_h)
    warped = cv2.warpPerspective(page, matrix, (canvas_w, canvas_h), flags=cv2.INTER_LINEAR)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), matrix, (canvas_w, canvas_h))
    alpha = (mask.astype(np.float32) / 255.0)[..., None]
    return (warped * alpha + photo * (1 - alpha)).astype(np.uint8)


def shade(photo: np.ndarray, rng: random.Random, strength: float) -> np.ndarray:
    """A soft shadow: a linear gradient plus a blurred dark blob (a hand or phone)."""
    h, w = photo.shape[:2]
    xs, ys = np.meshgrid(np.linspace(0, 1, w, dtype=np.float32), np.linspace(0, 1, h, dtype=np.float32))
    direction = rng.uniform(0, 2 * np.pi)
    gradient = (np.cos(direction) * (xs - 0.5) + np.sin(direction) * (ys - 0.5)) + 0.5
    light: np.ndarray = 1 - strength * 0.6 * np.clip(gradient, 0, 1)
    # The blob is blurred over a twelfth of the width: drawn and blurred at 1/SHADOW_SCALE size and scaled
    # up, it looks the same and costs 1/60 of the time (a full-size blur took seconds per photo).
    centre = (int(rng.uniform(0, w)) // SHADOW_SCALE, int(rng.uniform(0, h)) // SHADOW_SCALE)
    blob: np.ndarray = np.zeros((max(1, h // SHADOW_SCALE), max(1, w // SHADOW_SCALE)), np.float32)
    cv2.ellipse(
        blob, centre, (w // 3 // SHADOW_SCALE, h // 5 // SHADOW_SCALE), rng.uniform(0, 180), 0, 360, 1.0, -1
    )
    blob = cv2.resize(
        cv2.GaussianBlur(blob, (0, 0), w / 12 / SHADOW_SCALE), (w, h), interpolation=cv2.INTER_LINEAR
    )
    light = light * (1 - strength * 0.5 * blob)
    return np.clip(photo * light[..., None], 0, 255).astype(np.uint8)


def degrade(page: Image.Image, level: int, rng: random.Random, index: int) -> tuple[Image.Image, int]:
    """A photo of `page` at `level`, and the clockwise quarter turn applied to it."""
    if level == 0:
        return page.copy(), 0
    severity = LEVELS[level]
    bgr = cv2.cvtColor(np.asarray(page), cv2.COLOR_RGB2BGR)
    photo = shade(place_page(bgr, rng, severity), rng, rng.uniform(0.5, 1.0) * severity.shadow)
    photo = cv2.GaussianBlur(photo, (0, 0), severity.blur)
    nprng = np.random.default_rng(rng.randrange(2**32))
    noise = nprng.normal(0, severity.noise, photo.shape).astype(np.float32)
    photo = np.clip(photo + noise, 0, 255).astype(np.uint8)
    turn = QUARTER_TURNS[index % len(QUARTER_TURNS)]
    photo = np.ascontiguousarray(np.rot90(photo, k=-(turn // 90)))
    buffer = io.BytesIO()
    Image.fromarray(cv2.cvtColor(photo, cv2.COLOR_BGR2RGB)).save(buffer, "JPEG", quality=severity.jpeg)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB"), turn
