"""When the shopper wants to come: a time point or a window, from Chinese or English words.

Chinese goes to jionlp (周六下午三点, 明天上午十点, 下周二, also inside a sentence); English to
dateparser (tomorrow 3pm,
Saturday), after taking out the part of day ("afternoon"), which becomes the window.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import dateparser
import jionlp

PARTS_OF_DAY = {"morning": (time(9), time(12)), "noon": (time(11), time(14)), "afternoon": (time(12), time(18)),
                "evening": (time(18), time(22)), "tonight": (time(18), time(22))}
PART_WORDS = re.compile(r"\b(" + "|".join(PARTS_OF_DAY) + r")\b", re.IGNORECASE)
FILLER = re.compile(r"\b(next|this|on|at|in the|for|a|an|the|please|book|me|consultation|appointment|"
                    r"makeup|home[- ]design|repair|drop[- ]?off)\b", re.IGNORECASE)
ISO = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}")


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
    return When(start, end if end > start else start)


def _english(text: str, now: datetime) -> When | None:
    part = PART_WORDS.search(text)
    rest = FILLER.sub(" ", PART_WORDS.sub(" ", text))
    rest = re.sub(r"\s+", " ", rest).strip(" ,.")
    settings = {"RELATIVE_BASE": now, "PREFER_DATES_FROM": "future", "RETURN_AS_TIMEZONE_AWARE": False}
    moment = dateparser.parse(rest, languages=["en"], settings=settings) if rest else None
    if moment is None and not part:
        return None
    day = (moment or now).date()
    if part:
        low, high = PARTS_OF_DAY[part.group(1).lower()]
        has_clock = moment is not None and (moment.hour, moment.minute) != (now.hour, now.minute) and \
            re.search(r"\d", rest)
        if has_clock:
            return When(moment, moment)
        return When(datetime.combine(day, low), datetime.combine(day, high))
    if not re.search(r"\d|noon|midnight", rest):  # a day without a clock time: the whole opening day
        return When(datetime.combine(day, time(10)), datetime.combine(day, time(22)))
    return When(moment, moment)
