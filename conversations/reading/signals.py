"""Signs that a story is not one person's (issue 19): a whole building, all the residents,
'we all'. The grading's collective rule counts cases; this tells staff at once."""

from __future__ import annotations

from functools import cache

from conversations.base.phrases import Phrases

COLLECTIVE = (
    "整栋楼", "整栋", "整幢", "全楼", "整个小区", "全小区", "所有住户", "所有业主", "全体业主",
    "好几户", "很多住户", "很多业主", "好多业主", "好多住户", "邻居们", "邻居都", "大家都",
    "我们都", "我们几个", "我们全家", "不止我一个", "不只我一个", "其他顾客也", "其他客人也",
    "好多人", "很多人都", "很多顾客", "好几个人", "一起投诉", "联名",
    "整棟樓", "整棟", "全樓", "整個小區", "全小區", "所有住戶", "所有業主", "全體業主",
    "好幾戶", "很多住戶", "很多業主", "好多業主", "鄰居們", "鄰居都", "大家都", "我們都",
    "我們幾個", "不止我一個", "不只我一個", "其他顧客也", "其他客人也", "很多顧客",
    "好幾個人", "一起投訴", "聯名",
    "we all", "all of us", "everyone in", "everybody in", "all the residents", "all residents",
    "the whole building", "whole floor", "entire building", "many customers",
    "other customers", "several customers", "my neighbours", "my neighbors",
    "all the neighbours", "all the neighbors", "not the only one", "several of us",
    "many of us", "a lot of people", "lots of people", "whole street", "the whole block",
)  # fmt: skip


@cache
def _collective() -> Phrases:
    return Phrases(COLLECTIVE)


def collective(text: str) -> bool:
    return bool(_collective().find(text))
