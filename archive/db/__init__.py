"""The database: schema, build from the archive of originals, organs, search index, regions."""
