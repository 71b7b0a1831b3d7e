"""Random Jalali (Solar Hijri) dates for the demo records."""

from __future__ import annotations

from datetime import timedelta
from random import Random

import jdatetime

FIRST_DAY = jdatetime.date(1402, 1, 1)
LAST_DAY = jdatetime.date(1403, 12, 29)


def random_date(
    rng: Random, first: jdatetime.date = FIRST_DAY, last: jdatetime.date = LAST_DAY
) -> jdatetime.date:
    """A uniformly drawn valid Jalali date between ``first`` and ``last`` inclusive."""
    span = (last.togregorian() - first.togregorian()).days
    return jdatetime.date.fromgregorian(date=first.togregorian() + timedelta(rng.randint(0, span)))


def iso(day: jdatetime.date) -> str:
    """``YYYY-MM-DD`` with Latin digits."""
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"
