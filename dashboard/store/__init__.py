"""The store: schema, database, batch cache, bulk writes, integrity check, backup and restore."""
