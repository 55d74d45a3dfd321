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
from urllib.parse import quote, urlencode

import sqlite_utils
import yaml

from . import change_kind, datestore, ftsbatch, ledger, linkstore

def _schema_dir() -> Path:
    """schema/ as shipped inside the package (a wheel), else the checkout's."""
    package = Path(__file__).resolve().parent.parent  # condition_archive/
    packaged = package / "schema"
    return packaged if (packaged / "archive.yml").exists() else package.parent / "schema"


SCHEMA_DIR = _schema_dir()
SCHEMA_FILE = SCHEMA_DIR / "archive.yml"
# PRAGMA application_id of an archive ("CArc"): set when the project creates the
# file, checked before anything is written to it.
APPLICATION_ID = 0x43417263
# An archive made before the marker existed: these tables and crawls columns.
LEGACY_TABLES = {"crawls", "pages", "versions", "fetches"}
LEGACY_CRAWL_COLUMNS = {"seeds", "extractor_version", "code_version"}
# A version's row (its body text) is 1-2 KB and a new row that does not fit starts
# a page: 8 KiB pages leave ~250 bytes a version unused, 16 KiB ~115 (the archive 1%
# smaller at 5,000 pages; 32 KiB is 2% bigger: each small table and index holds a page).
# New files only: an existing archive keeps the page size it was made with.
PAGE_SIZE = 16384
# New files only, like the page size: a crawl frees pages as it goes (a site's first
# captures recompressed once its zstd dictionary is trained, FTS5 segments merged),
# 1-2% of a first crawl's file, more or less by how its batches fell. With incremental
# auto-vacuum the crawl's end gives them back (release_free_pages); without it the
# file keeps them until later writes reuse them.
AUTO_VACUUM = "INCREMENTAL"
_TYPES = {"integer": int, "text": str, "float": float, "blob": bytes}
_SQL_TYPES = {"integer": "INTEGER", "text": "TEXT", "float": "FLOAT", "blob": "BLOB"}


class ArchiveError(Exception):
    """A problem with the archive file itself; the message says what to do."""


@lru_cache(maxsize=1)
def load_schema(path: Path = SCHEMA_FILE) -> dict:
    if not path.exists():
        raise ArchiveError(
            f"schema file {path} is missing: reinstall condition-archive (`pip install .` from a checkout)"
        )
    # libyaml's loader when PyYAML has it: the same dict, ~8x less CPU at every crawl's start.
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def sqlite_uri(path: str | Path, **params: str) -> str:
    """A `file:` URI for sqlite3.connect(uri=True): the path percent-encoded, so names
    with ?, # or %XX open the file they name (and nothing else)."""
    uri = "file:" + quote(Path(path).absolute().as_posix(), safe="/")
    return uri + (f"?{urlencode(params)}" if params else "")


def connect_readonly(path: str | Path, **kwargs) -> sqlite3.Connection:
    """A read-only connection to an existing database file (never creates one)."""
    return sqlite3.connect(sqlite_uri(path, mode="ro"), uri=True, **kwargs)


def open_archive(path: str | Path, *, create: bool = True, readonly: bool = False) -> sqlite_utils.Database:
    """Open (and, unless readonly, create or upgrade) the archive at `path`.

    Raises ArchiveError with a remedy when the file is not a SQLite archive.
    """
    path = Path(path)
    if not str(path).strip():
        raise ArchiveError("--db is empty: pass the archive's file name, e.g. --db archive.db")
    if not path.exists() and (readonly or not create):
        raise ArchiveError(f"no archive at {path}: run `condition-archive crawl URL --db {path}` first")
    if path.exists():
        if not path.is_file():
            raise ArchiveError(f"{path} is not a regular file (a folder, pipe or device): "
                               "pass --db with an archive file")
        _check_sqlite_file(path)
        _check_is_archive(path)
    if readonly:
        return sqlite_utils.Database(connect_readonly(path))
    try:
        db = sqlite_utils.Database(path)
        db.execute(f"PRAGMA page_size={PAGE_SIZE}")  # takes effect on a new file only
        db.execute(f"PRAGMA auto_vacuum={AUTO_VACUUM}")  # the same
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA busy_timeout=10000")
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{path} cannot be opened for writing ({exc}): check the folder is writable") from exc
    try:
        if not db.execute("PRAGMA application_id").fetchone()[0]:
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")  # new, or made before the marker
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
        conn = connect_readonly(path)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise ArchiveError(f"{path} is corrupt or not an archive ({exc}): restore it from a backup") from exc


