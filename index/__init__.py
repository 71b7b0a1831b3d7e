"""Vector index: exact cosine search over string-keyed vectors with attribute filters."""

from index.attributes import AttributeValue
from index.errors import (
    DimensionMismatchError,
    IndexCorruptError,
    UnknownIdError,
    VectorIndexError,
)
from index.vector_index import Hit, VectorIndex

__all__ = [
    "AttributeValue",
    "DimensionMismatchError",
    "Hit",
    "IndexCorruptError",
    "UnknownIdError",
    "VectorIndex",
    "VectorIndexError",
]
