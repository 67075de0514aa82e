"""Chat conversations and hand-overs: ownership, the cursor, the advisor queue, erasure."""

import threading
from datetime import date, datetime

from sqlalchemy import func, select

from webapp.store import chat, handoffs, repairs
from webapp.store.catalog import hours_on
from webapp.store.db import Database
from webapp.store.models import ChatConversation, ChatMessage, HandoffRequest, Store

from ..staff_session import advisor_context
from .helpers import fails, member

DAYTIME = datetime(2026, 11, 25, 15, 0)
WANG_AND_LI = (("xiao.wang", "小王"), ("xiao.li", "小李"))  # two jingan advisors
NIGHT = datetime(2026, 11, 25, 23, 30)


def _chat(session, **kwargs) -> ChatConversation:
    store = session.scalar(select(Store).where(Store.code == "jingan"))
    return chat.open_conversation(session, store=store, now=DAYTIME, **kwargs)


def _hand_over(session, conversation, now=DAYTIME, **body) -> dict:
    return handoffs.create(session, {"sender_id": chat.sender_id(conversation), **body}, now=now)


def test_anonymous_chat_is_adopted_when_the_shopper_signs_in(session):
    anonymous = _chat(session)
    chat.append(session, anonymous, "shopper", {"type": "text", "text": "你好"})
    session.commit()
    shopper = member(session, "13655550123")
    own = _chat(session, public_id=anonymous.public_id, member=shopper)
    assert own.id == anonymous.id and own.member_id == shopper.id
    assert [m["text"] for m in chat.messages(session, own)] == ["你好"]
    # the member's conversation is theirs alone: its public id opens nothing for anyone else
    assert _chat(session, public_id=own.public_id).id != own.id
    # a second anonymous chat begun on another device joins the member's one
    other = _chat(session)
    chat.append(session, other, "shopper", {"type": "text", "text": "口红"})
    session.commit()
    merged = _chat(session, public_id=other.public_id, member=shopper)
    assert merged.id == own.id
    assert [m["text"] for m in chat.messages(session, merged)] == ["你好", "口红"]
    assert chat.by_public_id(session, other.public_id) is None


def test_messages_after_a_cursor_and_the_last_200(session):
    conversation = _chat(session)
    ids = [chat.append(session, conversation, "shopper", {"type": "text", "text": str(i)})["id"] for i in range(205)]
    session.commit()
    assert ids == sorted(ids)
    everything = chat.messages(session, conversation)
    assert len(everything) == chat.HISTORY_LIMIT and everything[-1]["text"] == "204"
    assert [m["text"] for m in chat.messages(session, conversation, ids[-3])] == ["203", "204"]
    assert chat.messages(session, conversation, ids[-1]) == []


def test_outside_key_gets_one_conversation(session):
    first = chat.conversation_for_key(session, "wx:openid-1", "miniprogram", "zh")
    again = chat.conversation_for_key(session, "wx:openid-1", "miniprogram", "en")
    assert first.id == again.id and again.lang == "en"
    assert _chat(session, public_id=first.public_id).id == first.id  # the web-view's signed token opens it
    shopper = member(session, "13655550124")  # a member signing in keeps their own; the WeChat chat stays apart
    assert _chat(session, public_id=first.public_id, member=shopper).id != first.id
    session.refresh(first)
    assert first.member_id is None and first.external_key == "wx:openid-1"


def test_hand_over_queue_and_wait(session):
    first, second = _chat(session), _chat(session)
    one = _hand_over(session, first)
    two = _hand_over(session, second)
    assert (one["position"], two["position"]) == (1, 2)
    assert two["wait_minutes"] == 2 * handoffs.DEFAULT_WAIT_MINUTES
    assert _hand_over(session, first)["id"] == one["id"]  # asking again keeps the place
    session.refresh(first)
    assert first.state == "advisor"
    wang = advisor_context(session, "xiao.wang", name="小王")
    handoffs.take(session, one["id"], wang, now=DAYTIME)
    assert handoffs.detail(session, two["id"], wang)["position"] == 1


