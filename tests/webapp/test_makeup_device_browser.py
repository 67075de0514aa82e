"""On-device try-on in headless Chromium: the face mesh runs in the browser, the look is drawn in
WebGL (SwiftShader) or a 2D canvas, and a still photo comes out as the Python engine renders it."""

import base64
import re
import shutil

import cv2
import numpy as np
import pytest
from skimage.color import deltaE_ciede2000, rgb2lab

from tryon import look_spec, masks, regions
from tryon.face import Face
from tryon.landmarks import PhotoLandmarker, StreamLandmarker
from tryon.makeup import Application, render_look
from tryon.scenes import SCENES, apply_scene
from webapp import create_app

from ..browser import ARTIFACTS, JOURNEY_CONTEXT, camera_site
from ..tryon.conftest import face_frame

LIP = {"product_type": "lip", "color_hex": "#b0203a", "finish": "satin", "intensity": 1.0}
# SwiftShader gives headless Chromium a software WebGL
WEBGL_FLAGS = ["--enable-unsafe-swiftshader", "--use-angle=swiftshader"]

RENDER_STILL = """async ([png, look, renderer, scene, smoothing = 0]) => {
    const image = new Image();
    image.src = png;
    await image.decode();
    const canvas = document.createElement("canvas");
    const device = await window.StoreLensDevice.create({ canvas, renderer });
    const result = await device.frame(image, look, scene, smoothing);
    return { renderer: device.renderer, faces: result.faces, landmarks: result.landmarks, png: canvas.toDataURL("image/png"),
             masks: result.masks.map((m) => ({ kind: m.kind, x: m.x, y: m.y, w: m.w, h: m.h, alpha: Array.from(m.alpha) })) };
}"""


@pytest.fixture(scope="module")
def live(tmp_path_factory, sqlite_template):
    """A live app and Chromium with WebGL on SwiftShader and a fake camera filming a face."""
    tmp = tmp_path_factory.mktemp("device")
    path = tmp / "store.db"
    shutil.copy(sqlite_template, path)
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{path}", "SMS_SENDER": "memory"})
    with camera_site(app, tmp, face_frame(), *WEBGL_FLAGS) as (base, browser):
        yield base, browser
    app.extensions["store_db"].dispose()


def page_on(browser, url, **options):
    page = browser.new_context(**JOURNEY_CONTEXT, **options).new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url)
    return page


def decode_png(data_url: str) -> np.ndarray:
    raw = base64.b64decode(data_url.split(",", 1)[1])
    return cv2.imdecode(np.frombuffer(raw, np.uint8), cv2.IMREAD_COLOR)


def full_frame(found: list[dict], shape: tuple[int, ...], least: float = 0.5) -> np.ndarray:
    """The browser's soft masks as one boolean map of where the product goes (alpha ≥ ``least``)."""
    full = np.zeros(shape[:2], bool)
    for m in found:
        full[m["y"] : m["y"] + m["h"], m["x"] : m["x"] + m["w"]] |= (
            np.array(m["alpha"]).reshape(m["h"], m["w"]) >= least
        )
    return full


def server_mask(face: Face, image: np.ndarray) -> np.ndarray:
    """Where the Python engine puts lipstick on ``image`` (alpha ≥ 0.5)."""
    full = np.zeros(image.shape[:2], bool)
    for mask in masks.lips(face, image.shape, image):
        full[mask.slices] |= mask.alpha >= 0.5
    return full


def check(renderer: str, how: str, device, server, device_lips, server_lips, least_iou: float) -> None:
    """Lip-mask IoU (alpha ≥ 0.5) and mean CIEDE2000 where both put lipstick, printed for the report."""
    overlap = float((device_lips & server_lips).sum() / (device_lips | server_lips).sum())
    inside = device_lips & server_lips
    difference = float(deltaE_ciede2000(rgb2lab(device[..., ::-1][inside]), rgb2lab(server[..., ::-1][inside])).mean())
    print(f"\n{renderer}, {how}: lip-mask IoU {overlap:.3f}, mean ΔE00 inside the lips {difference:.2f}")
    assert overlap >= least_iou
    assert difference <= 3


