"""When the shopper wants to come: a time point or a window, from Chinese or English words.

Chinese goes to jionlp (周六下午三点, 明天上午十点, 下周二, also inside a sentence; 繁體 read as
simplified and written Cantonese as Mandarin: 聽日 is 明天); English to dateparser (tomorrow 3pm,
Saturday), after taking out the part of day ("afternoon"), which becomes the window. A bare weekday means the coming one in both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import dateparser
import jionlp
from cantonese import read_as_mandarin

PARTS_OF_DAY = {
    "morning": (time(9), time(12)),
    "noon": (time(11), time(14)),
    "afternoon": (time(12), time(18)),
    "evening": (time(18), time(22)),
    "tonight": (time(18), time(22)),
}
PART_WORDS = re.compile(r"\b(" + "|".join(PARTS_OF_DAY) + r")\b", re.IGNORECASE)
ISO = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")
# "周一" without 上/这/本/下: jionlp takes the weekday of the current week, even when it has passed
BARE_WEEKDAY = re.compile(r"(?<![上这本下])(周|星期|礼拜)[一二三四五六日天1-7]")


@dataclass(frozen=True)
class When:
    start: datetime
    end: datetime

    @property
    def exact(self) -> bool:
        """A time point ("3pm"), not a window ("Saturday afternoon")."""
        return self.end - self.start <= timedelta(hours=1)


def parse(text: str, now: datetime) -> When | None:
    text = (text or "").strip()
    if not text:
        return None
    if ISO.search(text):  # our own buttons
        moment = datetime.fromisoformat(ISO.search(text).group(0).replace(" ", "T"))
        return When(moment, moment)
    if re.search(r"[\u3400-\u9fff]", text):
        return _chinese(text, now)
    return _english(text, now)


def _chinese(text: str, now: datetime) -> When | None:
    text = read_as_mandarin(text)  # jionlp knows 点, 周 and 明天, not 點, 週 and 聽日
    try:  # finds the time phrase inside a sentence ("帮我约周六下午三点的化妆咨询") and parses it
        found = jionlp.ner.extract_time(text, time_base=now.timestamp(), with_parsing=True)
    except (ValueError, TypeError, KeyError, IndexError):
        return None
    parsed = next((f["detail"] for f in found if f["type"] in ("time_point", "time_span")), None)
    if not parsed or not isinstance(parsed.get("time"), list):
        return None
    start, end = (datetime.fromisoformat(t) for t in parsed["time"][:2])
    if end - start < timedelta(hours=1, minutes=1) and (end - start) >= timedelta(minutes=59):
        end = start  # jionlp gives "15:00–15:59:59" for "三点": that is a point
    end = end if end > start else start
    if end < now and BARE_WEEKDAY.search(text):
        start, end = start + timedelta(days=7), end + timedelta(days=7)
    return When(start, end)


DATE_WORD = re.compile(
    r"^(mon|tue|wed|thu|fri|sat|sun)[a-z]*$|^(today|tomorrow|tonight|next|this|noon|"
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*$|\d|^(am|pm)$",
    re.IGNORECASE,
)


def _time_phrase(text: str) -> str:
    """The span from the first to the last date-like word ("... at Xujiahui tomorrow 3pm" →
    "tomorrow 3pm"): dateparser parses a phrase, not a sentence."""
    words = re.findall(r"[\w:.-]+", PART_WORDS.sub(" ", text))
    hits = [i for i, w in enumerate(words) if DATE_WORD.search(w)]
    if not hits:
        return ""
    phrase = " ".join(words[hits[0] : hits[-1] + 1])
    return re.sub(r"^(next|this)\s+", "", phrase, flags=re.IGNORECASE)  # "next tuesday": the coming one


def _english(text: str, now: datetime) -> When | None:
    part = PART_WORDS.search(text)
    phrase = _time_phrase(text)
    settings = {"RELATIVE_BASE": now, "PREFER_DATES_FROM": "future", "RETURN_AS_TIMEZONE_AWARE": False}
    moment = dateparser.parse(phrase, languages=["en"], settings=settings) if phrase else None
    if moment is not None and not now - timedelta(days=1) <= moment <= now + timedelta(days=90):
        moment = None  # a misreading ("friday at 11" → next year): better to ask again
    if moment is None and not part:
        return None
    day = (moment or now).date()
    has_clock = bool(re.search(r"\d|noon", phrase))
    if part and not has_clock:
        low, high = PARTS_OF_DAY[part.group(1).lower()]
        return When(datetime.combine(day, low), datetime.combine(day, high))
    if not has_clock:  # a day without a clock time: the whole opening day
        return When(datetime.combine(day, time(10)), datetime.combine(day, time(22)))
    return When(moment, moment)