def _check_is_archive(path: Path) -> None:
    """An existing SQLite file must be an archive, or hold nothing at all: never
    write the archive's tables into somebody else's database.

    An archive carries APPLICATION_ID. One made before the marker existed (id 0)
    is recognised by its tables and crawls columns, and gets the marker when next
    opened for writing; any other database with objects in it is refused, views
    or a lone `crawls` table included."""
    conn = connect_readonly(path)
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        objects = {r[0]: r[1] for r in conn.execute("SELECT name, type FROM sqlite_master")}
        crawl_columns = {r[1] for r in conn.execute("PRAGMA table_info(crawls)")}
    finally:
        conn.close()
    if app_id == APPLICATION_ID or not objects:
        return
    tables = {n for n, t in objects.items() if t == "table" or n == "fetches"}  # a view since the ledger
    if app_id == 0 and LEGACY_TABLES <= tables and LEGACY_CRAWL_COLUMNS <= crawl_columns:
        return
    owner = f"application id {app_id:#x}" if app_id else f"it has {', '.join(sorted(objects)[:3])}..."
    raise ArchiveError(f"{path} is a SQLite database of another program, not a condition archive "
                       f"({owner}): pass --db with another file name")


def apply_schema(db: sqlite_utils.Database, schema: dict | None = None) -> None:
    """Create whatever the schema declares and the database lacks."""
    schema = schema or load_schema()
    with db.conn:
        if not db.conn.in_transaction:  # tables, migrations and indexes at once: a failure leaves the file as it was
            db.execute("BEGIN")
        for name, table in schema["tables"].items():
            _apply_table(db, name, table)
        if linkstore.has_old_table(db.conn):
            linkstore.migrate_old_table(db.conn)  # links were a table before issue 16
        if linkstore.has_old_targets(db.conn):
            linkstore.migrate_old_targets(db.conn)  # link_targets held each href as text until session 8
        if linkstore.has_text_hashes(db.conn):
            linkstore.migrate_text_hashes(db.conn)  # and link_blocks its hashes as hex
        for name, table in schema["tables"].items():
            if table.get("primary_key") and _has_rowid(db.conn, name):
                _store_by_key(db.conn, name, table)  # link_runs and link_block_items until session 8
        if datestore.has_old_table(db.conn):
            datestore.migrate_old_table(db.conn)  # and date candidates until its session 5
        for index in schema.get("indexes", []):
            _apply_index(db, index)
        if ledger.has_old_table(db.conn):
            ledger.migrate_old_table(db, schema)  # and the fetches table until its session 6
    for name, columns in schema.get("fts", {}).items():
        _apply_fts(db, name, columns)
    for name, view in schema.get("views", {}).items():
        db.create_view(name, view["sql"], replace=True)
    with db.conn:
        ledger.apply_triggers(db.conn, schema)  # writes to the fetches view, and the FTS triggers
        ftsbatch.index(db.conn, schema)  # a batch note left behind (none should be): its rows indexed
    with db.conn:
        change_kind.backfill(db)  # changes recorded before changes.kind existed


def _apply_index(db: sqlite_utils.Database, index: dict) -> None:
    for old in index.get("replaces", []):  # an index of older archives this one does the work of
        db.execute(f"DROP INDEX IF EXISTS [{old}]")
    if "where" not in index:
        db[index["table"]].create_index(index["columns"], unique=index.get("unique", False), if_not_exists=True)
        return
    # A partial index (sqlite-utils has no WHERE): only the rows the queries that use it ask for.
    columns = ", ".join(f"[{c}]" for c in index["columns"])
    db.execute(f"CREATE INDEX IF NOT EXISTS [{index['name']}] ON [{index['table']}] ({columns}) WHERE {index['where']}")


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