@pytest.fixture(scope="module")
def server_render():
    """The Python engine's render of the still photo, and its landmarks: as its live stream meshes
    the whole frame (what the on-device mode replaces), and as its photo mode does."""
    frame = face_frame()
    with StreamLandmarker() as landmarker:
        (face,) = landmarker.detect(frame)
    with PhotoLandmarker() as landmarker:
        (photo_face,) = landmarker.detect(frame)
    look = [Application("lip", LIP["color_hex"], LIP["finish"], 1.0)]
    return frame, face, render_look(frame, [face], look), photo_face, render_look(frame, [photo_face], look)


@pytest.mark.parametrize("renderer", ["webgl", "2d"])
def test_still_photo_matches_the_python_engine(live, server_render, renderer):
    base, browser = live
    frame, face, expected, photo_face, photo_expected = server_render
    page = page_on(browser, f"{base}/makeup?lang=en&live=server")
    png = "data:image/png;base64," + base64.b64encode(cv2.imencode(".png", frame)[1]).decode()
    result = page.evaluate(RENDER_STILL, [png, [LIP], "auto" if renderer == "webgl" else "2d", None])
    assert result["renderer"] == renderer and result["faces"] == 1
    device = decode_png(result["png"])
    cv2.imwrite(str(ARTIFACTS / f"makeup-device-{renderer}-still.png"), np.hstack([expected, device]))

    device_lips = full_frame([m for m in result["masks"] if m["kind"] == "lip"], frame.shape)
    # the renderer: given the browser's landmarks, the engine puts lipstick on the same pixels, same colour
    browser_face = Face(np.array(result["landmarks"][0], np.float32))
    same_face = render_look(frame, [browser_face], [Application("lip", LIP["color_hex"], LIP["finish"], 1.0)])
    check(renderer, "same landmarks", device, same_face, device_lips, server_mask(browser_face, frame), 0.9)
    # end to end, each with its own face mesh on the same whole frame, as the server's live stream
    check(renderer, "own landmarks", device, expected, device_lips, server_mask(face, frame), 0.9)
    # the photo mode meshes an upscaled crop of the detected face instead: its lip outline sits
    # ~0.6 px off the whole-frame one (the same model on the two inputs: IoU 0.92), so less here
    check(renderer, "photo mode", device, photo_expected, device_lips, server_mask(photo_face, frame), 0.85)
    # away from the lips the photo is untouched
    near = cv2.dilate(device_lips.astype(np.uint8), np.ones((9, 9), np.uint8)).astype(bool)
    assert np.array_equal(device[~near], frame[~near])
    assert page.errors == []


@pytest.mark.parametrize("renderer", ["webgl", "2d"])
@pytest.mark.parametrize("scene", SCENES)
def test_scene_light_matches_the_engine(live, server_render, renderer, scene):
    base, browser = live
    frame = server_render[0]
    page = page_on(browser, f"{base}/makeup?lang=en&live=server")
    png = "data:image/png;base64," + base64.b64encode(cv2.imencode(".png", frame)[1]).decode()
    device = decode_png(page.evaluate(RENDER_STILL, [png, [], "auto" if renderer == "webgl" else "2d", scene])["png"])
    expected = apply_scene(frame, scene)
    assert np.abs(device.astype(int) - expected.astype(int)).max() <= 1  # float rounding at most


# every other region, with a wing: the shapes come from the spec on both sides, so they must agree
SHAPES = [
    {"product_type": "eye", "color_hex": "#6b3f5a", "finish": "satin", "intensity": 1.0},
    {"product_type": "liner", "color_hex": "#151214", "finish": "matte", "intensity": 1.0, "wing": True},
    {"product_type": "cheek", "color_hex": "#f2a38a", "finish": "satin", "intensity": 1.0},
    {"product_type": "brow", "color_hex": "#5b4334", "finish": "matte", "intensity": 1.0},
    {"product_type": "foundation", "color_hex": "#d8a98c", "finish": "matte", "intensity": 1.0},
    {"product_type": "concealer", "color_hex": "#e6bda0", "finish": "satin", "intensity": 1.0},
]
# the liner is a 1-3 px stroke: its half-pixel edges weigh more in its IoU than in wider regions;
# foundation agrees to 0.99, so less than 0.97 is a shape number astray (its forehead at 0.6: 0.94)
LEAST_IOU = {"eye": 0.9, "liner": 0.75, "cheek": 0.9, "brow": 0.9, "foundation": 0.97, "concealer": 0.9}
SERVER_MASKS = {
    "eye": lambda face, shape: masks.eyeshadow(face, shape),
    "liner": lambda face, shape: masks.eyeliner(face, shape, wing=True),
    "cheek": lambda face, shape: masks.blush(face, shape),
    "brow": lambda face, shape: masks.brows(face, shape),
    "foundation": lambda face, shape: masks.foundation(face, shape),
    "concealer": lambda face, shape: masks.concealer(face, shape),
}


