import pytest
from sqlalchemy import select

from webapp.store import StoreError, stock_sync, timeutil
from webapp.store.models import Inventory, Store

GOOD_AND_BAD = """store,sku,quantity,updated_at
jingan,LIP-101,42,
xujiahui,lip-102,7,
atlantis,LIP-101,3,
jingan,NOPE-9,3,
jingan,LIP-103,-2,
jingan,LIP-104,many,
jingan,LIP-105,5,yesterday
lujiazui,LIP-106,0,
"""


def _quantity(session, store_code, sku):
    return session.scalar(select(Inventory.quantity).join(Store).where(Store.code == store_code, Inventory.sku == sku))


def test_good_rows_apply_and_bad_rows_are_reported_by_line(session):
    before = _quantity(session, "jingan", "LIP-103")
    report = stock_sync.import_csv(session, GOOD_AND_BAD.encode())
    assert (report.rows, report.applied + report.unchanged) == (8, 3)
    assert [(row, e.code) for row, e in report.errors] == [
        (4, "store_not_found"),
        (5, "product_not_found"),
        (6, "invalid_field"),
        (7, "invalid_field"),
        (8, "invalid_field"),
    ]
    session.expire_all()
    assert _quantity(session, "jingan", "LIP-101") == 42
    assert _quantity(session, "xujiahui", "LIP-102") == 7
    assert _quantity(session, "lujiazui", "LIP-106") == 0
    assert _quantity(session, "jingan", "LIP-103") == before  # a bad row changes nothing
    errors = report.to_dict("en")["errors"]
    assert errors[0] == {"row": 4, "code": "store_not_found", "message": "No store called atlantis."}


def test_import_is_idempotent(session):
    stock_sync.import_csv(session, GOOD_AND_BAD.encode())
    again = stock_sync.import_csv(session, GOOD_AND_BAD.encode())
    assert (again.applied, again.unchanged, len(again.errors)) == (0, 3, 5)


def test_older_rows_do_not_overwrite_newer_counts(session):
    now = timeutil.now().replace(microsecond=0)
    stock_sync.import_csv(session, f"store,sku,quantity,updated_at\njingan,LIP-101,9,{now.isoformat()}\n".encode())
    report = stock_sync.import_csv(session, b"store,sku,quantity,updated_at\njingan,LIP-101,1,2020-01-01T10:00:00\n")
    assert report.stale == 1
    session.expire_all()
    assert _quantity(session, "jingan", "LIP-101") == 9


def test_chinese_headers_in_gb18030(session):
    data = "门店,商品编码,数量\n静安不存在,LIP-101,1\njingan,LIP-110,13\n".encode("gb18030")
    report = stock_sync.import_csv(session, data)
    assert report.applied == 1 and [row for row, _ in report.errors] == [2]
    session.expire_all()
    assert _quantity(session, "jingan", "LIP-110") == 13


def test_json_rows(session):
    report = stock_sync.apply_rows(
        session,
        enumerate([{"store": "jingan", "sku": "LIP-111", "quantity": 3}, "nonsense", {"store": "jingan"}], start=1),
    )
    assert report.applied == 1
    assert [(row, e.code) for row, e in report.errors] == [(2, "invalid_field"), (3, "missing_field")]


@pytest.mark.parametrize(
    "data", [b"", b"\x00\x01\x02garbage", b"shop,item\njingan,LIP-101\n", b"\xff\xfe\x00\x00broken"]
)
def test_unreadable_files_are_refused_whole(session, data):
    with pytest.raises(StoreError) as caught:
        stock_sync.import_csv(session, data)
    assert caught.value.code == "invalid_csv" and caught.value.status == 400


def test_far_off_times_are_row_errors(session):
    rows = (
        "store,sku,quantity,updated_at\n"
        "jingan,LIP-101,5,9999-12-31T23:00:00Z\n"
        "jingan,LIP-101,5,0001-01-01T00:00:00+09:00\n"
    )
    report = stock_sync.import_csv(session, rows.encode())
    assert [(row, e.code) for row, e in report.errors] == [(2, "invalid_field"), (3, "invalid_field")]
