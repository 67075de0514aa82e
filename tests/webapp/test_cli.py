from sqlalchemy import select

from webapp import create_app
from webapp.store.models import Inventory, Store


def test_init_db_migrates_and_seeds_once(tmp_path):
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.db'}"})
    runner = app.test_cli_runner()
    first = runner.invoke(args=["init-db"])
    assert first.exit_code == 0 and "Seeded: 10 stores" in first.output
    second = runner.invoke(args=["init-db"])
    assert second.exit_code == 0 and "up to date" in second.output
    app.extensions["store_db"].dispose()


def test_import_stock_reports_bad_rows_and_applies_good_ones(app, tmp_path):
    export = tmp_path / "erp.csv"
    export.write_text("store,sku,quantity\njingan,LIP-120,31\njingan,LIP-120,abc\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["import-stock", str(export)])
    assert result.exit_code == 1
    assert "1 applied" in result.output and "row 3" in result.output
    with app.extensions["store_db"].session() as session:
        quantity = session.scalar(
            select(Inventory.quantity).join(Store).where(Store.code == "jingan", Inventory.sku == "LIP-120")
        )
    assert quantity == 31


def test_import_stock_refuses_an_unreadable_file(app, tmp_path):
    export = tmp_path / "erp.csv"
    export.write_bytes(b"\x00\x01")
    result = app.test_cli_runner().invoke(args=["import-stock", str(export)])
    assert result.exit_code == 1 and "Could not read the CSV file" in result.output


def test_export_lookups_writes_tables_and_a_jieba_dictionary(app, tmp_path):
    tables, dictionary = tmp_path / "lookups.yml", tmp_path / "jieba" / "catalog.txt"
    result = app.test_cli_runner().invoke(args=["export-lookups", str(tables), "--jieba-dictionary", str(dictionary)])
    assert result.exit_code == 0, result.output
    assert "      - 玫瑰豆沙" in tables.read_text(encoding="utf-8").splitlines()
    words = [line.split(" ") for line in dictionary.read_text(encoding="utf-8").splitlines()]
    assert all(len(entry) == 3 and entry[1].isdigit() for entry in words)  # jieba's "word freq tag"
    names = {entry[0] for entry in words}
    assert {"奶咖", "玫瑰豆沙", "新天地", "人民广场", "奥斯陆三人沙发"} <= names
    assert not any(name.endswith("店") for name in names)  # "新天地店" must split as 新天地 | 店
