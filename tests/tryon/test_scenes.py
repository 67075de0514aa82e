import pytest

from tryon.scenes import SCENES, apply_scene


def test_no_scene_is_the_identity(frame):
    assert apply_scene(frame, None) is frame


def test_warm_indoor_light_is_warmer(frame):
    warm = apply_scene(frame, "warm_indoor").astype(float)
    base = frame.astype(float)
    assert (warm[..., 2] - warm[..., 0]).mean() > (base[..., 2] - base[..., 0]).mean() + 10


def test_party_lights_darken_the_edges(frame):
    party = apply_scene(frame, "party").astype(float)
    corner_ratio = party[:40, :40].mean() / frame[:40, :40].astype(float).mean()
    centre_ratio = party[220:260, 300:340].mean() / frame[220:260, 300:340].astype(float).mean()
    assert corner_ratio < centre_ratio


def test_every_scene_keeps_the_frame_shape(frame):
    for scene in SCENES:
        assert apply_scene(frame, scene).shape == frame.shape
    with pytest.raises(ValueError):
        apply_scene(frame, "disco")
