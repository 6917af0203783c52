"""Reading a complaint told in one message (issue 19): the near-misses of the issue,
negated wishes, days inside threats, collective signals, nothing guessed from nothing."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from conversations.base.policy import Language, Policy
from conversations.base.values import Wanted
from conversations.story import SURE, Reading, read_story
from tests.fakes.policy import test_policy as example_policy

NOW = datetime(2026, 11, 24, 10, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Tuesday
HANS, HANT, EN = Language.ZH_HANS, Language.ZH_HANT, Language.EN


def read(text: str, language: Language = HANS, policy: Policy | None = None) -> Reading:
    return read_story(text, policy or example_policy(), language, NOW)


@pytest.mark.parametrize(
    ("text", "language", "category"),
    [
        ("烟雾报警器收费比标价高", HANS, "billing"),
        ("煙霧警報器收費比標價高", HANT, "billing"),
        ("The smoke alarm was priced at 89 on the shelf but I was charged 119.", EN, "billing"),
        ("快递三天都没到，物流显示已签收但我根本没收到包裹", HANS, "delivery"),
        ("快遞三天都沒到，物流顯示已簽收，但我根本沒收到包裹。", HANT, "delivery"),
        ("My parcel says delivered but I never got it.", EN, "delivery"),
        ("送快递的小哥态度太差了，骂我事儿多，包裹倒是准时送到的。", HANS, "service_attitude"),
        ("The courier came on time but he was rude and swore at me.", EN, "service_attitude"),
        ("电梯坏了一个星期了，每天爬十二楼。", HANS, "facilities"),
        ("The heater sparked and caught fire, my curtains are burnt.", EN, "safety"),
    ],
)
def test_the_category_is_what_is_wrong_not_the_things_named(
    text: str, language: Language, category: str
) -> None:
    reading = read(text, language)
    assert reading.category is not None
    assert reading.category.value == category
    assert reading.likely_categories[0] == category


@pytest.mark.parametrize(
    ("text", "language"),
    [("你好", HANS), ("我想問一下", HANT), ("Hello, I have a question.", EN), ("", EN)],
)
def test_nothing_to_go_by_guesses_no_category(text: str, language: Language) -> None:
    reading = read(text, language)
    assert reading.category is None
    assert reading.likely_categories == ()
    assert reading.wanted is None and reading.occurred_on is None


@pytest.mark.parametrize(
    ("text", "language", "wanted"),
    [
        ("我不要退款，只要换一个", HANS, Wanted.REPLACEMENT),
        ("我不要退款，只要換一台好的就好。", HANT, Wanted.REPLACEMENT),
        ("I don't want a refund, just fix it.", EN, Wanted.REPAIR),
        ("Not a refund: I want a replacement.", EN, Wanted.REPLACEMENT),
        ("要求退款并赔偿医药费", HANS, Wanted.COMPENSATION),
        ("同一个毛病已经修了三次，这次别再修了，给我退货。", HANS, Wanted.REFUND),
        ("你们必须给个说法", HANS, Wanted.EXPLANATION),
        ("I expect an apology.", EN, Wanted.APOLOGY),
    ],
)
def test_the_last_wish_not_negated_is_what_they_want(
    text: str, language: Language, wanted: Wanted
) -> None:
    reading = read(text, language)
    assert reading.wanted is not None
    assert reading.wanted.value == wanted


@pytest.mark.parametrize(
    ("text", "language", "day"),
    [
        ("今天再不处理我就投诉到消协", HANS, None),
        ("今天再不處理我就去消保官投訴", HANT, None),
        ("Fix it by Friday or I go to the consumer council.", EN, None),
        ("三月份买的羽绒服，昨天拉链崩了", HANS, date(2026, 11, 23)),
        ("I bought it in March, it broke yesterday.", EN, date(2026, 11, 23)),
        ("上周五买的牛奶是酸的，今天再不给我退款我就去市场监管局", HANS, date(2026, 11, 20)),
        ("上禮拜六帶小孩去你們餐廳吃飯", HANT, date(2026, 11, 21)),
        ("Ordered dinner two days ago and it arrived cold.", EN, date(2026, 11, 22)),
        ("快递三天都没到", HANS, None),
    ],
)
def test_the_incident_day_leaves_out_threats_deadlines_and_purchases(
    text: str, language: Language, day: date | None
) -> None:
    reading = read(text, language)
    assert (reading.occurred_on.value if reading.occurred_on else None) == day


@pytest.mark.parametrize(
    ("text", "language", "collective"),
    [
        ("楼道堆满杂物，整栋楼的住户都很担心", HANS, True),
        ("整棟樓的住戶都聞到瓦斯味", HANT, True),
        ("We all got food poisoning after the wedding dinner.", EN, True),
        ("我家的热水器坏了", HANS, False),
        ("My kettle leaks.", EN, False),
    ],
)
def test_collective_signals(text: str, language: Language, collective: bool) -> None:
    assert read(text, language).collective is collective


def test_order_phone_and_danger_come_from_the_existing_readers() -> None:
    reading = read("订单号 SF1234567890，电话13812345678，再不处理我就找记者曝光")
    assert reading.order_ref == "SF1234567890"
    assert reading.phone == "13812345678"
    assert set(reading.danger) == {"记者", "曝光"}


def test_a_clear_story_is_sure_and_a_mixed_one_is_not() -> None:
    clear = read("快递三天都没到，物流显示已签收但我根本没收到包裹。要求退款。昨天打客服也没用。")
    assert clear.category is not None and clear.category.confidence >= SURE
    assert clear.wanted is not None and clear.wanted.confidence >= SURE
    mixed = read("要求退款并赔偿")
    assert mixed.wanted is not None and mixed.wanted.confidence < SURE


@pytest.mark.parametrize(
    ("text", "language", "category"),
    [
        ("手机送修快一个月了没消息。我不要送修，只要换新机。", HANS, "aftersales"),
        ("The phone keeps restarting. Don't repair it, I want a new one.", EN, "product_quality"),
        ("It was overcharging me every month.", EN, "billing"),
        ("Two lost parcels this month already.", EN, "delivery"),
    ],
)
def test_unwanted_phrases_do_not_count_and_english_forms_do(
    text: str, language: Language, category: str
) -> None:
    reading = read(text, language)
    assert reading.category is not None and reading.category.value == category


def test_a_phrase_cut_by_a_chinese_word_does_not_count() -> None:
    from conversations.reading.segment import WordPhrases

    phrases = WordPhrases(["门口", "赔偿"])
    assert [f.phrase for f in phrases.occurrences("部门口碑很差")] == []
    assert [f.phrase for f in phrases.occurrences("放在门口，要求赔偿损失")] == ["门口", "赔偿"]


def test_the_categories_and_their_weights_are_the_configurations() -> None:
    policy = example_policy()
    only = policy.category("billing").model_copy(update={"phrases": {EN: ["kettle"]}})
    mine = policy.model_copy(update={"categories": [only]})
    reading = read("My kettle leaks.", EN, mine)
    assert reading.category is not None and reading.category.value == "billing"
    assert policy.category("safety").weight > 1
    heater = read("The heater I bought broke: it sparked and caught fire.", EN)
    assert heater.category is not None and heater.category.value == "safety"


def test_a_lone_phrase_is_a_likely_answer_not_a_sure_one() -> None:
    reading = read("有点漏水")
    assert reading.category is not None and reading.category.confidence < SURE
    assert reading.likely_categories[0] == reading.category.value


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("热水器上周一刚修过，昨天又坏了", date(2026, 11, 23)),
        ("订的家具承诺十五天内送到，今天已经是第二十五天了", None),
        ("I live on the 15th floor and the lift is broken.", None),
        ("双十一买的，到现在还没发货", date(2026, 11, 11)),
        ("琴日叫咗外賣，等咗成個半鐘先到", date(2026, 11, 23)),
        ("Our contract said finished by October 31. It still isn't.", date(2026, 10, 31)),
        ("周二来的", date(2026, 11, 24)),
    ],
)
def test_the_last_day_told_counts_and_counts_of_days_do_not(text: str, day: date | None) -> None:
    reading = read(text)
    assert (reading.occurred_on.value if reading.occurred_on else None) == day


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("维修师傅来看过，说要等材料。", None),
        ("Your plumber replaced the part on Saturday.", None),
        ("I want them replaced.", Wanted.REPLACEMENT),
        ("同一个毛病已经修了三次", None),
        ("Every time I call I have to explain everything again.", None),
    ],
)
def test_things_that_happened_are_not_wishes(text: str, wanted: Wanted | None) -> None:
    reading = read(text, EN if text.isascii() else HANS)
    assert (reading.wanted.value if reading.wanted else None) == wanted


def test_a_long_story_is_read_whole_and_quickly() -> None:
    story = "快递三天都没到，物流显示已签收但我根本没收到包裹。" * 300
    reading = read(story)
    assert reading.category is not None and reading.category.value == "delivery"


@pytest.mark.parametrize(
    "text", ["\u202e😡😡 \x00 退款！！", "？？？", "12345678901234567890", "ｒｅｆｕｎｄ please"]
)
def test_odd_input_is_read_without_failing(text: str) -> None:
    reading = read(text)
    assert reading.category is None or reading.category.value in {
        c.key for c in example_policy().categories
    }
    if "退款" in text or "ｒｅｆｕｎｄ" in text:
        assert reading.wanted is not None and reading.wanted.value == Wanted.REFUND