def shape_agreement(found: list[dict], server: list[masks.Mask], shape: tuple[int, ...]) -> tuple[float, float, float]:
    """The browser's masks against the engine's: IoU (alpha ≥ 0.5), the share of each side's pixels
    within 1 px of the other's, and the ratio of soft alpha summed (a thinner or shorter shape shows
    there first)."""
    device = full_frame(found, shape)
    engine = np.zeros(shape[:2], bool)
    for mask in server:
        engine[mask.slices] |= mask.alpha >= 0.5
    assert engine.sum() > 100
    overlap = float((device & engine).sum() / (device | engine).sum())
    near = [
        float((a & cv2.dilate(b.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)).sum() / a.sum())
        for a, b in ((device, engine), (engine, device))
    ]
    mass = sum(np.sum(m["alpha"]) for m in found) / sum(float(m.alpha.sum()) for m in server)
    return overlap, min(near), mass


def test_region_shapes_match_the_engine(live):
    """Given the browser's landmarks, the engine's eye, winged liner, blush, brow, foundation and
    concealer masks are the browser's: a shape number kept by hand on one side only would move one."""
    base, browser = live
    frame = face_frame()
    page = page_on(browser, f"{base}/makeup?lang=en&live=server")
    png = "data:image/png;base64," + base64.b64encode(cv2.imencode(".png", frame)[1]).decode()
    result = page.evaluate(RENDER_STILL, [png, SHAPES, "2d", None])
    face = Face(np.array(result["landmarks"][0], np.float32))
    for kind, build in SERVER_MASKS.items():
        found = [m for m in result["masks"] if m["kind"] == kind]
        overlap, near, mass = shape_agreement(found, build(face, frame.shape), frame.shape)
        print(f"\n{kind}: mask IoU {overlap:.3f}, within 1 px {near:.3f}, alpha mass ratio {mass:.3f}")
        assert overlap >= LEAST_IOU[kind] and near >= 0.98, kind
        assert abs(mass - 1) <= 0.06, kind  # blush: canvas and OpenCV quarter-size fills differ ~4 %
    assert page.errors == []


@pytest.mark.parametrize("lashes", masks.MASCARA_STYLES)
def test_lash_shapes_match_the_engine(live, lashes):
    """Each lash style from the look item: the same strokes as the engine's for the same landmarks."""
    base, browser = live
    frame = face_frame()
    page = page_on(browser, f"{base}/makeup?lang=en&live=server")
    png = "data:image/png;base64," + base64.b64encode(cv2.imencode(".png", frame)[1]).decode()
    item = {"product_type": "mascara", "color_hex": "#1a1416", "finish": "matte", "intensity": 1.0, "lashes": lashes}
    result = page.evaluate(RENDER_STILL, [png, [item], "2d", None])
    face = Face(np.array(result["landmarks"][0], np.float32))
    overlap, near, mass = shape_agreement(result["masks"], masks.mascara(face, frame.shape, lashes), frame.shape)
    print(f"\nmascara {lashes}: mask IoU {overlap:.3f}, within 1 px {near:.3f}, alpha mass ratio {mass:.3f}")
    # lashes are 1-2 px wide: half-pixel edges cost IoU (0.89-0.91 measured), not the 1 px test
    assert overlap >= 0.85 and near >= 0.98
    assert abs(mass - 1) <= 0.06
    assert page.errors == []


FOUNDATION = {"product_type": "foundation", "color_hex": "#d8a98c", "finish": "satin", "intensity": 1.0}


