"""Durations: seconds as numbers, or strings with a unit ("250us", "5ms", "2s")."""

from __future__ import annotations

import math
from numbers import Real

from . import _core

__all__ = ["parse_duration", "to_ns", "Duration"]

Duration = "float | int | str"


def to_ns(value, name: str = "duration") -> int:
    """Convert a duration (seconds, or a string with a unit) to integer nanoseconds.

    Raises ValueError naming ``name`` and the accepted units on anything else.
    """
    if isinstance(value, bool):
        raise ValueError(f"{name}: expected a duration (seconds or a string such as '5ms'), got {value!r}")
    if isinstance(value, str):
        try:
            return _core.parse_duration_ns(value)
        except ValueError as e:
            raise ValueError(f"{name}: {e}") from None
    if isinstance(value, Real):
        v = float(value)
        if math.isnan(v) or v < 0:
            raise ValueError(f"{name} must be a duration >= 0 seconds, got {value!r}")
        return _core.seconds_to_ns(v, name)
    raise ValueError(
        f"{name}: expected a duration in seconds or a string with one of the units "
        f"{_core.DURATION_UNITS}, got {type(value).__name__} {value!r}"
    )


def parse_duration(value) -> float:
    """Return a duration in seconds. ``parse_duration("5ms") == 0.005``.

    Accepts a non-negative number of seconds or a string with one of the units
    ns, us, ms, s, m, h, d. Anything else ("5 parsecs", "-3s") raises ValueError.

    Example::

        >>> parse_duration("250us"), parse_duration("2m")
        (0.00025, 120.0)
    """
    return to_ns(value) / 1e9
