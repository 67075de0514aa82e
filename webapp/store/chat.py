"""Chat conversations and their messages: who a conversation belongs to, the message cursor,
repair updates posted into a chat, and erasure.

A conversation is anonymous (opened again by its public id, which the web app signs into the
client's token), a member's own (one per member, on every device) or named by an outside key
(``wx:<openid>``). Message ids only grow, so a client asks for what came after the last one it has.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..text import translate
from . import timeutil
from .models import ChatConversation, ChatMessage, ChatWatch, HandoffRequest, Member, RepairTicket, Store

HISTORY_LIMIT = 200
SENDER_PREFIX = "chat-"


def sender_id(conversation: ChatConversation) -> str:
    """The conversation's name at the assistant (Rasa's sender id): never a member's token or phone."""
    return SENDER_PREFIX + conversation.public_id


def by_public_id(session: Session, public_id: str | None) -> ChatConversation | None:
    if not public_id:
        return None
    return session.scalar(select(ChatConversation).where(ChatConversation.public_id == public_id))


def by_sender(session: Session, sender: str | None) -> ChatConversation | None:
    if not sender or not sender.startswith(SENDER_PREFIX):
        return None
    return by_public_id(session, sender[len(SENDER_PREFIX) :])


def by_member(session: Session, member_id: int) -> ChatConversation | None:
    return session.scalar(select(ChatConversation).where(ChatConversation.member_id == member_id))


def _new(channel: str, lang: str, now: datetime, **owner: object) -> ChatConversation:
    return ChatConversation(
        public_id=secrets.token_urlsafe(16),
        channel=channel,
        lang=lang,
        state="assistant",
        created_at=now,
        updated_at=now,
        **owner,
    )


def _insert_or_existing(session: Session, conversation: ChatConversation, existing) -> ChatConversation:
    """Insert; when a parallel request inserted the same owner's conversation first, use that one."""
    try:
        with session.begin_nested():
            session.add(conversation)
        return conversation
    except IntegrityError:
        return existing()


def _settle(
    conversation: ChatConversation, channel: str | None, lang: str | None, store: Store | None, now: datetime
) -> ChatConversation:
    """The last channel, language and store the shopper used are the conversation's."""
    conversation.channel = channel or conversation.channel
    conversation.lang = lang or conversation.lang
    if store is not None:
        conversation.store = store
    conversation.updated_at = now
    return conversation


