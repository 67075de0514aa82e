"""``flask --app webapp ...`` commands: init-db, import-stock, db-revision."""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from .database import store_db
from .store import StoreError, furniture_catalog, looks, migrate, search, seed, stock_sync


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
        f"{report['sku']}: read as {report['unit']}{', Z-up' if report['z_up'] else ''}; "
        f"{report['faces_in']:,} -> {report['faces_out']:,} faces; "
        f"{' x '.join(f'{v:.3f}' for v in report['extents_m'])} m (w x h x d); wrote {len(report['files'])} files"
    )


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


def init_app(app: Flask) -> None:
    for command in (
        init_db_command,
        import_stock_command,
        db_revision_command,
        build_models_command,
        import_model_command,
        export_lookups_command,
    ):
        app.cli.add_command(command)
