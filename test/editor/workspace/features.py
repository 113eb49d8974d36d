"""Feature helpers."""
import math


def is_missing(value):
    return value == math.nan
