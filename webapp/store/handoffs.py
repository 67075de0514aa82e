"""Hand-over of a chat to a store advisor: the queue per store, taking, replying and closing.

Taking is one conditional UPDATE (``status = 'open'``), so of two advisors taking at once exactly
one wins and the other gets 409 ``handoff_taken``. While a hand-over is open or taken its
conversation is in the ``advisor`` state: the shopper's messages go to the advisor, not the assistant.
"""

from __future__ import annotations

import math
import statistics
from datetime import datetime, time, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..text import translate
from . import audit, chat, timeutil
from .catalog import HOLIDAY_HORIZON_DAYS, get_store, hours_on
from .db import found, unit_of_work
from .errors import StoreError
from .members import mask_phone
from .models import ChatConversation, ChatMessage, HandoffRequest, Member, Store
from .staff import StaffContext, require_store

REASONS = ("asked", "fallback", "verification_failed", "callback")
STATUSES = ("open", "taken", "closed")
DEFAULT_WAIT_MINUTES = 5
RECENT_CLOSED = 50  # closed hand-overs whose handling time makes the wait estimate


def _text(body: dict, field: str, max_len: int, default: str | None = None) -> str:
    value = body.get(field, default)
    if not isinstance(value, str) or not value.strip() or len(value) > max_len:
        raise StoreError("invalid_field", field=field, reason=f"text up to {max_len} characters")
    return value.strip()


def _clock(text: str) -> time:
    hours, minutes = text.split(":")
    return time(int(hours), int(minutes))


def is_open(store: Store, now: datetime) -> bool:
    hours = hours_on(store, now.date())
    if hours is None:
        return False
    opens, closes, moment = _clock(hours[0]), _clock(hours[1]), now.time()
    if opens <= closes:
        return opens <= moment < closes
    return moment >= opens or moment < closes  # open past midnight


def next_opening(store: Store, now: datetime) -> datetime | None:
    """When the store next opens after ``now``, holiday hours and closures counted (a store closed on
    Chinese New Year's Day opens the day after, not at its usual time); None if not within the holiday horizon."""
    for offset in range(HOLIDAY_HORIZON_DAYS + 1):
        day = now.date() + timedelta(days=offset)
        hours = hours_on(store, day)
        if hours and (moment := datetime.combine(day, _clock(hours[0]))) > now:
            return moment
    return None


def _opening_words(moment: datetime | None, now: datetime) -> tuple[str, str]:
    """``moment`` as the shopper reads it in zh and en: a time today or tomorrow, else with its date."""
    if moment is None:
        key, values = "opens_unknown", {}
    else:
        days = (moment.date() - now.date()).days
        key = {0: "opens_today", 1: "opens_tomorrow"}.get(days, "opens_on")
        values = {"time": f"{moment:%H:%M}", "day": moment.date().isoformat()}
    return translate(key, "zh", **values), translate(key, "en", **values)


def _handling_minutes(session: Session, store_id: int | None) -> float:
    """Median minutes from taking to closing over the store's recent closed hand-overs."""
    rows = session.execute(
        select(HandoffRequest.created_at, HandoffRequest.taken_at, HandoffRequest.closed_at)
        .where(HandoffRequest.store_id == store_id, HandoffRequest.status == "closed")
        .order_by(HandoffRequest.id.desc())
        .limit(RECENT_CLOSED)
    ).all()
    spans = [(closed - (taken or created)).total_seconds() / 60 for created, taken, closed in rows if closed]
    return statistics.median(spans) if spans else DEFAULT_WAIT_MINUTES


def _position(session: Session, request: HandoffRequest) -> int:
    """1 = next in the store's queue; 0 once an advisor has it."""
    if request.status != "open":
        return 0
    ahead = session.scalars(
        select(HandoffRequest.id).where(
            HandoffRequest.store_id == request.store_id,
            HandoffRequest.status == "open",
            HandoffRequest.id < request.id,
        )
    ).all()
    return len(ahead) + 1


