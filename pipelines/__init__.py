"""Item pipelines of condition-archive, one per concern, in ITEM_PIPELINES order:

boilerplate (parse, page regions) -> center (sections and cards) -> article
(fields, dates, body) -> links (anchor text, region, section) -> store (archive).
Each is thin glue over the pure code in condition_archive.extract and
condition_archive.archive.store.
"""
