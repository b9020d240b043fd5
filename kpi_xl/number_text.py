"""Reading numbers typed or exported as text, in French or US style, never misread.

``"1 234,56"`` (French), ``"1.234,56"`` (European), ``"1,234.56"`` (US) and
``"12,5"`` all have one reading. ``"1,234"`` and ``"1.234"`` do not: 1.234 in
French, 1234 in US style. Such text is refused with a message saying how to
write it, rather than guessed.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

__all__ = ["parse_number", "parse_numbers", "as_numbers", "NumberTextError"]

_SPACES = "\u00a0\u202f\u2009 '"  # no-break, narrow no-break, thin spaces, apostrophe (Swiss)
_CURRENCY = "€$£"
#: Texts read without the parser: a plain number, but not one like 1.234 (ambiguous, see parse_number).
_PLAIN = r"-?[0-9]+(?:\.[0-9]+)?"  # ASCII digits only: other digits (１２, ١٢) go through parse_number
_AMBIGUOUS = r"-?(?:[1-9][0-9]{0,2}|0[0-9]{1,2})\.[0-9]{3}"  # as parse_number: 1.234, 01.234, not 0.234


class NumberTextError(ValueError):
    """A text that is not a number, or not one number for sure; the message says why."""


def _grouped(digits: str, sep: str) -> bool:
    """True when ``digits`` is thousands grouped with ``sep`` (1,234,567)."""
    return re.fullmatch(r"\d{1,3}(" + re.escape(sep) + r"\d{3})+", digits) is not None


def parse_number(text: str) -> float:
    """The number a text stands for.

    Accepts spaces (also no-break) as thousands separators, a comma or a point
    as the decimal mark, a leading sign, a currency symbol, and a trailing ``%``
    (which divides by 100).

    Raises
    ------
    NumberTextError
        For text that is not a number, or whose reading is ambiguous.

    Examples
    --------
    >>> parse_number("1 234,56"), parse_number("1.234,56"), parse_number("1,234.56")
    (1234.56, 1234.56, 1234.56)
    >>> parse_number("12,5"), parse_number("-3"), parse_number("2,5 %"), parse_number("1 200 €")
    (12.5, -3.0, 0.025, 1200.0)
    >>> parse_number("1,234")
    Traceback (most recent call last):
    ...
    kpi_xl.number_text.NumberTextError: is ambiguous: it reads as 1.234 in French and as 1234 otherwise; enter it as a number, not as text
    """
    raw = text.strip()
    body = raw
    percent = body.endswith("%")
    if percent:
        body = body[:-1].strip()
    body = body.strip(_CURRENCY).strip()
    sign = ""
    if body and body[0] in "+-":
        sign, body = body[0], body[1:].strip()
    groups = re.split(f"[{_SPACES}]+", body)
    if len(groups) > 1 and not (re.fullmatch(r"\d{1,3}", groups[0])
                                and all(re.fullmatch(r"\d{3}", g) for g in groups[1:-1])
                                and re.fullmatch(r"\d{3}([.,]\d*)?", groups[-1])):
        raise NumberTextError("is not a number (spaces must separate groups of three digits)")
    body = "".join(groups)
    if not re.fullmatch(r"[\d.,]*\d[\d.,]*", body):
        raise NumberTextError("is not a number")
    value = _digits(body)
    number = float(sign + value)
    if not math.isfinite(number):
        raise NumberTextError(f"is not a number (too large: {len(value.split('.')[0])} digits)")
    return number / 100 if percent else number


def _digits(body: str) -> str:
    """Digits with one '.' decimal point, from French, European or US writing."""
    commas, points = body.count(","), body.count(".")
    if commas and points:
        decimal = "," if body.rfind(",") > body.rfind(".") else "."
        group = "." if decimal == "," else ","
        whole, _, fraction = body.rpartition(decimal)
        if not _grouped(whole, group) or not fraction.isdigit():
            raise NumberTextError("is not a number (mixed separators)")
        return whole.replace(group, "") + "." + fraction
    sep = "," if commas else "." if points else ""
    count = commas or points
    if not sep:
        return body
    if count > 1:
        if not _grouped(body, sep):
            raise NumberTextError("is not a number")
        return body.replace(sep, "")
    whole, _, fraction = body.partition(sep)
    if not fraction.isdigit():
        raise NumberTextError("is not a number")
    if len(fraction) == 3 and whole.isdigit() and whole != "0" and len(whole) <= 3:
        french, us = (f"{whole}.{fraction}", f"{whole}{fraction}") if sep == "," else \
            (f"{whole}{fraction}", f"{whole}.{fraction}")
        styles = "in French and" if sep == "," else "with a thousands point and"
        raise NumberTextError(f"is ambiguous: it reads as {french} {styles} as {us} otherwise; "
                              "enter it as a number, not as text")
    return whole + "." + fraction


def parse_numbers(values: pd.Series) -> tuple[pd.Series, dict[int, str]]:
    """A column's numbers as floats (NaN for blanks and for what is not a number), and the reason for each
    text that is not one, by position: the reading of :func:`parse_number` for every text cell.

    Numbers stay as they are; each distinct text is read once. Booleans and other objects are NaN
    without a reason (the caller says what they are).

    >>> numbers, why = parse_numbers(pd.Series([1.5, "12,5", "1 234,5", "1,234.5", "12.5", "1,234", None]))
    >>> numbers.tolist()[:5], why
    ([1.5, 12.5, 1234.5, 1234.5, 12.5], {5: 'is ambiguous: it reads as 1.234 in French and as 1234 otherwise; \
enter it as a number, not as text'})
    """
    if values.dtype == bool:
        return pd.Series(np.nan, index=values.index), {}
    if pd.api.types.is_numeric_dtype(values.dtype):
        return values.astype(float), {}
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    if not len(uniques):  # every cell blank
        return pd.Series(np.nan, index=values.index), {}
    readings, reasons = np.full(len(uniques), np.nan), {}
    texts = pd.Series(uniques, dtype=object).map(lambda v: v.strip() if isinstance(v, str) else None)
    plain = texts.str.fullmatch(_PLAIN).eq(True).to_numpy(dtype=bool) & \
        ~texts.str.fullmatch(_AMBIGUOUS).eq(True).to_numpy(dtype=bool)
    fast = pd.to_numeric(texts[plain], errors="coerce").to_numpy(dtype=float)  # 12.5, -3: read in C
    readings[plain] = np.where(np.isfinite(fast), fast, np.nan)
    plain[plain] = np.isfinite(fast)  # a number too large for a float: parse_number says so
    for i in np.flatnonzero(~plain):
        value = uniques[i]
        if isinstance(value, str):
            if not value.strip():
                continue
            try:
                readings[i] = parse_number(value)
            except NumberTextError as error:
                reasons[i] = str(error)
        elif isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
            readings[i] = float(value)
    numbers = np.where(codes >= 0, readings[np.maximum(codes, 0)], np.nan)
    why = {int(pos): reasons[code] for pos, code in enumerate(codes) if code in reasons} if reasons else {}
    return pd.Series(numbers, index=values.index), why


def as_numbers(values: pd.Series) -> pd.Series:
    """A column's numbers as floats, texts read by :func:`parse_number`, NaN for anything else."""
    return parse_numbers(values)[0]