def _adopt(session: Session, anonymous: ChatConversation, member: Member) -> ChatConversation:
    """The member signed in mid-chat: the anonymous conversation becomes theirs, or joins the one they have."""
    claimed = session.execute(
        update(ChatConversation)
        .where(ChatConversation.id == anonymous.id, ChatConversation.member_id.is_(None))
        .values(member_id=member.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed:
        session.refresh(anonymous)
        return anonymous
    return by_member(session, member.id) or anonymous


def open_conversation(
    session: Session,
    *,
    public_id: str | None = None,
    member: Member | None = None,
    channel: str = "web",
    lang: str = "zh",
    store: Store | None = None,
    now: datetime | None = None,
) -> ChatConversation:
    """The conversation a request continues (created when there is none) and commits it.

    A member always gets their own; an anonymous one named by ``public_id`` is adopted into it.
    Without a member, ``public_id`` opens only a conversation no member owns (anonymous or WeChat)."""
    now = now or timeutil.now()
    named = by_public_id(session, public_id)
    unowned = named if named is not None and named.member_id is None else None
    # a WeChat user's chat (external key) is theirs alone: opened by its token, never adopted into a member's
    anonymous = unowned if unowned is not None and unowned.external_key is None else None
    if member is not None:
        own = by_member(session, member.id)
        if own is None and anonymous is not None:
            own = _adopt(session, anonymous, member)
        elif own is not None and anonymous is not None and anonymous.id != own.id:
            _merge(session, anonymous, own)
        if own is None:
            own = _insert_or_existing(
                session, _new(channel, lang, now, member_id=member.id), lambda: by_member(session, member.id)
            )
        conversation = own
    elif unowned is not None:
        conversation = unowned
    else:
        conversation = _new(channel, lang, now)
        session.add(conversation)
    _settle(conversation, channel, lang, store, now)
    session.commit()
    return conversation


def _merge(session: Session, anonymous: ChatConversation, own: ChatConversation) -> None:
    """Messages and hand-overs of a chat begun before signing in move to the member's conversation."""
    values = {"conversation_id": own.id}
    session.execute(update(ChatMessage).where(ChatMessage.conversation_id == anonymous.id).values(**values))
    session.execute(
        update(HandoffRequest)
        .where(HandoffRequest.conversation_id == anonymous.id)
        .values(sender_id=sender_id(own), **values)
    )
    for watch in session.scalars(select(ChatWatch).where(ChatWatch.conversation_id == anonymous.id)).all():
        watch_repair(session, sender_id(own), watch.ticket_id)
    if anonymous.state == "advisor":
        own.state = "advisor"
    session.execute(delete(ChatConversation).where(ChatConversation.id == anonymous.id))
    session.expunge(anonymous)


def conversation_for_key(
    session: Session, key: str, channel: str, lang: str, now: datetime | None = None
) -> ChatConversation:
    """The conversation of an outside identity (``wx:<openid>``), created on first use; committed."""
    now = now or timeutil.now()

    def existing() -> ChatConversation | None:
        return session.scalar(select(ChatConversation).where(ChatConversation.external_key == key))

    conversation = existing() or _insert_or_existing(session, _new(channel, lang, now, external_key=key), existing)
    _settle(conversation, channel, lang, None, now)
    session.commit()
    return conversation


def message_dict(message: ChatMessage) -> dict:
    return {"id": message.id, "author": message.author, "at": timeutil.to_iso(message.created_at), **message.body}


def append(
    session: Session, conversation: ChatConversation, author: str, body: dict, now: datetime | None = None
) -> dict:
    """Add a message (not committed: the caller's unit of work decides)."""
    now = now or timeutil.now()
    message = ChatMessage(conversation_id=conversation.id, author=author, body=body, created_at=now)
    session.add(message)
    conversation.updated_at = now
    session.flush()
    return message_dict(message)


def notice(session: Session, conversation: ChatConversation, key: str, **params: object) -> dict:
    """A system notice in the conversation's language, its words from ``webapp.text``."""
    return append(
        session, conversation, "system", {"type": "notice", "text": translate(key, conversation.lang, **params)}
    )


def deliver(session: Session, conversation: ChatConversation, body: dict, author: str = "advisor") -> dict:
    """Post a message into a chat from outside the turn (a recommendation from the console); committed."""
    message = append(session, conversation, author, body)
    session.commit()
    return message


def messages(session: Session, conversation: ChatConversation, after: int | None = None) -> list[dict]:
    """The messages after the cursor ``after`` (all when None), at most the last HISTORY_LIMIT, oldest first."""
    query = select(ChatMessage).where(ChatMessage.conversation_id == conversation.id)
    if after is not None:
        query = query.where(ChatMessage.id > after)
    newest = session.scalars(query.order_by(ChatMessage.id.desc()).limit(HISTORY_LIMIT)).all()
    return [message_dict(m) for m in reversed(newest)]


def watch_repair(session: Session, sender: str, ticket_id: str) -> bool:
    """The shopper of chat ``sender`` asked about ``ticket_id``: its later status changes are posted there."""
    conversation = by_sender(session, sender)
    if conversation is None or session.get(RepairTicket, ticket_id) is None:
        return False
    if session.get(ChatWatch, (conversation.id, ticket_id)) is None:
        try:
            with session.begin_nested():
                session.add(ChatWatch(conversation_id=conversation.id, ticket_id=ticket_id))
        except IntegrityError:  # a parallel look-up recorded it first
            pass
    return True


def notify_repair(session: Session, ticket: RepairTicket) -> None:
    """A watched ticket's status changed: a notice in each watching chat (in the caller's unit of work)."""
    watching = session.scalars(
        select(ChatConversation).join(ChatWatch).where(ChatWatch.ticket_id == ticket.id).order_by(ChatConversation.id)
    )
    for conversation in watching:
        status = translate(f"repair_{ticket.status}", conversation.lang)
        notice(session, conversation, "chat_repair_update", ticket=ticket.id, status=status)


def erase(session: Session, conversation: ChatConversation) -> str:
    """Delete the conversation, its messages, watches and hand-over transcripts; returns its sender id
    so the caller can make the assistant forget it too. Not committed."""
    sender = sender_id(conversation)
    session.execute(delete(ChatMessage).where(ChatMessage.conversation_id == conversation.id))
    session.execute(delete(ChatWatch).where(ChatWatch.conversation_id == conversation.id))
    session.execute(
        delete(HandoffRequest).where(
            (HandoffRequest.conversation_id == conversation.id) | (HandoffRequest.sender_id == sender)
        )
    )
    session.execute(delete(ChatConversation).where(ChatConversation.id == conversation.id))
    return sender


def erase_member(session: Session, member_id: int) -> list[str]:
    """Erase the member's conversation (not committed); the sender ids to forget at the assistant."""
    conversation = by_member(session, member_id)
    return [erase(session, conversation)] if conversation is not None else []
