"""The maintained danger-phrase list (POLICY §2, issue 14): regulators and hotlines, media,
legal action, police, harm. The config's `danger_words` extend it, `danger_near_misses`
add near-misses, and `danger_defaults = false` drops this list for the config's alone.

Chinese is listed in simplified and traditional forms; Latin phrases match whole words
only, so list each inflection that counts ('lawyer', 'lawyers'). Near-misses are longer
texts that contain a phrase without meaning it; a phrase inside one does not count.
tests/data/danger_phrases.tsv holds the sentences every change is measured against.
"""

from __future__ import annotations

REGULATORS = (
    "市场监管局", "市场监督管理局", "市监局", "工商局", "质监局", "食药监", "卫生局",
    "市場監管局", "市場監督管理局", "工商局", "消保官", "消委會", "消委会",
    "12315", "12345", "12331", "消协", "消费者协会", "消協", "消費者協會",
    "投诉到政府", "市长热线", "市長熱線", "信访", "信訪", "住建局", "房管局",
    "consumer association", "consumer council", "consumer protection",
    "trading standards", "ombudsman", "the authorities",
    "report you", "report this to", "file a complaint with", "better business bureau",
)  # fmt: skip

MEDIA = (
    "媒体", "媒體", "记者", "記者", "曝光", "电视台", "電視台", "报社", "報社",
    "发微博", "上微博", "发到微博", "發微博", "發到微博", "微博曝光", "微博上曝光",
    "发抖音", "发到抖音", "發抖音", "發到抖音", "抖音曝光", "抖音上曝光",
    "发小红书", "发到小红书", "發小紅書", "小红书曝光", "发朋友圈曝光", "网上曝光", "網上曝光",
    "上热搜", "上熱搜", "发到网上", "發到網上", "让大家都知道", "讓大家都知道",
    "the media", "tell the press", "to the press", "contact the press", "journalist",
    "journalists", "reporter", "reporters", "to the newspaper", "to the newspapers",
    "local news", "go public", "going public", "expose you", "expose your company",
    "expose this", "post it online", "post this online", "post on social media",
    "post it on social media", "post this on social media", "all over social media",
    "tv station",
)  # fmt: skip

LEGAL = (
    "起诉", "起訴", "诉讼", "訴訟", "律师", "律師", "法院", "打官司", "告你们", "告你們",
    "法律途径", "法律途徑", "仲裁", "律师函", "律師函", "法律责任", "法律責任",
    "lawsuit", "lawsuits", "sue you", "sue your", "sue the", "sue them", "sue this",
    "will sue", "to sue", "gonna sue", "suing", "lawyer", "lawyers", "attorney", "solicitor",
    "court", "legal action", "small claims",
)  # fmt: skip

POLICE = (
    "报警", "報警", "报案", "報案", "打110", "打了110", "拨打110", "撥打110", "报110",
    "警察", "派出所", "police", "call the cops",
)  # fmt: skip

HARM = (
    "受伤", "受傷", "起火", "着火", "著火", "火灾", "火災", "中毒", "食物中毒", "烫伤", "燙傷",
    "触电", "觸電", "送医", "送醫", "住院", "流血", "爆炸",
    "injury", "injuries", "injured", "got hurt", "was hurt", "were hurt", "hurt myself",
    "got burned", "burned my", "burnt my", "fire", "poisoning", "poisoned",
    "electric shock", "in hospital", "in the hospital", "to hospital", "to the hospital",
    "hospitalised", "hospitalized", "emergency room", "bleeding", "exploded", "explosion",
)  # fmt: skip

COUNTING = REGULATORS + MEDIA + LEGAL + POLICE + HARM

NEAR_MISSES = (
    # 报警 the device, not the call to the police
    "报警器", "報警器", "报警装置", "報警裝置", "报警系统", "報警系統", "报警灯", "報警燈",
    "报警声", "報警聲", "报警铃", "報警鈴", "报警按钮", "報警按鈕", "报警功能", "報警功能",
    "自动报警", "自動報警", "报警提示", "報警提示", "故障报警", "故障報警",
    # 媒体 in products and rooms
    "多媒体", "多媒體", "流媒体", "流媒體", "媒体播放", "媒體播放", "媒体中心", "媒體中心",
    # 曝光 of a camera or a screen
    "曝光度", "曝光补偿", "曝光補償", "曝光时间", "曝光時間", "过度曝光", "過度曝光",
    "曝光过度", "曝光過度", "曝光不足", "自动曝光", "自動曝光", "长曝光", "長曝光",
    # 火, 爆炸 and places in names
    "火灾报警", "火災報警", "防火", "灭火器", "滅火器", "起火点", "着火点",
    "explosion-proof", "explosion proof", "防爆", "爆炸头", "爆炸頭", "爆炸盐", "爆炸鹽",
    "一起火锅", "住院部", "中毒太深",
    "法院路", "法院街", "律师楼下", "警察局对面", "派出所旁边", "派出所旁邊",
    # Latin near-misses that are whole words
    "food court", "tennis court", "basketball court", "badminton court", "court shoes",
    "media player", "media room", "media center", "media centre", "social media manager",
    "fire alarm", "fire alarms", "fire extinguisher", "fire exit", "fire door", "fire pit",
    "fire tv", "fire stick", "fire safety", "fire sale", "fire starter",
    "fire-resistant", "fire resistant", "fire proof", "fireproof", "fire retardant",
    "hurt that", "toy police", "police car toy", "police costume", "police academy",
)  # fmt: skip

URGENT = (
    "紧急", "緊急", "急急", "十万火急", "十萬火急", "马上", "馬上", "立刻", "立即", "尽快",
    "盡快", "今天必须", "今天必須", "等不了", "非常急", "很急", "特别急", "特別急",
    "urgent", "urgently", "asap", "immediately", "right now", "right away", "emergency",
    "as soon as possible",
)  # fmt: skip
