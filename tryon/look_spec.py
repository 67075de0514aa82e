"""The one description of makeup that both renderers read: which Face Mesh landmarks bound each
region, how soft each region's edge is, how much shade each product lays down, in what order,
and how each finish shapes lightness.

The Python engine (``regions``, ``masks``, ``makeup``) takes its numbers from ``SPEC``; the
browser's on-device renderer gets the same dict as JSON (``spec()``, served at
``/api/v1/tryon/spec``), so the two cannot drift apart.
"""

from __future__ import annotations

import copy

SPEC: dict = {
    "version": 3,
    # Face Mesh landmark indices (478-point mesh with refined lips and iris)
    "regions": {
        "lips_outer": [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185],
        "lips_inner": [78, 95, 88, 178, 87, 14, 317, 402, 318, 324, 308, 415, 310, 311, 312, 13, 82, 81, 80, 191],
        # per eye, from the inner corner to the outer corner
        "right_eye_upper": [133, 173, 157, 158, 159, 160, 161, 246, 33],
        "right_eye_lower": [133, 155, 154, 153, 145, 144, 163, 7, 33],
        "left_eye_upper": [362, 398, 384, 385, 386, 387, 388, 466, 263],
        "left_eye_lower": [362, 382, 381, 380, 374, 373, 390, 249, 263],
        # brows: upper edge inner→outer, lower edge inner→outer
        "right_brow_upper": [107, 66, 105, 63, 70],
        "right_brow_lower": [55, 65, 52, 53, 46],
        "left_brow_upper": [336, 296, 334, 293, 300],
        "left_brow_lower": [285, 295, 282, 283, 276],
        "right_cheek": [117, 118, 50, 205, 187, 123],
        "left_cheek": [346, 347, 280, 425, 411, 352],
        "forehead": [107, 108, 151, 337, 336, 9],
        # the face's silhouette, clockwise from the top of the forehead (foundation's outline)
        "face_oval": [
            10,
            338,
            297,
            332,
            284,
            251,
            389,
            356,
            454,
            323,
            361,
            288,
            397,
            365,
            379,
            378,
            400,
            377,
            152,
            148,
            176,
            149,
            150,
            136,
            172,
            58,
            132,
            93,
            234,
            127,
            162,
            21,
            54,
            103,
            67,
            109,
        ],
        # cheek-to-cheek: the face width every size and feather is a fraction of
        "face_width": [234, 454],
    },
    # Gaussian feather sigma of each product's mask, as a fraction of the face width (capped in px)
    "feather": {
        "lip": {"sigma": 0.004, "max_px": 1.2},  # lipstick edges are crisp; a wide feather would bleed
        "eye": {"sigma": 0.012},
        "liner": {"sigma": 0.004},
        "brow": {"sigma": 0.008},
        "cheek": {"sigma": 0.05},
        "foundation": {"sigma": 0.03, "cut": 0.006},  # ``cut``: the soft margin kept off eyes, brows, lips
        "concealer": {"sigma": 0.02},
        "mascara": {"sigma": 0.0},  # anti-aliased strokes are soft enough
    },
    # an open mouth's lower lip: lip-coloured pixels just inside the landmark opening are lip too
    "lip_edge": {
        "inner_points": 11,  # the first lips_inner points: corner to corner along the lower lip
        "band_px": 3,  # how far from that edge to look
        "teeth_lighter": 18.0,  # L (0..255) above the lip's own: teeth, never lip
        "lip_like": 18.0,  # Lab distance from the lip's colour that still reads as lip
    },
    # the shapes drawn from the landmarks; eye and liner sizes are fractions of each eye's width
    # (inner to outer corner), blush axes fractions of the face width
    "shapes": {
        "eye": {"reach": 0.6},  # lash line to brow: how far up the lid the shadow goes
        # liner: thickness from inner to outer corner; the wing's tip goes ``length`` eye widths out
        # along the eye, lifted ``lift`` of that, then shortened by ``norm``
        "liner": {"thickness": [0.03, 0.09], "wing": {"length": 0.3, "lift": 0.45, "norm": 1.1}},
        # blush ellipse: half-axes, a point every ``step_deg``; its wide feather at 1/``scale`` size
        "cheek": {"axes": [0.11, 0.075], "step_deg": 10, "scale": 4},
        # foundation: the face oval pulled ``inset`` of the face width towards its centre, its
        # forehead kept to ``forehead`` of the height above the brows (off the hairline), at 1/``scale``
        "foundation": {"inset": 0.05, "forehead": 0.9, "scale": 2},
        # concealer: a crescent below each lower lid, ``depth`` eye widths deep at its middle
        "concealer": {"depth": 0.35, "scale": 2},
        # mascara: ``count`` lashes from the upper lash line (corners left out), up to ``length`` eye
        # widths long and ``thickness`` wide at the root, fanning out by ``curl`` towards the outer corner
        "mascara": {
            "styles": {
                "natural": {"count": 12, "length": 0.16, "thickness": 0.03, "curl": 0.35},
                "volume": {"count": 20, "length": 0.18, "thickness": 0.05, "curl": 0.35},
                "length": {"count": 14, "length": 0.26, "thickness": 0.03, "curl": 0.45},
            },
        },
    },
    # skin smoothing (frequency separation on the foundation's skin region): the band between
    # ``fine`` and ``coarse`` sigmas (fractions of the face width) is blotches and uneven tone and is
    # taken out, clipped at ``edge`` levels so real edges stay; finer detail (pores) and broader
    # shading stay as they were. A coarse blur of ``coarse_scale_from`` px or more is worked out at
    # 1/``coarse_scale`` size (block means) and stretched back bilinearly: at full size it was most of
    # the cost, and below that size it is cheap and the shortcut would show
    "smoothing": {"fine": 0.006, "coarse": 0.03, "edge": 10.0, "coarse_scale": 2, "coarse_scale_from": 4.0},
    # how much of the shade a full-intensity product lays down
    "opacity": {
        "lip": 0.9,
        "eye": 0.55,
        "liner": 0.95,
        "cheek": 0.4,
        "brow": 0.5,
        "foundation": 0.65,
        "concealer": 0.6,
        "mascara": 0.9,
    },
    # painting order: base layers first, lips last
    "order": ["foundation", "concealer", "brow", "eye", "liner", "mascara", "cheek", "lip"],
    # colour transfer in OpenCV 8-bit Lab (L, a, b each 0..255, a/b centred on 128):
    # L' = L + lightness_shift·(L_shade − L̄); ab' = ab_shade + chroma_keep·(ab − āb̄)
    "transfer": {"lightness_shift": 0.8, "chroma_keep": 0.35},
    # highlight = clip((L − L̄ − start·s) / (width·s), 0, 1), s = the region's weighted L spread
    "highlight": {"start": 0.6, "width": 1.5},
    # finish: L'' = L' + relief·(L − L̄) + relief_up·max(L − L̄, 0) + gain·highlight^power + sparkle·S
    "finishes": {
        "matte": {"relief": 0.0, "relief_up": -0.5, "gain": 0.0, "power": 1.0, "sparkle": 0.0},
        "satin": {"relief": 0.0, "relief_up": 0.0, "gain": 15.0, "power": 1.0, "sparkle": 0.0},
        "gloss": {"relief": 0.0, "relief_up": 0.0, "gain": 70.0, "power": 1.5, "sparkle": 0.0},
        "shimmer": {"relief": 0.0, "relief_up": 0.0, "gain": 15.0, "power": 1.0, "sparkle": 36.0},
        "metallic": {"relief": 0.4, "relief_up": 0.0, "gain": 45.0, "power": 1.0, "sparkle": 0.0},
    },
    # scene light over the whole made-up frame: a 3x3 matrix on (B, G, R), then for party lights a
    # dark edge: × (1 − strength·clip(x² + y² − start, 0, 1)), x and y from −1 to 1 across the frame
    "scenes": {
        "daylight": {"bgr": [[1.06, 0.0, 0.0], [0.0, 1.02, 0.0], [0.0, 0.0, 0.96]]},
        "warm_indoor": {"bgr": [[0.84, 0.0, 0.0], [0.0, 0.97, 0.0], [0.0, 0.0, 1.12]]},
        "party": {
            "bgr": [[1.10, 0.0, 0.06], [0.0, 0.88, 0.0], [0.08, 0.0, 1.08]],
            "vignette": {"strength": 0.35, "start": 0.3},
        },
    },
    # shimmer's sparkle map S: this fraction of pixels lit, blurred by sigma px, scaled by gain
    "sparkle": {"density": 0.015, "sigma": 0.6, "gain": 4.0, "tile": 256},
}


def spec() -> dict:
    """A JSON-ready copy of the shared description (callers may not change the engine's own)."""
    return copy.deepcopy(SPEC)
