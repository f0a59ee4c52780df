"""The archive of originals: stored bytes, the fetch log, run records and caches, under one ARCHIVE_DIR."""
