"""Store wall-clock time: every StoreLens store is in Asia/Shanghai."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from .errors import StoreError

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEARS = (2000, 2100)  # any date outside is a typo, and far-off ones overflow date arithmetic


def now() -> datetime:
    """The current Shanghai wall-clock time, naive, to the second."""
    return datetime.now(SHANGHAI).replace(tzinfo=None, microsecond=0)


def to_iso(moment: datetime | None) -> str | None:
    """ISO 8601 with the +08:00 offset, for JSON."""
    return moment.replace(tzinfo=SHANGHAI).isoformat() if moment else None


def parse_datetime(text: object, field: str) -> datetime:
    """Parse an ISO 8601 date or datetime; an offset is converted to Shanghai time."""
    if not isinstance(text, str):
        raise StoreError("invalid_field", field=field, reason="expected an ISO 8601 date/time")
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        if not YEARS[0] <= moment.year <= YEARS[1]:  # far-off years overflow the offset conversion
            raise ValueError(moment.year)
        if moment.tzinfo is not None:
            moment = moment.astimezone(SHANGHAI).replace(tzinfo=None)
    except ValueError:
        raise StoreError(
            "invalid_field", field=field, reason=f"expected an ISO 8601 date/time in {YEARS[0]}–{YEARS[1]}"
        ) from None
    return moment
