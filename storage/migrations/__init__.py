"""Alembic migrations of the store's schema; run them with :func:`storage.migrate.upgrade`."""
