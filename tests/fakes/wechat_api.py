"""A fake WeChat / WeCom API server on 127.0.0.1, and real signed, encrypted callbacks.

The server answers token fetches (counting them), customer-service, template, WeCom app
and group-robot messages, records every call, and can refuse a token as expired.
The helpers build callbacks exactly as WeChat does, with wechatpy's crypto.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import re
import struct
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web
from wechatpy.crypto import WeChatCrypto, _get_signature
from wechatpy.crypto.cryptography import WeChatCipher
from wechatpy.enterprise.crypto import WeChatCrypto as WeComCrypto

from tests.fakes.servers import serve_locally

# The sample values of WeChat's message-encryption documentation (WXBizMsgCrypt demo).
DOC_TOKEN = "spamtest"
DOC_AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
DOC_APP_ID = "wx2c2769f8efd9abc2"
DOC_TIMESTAMP, DOC_NONCE = "1409735669", "1320562132"
DOC_SIGNATURE = "5d197aaffba7e9b25a30732f161a50dee96bd5fa"
DOC_OPENID = "oyORnuP8q7ou2gfYjqLzSIWZf0rs"
DOC_BODY = (
    "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA["
    "oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime>"
    "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>"
    "6054768590064713728</MsgId><Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYt"
    "JlE2B655HuD0m8KUePWB3+LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn8"
    "96wVsMSHGuPE328HnRGBcrS7C41IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3y"
    "t+WGzjlpKn6NPhRjpA912xMezR4kw6KWwMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJS"
    "VO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJ"
    "SgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></Encrypt></xml>"
)
CORP_ID, WECOM_TOKEN = "ww1234567890abcdef", "wecomtoken"
_ids = itertools.count(1)


@dataclass
class Call:
    path: str
    query: dict[str, str]
    body: dict[str, Any]


@dataclass(frozen=True)
class Upload:
    """A temporary media upload: its type (image, voice), file name, bytes and the id."""

    kind: str
    name: str
    data: bytes
    media_id: str


@dataclass(frozen=True)
class Answer:
    """A scripted answer for the next request: a raw body and status, or no answer at all
    until the server stops (`hang`: the client's timeout must end the call)."""

    status: int = 200
    text: str | None = None
    json: dict[str, Any] | list[Any] | None = None
    hang: bool = False


@dataclass
class FakeWeChatAPI:
    calls: list[Call] = field(default_factory=list)
    token_fetches: int = 0
    expired_tokens: set[str] = field(default_factory=set)
    script: list[Answer] = field(default_factory=list)  # answers to the next requests
    # WeChat's own rule, when enforced: 5 customer-service messages per customer message.
    enforce_window: bool = False
    window_sends: dict[str, int] = field(default_factory=dict)
    # media/get serves these (media_id -> bytes, content type); media/upload records here.
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    uploads: list[Upload] = field(default_factory=list)
    url: str = ""
    _runner: web.AppRunner | None = None
    _stopping: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/cgi-bin/token", self._token)
        app.router.add_get("/cgi-bin/gettoken", self._token)
        app.router.add_get("/cgi-bin/media/get", self._media_get)
        app.router.add_post("/cgi-bin/media/upload", self._media_upload)
        app.router.add_post("/cgi-bin/{path:.*}", self._post)
        self._runner, self.url = await serve_locally(app)

    async def stop(self) -> None:
        self._stopping.set()
        if self._runner is not None:
            await self._runner.cleanup()

    def sent(self, path: str, to: str | None = None) -> list[dict[str, Any]]:
        return [
            c.body
            for c in self.calls
            if c.path == path
            and (to is None or c.body.get("touser") == to or c.query.get("key") == to)
        ]

    def texts_to(self, user: str) -> list[str]:
        """What a person received, by customer-service / app message or template."""
        texts = []
        for call in self.calls:
            if call.body.get("touser") != user:
                continue
            if "text" in call.body:
                texts.append(call.body["text"]["content"])
            elif "data" in call.body:
                shown = " / ".join(item["value"] for item in call.body["data"].values())
                texts.append("[template] " + shown)
        return texts

    def customer_wrote(self, openid: str) -> None:
        """The customer's message reached WeChat: their window opens anew."""
        self.window_sends[openid] = 0

    def _window_refuses(self, path: str, body: dict[str, Any]) -> dict[str, Any] | None:
        if not self.enforce_window or path != "/cgi-bin/message/custom/send":
            return None
        sent = self.window_sends.get(body.get("touser", ""))
        if sent is None:
            return {"errcode": 45015, "errmsg": "response out of time limit"}
        if sent >= 5:
            return {"errcode": 45047, "errmsg": "out of response count limit"}
        self.window_sends[body["touser"]] = sent + 1
        return None

    async def _scripted(self) -> web.Response | None:
        if not self.script:
            return None
        answer = self.script.pop(0)
        if answer.hang:
            await self._stopping.wait()
        if answer.json is not None:
            return web.json_response(answer.json, status=answer.status)
        return web.Response(status=answer.status, text=answer.text or "")

    async def _token(self, request: web.Request) -> web.Response:
        if (scripted := await self._scripted()) is not None:
            return scripted
        self.token_fetches += 1
        return web.json_response({"access_token": f"T{self.token_fetches}", "expires_in": 7200})

    async def _media_get(self, request: web.Request) -> web.Response:
        """media/get: the file with WeChat's headers, or its JSON error (40007)."""
        if (scripted := await self._scripted()) is not None:
            return scripted
        self.calls.append(Call("/cgi-bin/media/get", dict(request.query), {}))
        if request.query.get("access_token", "") in self.expired_tokens:
            return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
        found = self.media.get(request.query.get("media_id", ""))
        if found is None:
            return web.json_response({"errcode": 40007, "errmsg": "invalid media_id"})
        data, kind = found
        disposition = f'attachment; filename="{request.query["media_id"]}.{kind.split("/")[-1]}"'
        return web.Response(
            body=data, content_type=kind, headers={"Content-disposition": disposition}
        )

    async def _media_upload(self, request: web.Request) -> web.Response:
        """media/upload (multipart, field "media"): recorded, answered with a media_id."""
        if (scripted := await self._scripted()) is not None:
            return scripted
        form = await request.post()
        media = form.get("media")
        if not isinstance(media, web.FileField):
            return web.json_response({"errcode": 41005, "errmsg": "media data missing"})
        kind = request.query.get("type", "")
        upload = Upload(kind, media.filename, media.file.read(), f"up-{next(_ids)}")
        self.uploads.append(upload)
        self.calls.append(Call("/cgi-bin/media/upload", dict(request.query), {"type": kind}))
        return web.json_response({"type": kind, "media_id": upload.media_id, "created_at": 0})

    def media_sent_to(self, user: str) -> list[tuple[str, str]]:
        """(msgtype, media_id) of the image and voice messages a person received."""
        found = []
        for call in self.calls:
            kind = call.body.get("msgtype")
            if call.body.get("touser") == user and kind in {"image", "voice"}:
                found.append((kind, call.body[kind]["media_id"]))
        return found

    async def _post(self, request: web.Request) -> web.Response:
        if (scripted := await self._scripted()) is not None:
            return scripted
        path = "/cgi-bin/" + request.match_info["path"]
        body = await request.json()
        token = request.query.get("access_token", "")
        if token in self.expired_tokens:
            return web.json_response({"errcode": 42001, "errmsg": "access_token expired"})
        if (refusal := self._window_refuses(path, body)) is not None:
            return web.json_response(refusal)
        self.calls.append(Call(path, dict(request.query), body))
        return web.json_response({"errcode": 0, "errmsg": "ok", "msgid": next(_ids)})


def official_account_xml(
    openid: str,
    content: str = "",
    *,
    created: int,
    msg_id: int | None = None,
    event: str | None = None,
    key: str = "",
) -> str:
    """`created`: the message's CreateTime (seconds since the epoch, from the test's clock)."""
    if event:
        return (
            f"<xml><ToUserName>gh_desk</ToUserName><FromUserName>{openid}</FromUserName>"
            f"<CreateTime>{created}</CreateTime><MsgType>event</MsgType>"
            f"<Event>{event}</Event><EventKey>{key}</EventKey></xml>"
        )
    return (
        f"<xml><ToUserName>gh_desk</ToUserName><FromUserName>{openid}</FromUserName>"
        f"<CreateTime>{created}</CreateTime><MsgType>text</MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{msg_id or next(_ids)}</MsgId></xml>"
    )


def wecom_xml(userid: str, content: str, *, created: int) -> str:
    return (
        f"<xml><ToUserName>{CORP_ID}</ToUserName><FromUserName>{userid}</FromUserName>"
        f"<CreateTime>{created}</CreateTime><MsgType>text</MsgType>"
        f"<Content><![CDATA[{content}]]></Content><MsgId>{next(_ids)}</MsgId>"
        f"<AgentID>1000002</AgentID></xml>"
    )


def sealed(
    crypto: WeChatCrypto | WeComCrypto, xml: str, *, timestamp: int
) -> tuple[dict[str, str], str]:
    """The query string and body WeChat would POST for this message, signed and encrypted
    at `timestamp` (seconds since the epoch, from the test's clock)."""
    nonce = str(next(_ids) * 7919)
    body = crypto.encrypt_message(xml, nonce, str(timestamp))
    signature = re.search(r"<MsgSignature><!\[CDATA\[(\w+)\]\]>", body)
    assert signature is not None
    query = {
        "msg_signature": signature.group(1),
        "timestamp": str(timestamp),
        "nonce": nonce,
        "encrypt_type": "aes",
    }
    return query, body


def signed_envelope(token: str, encrypt: str, *, timestamp: int) -> tuple[dict[str, str], str]:
    """A POST whose signature is right for whatever `encrypt` holds (broken-body tests)."""
    nonce = str(next(_ids) * 7919)
    query = {
        "msg_signature": _get_signature(token, str(timestamp), nonce, encrypt),
        "timestamp": str(timestamp),
        "nonce": nonce,
        "encrypt_type": "aes",
    }
    return query, f"<xml><ToUserName>gh_desk</ToUserName><Encrypt>{encrypt}</Encrypt></xml>"


def ciphertext(plain: bytes, aes_key: str = DOC_AES_KEY) -> str:
    """`plain` encrypted as safe mode does (AES-256-CBC, IV = first 16 key bytes), no
    padding added: the caller decides what the plaintext and its padding look like."""
    key = base64.b64decode(aes_key + "=")
    return base64.b64encode(WeChatCipher(key).encrypt(plain)).decode()


def safe_mode_plaintext(xml: str | bytes, app_id: str = DOC_APP_ID, pad: bool = True) -> bytes:
    """16 random bytes, the XML's length (big-endian), the XML, the app id; PKCS#7 to 32."""
    body = xml.encode() if isinstance(xml, str) else xml
    raw = b"r" * 16 + struct.pack(">I", len(body)) + body + app_id.encode()
    if not pad:
        return raw
    n = 32 - len(raw) % 32
    return raw + bytes([n]) * n
