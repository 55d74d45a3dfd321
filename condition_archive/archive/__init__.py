"""The archive: the SQLite schema applied with sqlite-utils, captures (hashed and
compressed), the store that writes pages and ledger rows, crawl lifecycle, history
(versions, changes, as-of queries), re-extraction and exports."""
