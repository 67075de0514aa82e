"""``flask --app webapp ...`` commands: init-db, import-stock, db-revision."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .database import store_db
from .store import StoreError, furniture_catalog, furniture_import, looks, migrate, search, seed, staff, stock_sync
from .store.models import STAFF_ROLES


@click.command("init-db")
@with_appcontext
@click.option("--no-seed", is_flag=True, help="Only migrate; do not load the demo data.")
def init_db_command(no_seed: bool) -> None:
    """Apply migrations; seed the demo brand into an empty database."""
    db = store_db()
    migrate.upgrade(db.url)
    seed_dir = Path(current_app.config["ASSETS_DIR"]) / "seed"
    with db.session() as session:
        if no_seed:
            click.echo("Database is migrated.")
        elif seed.is_seeded(session):
            looks.sync_presets(session, seed_dir)  # presets follow assets/seed/looks.json
            click.echo("Database is up to date.")
        else:
            counts = seed.seed(session, seed_dir)
            click.echo("Seeded: " + ", ".join(f"{n} {name}" for name, n in counts.items()))


@click.command("import-stock")
@with_appcontext
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_stock_command(csv_file: Path) -> None:
    """Apply an ERP stock export (columns store, sku, quantity[, updated_at])."""
    with store_db().session() as session:
        try:
            report = stock_sync.import_csv(session, csv_file.read_bytes())
        except StoreError as error:
            raise click.ClickException(f"{error.message('en')} / {error.message('zh')}") from None
    click.echo(
        f"{report.rows} rows: {report.applied} applied, {report.unchanged} unchanged, "
        f"{report.stale} older than stored, {len(report.errors)} rejected"
    )
    for row, error in report.errors:
        click.echo(f"  row {row}: {error.message('en')} / {error.message('zh')}", err=True)
    if report.errors:
        raise SystemExit(1)


@click.command("db-revision")
@with_appcontext
@click.argument("message")
def db_revision_command(message: str) -> None:
    """Write a new migration for model changes (review it before committing)."""
    migrate.new_revision(store_db().url, message)


@click.command("build-models")
@with_appcontext
def build_models_command() -> None:
    """Generate the catalog's furniture GLBs (every variant) from assets/models/parametric.json."""
    spec = Path(current_app.config["ASSETS_DIR"]) / "models" / "parametric.json"
    with store_db().session() as session:
        written = furniture_catalog.build_catalog_models(session, spec, Path(current_app.config["MODELS_DIR"]))
    click.echo(f"Built {len(written)} model files in {current_app.config['MODELS_DIR']}")


@click.command("import-model")
@click.argument("sku")
@click.argument("model_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--width", type=float, help="real width in metres (default: the catalog's)")
@click.option("--depth", type=float, help="real depth in metres")
@click.option("--height", type=float, help="real height in metres")
@with_appcontext
def import_model_command(
    sku: str, model_file: Path, width: float | None, depth: float | None, height: float | None
) -> None:
    """Import a vendor model (GLB, glTF, OBJ, PLY, STL) for SKU at its true size."""
    with store_db().session() as session:
        try:
            report = furniture_catalog.import_vendor_model(
                session,
                sku,
                model_file.read_bytes(),
                model_file.suffix,
                Path(current_app.config["MODELS_DIR"]),
                width,
                depth,
                height,
            )
        except StoreError as error:
            raise click.ClickException(f"{error.message('en')} / {error.message('zh')}") from None
    click.echo(
        f"{report['sku']}: {report['note']['en']}{', Z-up' if report['z_up'] else ''}; "
        f"{report['faces_in']:,} -> {report['faces_out']:,} faces; "
        f"{' x '.join(f'{v:.3f}' for v in report['extents_m'])} m (w x h x d); wrote {len(report['files'])} files"
    )


@click.group("furniture")
def furniture_group() -> None:
    """Vendor furniture models."""


