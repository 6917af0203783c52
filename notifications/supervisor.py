"""Faults of the whole process, as opposed to faults of one row or one loop round."""

from __future__ import annotations


class Unrecoverable(Exception):
    """A fault no restart can fix (the bot token was revoked: 401; another process polls
    the same bot: 409). The process stops with this message, which says how to fix it."""
