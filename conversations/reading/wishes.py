"""What the customer asks for (issue 19): wish phrases in the three languages, a wish
that is negated ('不要退款', 'not a refund': reading/negation.py) or told as a past fact
('修了三次') left out,
the last wish standing winning ('不要退款，只要换一个' is a replacement).

These are facts of the languages, not of the business, so they live in the code.
"""

from __future__ import annotations

from functools import cache

from conversations.base.phrases import Found, normal
from conversations.base.values import Wanted
from conversations.reading.negation import Negations
from conversations.reading.segment import WordPhrases

WISHES: dict[Wanted, tuple[str, ...]] = {
    Wanted.REFUND: (
        "退款", "退钱", "退货", "退费", "全额退", "把钱退", "钱退给我", "退给我", "退我", "退回来",
        "退回给我", "退还", "退一半", "退一晚", "退差价", "退回", "还我钱", "钱还给我", "退錢",
        "退貨", "退費", "全額退", "把錢退", "錢退給我", "退給我", "退回來", "退還", "還我錢",
        "錢還給我", "refund", "refunded", "refund me", "money back", "my money", "reimburse",
        "want it back", "back in full", "pay me back", "give me back", "return my money",
        "credit my account", "credit it back", "back to my account", "back to my card",
        "credit the", "把钱退了", "把錢退了", "退了吧", "退掉", "reverse the charge",
        "remove the charge", "take it off my bill", "return it", "return them", "send it back",
        "take it back", "cancel my order", "cancel the order", "返还", "返還", "退押金", "取消订单",
        "取消訂單", "give me my money", "钱还我", "錢還我", "拿回去",
    ),
    Wanted.REPLACEMENT: (
        "换一个", "换个新的", "换个", "换新", "换货", "更换", "换成", "换台", "换一台", "换一双",
        "换一件", "重新发", "补发", "补寄", "重发", "重配", "重新配", "重做", "重新做", "換一個",
        "換個新的", "換個", "換新", "換貨", "換成", "換台", "換一台", "換一雙", "換一件", "重新發",
        "補發", "補寄", "重發", "重新做", "replacement", "replace it", "replace them", "replaced",
        "a new one", "new pair", "a pair that", "exchange", "swap it", "send another", "send a new",
        "send me a new", "resend", "change it", "change them", "re-send", "ship another", "redo",
        "re-do", "换新机", "換新機", "再发一个", "再發一個", "补上", "補上", "补给我", "補給我",
        "重新寄", "再寄", "重新寄一个", "重新寄一個", "发一个新的", "發一個新的", "新的给我",
        "新的給我", "brand new one", "brand new machine", "a new machine", "new machine",
    ),
    Wanted.REPAIR: (
        "维修", "修好", "修理", "修一下", "上门修", "来修", "派人修", "修复", "修一修", "检修",
        "維修", "修理", "上門修", "來修", "派人修", "修復", "檢修", "repair", "repaired",
        "repair it", "fix it", "fix the", "fix this", "fixed", "get it fixed", "mend",
        "sort it out", "send someone", "send an engineer", "send a technician", "上门看", "上門看",
        "have a look at", "come round", "come and look", "来看看", "过来看看", "來看看", "過來看看",
    ),
    Wanted.APOLOGY: (
        "道歉", "道个歉", "赔礼", "致歉", "赔个不是", "认错", "说声对不起", "说对不起", "道個歉",
        "賠禮", "賠個不是", "認錯", "說聲對不起", "說對不起", "apology", "apologise", "apologize",
        "say sorry", "said sorry", "apologies", "书面道歉", "書面道歉", "公开道歉", "公開道歉",
        "一句对不起", "句对不起", "一句對不起", "句對不起", "a simple sorry", "not even a sorry",
        "a sorry",
    ),
    Wanted.COMPENSATION: (
        "赔偿", "补偿", "赔钱", "赔我", "赔给我", "理赔", "赔付", "包赔", "延迟罚款", "賠償",
        "補償", "賠錢", "賠我", "賠給我", "理賠", "賠付", "遲延罰款", "compensation", "compensate",
        "compensated", "damages", "pay for the", "cover the cost", "late penalty", "pay for my",
        "pay for it", "pay for them", "make up for", "goodwill", "medical bills", "vet bills",
        "cover the", "cover my", "pay for the damage", "pays for", "for the damage", "my losses",
        "lost earnings", "lost wages", "医药费", "醫藥費", "误工费", "誤工費", "精神损失",
        "精神損失", "损失费", "損失費", "承担费用", "承擔費用", "你们出", "你們出", "你们承担",
        "你們承擔", "你们负担", "你們負擔",
    ),
    Wanted.EXPLANATION: (
        "解释", "说法", "交代", "说明", "给个理由", "查清楚", "查一下", "核查", "核实", "怎么回事",
        "解釋", "說法", "交代", "說明", "查清楚", "查一下", "核實", "怎麼回事", "explanation",
        "explain", "tell me why", "know why", "an answer", "what is this", "how did this happen",
        "how could this happen", "find out", "tell me where", "where it is", "where it went",
        "when will it be repaired", "when will it be fixed", "look into", "investigate",
        "explained", "what is going on", "what's going on", "on what basis", "where it actually is",
        "clarify", "clarification", "want to know", "like to know", "need to know", "what happened",
        "tell me what", "why was", "why is", "why did", "why do", "why does", "why has", "why have",
        "why would", "why are", "why were", "为什么", "為什麼", "想知道", "is this allowed",
        "how is this allowed", "is this legal", "给我答复", "給我答覆", "给个答复", "給個答覆",
        "查明", "原因", "请说清楚", "請說清楚", "给我说清楚", "給我說清楚", "请讲清楚", "請講清楚",
        "understand how", "need to understand", "want to understand",
    ),
}  # fmt: skip

