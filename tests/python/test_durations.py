"""archsim.parse_duration: every unit, and rejections that name the units."""

import math

import pytest

import archsim as sim

UNITS = "ns, us, ms, s, m, h, d"


@pytest.mark.parametrize("text, seconds", [
    ("7ns", 7e-9),
    ("250us", 250e-6),
    ("5ms", 5e-3),
    ("1.5ms", 1.5e-3),
    ("2s", 2.0),
    ("10m", 600.0),
    ("1h", 3600.0),
    ("0s", 0.0),
    ("3", 3.0),           # a bare number is seconds
    (" 1.5 ms ", 1.5e-3),  # spaces around the number and the unit
    ("1e3ms", 1.0),
])
def test_every_unit_parses(text, seconds):
    assert sim.parse_duration(text) == pytest.approx(seconds, rel=1e-15, abs=0)


def test_numbers_are_seconds():
    assert sim.parse_duration(2) == 2.0
    assert sim.parse_duration(0.5) == 0.5
    assert sim.parse_duration(0) == 0.0


def test_durations_resolve_to_whole_nanoseconds():
    assert sim.parse_duration("1.4ns") == 1e-9
    assert sim.parse_duration(2.6e-9) == 3e-9


@pytest.mark.parametrize("text", ["5 parsecs", "-3s", "", "   ", "ms", "5sec", "5 ms x", "nan s", "inf s", "1e30h", "5MS"])
def test_bad_strings_raise_value_error_naming_the_units(text):
    with pytest.raises(ValueError) as info:
        sim.parse_duration(text)
    assert UNITS in str(info.value)
    assert repr(text)[1:-1] in str(info.value)  # the message quotes the input


@pytest.mark.parametrize("value", [-1, -0.001, math.nan, True, None, [5], b"5ms"])
def test_bad_values_raise_value_error(value):
    with pytest.raises(ValueError, match=r"duration"):
        sim.parse_duration(value)


def test_non_string_non_number_names_the_units():
    with pytest.raises(ValueError, match=UNITS):
        sim.parse_duration(None)
