"""Open a signed, encrypted callback (safe mode), refusing what is forged, stale or broken.

Order, and why: the signature covers the timestamp, the nonce and the ciphertext, so it is
checked first (403: not from WeChat); then the timestamp, so a recorded request replayed
later is refused (403); only then is the body decrypted and parsed, and whatever fails
there is a broken body from a correct signer (400). Nothing here raises anything else.
"""

from __future__ import annotations

import hmac
import struct
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.parsers.expat import ExpatError

import xmltodict  # wechatpy's own XML reader
from wechatpy.crypto import _get_signature
from wechatpy.exceptions import WeChatException

MAX_CLOCK_SKEW = timedelta(minutes=5)
# What wechatpy's decryption and parsing raise on garbled input: bad base64 or block size
# and undecodable text (ValueError), padding that eats the length field (struct.error), an
# empty plaintext (IndexError), a foreign app id (WeChatException), broken XML (ExpatError),
# missing elements (KeyError), an <xml> with text instead of elements (TypeError), and a
# CreateTime out of range (OverflowError, OSError).
BROKEN = (
    ValueError,
    struct.error,
    IndexError,
    WeChatException,
    ExpatError,
    KeyError,
    TypeError,
    OverflowError,
    OSError,
)
# Messages the desk reads need their id (dedup); events are told apart by their time.
NEEDS_ID = {"text", "image", "voice"}


class Refused(Exception):
    """The request is answered with `status` and nothing is dispatched."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


class Envelope:
    """One callback URL's secrets: its token and AES key (in `crypto`) and its parser."""

    def __init__(
        self,
        token: str,
        crypto: Any,
        parse: Callable[[str], Any],
        max_clock_skew: timedelta = MAX_CLOCK_SKEW,
    ) -> None:
        self.token, self.crypto, self.parse = token, crypto, parse
        self.max_clock_skew = max_clock_skew

    def open(self, body: str, query: Mapping[str, str], now: datetime) -> Any:
        """The parsed message, or Refused."""
        encrypted = _ciphertext(body)
        signed_at = self._verified(encrypted, query)
        if abs(now - signed_at) > self.max_clock_skew:
            raise Refused(403, "stale_timestamp")
        try:
            message = self.parse(self.crypto.decrypt_message({"Encrypt": encrypted}, *_args(query)))
            _check_fields(message)  # wechatpy converts fields when read: a bad number raises
        except BROKEN as error:
            raise Refused(400, f"broken_body:{type(error).__name__}") from error
        return message

    def _verified(self, encrypted: str, query: Mapping[str, str]) -> datetime:
        try:
            signature, timestamp, nonce = _args(query)
            signed_at = datetime.fromtimestamp(int(timestamp), UTC)
        except (KeyError, ValueError, OverflowError, OSError) as error:
            raise Refused(403, "unsigned") from error
        expected = _get_signature(self.token, timestamp, nonce, encrypted)
        if not hmac.compare_digest(expected, signature):
            raise Refused(403, "bad_signature")
        return signed_at


def _args(query: Mapping[str, str]) -> tuple[str, str, str]:
    return query["msg_signature"], query["timestamp"], query["nonce"]


def _ciphertext(body: str) -> str:
    """The <Encrypt> element; without it nothing can be verified."""
    try:
        outer = xmltodict.parse(body)["xml"]
        encrypted = outer["Encrypt"]
    except BROKEN as error:
        raise Refused(403, f"no_ciphertext:{type(error).__name__}") from error
    if not isinstance(encrypted, str):
        raise Refused(403, "no_ciphertext")
    return encrypted


def _check_fields(message: Any) -> None:
    """A decrypted message the desk cannot place (no sender, time or id) is broken."""
    if message is None or not getattr(message, "source", None):
        raise Refused(400, "broken_body:no_sender")
    if getattr(message, "create_time", None) is None:
        raise Refused(400, "broken_body:no_time")
    if getattr(message, "type", "") in NEEDS_ID and not getattr(message, "id", None):
        raise Refused(400, "broken_body:no_id")