def table_ddl(name: str, table: dict) -> str:
    """CREATE TABLE for a schema table. Plain DDL: SQLite accepts foreign keys to
    tables created later, which the circular pages <-> versions reference needs. A
    table with a `primary_key` is stored in that key's order (WITHOUT ROWID)."""
    primary_key = table.get("primary_key")
    defs = []
    for col, spec in table["columns"].items():
        sql = f"[{col}] {_SQL_TYPES[spec['type']]}"
        if col == "id" and not primary_key:
            sql += " PRIMARY KEY"
        elif "fk" in spec:
            sql += f" REFERENCES [{spec['fk']}]([id])"
        defs.append(sql)
    if primary_key:
        defs.append("PRIMARY KEY (" + ", ".join(f"[{c}]" for c in primary_key) + ")")
    return f"CREATE TABLE [{name}] (\n   " + ",\n   ".join(defs) + "\n)" + (" WITHOUT ROWID" if primary_key else "")


def _has_rowid(conn: sqlite3.Connection, name: str) -> bool:
    row = conn.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [name]).fetchone()
    return bool(row) and "WITHOUT ROWID" not in row[0].upper()


def _store_by_key(conn: sqlite3.Connection, name: str, table: dict) -> int:
    """Rebuild an archive's rowid table as the schema's WITHOUT ROWID one: the same
    rows (the columns both have), its indexes gone with it (the index loop makes the
    schema's). Inside apply_schema's transaction; the views are made again after."""
    keyed = f"{name}_keyed"
    conn.execute(table_ddl(keyed, table))
    have = {r[1] for r in conn.execute(f"PRAGMA table_info([{name}])")}
    columns = ", ".join(f"[{c}]" for c in table["columns"] if c in have)
    order = ", ".join(f"[{c}]" for c in table["primary_key"])
    moved = conn.execute(f"INSERT INTO [{keyed}] ({columns}) SELECT {columns} FROM [{name}] ORDER BY {order}").rowcount
    conn.execute(f"DROP TABLE [{name}]")
    legacy = conn.execute("PRAGMA legacy_alter_table").fetchone()[0]
    conn.execute("PRAGMA legacy_alter_table = ON")  # views naming the table are made again from the schema
    try:
        conn.execute(f"ALTER TABLE [{keyed}] RENAME TO [{name}]")
    finally:
        conn.execute(f"PRAGMA legacy_alter_table = {legacy}")
    return moved


def _apply_table(db: sqlite_utils.Database, name: str, table: dict) -> None:
    columns = table["columns"]
    if not db[name].exists():
        db.execute(table_ddl(name, table))
    else:
        existing = set(db[name].columns_dict)
        for col, spec in columns.items():
            if col not in existing:
                db[name].add_column(col, _TYPES[spec["type"]])
    for col, spec in columns.items():
        if spec.get("unique"):
            db[name].create_index([col], unique=True, if_not_exists=True)


def integrity_ok(path: str | Path) -> bool:
    conn = connect_readonly(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def release_free_pages(db: sqlite_utils.Database) -> int:
    """Give the file's free pages back to the file system at a crawl's end (archives
    made with AUTO_VACUUM; others keep theirs for later writes). Returns the pages
    released. Never raises for want of space: the pages stay free, nothing is lost."""
    conn = db.conn
    if conn.in_transaction:
        return 0
    try:
        if conn.execute("PRAGMA auto_vacuum").fetchone()[0] != 2:
            return 0
        free = conn.execute("PRAGMA freelist_count").fetchone()[0]
        if free:
            # executescript steps the pragma to its end (execute frees one page a step).
            conn.executescript("PRAGMA incremental_vacuum;")
        return free
    except sqlite3.Error:  # a full disk or a busy file: the free pages stay for reuse
        return 0
