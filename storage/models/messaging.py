"""Conversation state, the outbox, sent-message references and the inbound dedup log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from conversations.base.values import OutboxStatus
from storage.base import Base
from storage.models.types import Json, stored_enum


class Conversation(Base):
    """Where one chat stands in its dialogue flow; saved with the case change it causes."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("channel", "chat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(128))
    flow: Mapped[str] = mapped_column(String(64))
    step: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(Json, default=dict)
    last_options: Mapped[list[str] | None] = mapped_column(Json)
    expires_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class OutboxMessage(Base):
    """A message to send (or edit), written in the transaction that decided it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_pending", "status", "not_before", "id"),
        # The dispatcher's claim query reads each chat's and case's oldest pending row
        # from this index alone, in its order (storage/outbox.py `candidates`, issue 18).
        Index("ix_outbox_claim", "status", "channel", "chat_id", "case_id", "id"),
        # A staff member's Telegram reply to one of the bot's messages names the case
        # that message was about (issue 13).
        Index("ix_outbox_sent_message", "channel", "chat_id", "platform_message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(128))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"), index=True)
    purpose: Mapped[str | None] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(Json)
    status: Mapped[OutboxStatus] = mapped_column(
        stored_enum(OutboxStatus), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    not_before: Mapped[datetime]
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    claimed_until: Mapped[datetime | None]
    platform_message_id: Mapped[str | None] = mapped_column(String(128))
    error: Mapped[str | None] = mapped_column(String(500))
    # A text split for the platform's size limit: how many of its parts were delivered,
    # so a retry sends only the rest (issue 11).
    parts_sent: Mapped[int] = mapped_column(default=0, server_default="0")


class MessageRef(Base):
    """The platform id of a sent message about a case, so it can be edited later."""

    __tablename__ = "message_refs"
    __table_args__ = (
        UniqueConstraint("case_id", "channel", "chat_id", "purpose"),
        # From a forum topic (purpose 'topic', the id is the thread's) back to its case.
        Index("ix_message_refs_platform", "channel", "chat_id", "platform_message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"))
    channel: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(128))
    purpose: Mapped[str] = mapped_column(String(64))
    platform_message_id: Mapped[str] = mapped_column(String(128))


class DigestRun(Base):
    """One digest per recipient per local day: the row is the claim, so reruns skip it."""

    __tablename__ = "digest_runs"

    recipient: Mapped[str] = mapped_column(String(200), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    sent_at: Mapped[datetime]


class PlatformToken(Base):
    """An API access token shared by every process (WeChat allows only a few fetches a
    day, and a new token invalidates the old). `refreshing_until` is the fetch lease."""

    __tablename__ = "platform_tokens"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    token: Mapped[str | None] = mapped_column(String(600))
    expires_at: Mapped[datetime | None]
    refreshing_until: Mapped[datetime | None]


class Lease(Base):
    """Work only one process may do at a time (sending on a channel, within its rate
    limits), held by `holder` until `until` and renewed while it works."""

    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    until: Mapped[datetime]


class ServiceWindow(Base):
    """WeChat's customer-service window: opened by the customer's last message, good for
    48 hours and a few messages; after that only template messages reach them."""

    __tablename__ = "service_windows"

    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    opened_at: Mapped[datetime]
    sent: Mapped[int] = mapped_column(default=0)


class ChatMove(Base):
    """A chat the platform moved to a new id (a Telegram group upgraded to a supergroup):
    messages for the old id go to the new one."""

    __tablename__ = "chat_moves"

    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    chat_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    moved_to: Mapped[str] = mapped_column(String(128))
    moved_at: Mapped[datetime]


class ProcessedUpdate(Base):
    """Inbound updates already handled: webhook retries and resends end here."""

    __tablename__ = "processed_updates"

    channel: Mapped[str] = mapped_column(String(32), primary_key=True)
    update_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    processed_at: Mapped[datetime]
