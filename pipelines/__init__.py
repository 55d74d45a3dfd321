"""Item pipelines of condition-archive, one per concern, in ITEM_PIPELINES order:

extract (awaits the extraction worker pool: regions, center, article fields,
links) -> links (schedules the links to follow through the
engine) -> store (writes the page or outcome to the archive, its capture
hashed and, when new, compressed). Each is thin glue
over condition_archive.crawl.worker, the spider's follow rules and
condition_archive.archive.store.
"""