# Nouns holding a wish's word: a repair shop is no wish for a repair.
NOT_WISHES = (
    "维修工", "维修师傅", "维修人员", "维修点", "维修中心", "维修单", "维修费", "維修工",
    "維修師傅", "維修人員", "維修點", "維修中心", "維修單", "維修費", "退货的快递", "退貨的快遞",
    "退回去", "退回到", "退回原", "退回给商家", "退回給商家", "repair centre", "repair center",
    "repair shop", "repairman", "repair request", "each repair", "the repair", "second repair",
    "a repair", "the replacement part", "have to explain", "had to explain",
    "to explain everything", "got a refund", "received a refund", "gave me a refund",
    "had a refund", "would explain", "they explained",
)  # fmt: skip

# A Chinese wish right before these is something that happened: '修了三次'.
PAST_AFTER = ("了", "过", "過")
# An English participle ('replaced', 'fixed') is a wish only after these ('I want them
# replaced', 'get it fixed'); otherwise it tells what was done ('the plumber replaced').
WISHING = ("want", "wants", "get", "need", "needs", "be", "have")


@cache
def _wishes() -> tuple[WordPhrases, dict[str, Wanted]]:
    owner = {normal(p): wish for wish, phrases in WISHES.items() for p in phrases}
    return WordPhrases(owner, NOT_WISHES), owner


def wishes(text: str) -> list[Wanted]:
    """The wishes asked for, in the order they are said."""
    phrases, owner = _wishes()
    negations = Negations.of(text)
    asked = []
    for found in phrases.occurrences(text):
        if negations.negate(found) or _told_as_past(found, negations.folded):
            continue
        asked.append(owner[found.phrase])
    return asked


def _told_as_past(wish: Found, folded: str) -> bool:
    if not folded[wish.start].isascii():
        return folded[wish.end : wish.end + 1] in PAST_AFTER
    if " " in wish.phrase or not wish.phrase.endswith("ed"):
        return False
    return not set(folded[: wish.start].split()[-3:]) & set(WISHING)
