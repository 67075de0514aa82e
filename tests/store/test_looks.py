"""Looks in the engine's terms: lash styles and skin smoothing checked, kept and handed to tryon."""

import json

import pytest

from tryon.masks import MASCARA_STYLES
from webapp.store import looks, members, timeutil

from ..conftest import SEED_DIR
from .helpers import answer, fails, member

MASCARA = {"sku": "MSC-801", "intensity": 0.9, "lashes": "volume"}


def _token(session, phone="13655550123") -> str:
    token = members.issue_token(session, member(session, phone), timeutil.now())
    session.commit()
    return token


def test_lashes_and_smoothing_reach_the_engine(session):
    look = looks.resolve(session, {"items": [MASCARA, {"sku": "FDN-605"}], "smoothing": 0.4, "scene": "daylight"})
    mascara, foundation = look.applications
    assert (mascara.product_type, mascara.lashes, mascara.intensity) == ("mascara", "volume", 0.9)
    assert (foundation.product_type, foundation.lashes) == ("foundation", "natural")  # the default
    assert (look.smoothing, look.scene) == (0.4, "daylight")
    assert looks.resolve(session, {"items": []}).smoothing == 0.0


def test_a_preset_brings_its_smoothing_unless_the_spec_says_otherwise(session):
    preset = next(p for p in json.loads((SEED_DIR / "looks.json").read_text("utf-8")) if "smoothing" in p)
    look = looks.resolve(session, {"preset": preset["key"]})
    assert look.smoothing == preset["smoothing"] and look.scene == preset["scene"]
    assert {a.product_type for a in look.applications} >= {"foundation", "concealer", "mascara"}
    assert looks.resolve(session, {"preset": preset["key"], "smoothing": 0}).smoothing == 0.0


@pytest.mark.parametrize("lashes", ["curly", "", 3, None, ["volume"]])
def test_an_unknown_lash_style_is_refused_in_both_languages(session, lashes):
    error = fails("invalid_field", 400, looks.resolve, session, {"items": [{**MASCARA, "lashes": lashes}]})
    status, code, zh, en = answer(error)
    assert "look.lashes" in zh and "应为以下之一" in zh and ", ".join(MASCARA_STYLES) in zh
    assert en == f"Invalid value for look.lashes: expected one of: {', '.join(MASCARA_STYLES)}."


@pytest.mark.parametrize("smoothing", [-0.1, 1.5, "0.5", True, None, float("nan"), float("inf")])
def test_smoothing_outside_0_to_1_is_refused_in_both_languages(session, smoothing):
    error = fails("invalid_field", 400, looks.resolve, session, {"items": [], "smoothing": smoothing})
    assert error.message("zh") == "字段 look.smoothing 的值无效：应为 0 到 1 之间的数。"
    assert error.message("en") == "Invalid value for look.smoothing: expected a number from 0 to 1."


def test_saving_refuses_bad_settings_and_saves_nothing(session):
    token = _token(session)
    body = {"items": [MASCARA], "consent": True}
    fails("invalid_field", 400, looks.save_look, session, {**body, "smoothing": 2}, token)
    fails("invalid_field", 400, looks.save_look, session, {**body, "items": [{**MASCARA, "lashes": "x"}]}, token)
    assert looks.member_data(session, token)["looks"] == []


def test_a_saved_look_keeps_smoothing_and_lash_styles_everywhere_it_is_shown(session):
    token = _token(session)
    body = {"items": [MASCARA, {"sku": "CNC-702", "intensity": 0.5}], "smoothing": 0.3, "consent": True}
    saved = looks.save_look(session, body, token)["look"]
    shared = looks.look_by_share_code(session, saved["share_code"])
    mine = looks.member_data(session, token)["looks"][0]
    for shown in (saved, shared, mine):
        assert shown["smoothing"] == 0.3
        assert [(i["sku"], i["lashes"]) for i in shown["items"]] == [("MSC-801", "volume"), ("CNC-702", "natural")]
    # and worn again from its items, it is the same look
    again = looks.resolve(session, {"items": shared["items"], "smoothing": shared["smoothing"]})
    assert again.applications[0].lashes == "volume" and again.smoothing == 0.3
