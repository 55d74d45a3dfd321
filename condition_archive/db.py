"""Open an archive and apply the declarative schema (schema/archive.yml) with sqlite-utils.

The schema file is the single source of tables, columns, keys, indexes, FTS and
views; this module only reads it and makes the database match. Applying is
idempotent: missing tables, columns, indexes, FTS tables and views are created,
nothing existing is dropped.
"""

from __future__ import annotations

import sqlite3
from functools import lru_cache
from pathlib import Path

import sqlite_utils
import yaml

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schema"
SCHEMA_FILE = SCHEMA_DIR / "archive.yml"
_TYPES = {"integer": int, "text": str, "float": float, "blob": bytes}
_SQL_TYPES = {"integer": "INTEGER", "text": "TEXT", "float": "FLOAT", "blob": "BLOB"}


class ArchiveError(Exception):
    """A problem with the archive file itself; the message says what to do."""


@lru_cache(maxsize=1)
def load_schema(path: Path = SCHEMA_FILE) -> dict:
    if not path.exists():
        raise ArchiveError(
            f"schema file {path} is missing: run condition-archive from a checkout "
            "installed with `pip install -e .`"
        )
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def open_archive(path: str | Path, *, create: bool = True, readonly: bool = False) -> sqlite_utils.Database:
    """Open (and, unless readonly, create or upgrade) the archive at `path`.

    Raises ArchiveError with a remedy when the file is not a SQLite archive.
    """
    path = Path(path)
    if not path.exists() and (readonly or not create):
        raise ArchiveError(f"no archive at {path}: run `condition-archive crawl URL --db {path}` first")
    if path.exists():
        _check_sqlite_file(path)
        _check_is_archive(path)
    if readonly:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        return sqlite_utils.Database(conn)
    try:
        db = sqlite_utils.Database(path)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA busy_timeout=10000")
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{path} cannot be opened for writing ({exc}): check the folder is writable") from exc
    try:
        apply_schema(db)
    except sqlite3.Error as exc:
        db.close()
        raise ArchiveError(f"{path} cannot be prepared as an archive ({exc}): check the disk has room "
                           "and the file is writable, or pass another --db") from exc
    return db


def _check_sqlite_file(path: Path) -> None:
    with path.open("rb") as fh:
        head = fh.read(16)
    if head and head != b"SQLite format 3\x00":
        raise ArchiveError(f"{path} is not a SQLite archive: pass --db with a new file name or an existing archive")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{path} is corrupt or not an archive ({exc}): restore it from a backup") from exc


def _check_is_archive(path: Path) -> None:
    """An existing SQLite file must be an archive (or empty): never write the
    archive's tables into somebody else's database."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()
    if tables and "crawls" not in tables:
        raise ArchiveError(f"{path} is a SQLite database but not a condition archive "
                           f"(it has {', '.join(sorted(tables)[:3])}...): pass --db with another file name")


def apply_schema(db: sqlite_utils.Database, schema: dict | None = None) -> None:
    """Create whatever the schema declares and the database lacks."""
    schema = schema or load_schema()
    with db.conn:
        for name, table in schema["tables"].items():
            _apply_table(db, name, table)
        for index in schema.get("indexes", []):
            db[index["table"]].create_index(index["columns"], unique=index.get("unique", False), if_not_exists=True)
    for name, columns in schema.get("fts", {}).items():
        _apply_fts(db, name, columns)
    for name, view in schema.get("views", {}).items():
        db.create_view(name, view["sql"], replace=True)


def _apply_fts(db: sqlite_utils.Database, name: str, columns: list[str]) -> None:
    """Create the FTS table and its triggers, or repair them: a kill between
    sqlite-utils' separate statements can leave the table without triggers,
    which would leave search silently unindexed."""
    triggers = {f"{name}_ai", f"{name}_ad", f"{name}_au"}
    present = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
    if db[f"{name}_fts"].exists() and triggers <= present:
        return
    db[name].enable_fts(columns, create_triggers=True, tokenize="porter", replace=True)
    db[name].rebuild_fts()


def _apply_table(db: sqlite_utils.Database, name: str, table: dict) -> None:
    columns = table["columns"]
    if not db[name].exists():
        # Plain DDL: SQLite accepts foreign keys to tables created later, which
        # the circular pages <-> versions reference needs.
        defs = []
        for col, spec in columns.items():
            sql = f"[{col}] {_SQL_TYPES[spec['type']]}"
            if col == "id":
                sql += " PRIMARY KEY"
            elif "fk" in spec:
                sql += f" REFERENCES [{spec['fk']}]([id])"
            defs.append(sql)
        db.execute(f"CREATE TABLE [{name}] (\n   " + ",\n   ".join(defs) + "\n)")
    else:
        existing = set(db[name].columns_dict)
        for col, spec in columns.items():
            if col not in existing:
                db[name].add_column(col, _TYPES[spec["type"]])
    for col, spec in columns.items():
        if spec.get("unique"):
            db[name].create_index([col], unique=True, if_not_exists=True)


def integrity_ok(path: str | Path) -> bool:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()
