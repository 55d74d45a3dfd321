"""Datasette metadata built from the schema: descriptions from schema/archive.yml,
Datasette-only settings (facets, sorts, canned queries) from schema/datasette.yml."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from condition_archive.archive.db import SCHEMA_DIR, load_schema

DATASETTE_FILE = SCHEMA_DIR / "datasette.yml"
TOP_KEYS = ("title", "description", "description_html", "license", "about", "about_url")


def load_datasette_config() -> dict:
    return yaml.safe_load(DATASETTE_FILE.read_text(encoding="utf-8"))


def canned_queries() -> dict[str, dict]:
    return load_datasette_config().get("queries", {})


def build_metadata(database_name: str) -> dict:
    """The metadata dict Datasette 0.65 reads with -m, for a database of that name."""
    schema = load_schema()
    config = load_datasette_config()
    tables: dict[str, dict] = {}
    for name, table in schema["tables"].items():
        tables[name] = {
            "description": table["description"],
            "columns": {col: spec["description"] for col, spec in table["columns"].items()},
        }
        if table.get("label"):
            tables[name]["label_column"] = table["label"]
    for name, view in schema.get("views", {}).items():
        tables[name] = {"description": view["description"], "columns": dict(view["columns"])}
    for name, cols in schema.get("fts", {}).items():
        tables[f"{name}_fts"] = {"hidden": True}
    for name, settings in config.get("tables", {}).items():
        tables.setdefault(name, {}).update(settings)
    top = {k: config[k] for k in TOP_KEYS if k in config}
    if "description_html" in top:  # links in it name the database, which is the file's stem
        top["description_html"] = top["description_html"].replace("{database}", database_name)
    return {**top, "databases": {database_name: {"tables": tables, "queries": config.get("queries", {})}}}


def write_metadata(db_path: str | Path, out: Path) -> Path:
    out.write_text(json.dumps(build_metadata(Path(db_path).stem), indent=2), encoding="utf-8")
    return out
