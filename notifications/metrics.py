"""The desk's Prometheus series, in a registry of its own per app (STYLE habit 2: no
module-level registry, so two apps in one process, e.g. tests, never share counts).

Counters move on the hot paths (one `inc`, one `observe`); the gauges read from the
database are set only when /metrics is scraped (notifications/scrape.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

from notifications.senders import SendFailed

PREFIX = "complaintdesk"
# Dispatch is one transaction: milliseconds normally, seconds under lock contention.
DISPATCH_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class UpdateOutcome(StrEnum):
    HANDLED = "handled"
    DUPLICATE = "duplicate"  # the update id was claimed before: a platform's resend
    REFUSED_STRANGER = "refused-stranger"  # someone not on the roster pressed in a group
    FAILED = "failed"  # a bug: rolled back and apologised for


class ErrorClass(StrEnum):
    """A failed send, by what the desk does about it (few values: labels stay cheap)."""

    RATE_LIMITED = "rate_limited"  # 429: waits the platform's retry_after
    MOVED = "moved"  # the chat has a new id
    UNREACHABLE = "unreachable"  # the person blocked the bot
    PERMANENT = "permanent"  # parked at once
    TRANSIENT = "transient"  # retried with backoff
    UNEXPECTED = "unexpected"  # not a SendFailed: the row is parked as a fault


def error_class(failure: SendFailed) -> ErrorClass:
    if failure.retry_after is not None:
        return ErrorClass.RATE_LIMITED
    if failure.moved_to is not None:
        return ErrorClass.MOVED
    if failure.unreachable:
        return ErrorClass.UNREACHABLE
    return ErrorClass.PERMANENT if failure.permanent else ErrorClass.TRANSIENT


@dataclass(frozen=True)
class Metrics:
    registry: CollectorRegistry
    updates: Counter
    dispatch_seconds: Histogram
    sends: Counter
    platform_errors: Counter
    rate_limited: Counter
    parked: Counter
    outbox_messages: Gauge
    outbox_oldest_pending: Gauge
    overdue_cases: Gauge
    loop_last_success: Gauge
    sla_hit_ratio: Gauge

    @classmethod
    def build(cls) -> Metrics:
        r = CollectorRegistry(auto_describe=True)
        return cls(
            registry=r,
            updates=_counter(r, "updates", "Updates dispatched", "channel", "outcome"),
            dispatch_seconds=Histogram(
                f"{PREFIX}_dispatch_seconds",
                "Time to handle one update, transaction included",
                ["channel"],
                registry=r,
                buckets=DISPATCH_BUCKETS,
            ),
            sends=_counter(r, "sends", "Platform sends that went through", "channel"),
            platform_errors=_counter(
                r, "platform_errors", "Failed platform sends", "channel", "reason"
            ),
            rate_limited=_counter(r, "rate_limited", "Sends answered 429", "channel"),
            parked=_counter(r, "parked", "Outbox rows parked", "channel"),
            outbox_messages=_gauge(r, "outbox_messages", "Outbox rows by status", "status"),
            outbox_oldest_pending=_gauge(
                r, "outbox_oldest_pending_seconds", "Age of the oldest pending outbox row"
            ),
            overdue_cases=_gauge(
                r, "overdue_cases", "Open cases past a deadline", "department", "grade"
            ),
            loop_last_success=_gauge(
                r,
                "loop_last_success_timestamp_seconds",
                "When each background loop last finished a round",
                "loop",
            ),
            sla_hit_ratio=_gauge(
                r, "sla_hit_ratio_today", "Deadlines due today so far that were met on time"
            ),
        )

    def updated(self, channel: str, outcome: UpdateOutcome, seconds: float) -> None:
        self.updates.labels(channel, outcome.value).inc()
        self.dispatch_seconds.labels(channel).observe(seconds)

    def sent(self, channel: str) -> None:
        self.sends.labels(channel).inc()

    def failed(self, channel: str, reason: ErrorClass) -> None:
        self.platform_errors.labels(channel, reason.value).inc()
        if reason is ErrorClass.RATE_LIMITED:
            self.rate_limited.labels(channel).inc()

    def parked_one(self, channel: str) -> None:
        self.parked.labels(channel).inc()


def _counter(registry: CollectorRegistry, name: str, doc: str, *labels: str) -> Counter:
    return Counter(f"{PREFIX}_{name}", doc, labels, registry=registry)


def _gauge(registry: CollectorRegistry, name: str, doc: str, *labels: str) -> Gauge:
    return Gauge(f"{PREFIX}_{name}", doc, labels, registry=registry)