@pytest.mark.parametrize("renderer", ["webgl", "2d"])
def test_smoothed_skin_and_foundation_match_the_engine(live, renderer):
    """Skin smoothing, alone and under foundation, as render_look(..., smoothing) does it for the
    browser's landmarks: the same skin, and not a pixel changed off it."""
    base, browser = live
    frame = face_frame()
    page = page_on(browser, f"{base}/makeup?lang=en&live=server")
    png = "data:image/png;base64," + base64.b64encode(cv2.imencode(".png", frame)[1]).decode()
    which = "auto" if renderer == "webgl" else "2d"

    result = page.evaluate(RENDER_STILL, [png, [], which, None, 1.0])
    assert result["renderer"] == renderer and [m["kind"] for m in result["masks"]] == ["smoothing"]
    face = Face(np.array(result["landmarks"][0], np.float32))
    device, expected = decode_png(result["png"]), render_look(frame, [face], [], smoothing=1.0)
    (skin,) = masks.foundation(face, frame.shape)
    on_skin = np.zeros(frame.shape[:2], bool)
    on_skin[skin.slices] = skin.alpha > 1e-3
    off = np.abs(device.astype(int) - expected.astype(int)).max(axis=2)[on_skin]
    print(
        f"\n{renderer}, smoothing 1.0: {np.count_nonzero(np.any(device != frame, axis=2))} px smoothed, "
        f"{np.count_nonzero(off)} of {off.size} px off, {np.count_nonzero(off > 1)} by more than 1 (max {off.max()})"
    )
    assert np.count_nonzero(np.any(device != frame, axis=2)) > 0.3 * off.size  # it does even the skin out
    # float rounding, and the canvas's anti-aliased edge of the bare eyes, brows and lips against OpenCV's
    assert np.count_nonzero(off > 1) <= 0.01 * off.size and off.max() <= 4
    near = full_frame(result["masks"], frame.shape, 1e-3)  # where a pixel may change at all (float32 alpha > 1e-3)
    assert np.array_equal(device[~near], frame[~near])

    result = page.evaluate(RENDER_STILL, [png, [FOUNDATION], which, None, 0.7])
    face = Face(np.array(result["landmarks"][0], np.float32))
    device = decode_png(result["png"])
    expected = render_look(frame, [face], [Application("foundation", FOUNDATION["color_hex"], "satin", 1.0)], 0.7)
    cv2.imwrite(str(ARTIFACTS / f"makeup-device-{renderer}-foundation.png"), np.hstack([frame, expected, device]))
    engine = np.zeros(frame.shape[:2], bool)
    for mask in masks.foundation(face, frame.shape):
        engine[mask.slices] |= mask.alpha >= 0.5
    inside = full_frame([m for m in result["masks"] if m["kind"] == "foundation"], frame.shape) & engine
    difference = deltaE_ciede2000(rgb2lab(device[..., ::-1][inside]), rgb2lab(expected[..., ::-1][inside]))
    print(
        f"{renderer}, foundation + smoothing 0.7: mean ΔE00 on the skin {difference.mean():.2f}, max {difference.max():.2f}"
    )
    assert inside.sum() > 10000 and difference.mean() <= 1
    near = full_frame(result["masks"], frame.shape, 1e-3)
    assert np.array_equal(device[~near], frame[~near])
    assert page.errors == []


def test_the_browser_reads_the_engines_own_description(live):
    base, browser = live
    page = page_on(browser, f"{base}/makeup?lang=en&live=server")
    served = page.evaluate("() => fetch('/api/v1/tryon/spec').then((r) => r.json())")
    assert served == look_spec.spec()
    assert served["regions"]["lips_outer"] == regions.LIPS_OUTER  # the engine's regions are this very data


def frames_after(page, count: int) -> None:
    """Wait for ``count`` shown frames, polling (wait_for_function's `new Function` breaks under the CSP)."""
    for _ in range(240):
        if int(page.evaluate("document.body.dataset.frames || 0")) >= count:
            return
        page.wait_for_timeout(250)
    raise AssertionError(f"fewer than {count} frames in 60 s: {page.inner_text('#status')}")


