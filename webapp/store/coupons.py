"""Coupon campaigns, claims and in-store redemption.

Limits hold under concurrency without locks held across requests: quota and redemption are
single conditional UPDATEs (``... WHERE issued < total_quota``, ``... WHERE status =
'claimed'``), and the quota UPDATE also row-locks the campaign, which serialises the
per-member count that follows it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..text import CHANNEL_WORDS, both
from . import audit, timeutil, validate
from .catalog import get_store
from .codes import new_code
from .db import found, unit_of_work
from .errors import StoreError
from .members import find_member, get_or_create_member, mask_phone
from .models import AuditEntry, CouponCampaign, CouponClaim, Member
from .staff import StaffContext, require_store


def campaign_dict(campaign: CouponCampaign) -> dict:
    return {
        "code": campaign.code,
        "title": {"zh": campaign.title_zh, "en": campaign.title_en},
        "discount": float(campaign.discount),
        "min_spend": float(campaign.min_spend),
        "valid_from": timeutil.to_iso(campaign.valid_from),
        "valid_to": timeutil.to_iso(campaign.valid_to),
        "channel": campaign.channel,
        "total_quota": campaign.total_quota,
        "remaining": campaign.total_quota - campaign.issued,
        "per_member_limit": campaign.per_member_limit,
        "rules": both(
            "coupon_rules",
            min_spend=f"{campaign.min_spend:.0f}",
            discount=f"{campaign.discount:.0f}",
            channel=CHANNEL_WORDS[campaign.channel],
            limit=campaign.per_member_limit,
            valid_to=f"{campaign.valid_to:%Y-%m-%d}",
        ),
    }


def effective_status(claim: CouponClaim, now: datetime) -> str:
    if claim.status == "claimed" and now > claim.campaign.valid_to:
        return "expired"
    return claim.status


def claim_dict(claim: CouponClaim, now: datetime) -> dict:
    return {
        "code": claim.code,
        "status": effective_status(claim, now),
        "campaign": campaign_dict(claim.campaign),
        "claimed_at": timeutil.to_iso(claim.claimed_at),
        "redeemed_at": timeutil.to_iso(claim.redeemed_at),
        "redeemed_store": claim.redeemed_store.code if claim.redeemed_store else None,
    }


def get_campaign(session: Session, code: object) -> CouponCampaign:
    campaign = (
        session.scalar(select(CouponCampaign).where(CouponCampaign.code == str(code).strip().upper())) if code else None
    )
    return found(campaign, "campaign_not_found", campaign=code)


def list_campaigns(session: Session, now: datetime | None = None) -> list[dict]:
    now = now or timeutil.now()
    query = select(CouponCampaign).where(CouponCampaign.valid_to >= now).order_by(CouponCampaign.valid_from)
    return [campaign_dict(c) for c in session.scalars(query)]


def _window_refusal(campaign: CouponCampaign, now: datetime) -> StoreError | None:
    if now < campaign.valid_from:
        return StoreError("coupon_not_started", 422, valid_from=f"{campaign.valid_from:%Y-%m-%d %H:%M}")
    if now > campaign.valid_to:
        return StoreError("coupon_expired", 422, valid_to=f"{campaign.valid_to:%Y-%m-%d %H:%M}")
    return None


def _check_window(campaign: CouponCampaign, now: datetime) -> None:
    if refused := _window_refusal(campaign, now):
        raise refused


@unit_of_work
def claim(session: Session, campaign_code: object, phone: object, now: datetime | None = None) -> dict:
    now = now or timeutil.now()
    campaign = get_campaign(session, campaign_code)
    _check_window(campaign, now)
    member = get_or_create_member(session, phone, now)
    taken = session.execute(
        update(CouponCampaign)
        .where(CouponCampaign.id == campaign.id, CouponCampaign.issued < CouponCampaign.total_quota)
        .values(issued=CouponCampaign.issued + 1)
    ).rowcount
    if not taken:
        raise StoreError("coupon_quota_exhausted", 409)
    held = session.scalar(
        select(func.count())
        .select_from(CouponClaim)
        .where(CouponClaim.member_id == member.id, CouponClaim.campaign_id == campaign.id)
    )
    if held >= campaign.per_member_limit:
        raise StoreError("coupon_limit_reached", 409, limit=campaign.per_member_limit)
    coupon = CouponClaim(code=new_code("C"), campaign=campaign, member_id=member.id, status="claimed", claimed_at=now)
    session.add(coupon)
    session.flush()
    session.refresh(campaign)
    return claim_dict(coupon, now)


def member_coupons(session: Session, phone: object, now: datetime | None = None) -> list[dict]:
    now = now or timeutil.now()
    member = find_member(session, phone)
    claims = session.scalars(
        select(CouponClaim)
        .where(CouponClaim.member_id == member.id)
        .order_by(CouponClaim.claimed_at.desc(), CouponClaim.id.desc())
    )
    return [claim_dict(c, now) for c in claims]


def get_claim(session: Session, code: object) -> CouponClaim:
    coupon = session.scalar(select(CouponClaim).where(CouponClaim.code == str(code).strip().upper())) if code else None
    return found(coupon, "coupon_not_found", coupon=code)


def _already_redeemed(coupon: CouponClaim) -> StoreError:
    store = coupon.redeemed_store
    return StoreError(
        "coupon_already_redeemed",
        409,
        redeemed_at=f"{coupon.redeemed_at:%Y-%m-%d %H:%M}",
        store=(store.name_zh, store.name_en) if store else "-",
    )


def _counter_refusal(coupon: CouponClaim, now: datetime) -> StoreError | None:
    """Why the coupon cannot be redeemed at a store counter now, whatever the order (None: it can)."""
    if coupon.status == "redeemed":
        return _already_redeemed(coupon)
    if refused := _window_refusal(coupon.campaign, now):
        return refused
    if coupon.campaign.channel == "online":
        return StoreError("coupon_wrong_channel", 422, channel=CHANNEL_WORDS["online"])
    return None


def till_view(session: Session, code: object, now: datetime | None = None) -> dict:
    """What the counter sees before redeeming: the coupon and its rules, its member masked, where and when
    it was redeemed, and why it cannot be redeemed now (``refusal`` in zh and en, or None)."""
    now = now or timeutil.now()
    coupon = get_claim(session, code)
    member = session.get(Member, coupon.member_id)
    store = coupon.redeemed_store
    refused = _counter_refusal(coupon, now)
    return {
        **claim_dict(coupon, now),
        "member": mask_phone(member.phone) if member else None,
        "redeemed_store_name": {"zh": store.name_zh, "en": store.name_en} if store else None,
        "order_amount": float(coupon.order_amount) if coupon.order_amount is not None else None,
        "refusal": {"code": refused.code, "message": both(refused.code, **refused.params)} if refused else None,
    }


def store_redemptions(
    session: Session, staff: StaffContext, store_code: object = None, day: date | None = None
) -> list[dict]:
    """The advisor's store's redemptions of one day (today by default), newest first, with who redeemed
    each; a store named must be their own."""
    store = get_store(session, store_code or staff.store_code)
    require_store(staff, store.id)
    start = datetime.combine(day or timeutil.now().date(), time())
    claims = session.scalars(
        select(CouponClaim)
        .where(
            CouponClaim.redeemed_store_id == store.id,
            CouponClaim.redeemed_at >= start,
            CouponClaim.redeemed_at < start + timedelta(days=1),
        )
        .order_by(CouponClaim.redeemed_at.desc(), CouponClaim.id.desc())
    ).all()
    by = dict(
        session.execute(
            select(AuditEntry.subject, AuditEntry.staff_name).where(
                AuditEntry.store_id == store.id,
                AuditEntry.action == "coupon_redeemed",
                AuditEntry.subject.in_([c.code for c in claims]),
            )
        ).all()
    )
    return [
        {
            "code": c.code,
            "title": {"zh": c.campaign.title_zh, "en": c.campaign.title_en},
            "discount": float(c.campaign.discount),
            "order_amount": float(c.order_amount or 0),
            "redeemed_at": timeutil.to_iso(c.redeemed_at),
            "staff": by.get(c.code),
        }
        for c in claims
    ]


@unit_of_work
def redeem(
    session: Session,
    code: object,
    store_code: object,
    order_amount: object,
    now: datetime | None = None,
    *,
    staff: StaffContext,
) -> dict:
    """Redeem a claimed coupon at a store counter: once only, in its window, channel and spend;
    ``staff`` redeem at their own store only, and are audited."""
    now = now or timeutil.now()
    coupon = get_claim(session, code)
    store = get_store(session, store_code)
    require_store(staff, store.id)
    amount = validate.money(order_amount, "order_amount")
    campaign = coupon.campaign
    if refused := _counter_refusal(coupon, now):
        raise refused
    if amount < campaign.min_spend:
        raise StoreError("coupon_min_spend", 422, min_spend=f"{campaign.min_spend:.2f}")
    won = session.execute(
        update(CouponClaim)
        .where(CouponClaim.id == coupon.id, CouponClaim.status == "claimed")
        .values(status="redeemed", redeemed_at=now, redeemed_store_id=store.id, order_amount=amount)
    ).rowcount
    if not won:
        session.rollback()
        raise _already_redeemed(get_claim(session, code))
    audit.record(session, staff, "coupon_redeemed", coupon.code, at=now, order_amount=float(amount))
    session.refresh(coupon)
    return {
        **claim_dict(coupon, now),
        "discount": float(campaign.discount),
        "order_amount": float(amount),
        "amount_due": float(max(amount - campaign.discount, Decimal(0))),
    }