def test_closed_store_takes_only_call_backs(session):
    conversation = _chat(session)
    error = fails("store_closed", 409, _hand_over, session, conversation, NIGHT)
    assert error.params["opens_at"] == "2026-11-26T10:00:00+08:00"
    assert "明天 10:00" in error.message("zh") and "at 10:00 tomorrow" in error.message("en")
    fails("sign_in_required", 401, _hand_over, session, conversation, NIGHT, reason="callback")
    shopper = member(session, "13655550124")
    body = {"sender_id": chat.sender_id(conversation), "reason": "callback"}
    callback = handoffs.create(session, body, member=shopper, now=NIGHT)
    assert callback["phone"] == "136****0124"


def test_take_is_won_once_and_only_the_taker_replies(db_url, session):
    conversation = _chat(session)
    request = _hand_over(session, conversation)
    outcomes, barrier = [], threading.Barrier(2)
    database = Database(db_url)
    advisors = {name: advisor_context(session, username, name=name) for username, name in WANG_AND_LI}

    def take(advisor: str) -> None:
        with database.session() as own:
            barrier.wait()
            try:
                handoffs.take(own, request["id"], advisors[advisor], now=DAYTIME)
                outcomes.append("taken")
            except Exception as error:  # noqa: BLE001 - the loser's StoreError is what is counted
                outcomes.append(getattr(error, "code", repr(error)))

    threads = [threading.Thread(target=take, args=(name,)) for name in ("小王", "小李")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    database.dispose()
    assert sorted(outcomes) == ["handoff_taken", "taken"]
    taker = session.get(HandoffRequest, request["id"], populate_existing=True).taken_by
    other = "小李" if taker == "小王" else "小王"
    fails("handoff_not_yours", 403, handoffs.reply, session, request["id"], "hi", advisors[other])
    reply = handoffs.reply(session, request["id"], "您好，我来帮您", advisors[taker])
    assert (reply["author"], reply["advisor"]) == ("advisor", taker)
    handoffs.close(session, request["id"], advisors[other], now=DAYTIME)  # any advisor of the store may close it
    fails("handoff_closed", 409, handoffs.reply, session, request["id"], "again", advisors[taker])
    session.refresh(conversation)
    assert conversation.state == "assistant"
    assert chat.messages(session, conversation)[-1]["type"] == "notice"


def test_repair_updates_reach_the_watching_chat(session):
    conversation = _chat(session, lang="en")
    assert chat.watch_repair(session, chat.sender_id(conversation), "R-20417")
    session.commit()
    assert chat.watch_repair(session, chat.sender_id(conversation), "R-20417")  # twice is once
    repairs.add_event(session, "R-20417", "ready_for_pickup", note_en="done")
    notices = [m["text"] for m in chat.messages(session, conversation) if m["type"] == "notice"]
    assert notices == ["Repair R-20417 has moved on: ready for pickup."]


def test_erase_removes_messages_hand_overs_and_watches(session):
    conversation = _chat(session)
    chat.append(session, conversation, "shopper", {"type": "text", "text": "我的电话 13800000000"})
    _hand_over(session, conversation)
    chat.watch_repair(session, chat.sender_id(conversation), "R-20417")
    sender = chat.erase(session, conversation)
    session.commit()
    assert sender.startswith("chat-")
    assert session.scalar(select(func.count()).select_from(ChatMessage)) == 0
    assert session.scalar(select(func.count()).where(HandoffRequest.sender_id == sender)) == 0
    assert chat.by_public_id(session, conversation.public_id) is None


def test_a_store_closed_for_a_holiday_says_the_day_it_opens_again(session):
    songjiang = session.scalar(select(Store).where(Store.code == "songjiang"))  # closed on Chinese New Year's Day 2027
    conversation = chat.open_conversation(session, store=songjiang, now=datetime(2027, 2, 5, 20, 0))
    error = fails("store_closed", 409, _hand_over, session, conversation, datetime(2027, 2, 5, 20, 0))
    opens = hours_on(songjiang, date(2027, 2, 7))[0]
    assert error.params["opens_at"] == f"2027-02-07T{opens}:00+08:00"
    assert f"2027-02-07 {opens}" in error.message("zh") and f"at {opens} on 2027-02-07" in error.message("en")
    assert handoffs.next_opening(songjiang, datetime(2027, 2, 7, 8, 0)) == datetime.fromisoformat(f"2027-02-07T{opens}")
