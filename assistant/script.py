"""Simplified and traditional Chinese, one home for both directions (OpenCC): the NLU reads simplified
(components/opencc_normalizer.py), and a shopper who writes 繁體 gets the replies converted back
(script_nlg.py for every reply, the store API's own messages too: actions/common.py relays them as a response).

Converters work character for character, so a text keeps its length (entity offsets stay valid).
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

CJK = re.compile(r"[\u3400-\u9fff]")


@lru_cache(maxsize=2)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def _convert(text: str, config: str) -> str:
    converted = _converter(config).convert(text)
    if len(converted) == len(text):
        return converted
    # a phrase rule changed the length: convert one character at a time so offsets still match
    return "".join(_converter(config).convert(char) for char in text)


def to_simplified(text: str) -> str:
    return _convert(text, "t2s")


def to_traditional(text: str) -> str:
    return _convert(text, "s2t")


def script_of(text: str) -> str | None:
    """ "hant" when converting to simplified changes the text, "hans" for other Chinese, None without any."""
    if not CJK.search(text or ""):
        return None
    return "hant" if to_simplified(text) != text else "hans"