def shopper_view(session: Session, request: HandoffRequest | None) -> dict | None:
    """What the shopper sees of a hand-over: ``{id, status, position, wait_minutes, advisor}``."""
    if request is None:
        return None
    position = _position(session, request)
    return {
        "id": request.id,
        "status": request.status,
        "position": position,
        "wait_minutes": math.ceil(position * _handling_minutes(session, request.store_id)),
        "advisor": request.taken_by,
    }


def current(session: Session, conversation: ChatConversation) -> HandoffRequest | None:
    """The conversation's open or taken hand-over."""
    return session.scalar(
        select(HandoffRequest)
        .where(HandoffRequest.conversation_id == conversation.id, HandoffRequest.status != "closed")
        .order_by(HandoffRequest.id.desc())
    )


def handoff_dict(session: Session, request: HandoffRequest, now: datetime | None = None) -> dict:
    """The staff view: the phone for a call-back masked, waiting time and the shopper's last message."""
    now = now or timeutil.now()
    last = None
    if request.conversation_id is not None:
        last = session.scalar(
            select(ChatMessage)
            .where(ChatMessage.conversation_id == request.conversation_id, ChatMessage.author == "shopper")
            .order_by(ChatMessage.id.desc())
        )
    return {
        **shopper_view(session, request),
        "sender_id": request.sender_id,
        "channel": request.channel,
        "lang": request.lang,
        "reason": request.reason,
        "summary": request.summary,
        "store": request.store.code if request.store else None,
        "phone": mask_phone(request.callback_phone) if request.callback_phone else None,
        "created_at": timeutil.to_iso(request.created_at),
        "taken_at": timeutil.to_iso(request.taken_at),
        "closed_at": timeutil.to_iso(request.closed_at),
        "waiting_minutes": max(0, int(((request.taken_at or now) - request.created_at).total_seconds() // 60)),
        "last_message": chat.message_dict(last) if last else None,
    }


def _store_for(
    session: Session, body: dict, conversation: ChatConversation | None, default: str | None
) -> Store | None:
    """The store whose advisors answer: the one named, the chat's, else the default (every hand-over
    needs a store, or no advisor could ever see it)."""
    if body.get("store"):
        return get_store(session, body["store"])
    if conversation is not None and conversation.store is not None:
        return conversation.store
    return get_store(session, default) if default else None


@unit_of_work
def create(
    session: Session,
    body: dict,
    *,
    member: Member | None = None,
    default_store: str | None = None,
    now: datetime | None = None,
) -> dict:
    """Open a request; a second one for the same open conversation returns the first.

    Outside the store's hours only a call-back can be asked for (409 ``store_closed`` with ``opens_at``);
    a call-back needs the signed-in member, whose number the advisor calls."""
    now = now or timeutil.now()
    sender = _text(body, "sender_id", 120)
    reason = body.get("reason", "asked")
    if reason not in REASONS:
        raise StoreError("invalid_field", field="reason", reason=", ".join(REASONS))
    lang = body.get("lang") if body.get("lang") in ("zh", "en") else "zh"
    conversation = chat.by_sender(session, sender)
    existing = session.scalar(
        select(HandoffRequest).where(HandoffRequest.sender_id == sender, HandoffRequest.status != "closed")
    )
    if existing:
        return handoff_dict(session, existing, now)
    store = _store_for(session, body, conversation, default_store)
    if reason == "callback" and member is None:
        raise StoreError("sign_in_required", 401)
    if reason != "callback" and store is not None and not is_open(store, now):
        opens = next_opening(store, now)
        raise StoreError(
            "store_closed",
            409,
            store=(store.name_zh, store.name_en),
            opens_at=timeutil.to_iso(opens),
            opens=_opening_words(opens, now),
        )
    request = HandoffRequest(
        sender_id=sender,
        channel=_text(body, "channel", 30, "web"),
        lang=lang,
        reason=reason,
        summary=_text(body, "summary", 4000, "-"),
        status="open",
        created_at=now,
        conversation_id=conversation.id if conversation else None,
        store=store,
        callback_phone=member.phone if reason == "callback" and member else None,
    )
    session.add(request)
    if conversation is not None and reason != "callback":  # a call-back waits for a call; the assistant stays
        conversation.state = "advisor"
    session.flush()
    return handoff_dict(session, request, now)


def list_for_store(
    session: Session, staff: StaffContext, status: str = "open", store_code: object = None
) -> list[dict]:
    """The advisor's store's queue (``open``, oldest first) or its chats in progress (``taken``); a store
    named must be their own."""
    if status not in STATUSES:
        raise StoreError("invalid_field", field="status", reason=", ".join(STATUSES))
    store = get_store(session, store_code or staff.store_code)
    require_store(staff, store.id)
    query = select(HandoffRequest).where(HandoffRequest.status == status, HandoffRequest.store_id == store.id)
    return [handoff_dict(session, r) for r in session.scalars(query.order_by(HandoffRequest.id))]


def _get(session: Session, handoff_id: int, staff: StaffContext) -> HandoffRequest:
    """The hand-over, for staff of its store only."""
    request = found(session.get(HandoffRequest, handoff_id), "handoff_not_found", id=handoff_id)
    require_store(staff, request.store_id)
    return request


def detail(session: Session, handoff_id: int, staff: StaffContext) -> dict:
    """The hand-over with the conversation's transcript."""
    request = _get(session, handoff_id, staff)
    conversation = session.get(ChatConversation, request.conversation_id) if request.conversation_id else None
    return {
        **handoff_dict(session, request),
        "transcript": chat.messages(session, conversation) if conversation else [],
    }


def _conversation(session: Session, request: HandoffRequest) -> ChatConversation | None:
    return session.get(ChatConversation, request.conversation_id) if request.conversation_id else None


@unit_of_work
def take(session: Session, handoff_id: int, staff: StaffContext, now: datetime | None = None) -> dict:
    """The advisor takes the chat under their own name; the shopper is told who joined."""
    now = now or timeutil.now()
    request = _get(session, handoff_id, staff)
    taken = session.execute(
        update(HandoffRequest)
        .where(HandoffRequest.id == handoff_id, HandoffRequest.status == "open")
        .values(status="taken", taken_by=staff.name, taken_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(request)
    if not taken:
        if request.status == "closed":
            raise StoreError("handoff_closed", 409)
        raise StoreError("handoff_taken", 409, advisor=request.taken_by)
    conversation = _conversation(session, request)
    if conversation is not None:
        conversation.state = "advisor"  # (a call-back's chat was still with the assistant)
        chat.notice(session, conversation, "chat_advisor_joined", advisor=staff.name)
    audit.record(session, staff, "handoff_take", request.id, at=now)
    return handoff_dict(session, request, now)


@unit_of_work
def reply(session: Session, handoff_id: int, text: str, staff: StaffContext) -> dict:
    """The advisor who took the chat answers in it."""
    request = _get(session, handoff_id, staff)
    if request.status == "closed":
        raise StoreError("handoff_closed", 409)
    if request.status != "taken":
        raise StoreError("handoff_not_taken", 409)
    if staff.name != request.taken_by:
        raise StoreError("handoff_not_yours", 403, advisor=request.taken_by)
    conversation = _conversation(session, request)
    if conversation is None:
        raise StoreError("conversation_not_found", 404)
    audit.record(session, staff, "handoff_reply", request.id)
    return chat.append(session, conversation, "advisor", {"type": "text", "text": text, "advisor": request.taken_by})


@unit_of_work
def close(session: Session, handoff_id: int, staff: StaffContext, now: datetime | None = None) -> dict:
    """The chat goes back to the assistant, and the shopper is told."""
    now = now or timeutil.now()
    request = _get(session, handoff_id, staff)
    closed = session.execute(
        update(HandoffRequest)
        .where(HandoffRequest.id == handoff_id, HandoffRequest.status != "closed")
        .values(status="closed", closed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(request)
    if not closed:
        raise StoreError("handoff_closed", 409)
    conversation = _conversation(session, request)
    if conversation is not None:
        conversation.state = "assistant"
        chat.notice(session, conversation, "chat_handoff_closed")
    audit.record(session, staff, "handoff_close", request.id, at=now)
    return handoff_dict(session, request, now)