@furniture_group.command("import")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@with_appcontext
def furniture_import_command(folder: Path, lang: str) -> None:
    """Import a folder of vendor models listed in its manifest.csv or manifest.json; print the report."""
    with store_db().session() as session:
        try:
            report = furniture_import.import_batch(
                session, furniture_import.folder_source(folder), Path(current_app.config["MODELS_DIR"])
            )
        except StoreError as error:
            raise click.ClickException(f"{error.message('en')} / {error.message('zh')}") from None
    click.echo(f"{'row':>3}  {'status':<8}  {'sku':<16}  {'file':<24}  {'faces':>17}  {'kB':>13}  note")
    for row in report["rows"]:
        faces = f"{row['faces_in']:,} -> {row['faces_out']:,}" if "faces_in" in row else ""
        kb = f"{row['bytes_in'] // 1024:,} -> {row['bytes_out'] // 1024:,}" if "bytes_in" in row else ""
        click.echo(
            f"{row['row']:>3}  {row['status']:<8}  {str(row['sku'])[:16]:<16}  {str(row['file'])[:24]:<24}  "
            f"{faces:>17}  {kb:>13}  {row['note'][lang]}"
        )
    click.echo(f"{report['imported']} imported, {report['scaled']} scaled, {report['refused']} refused")
    if report["refused"]:
        raise SystemExit(1)


@click.command("export-lookups")
@click.argument(
    "out_file", type=click.Path(dir_okay=False, path_type=Path), default=Path("assistant/data/nlu/lookups.yml")
)
@click.option(
    "--jieba-dictionary",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("assistant/jieba/catalog.txt"),
    show_default=True,
)
@with_appcontext
def export_lookups_command(out_file: Path, jieba_dictionary: Path) -> None:
    """Write the assistant's lookup tables (products, stores, places) and its jieba dictionary
    of their Chinese names, from the catalog."""
    places = Path(current_app.config["ASSETS_DIR"]) / "seed" / "places.json"
    with store_db().session() as session:
        tables = search.lookup_values(session, places)
    out_file.write_text(search.lookup_tables_yaml(tables), encoding="utf-8")
    jieba_dictionary.parent.mkdir(parents=True, exist_ok=True)
    jieba_dictionary.write_text(search.jieba_dictionary(tables), encoding="utf-8")
    click.echo(f"Wrote {out_file} and {jieba_dictionary}")


@click.group("staff")
def staff_command() -> None:
    """Advisor console accounts: create, reset-password, disable."""


def _staff_change(change, *args: object, **kwargs: object) -> dict:
    with store_db().session() as session:
        try:
            return change(session, *args, **kwargs)
        except StoreError as error:
            raise click.ClickException(f"{error.message('en')} / {error.message('zh')}") from None


@staff_command.command("create")
@click.argument("username")
@click.option("--name", required=True, help="the name colleagues and the audit log know them by")
@click.option("--store", "store_code", required=True, help="store code, e.g. jingan")
@click.option("--role", type=click.Choice(STAFF_ROLES), default="advisor", show_default=True)
@click.password_option(help="asked for when not given (10 to 128 characters)")
@with_appcontext
def staff_create_command(username: str, name: str, store_code: str, role: str, password: str) -> None:
    """Create a console account tied to one store."""
    account = _staff_change(staff.create_account, username, name, store_code, role, password)
    click.echo(f"Created {account['role']} {account['username']} for store {account['store']}.")


@staff_command.command("reset-password")
@click.argument("username")
@click.password_option(help="asked for when not given (10 to 128 characters)")
@with_appcontext
def staff_reset_password_command(username: str, password: str) -> None:
    """Set a new password; the account's open sessions end and a lockout is lifted."""
    account = _staff_change(staff.reset_password, username, password)
    click.echo(f"New password set for {account['username']}; their open sessions have ended.")


@staff_command.command("disable")
@click.argument("username")
@with_appcontext
def staff_disable_command(username: str) -> None:
    """Disable an account; its open sessions end at once."""
    account = _staff_change(staff.disable, username)
    click.echo(f"Disabled {account['username']}.")


def init_app(app: Flask) -> None:
    for command in (
        init_db_command,
        import_stock_command,
        db_revision_command,
        build_models_command,
        import_model_command,
        furniture_group,
        export_lookups_command,
        staff_command,
    ):
        app.cli.add_command(command)
