"""Publication: the Datasette plugin and instance, fast search pages, report pages, charts, metadata."""
