"""Exceptions. Every message says what was expected, what was found and what to do next."""
from __future__ import annotations

from collections.abc import Sequence

__all__ = ["HeartscoreError", "InputError", "SchemaError", "ModelCompatibilityError",
           "UnsupportedValueError", "format_rows"]


class HeartscoreError(Exception):
    """Base class of every error heartscore raises on purpose."""


class InputError(HeartscoreError, ValueError):
    """Input texts, files or columns are not what was expected."""


class SchemaError(HeartscoreError, ValueError):
    """Labels do not follow the label schema (unknown values, missing columns, too few examples)."""


class ModelCompatibilityError(HeartscoreError):
    """A saved model cannot be loaded safely: altered file, missing card or incompatible versions."""


class UnsupportedValueError(HeartscoreError, TypeError):
    """A model holds a value the safe model format cannot store (the message names where)."""


def format_rows(rows: Sequence[int], limit: int = 5) -> str:
    """Row numbers for a message: the first few plus a count, e.g. ``rows 2, 5, 9 (3 in all)``."""
    rows = list(rows)
    shown = ", ".join(str(r) for r in rows[:limit])
    more = f", … ({len(rows)} in all)" if len(rows) > limit else f" ({len(rows)} in all)"
    return f"row{'s' if len(rows) != 1 else ''} {shown}{more}"
