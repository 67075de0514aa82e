import functools
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import update

from webapp.store import coupons, timeutil
from webapp.store.models import CouponCampaign

from ..staff_session import advisor_context
from .helpers import fails

PHONE = "13800138000"


def test_campaigns_are_listed_with_rules(session):
    listed = {c["code"]: c for c in coupons.list_campaigns(session)}
    assert set(listed) == {"NEW50", "STORE100", "APP30"}
    assert listed["STORE100"]["channel"] == "in_store"
    assert "满800减100" in listed["STORE100"]["rules"]["zh"]
    assert "¥100 off" in listed["STORE100"]["rules"]["en"]


def test_claim_creates_member_and_counts_quota(session):
    claim = coupons.claim(session, "new50", "+86 138-0013-8000")
    assert claim["status"] == "claimed" and claim["code"].startswith("C")
    assert claim["campaign"]["remaining"] == 9999
    mine = coupons.member_coupons(session, PHONE)
    assert [c["code"] for c in mine] == [claim["code"]]


def test_per_member_limit(session):
    coupons.claim(session, "STORE100", PHONE)
    coupons.claim(session, "STORE100", PHONE)
    fails("coupon_limit_reached", 409, coupons.claim, session, "STORE100", PHONE)
    # the refused claim did not use up quota
    session.expire_all()
    assert coupons.get_campaign(session, "STORE100").issued == 2


def test_quota_exhausted(session):
    session.execute(update(CouponCampaign).where(CouponCampaign.code == "APP30").values(total_quota=1))
    session.commit()
    coupons.claim(session, "APP30", PHONE)
    fails("coupon_quota_exhausted", 409, coupons.claim, session, "APP30", "13900000001")


def test_claim_outside_window(session):
    now = timeutil.now()
    campaign = coupons.get_campaign(session, "NEW50")
    fails(
        "coupon_not_started", 422, coupons.claim, session, "NEW50", PHONE, now=campaign.valid_from - timedelta(days=1)
    )
    fails("coupon_expired", 422, coupons.claim, session, "NEW50", PHONE, now=campaign.valid_to + timedelta(minutes=1))
    assert now < campaign.valid_to


def test_claim_rejects_bad_phone_and_unknown_campaign(session):
    fails("invalid_phone", 400, coupons.claim, session, "NEW50", "12345")
    fails("campaign_not_found", 404, coupons.claim, session, "NOPE", PHONE)


@pytest.fixture
def advisor(session):
    return advisor_context(session)


def test_redeem_in_store_once(session, advisor):
    code = coupons.claim(session, "STORE100", PHONE)["code"]
    result = coupons.redeem(session, code, "jingan", "899.00", staff=advisor)
    assert result["status"] == "redeemed" and result["redeemed_store"] == "jingan"
    assert result["amount_due"] == 799.0
    elsewhere = advisor_context(session, "xu.jing", "xujiahui", "徐静")
    error = fails("coupon_already_redeemed", 409, coupons.redeem, session, code, "xujiahui", "900", staff=elsewhere)
    assert "cannot be used twice" in error.message("en")
    assert "不能重复使用" in error.message("zh")


def test_redeem_rules(session, advisor):
    online = coupons.claim(session, "APP30", PHONE)["code"]
    error = fails("coupon_wrong_channel", 422, coupons.redeem, session, online, "jingan", "500", staff=advisor)
    assert error.message("en") == "This coupon can only be used online."
    assert error.message("zh") == "该券仅限线上使用。"
    code = coupons.claim(session, "NEW50", PHONE)["code"]
    redeem = functools.partial(coupons.redeem, session, staff=advisor)
    fails("coupon_min_spend", 422, redeem, code, "jingan", "198.99")
    valid_to = coupons.get_campaign(session, "NEW50").valid_to
    fails("coupon_expired", 422, redeem, code, "jingan", "300", now=valid_to + timedelta(hours=1))
    fails("invalid_field", 400, redeem, code, "jingan", "lots")
    fails("store_not_found", 404, redeem, code, "mars", "300")
    fails("coupon_not_found", 404, redeem, "CNOPE", "jingan", "300")
    # none of the refusals used the coupon up
    assert redeem(code, "jingan", Decimal("199"))["status"] == "redeemed"


def test_expired_claims_show_as_expired(session):
    coupons.claim(session, "NEW50", PHONE)
    later = coupons.get_campaign(session, "NEW50").valid_to + timedelta(days=1)
    assert [c["status"] for c in coupons.member_coupons(session, PHONE, now=later)] == ["expired"]


def test_unknown_member_has_no_coupons(session):
    fails("member_not_found", 404, coupons.member_coupons, session, "13011112222")