@pytest.mark.parametrize("size", [(360, 640), (1024, 768)])
def test_on_device_mode_sends_no_frame_under_the_real_policy(live, size):
    base, browser = live
    page = browser.new_context(viewport={"width": size[0], "height": size[1]}).new_page()  # the site's own CSP
    sockets, errors = [], []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/makeup?lang=en&live=device&sku=LIP-103")
    page.wait_for_selector("#consent[open]")
    assert "no camera frame leaves it" in page.inner_text("#consent")
    page.click("#agree")
    frames_after(page, 3)
    assert page.evaluate("document.body.dataset.live") == "device"
    assert page.is_visible("#after-device") and not page.is_visible("#after")
    assert page.inner_text("#live-note") == "On this device; no frame leaves it"
    page.click(".presets button >> nth=2")  # the party look: every product and party lights, on the device
    frames_after(page, int(page.evaluate("document.body.dataset.frames")) + 2)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(ARTIFACTS / f"makeup-device-{size[0]}x{size[1]}.png"))
    assert not any("/makeup/stream" in url for url in sockets)
    assert errors == []


def test_the_page_picks_by_frame_rate_and_the_shopper_can_switch(live):
    base, browser = live
    page = page_on(browser, f"{base}/makeup?lang=en")
    page.wait_for_selector("#consent[open]")
    page.click("#agree")
    page.wait_for_function("document.body.dataset.deviceFps !== undefined && document.body.dataset.live", timeout=60000)
    fps = float(page.evaluate("document.body.dataset.deviceFps"))
    mode = page.evaluate("document.body.dataset.live")
    assert mode == ("device" if fps >= 24 else "server")
    if mode == "server":  # SwiftShader on a shared CPU: the server stream, and the reason shown
        shown = re.search(r"\((\d+) fps\)", page.inner_text("#live-note"))
        assert shown and abs(int(shown[1]) - fps) <= 0.55  # whole fps of the measure (kept to 0.1 here)
        page.wait_for_function("Number(document.body.dataset.frames || 0) >= 2", timeout=30000)
    page.click("#live-mode")
    page.wait_for_function(
        f"document.body.dataset.live === '{'device' if mode == 'server' else 'server'}'", timeout=60000
    )
    assert page.evaluate("localStorage.getItem('storelens-live')") == ("device" if mode == "server" else "server")
    assert page.errors == []


FULL_LOOK = [
    *SHAPES,
    {"product_type": "mascara", "color_hex": "#111111", "finish": "matte", "intensity": 1.0, "lashes": "volume"},
    {**LIP, "finish": "gloss"},
]


def _application(item: dict) -> Application:
    return Application(
        item["product_type"],
        item["color_hex"],
        item["finish"],
        item["intensity"],
        item.get("wing", False),
        item.get("lashes", "natural"),
    )


@pytest.mark.parametrize("renderer", ["webgl", "2d"])
def test_a_full_look_matches_the_engine(live, renderer):
    """Every product type at once with smoothing, as a shopper builds a whole look: layer order,
    opacities and finishes agree with the engine, not only each region alone."""
    base, browser = live
    frame = face_frame()
    page = page_on(browser, f"{base}/makeup?lang=en&live=server")
    png = "data:image/png;base64," + base64.b64encode(cv2.imencode(".png", frame)[1]).decode()
    result = page.evaluate(RENDER_STILL, [png, FULL_LOOK, "auto" if renderer == "webgl" else "2d", None, 0.6])
    face = Face(np.array(result["landmarks"][0], np.float32))
    device = decode_png(result["png"])
    expected = render_look(frame, [face], [_application(i) for i in FULL_LOOK], 0.6)
    cv2.imwrite(str(ARTIFACTS / f"makeup-device-{renderer}-full-look.png"), np.hstack([frame, expected, device]))
    made_up = full_frame(result["masks"], frame.shape, 0.05)
    difference = deltaE_ciede2000(rgb2lab(device[..., ::-1][made_up]), rgb2lab(expected[..., ::-1][made_up]))
    print(
        f"\n{renderer}, full look + smoothing 0.6: mean ΔE00 {difference.mean():.2f}, "
        f"99th percentile {np.percentile(difference, 99):.2f} over {made_up.sum()} px"
    )
    # the browser goes back to 8-bit RGB between layers, the engine keeps 8-bit Lab: well under 1 on average
    assert made_up.sum() > 20000 and difference.mean() <= 1 and np.percentile(difference, 99) <= 5
    assert page.errors == []
