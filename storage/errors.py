"""Storage errors.

    StorageError
    └── DatabaseUnavailable   the database cannot be opened (unreachable, refused, bad URL)
"""

from __future__ import annotations


class StorageError(Exception):
    """Base of the storage package's errors."""


class DatabaseUnavailable(StorageError):
    """The database cannot be opened; the message names it with its password hidden."""
