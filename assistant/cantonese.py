"""Written Cantonese read as Mandarin: Hong Kong and Guangdong shoppers type 「豆沙色仲有冇」 and
「係呀，冇錯」, which OpenCC leaves as they are (it converts the script, not the words). The NLU and
the time parser read text through ``read_as_mandarin`` so the much larger Mandarin training data
and jionlp cover them too.

Every rule keeps the text's length (entity offsets must still point into what the shopper typed),
and rules with a context only fire where the character is the Cantonese word (「係」 is 是, but
「关系」 and 「联系」 stay).
"""

from __future__ import annotations

import re

from script import to_simplified

# (pattern, same-length replacement) on simplified text, phrases before single characters
RULES: list[tuple[str, str]] = [
    ("系咪", "是不"),  # 係咪 = 是不是
    ("定系", "还是"),
    ("边度", "哪里"),
    ("点样", "怎样"),
    ("点解", "为何"),
    ("而家", "现在"),
    ("听日", "明天"),
    ("寻日|琴日", "昨天"),
    ("今日", "今天"),
    ("乜嘢|咩嘢", "什么"),
    ("几多", "多少"),
    ("揸车", "开车"),
    ("收铺", "关门"),
    ("开铺", "开门"),
    ("唔该", "谢谢"),  # please / thank you: never 不该
    ("边(?=[间个位处家区只款条])", "哪"),
    ("呢(?=[个间排度些位款只条张])", "这"),
    ("(?<![关联体派世直维谱水])系(?![统列数着住上])", "是"),
    ("仲(?![裁夏介])", "还"),
    ("覆(?![盖])", "回"),
    ("冇", "没"),
    ("唔", "不"),
    ("喺", "在"),
    ("嘅", "的"),
    ("咗", "了"),
    ("嚟", "来"),
    ("哋", "们"),
    ("啲", "些"),
    ("佢", "他"),
    ("咩", "啥"),
    ("睇", "看"),
    ("攞", "拿"),
    ("拣", "挑"),
    ("揾", "找"),
    ("谂", "想"),
    ("俾", "给"),
    ("泊", "停"),
    ("\U00020bb6", "那"),  # 嗰, which OpenCC writes 𠮶
]
_COMPILED = [(re.compile(pattern), replacement) for pattern, replacement in RULES]


def to_mandarin(simplified: str) -> str:
    """Cantonese words in simplified text replaced by Mandarin ones of the same length."""
    for pattern, replacement in _COMPILED:
        simplified = pattern.sub(replacement, simplified)
    return simplified


def read_as_mandarin(text: str) -> str:
    """Any Chinese the shopper wrote (simplified, 繁體, written Cantonese) as simplified Mandarin,
    character for character."""
    return to_mandarin(to_simplified(text))
