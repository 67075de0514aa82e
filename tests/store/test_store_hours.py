"""Store details shoppers ask for, from the store data: parking, and holiday hours (the coming ones)."""

from datetime import date, datetime

from sqlalchemy import func, select

from webapp.store import Database, catalog, handoffs, migrate, seed, timeutil
from webapp.store.catalog import coming_holidays, get_store, hours_on
from webapp.store.models import HolidayHours, TimeSlot

from ..conftest import SEED_DIR


def test_coming_holidays_are_periods_within_the_horizon(session):
    jingan = get_store(session, "jingan")
    assert coming_holidays(jingan, date(2027, 1, 20)) == [
        {
            "name": {"zh": "除夕", "en": "Chinese New Year's Eve"},
            "from": "2027-02-05",
            "to": "2027-02-05",
            "hours": {"opens": "10:00", "closes": "17:00"},
        },
        {
            "name": {"zh": "春节（大年初一）", "en": "Chinese New Year's Day"},
            "from": "2027-02-06",
            "to": "2027-02-06",
            "hours": {"opens": "12:00", "closes": "20:00"},
        },
        {
            "name": {"zh": "春节", "en": "Spring Festival"},
            "from": "2027-02-07",
            "to": "2027-02-11",
            "hours": {"opens": "11:00", "closes": "21:00"},
        },
    ]  # Labour Day (May) is past the three months ahead
    assert coming_holidays(jingan, date(2027, 1, 2))[0] == {
        "name": {"zh": "元旦", "en": "New Year's Day"},
        "from": "2027-01-02",
        "to": "2027-01-03",
        "hours": {"opens": "10:00", "closes": "22:30"},
    }  # a holiday under way shows its remaining days
    songjiang = get_store(session, "songjiang")
    assert [p["hours"] for p in coming_holidays(songjiang, date(2027, 2, 6))][:1] == [None]  # closed that day
    assert coming_holidays(jingan, date(2029, 1, 1)) == []


def test_hours_on_a_day_and_open_now_follow_holiday_hours(session):
    jingan, songjiang = get_store(session, "jingan"), get_store(session, "songjiang")
    assert hours_on(jingan, date(2027, 3, 1)) == ("10:00", "22:00")
    assert hours_on(jingan, date(2027, 2, 5)) == ("10:00", "17:00")
    assert hours_on(songjiang, date(2027, 2, 6)) is None
    assert handoffs.is_open(jingan, datetime(2027, 3, 1, 18, 0))
    assert not handoffs.is_open(jingan, datetime(2027, 2, 5, 18, 0))  # Chinese New Year's Eve: closes at 17:00
    assert not handoffs.is_open(songjiang, datetime(2027, 2, 6, 15, 0))


def test_the_store_json_has_parking_and_coming_holidays(session):
    data = catalog.store_dict(get_store(session, "jingan"))
    assert data["parking"]["zh"].startswith("嘉里中心地下停车场") and "¥15/hour" in data["parking"]["en"]
    assert data["holiday_hours"] == coming_holidays(get_store(session, "jingan"), timeutil.now().date())
    listed = {s["code"]: s for s in catalog.list_stores(session)}
    assert listed["jingan"] == data


def test_no_consultation_is_offered_when_the_store_is_closed(tmp_path):
    url = f"sqlite:///{tmp_path / 'holiday.db'}"
    migrate.upgrade(url)
    db = Database(url)
    with db.session() as session:
        seed.seed(session, SEED_DIR, today=date(2027, 2, 1))
        songjiang = get_store(session, "songjiang")

        def on(day: date) -> int:
            day_of = func.date(TimeSlot.starts_at) == day.isoformat()
            return session.scalar(
                select(func.count()).select_from(TimeSlot).where(TimeSlot.store_id == songjiang.id, day_of)
            )

        assert on(date(2027, 2, 6)) == 0  # closed on Chinese New Year's Day
        assert on(date(2027, 2, 3)) > on(date(2027, 2, 5)) > 0  # closes at 17:00 on its eve
        assert session.scalar(select(func.count()).select_from(HolidayHours)) > 0
    db.dispose()
