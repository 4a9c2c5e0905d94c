"""Checks of script arguments before they reach C, shared by the modules.

float() reads a str ("0.8") and a bool (True is 1.0): a number given as text,
or a flag given where a number belongs, is the caller's mistake to report, as
the C typemaps and the engine's times do (TypeError).
"""


def real(value, name):
    """value as a float: any real number (int, float, numpy's, Fraction, Decimal),
    never a str, bytes or bool."""
    if isinstance(value, (str, bytes, bytearray, bool)):
        raise TypeError(f"{name} must be a number, got {value!r}")
    return float(value)
