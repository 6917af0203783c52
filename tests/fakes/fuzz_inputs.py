"""Generated hostile input for the fuzz test (issue 11), reproducible from one seed.

Texts (random Unicode with RTL, zero-width, astral and control characters; markup that
must stay inert; 10,000-character stories), commands of customers and staff with 0-5
random words, forged and malformed button data, and plausible moves that carry people
into the middle of every flow. Only `random.Random(seed)` decides.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from conversations.staff import COMMANDS as STAFF_COMMANDS

RTL = "\u05d0\u05d1\u05d2\u0627\u0644\u0639\u0631\u0628\u064a\u0629"
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2069\u00ad"
ASTRAL = "😀😡🫠𝔘𝔫𝔦𠀀𠮷🏳️‍🌈👩‍👩‍👧"
CONTROL = "".join(chr(c) for c in [*range(32), 127, 0x85, 0x9F])
CJK = "我买的电水壶漏水想换一个订单号客服投诉屏幕坏点退款繁體語言"
MARKUP = [
    "<b>bold</b>",
    '<a href="http://phish.example/refund">退款点这里</a>',
    "<script>alert(1)</script>",
    "</pre><pre>",
    "&amp; &lt;b&gt; &#x3C;i&#x3E;",
    "[退款点这里](http://phish.example/refund)",
    "<@all> # heading <font color=red>red</font>",
    "<tg-spoiler>x</tg-spoiler> <i",
    "*bold* _it_ `code` ~~s~~ ||spoiler||",
]
STORIES = [
    "我买的电水壶漏水，想换一个",
    "电视机屏幕有坏点，订单号 ORD-20261101，昨天收到的，电话13812345678",
    "The courier left the parcel in the rain and the box is soaked.",
    "店员态度很差",
    "建议你们周末多开一个收银台",
    "几点开门？",
]
CUSTOMER_COMMANDS = ["start", "cancel", "back", "help", "cases", "language", "register"]
CUSTOMER_WORDS = ["取消", "返回", "帮助", "我的投诉", "语言", "cancel", "help", "hi", "你好", "?"]
EXTRA_STAFF = ["mine", "cases", "find", "language", "register", "badreview", "help", "nosuch"]
BUTTON_ACTIONS = [
    "take", "details", "approve", "send_back", "review", "reassign", "accept", "refuse",
    "add", "case", "append", "solved", "score", "skip", "confirm", "edit", "who", "secret",
    "category", "wanted", "kind", "platform", "file", "lang", "new", "cases", "unknown",
]  # fmt: skip
WORD_POOL = [
    "logistics", "product", "service", "important", "major", "general", "effective",
    "ineffective", "contacted", "updated", "no_response", "now", "ok", "|", "a|b|c|d|2099-01-01",
    "2026-11-20", "-", "0", "5", "99999999999999999999", "TS209912-9999", "ts202611-0001",
]  # fmt: skip


@dataclass
class Known:
    """What the generator may aim at: real case numbers, and choices people were shown."""

    numbers: list[str] = field(default_factory=list)
    choices: dict[str, list[str]] = field(default_factory=dict)  # sender -> actions shown


class Inputs:
    """One seeded source of every kind of input the fuzz sends."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def pick(self, options: list[str]) -> str:
        return options[self.rng.randrange(len(options))]

    def length(self) -> int:
        r = self.rng.random()
        if r < 0.04:
            return self.pick_int([4096, 4097, 9_999, 10_000, 10_001, 12_000])
        if r < 0.1:
            return self.rng.randint(200, 1200)
        return self.rng.randint(0, 60)

    def pick_int(self, values: list[int]) -> int:
        return values[self.rng.randrange(len(values))]

    def char(self) -> str:
        source = self.pick([RTL, INVISIBLE, ASTRAL, CONTROL, CJK, "abc XYZ 0123 .,!?\n\t<>&\"'|"])
        if self.rng.random() < 0.1:  # anywhere in the planes, surrogates left out
            code = self.rng.randint(0x20, 0x10FFFF)
            return chr(code) if not 0xD800 <= code <= 0xDFFF else "?"
        return source[self.rng.randrange(len(source))]

    def text(self) -> str:
        """Random text of a random length, sometimes with markup or a story mixed in."""
        size = self.length()
        body = "".join(self.char() for _ in range(min(size, 300)))
        if size > 300:
            body = (body * (size // max(len(body), 1) + 1))[:size] if body else "x" * size
        r = self.rng.random()
        if r < 0.25:
            body = f"{body}{self.pick(MARKUP)}{body[:20]}"
        elif r < 0.35:
            body = f"{self.pick(STORIES)} {body}"
        return body

    def word(self, known: Known) -> str:
        r = self.rng.random()
        if r < 0.3 and known.numbers:
            return self.pick(known.numbers)
        if r < 0.6:
            return self.pick(WORD_POOL)
        if r < 0.65:
            return "w" * self.rng.randint(100, 600)
        return "".join(self.char() for _ in range(self.rng.randint(1, 12))).replace(" ", "_")

    def command(self, known: Known, staff: bool) -> str:
        """A command with 0 to 5 random words (case numbers, departments, junk)."""
        names = [*STAFF_COMMANDS, *EXTRA_STAFF] if staff else CUSTOMER_COMMANDS
        if self.rng.random() < 0.15:
            names = [*STAFF_COMMANDS, *CUSTOMER_COMMANDS]  # the other side's commands
        head = "/" + self.pick(names)
        if self.rng.random() < 0.1:
            head += "@desk_bot"
        words = [self.word(known) for _ in range(self.rng.randint(0, 5))]
        return " ".join([head, *words])

    def button(self, known: Known) -> str:
        """Forged or malformed callback data: other people's cases, unknown actions,
        missing parts, junk; at most 64 bytes, as Telegram allows."""
        r = self.rng.random()
        if r < 0.1:
            return self.pick(["", ":", "::", "take:", ":TS202611-0001", "score:", "lang:"])
        if r < 0.2:
            junk = "".join(self.char() for _ in range(self.rng.randint(1, 40)))
            return junk.encode()[:64].decode(errors="ignore")
        action = self.pick(BUTTON_ACTIONS)
        value = self.word(known) if self.rng.random() < 0.7 else self.pick(["yes", "no", "x"])
        if action == "solved":
            value = f"{value}:{self.pick(['yes', 'no', 'maybe'])}"
        data = f"{action}:{value}"
        return data.encode()[:64].decode(errors="ignore")

    def sensible(self, known: Known, sender: str, staff: bool) -> tuple[str, str | None]:
        """A move someone in the middle of a flow would make: (text, button)."""
        shown = known.choices.get(sender) or []
        r = self.rng.random()
        if shown and r < 0.45:
            index = self.rng.randrange(len(shown))
            if self.rng.random() < 0.3:
                return str(index + 1), None  # typed as the number it is shown with
            return "", shown[index]
        if staff and known.numbers:
            number = self.pick(known.numbers)
            line = self.pick(
                [
                    f"/take {number}",
                    f"/valid {number} 批次缺陷 | 来料不良",
                    f"/propose {number} 上门更换",
                    f"/approve {number}",
                    f"/implement {number}",
                    f"/resolve {number} 已更换",
                    f"/review {number}",
                    f"/close {number}",
                    f"/case {number}",
                    "/mine",
                ]
            )
            return line, None
        return self.pick([*STORIES, "跳过", "skip", "王芳", "13812345678", "1", "5"]), None
