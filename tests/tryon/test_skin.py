from dataclasses import replace

import cv2
import numpy as np

from tryon.skin import Shade, _skin_pixels, analyse_skin, recommend

SHADES = [
    Shade("LIP-A", "lip", "#E8623A"),
    Shade("LIP-B", "lip", "#9E1B4F"),
    Shade("LIP-C", "lip", "#B76E79"),
    Shade("LIP-D", "lip", "#C98E7A"),
    Shade("CHK-A", "cheek", "#F2A38A"),
    Shade("CHK-B", "cheek", "#B85470"),
]


def test_skin_tone_of_a_real_face(frame, face):
    tone = analyse_skin(frame, face)
    assert tone.category in ("very_light", "light", "intermediate")
    assert tone.undertone in ("warm", "neutral", "cool")
    assert tone.to_dict()["category"] == tone.category


def test_darker_exposure_reads_as_deeper_skin(frame, face):
    light = analyse_skin(frame, face)
    dark = analyse_skin(cv2.convertScaleAbs(frame, alpha=0.55), face)
    assert dark.ita < light.ita - 10


def _raw_b(image, face):
    pixels = _skin_pixels(image, face).reshape(-1, 1, 3).astype(np.float32) / 255
    return float(np.median(cv2.cvtColor(pixels, cv2.COLOR_BGR2LAB)[..., 2]))


def test_a_light_cast_is_white_balanced_away(frame, face):
    warm_light = np.clip(frame.astype(np.float32) * np.array([0.93, 1.0, 1.07]), 0, 255).astype(np.uint8)
    cast = _raw_b(warm_light, face) - _raw_b(frame, face)
    assert cast > 4  # the tint really does move skin towards yellow...
    corrected = analyse_skin(warm_light, face).b - analyse_skin(frame, face).b
    assert abs(corrected) < 0.4 * cast  # ...and the neutral wall behind takes most of it back


def _ranks(recommended, kind="lip"):
    return [r["sku"] for r in recommended[kind]]


def test_recommendations_rank_by_undertone_and_depth(frame, face):
    tone = analyse_skin(frame, face)
    warm = recommend(replace(tone, undertone="warm"), SHADES, per_type=4)
    cool = recommend(replace(tone, undertone="cool"), SHADES, per_type=4)
    assert _ranks(warm)[0] == "LIP-A"  # orange for warm skin
    assert _ranks(warm).index("LIP-A") < _ranks(warm).index("LIP-B")
    assert _ranks(cool).index("LIP-B") < _ranks(cool).index("LIP-A")  # berry before orange for cool skin
    deep = recommend(replace(tone, undertone="cool", lightness=40.0), SHADES, per_type=4)
    assert _ranks(deep)[0] == "LIP-B"  # deeper skin, deeper shade
    assert len(recommend(tone, SHADES)["lip"]) == 3 and set(warm) == {"lip", "cheek"}


BASES = [
    Shade("FDN-LIGHT", "foundation", "#F1D3BF"),
    Shade("FDN-MEDIUM", "foundation", "#D9A782"),
    Shade("FDN-DEEP", "foundation", "#8D5A3C"),
    Shade("CON-LIGHT", "concealer", "#F4DCC8"),
    Shade("CON-DEEP", "concealer", "#9A6444"),
]


def _lab_of(color_hex):
    bgr = np.array([[[int(color_hex[i : i + 2], 16) for i in (5, 3, 1)]]], np.uint8)
    return cv2.cvtColor(bgr.astype(np.float32) / 255, cv2.COLOR_BGR2LAB)[0, 0]


def test_foundation_is_the_shade_closest_to_the_skin_and_concealer_a_touch_lighter(frame, face):
    tone = analyse_skin(frame, face)
    for shade in ("#D9A782", "#8D5A3C"):  # a medium and a deep skin read off these very colours
        lightness, a, b = _lab_of(shade)
        skin = replace(tone, lightness=float(lightness), a=float(a), b=float(b))
        picked = recommend(skin, BASES)
        assert picked["foundation"][0]["color_hex"] == shade
        assert picked["foundation"][0]["score"] < picked["foundation"][1]["score"]
    lightness, a, b = _lab_of("#D9A782")
    medium = recommend(replace(tone, lightness=float(lightness) + 4, a=float(a), b=float(b)), BASES)
    assert medium["concealer"][0]["sku"] == "CON-LIGHT"  # brighter than the skin, never darker
