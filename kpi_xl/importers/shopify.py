"""Shopify's orders export -> rows of the Orders table.

One row per line item; order-level fields (Subtotal, Financial Status, Created at...) sit on an order's
first row. The rules, all documented in the guides:

* **Net revenue** = goods after discounts, before shipping, taxes and tips, less the goods part of refunds.
  When the shop's prices include tax (the EU norm: ``Total`` = ``Subtotal`` + ``Shipping``, the ``Taxes``
  already inside), the goods' tax is taken out: ``Taxes`` x Subtotal / (Subtotal + Shipping). A refund
  (``Refunded Amount``, which may hold shipping and tax) counts for goods in the order's own proportion
  net goods / (Total - tip); without a Total the whole refund is deducted.
* **Tips** are not goods: a ``Tip`` line item counted in the subtotal is taken out of it.
* **Status**: ``Cancelled at`` filled or ``voided`` -> cancelled; ``refunded`` -> refunded; paid and
  partially refunded -> paid; ``pending``, ``authorized`` and ``partially_paid`` (cash on delivery, bank
  transfer) count as sales like Shopify's own sales reports, unless the Settings ask to count only paid
  orders; ``expired`` is left out (never paid).
* **Customer**: e-mail, else phone, else billing name; an order with none still counts, as its own
  unknown customer.
"""

from __future__ import annotations

import datetime as _dt
import re

import numpy as np
import pandas as pd

from .csvfile import numbers
from .dates import day_order, parse_day
from .imported import Imported
from .options import Options

__all__ = ["shopify_orders", "SHOPIFY_COLUMNS", "customer_identity"]

SHOPIFY_COLUMNS = frozenset({
    "Name", "Email", "Financial Status", "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Amount",
    "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price", "Billing Name", "Billing Phone",
    "Shipping Name", "Shipping Phone", "Phone", "Cancelled at", "Refunded Amount", "Duties"})
_ISO_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_UNPAID_SALES = {"pending", "authorized", "partially_paid"}
_TIPS = {"tip", "pourboire", "propina", "gorjeta", "trinkgeld"}


def customer_identity(row: dict[str, str]) -> tuple[str | None, str]:
    """The customer of an order and how it was found: e-mail, else phone, else billing name.

    >>> customer_identity({"Email": " Ann@Example.com"}), customer_identity({"Email": "", "Phone": "+33 6 12"})
    (('ann@example.com', 'e-mail'), ('tel +33612', 'phone'))
    >>> customer_identity({"Billing Name": "Ann Martin"}), customer_identity({})
    (('Ann Martin', 'billing name'), (None, 'unknown'))
    """
    email = row.get("Email", "").strip().lower()
    if email:
        return email, "e-mail"
    for column in ("Phone", "Billing Phone", "Shipping Phone"):
        phone = "".join(c for c in row.get(column, "") if c.isdigit() or c == "+")
        if len(phone.lstrip("+")) >= 3:
            return f"tel {phone}", "phone"
    name = " ".join(row.get("Billing Name", "").split())
    return (name, "billing name") if name else (None, "unknown")


def _texts(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column].str.strip() if column in frame else pd.Series("", index=frame.index)


class _Orders:
    """An order's first rows (``heads``) and their numbers, read column by column."""

    def __init__(self, frame: pd.DataFrame, lines: np.ndarray, file: str):
        self.frame, self.lines, self.file = frame, lines, file
        self.problems: dict[int, str] = {}

    def money(self, heads: pd.Series, column: str) -> np.ndarray:
        """A money column of the rows ``heads`` selects: NaN where blank or absent."""
        if column not in self.frame:
            return np.full(int(heads.sum()), np.nan)
        found: dict[int, str] = {}
        values = numbers(self.frame[column][heads], column, self.lines[heads.to_numpy()], self.file, found)
        positions = np.flatnonzero(heads.to_numpy())
        for i, message in found.items():
            self.problems.setdefault(int(positions[i]), message)
        return values


def _tips(frame: pd.DataFrame, orders: _Orders, names: pd.Series, named: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Per order name: the tip line items' amount, and all line items' amount (orders with a tip only)."""
    is_tip = named & _texts(frame, "Lineitem name").str.casefold().isin(_TIPS)
    if not is_tip.any():
        return pd.Series(dtype=float), pd.Series(dtype=float)
    with_tip = named & names.isin(set(names[is_tip]))
    price = np.nan_to_num(orders.money(with_tip, "Lineitem price"))
    quantity = orders.money(with_tip, "Lineitem quantity")
    amount = pd.Series(price * np.where(np.isnan(quantity), 1.0, quantity), index=names[with_tip])
    tips = amount[is_tip[with_tip].to_numpy()]
    return tips.groupby(level=0).sum(), amount.groupby(level=0).sum()


def _goods(frame: pd.DataFrame, orders: _Orders, heads: pd.Series, names: pd.Series,
           named: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Net goods revenue after the goods part of refunds, and the tip, of every order (see the module's rules)."""
    zero = {c: np.nan_to_num(orders.money(heads, c)) for c in ("Subtotal", "Shipping", "Taxes", "Duties",
                                                               "Discount Amount", "Refunded Amount")}
    subtotal, shipping, taxes = zero["Subtotal"], zero["Shipping"], zero["Taxes"]
    total = orders.money(heads, "Total")
    tips_by_name, items_by_name = _tips(frame, orders, names, named)
    order_names = names[heads]
    tip_items = order_names.map(tips_by_name).fillna(0.0).to_numpy()
    all_items = order_names.map(items_by_name).fillna(0.0).to_numpy()
    count = order_names.map(names[named].value_counts()).to_numpy()
    in_subtotal = (tip_items > 0) & (np.abs(all_items - zero["Discount Amount"] - subtotal) <= 0.01 * count)
    subtotal = np.where(in_subtotal, subtotal - tip_items, subtotal)
    exclusive_gap = total - (subtotal + tip_items + shipping + taxes + zero["Duties"])
    inclusive_gap = total - (subtotal + tip_items + shipping + zero["Duties"])
    taxed = ~np.isnan(total) & (taxes != 0)
    inclusive = taxed & ((np.abs(inclusive_gap) <= 0.01) | ((exclusive_gap < -0.01) & (inclusive_gap > 0)))
    base = subtotal + shipping
    goods = np.where(inclusive & (base != 0), subtotal - taxes * subtotal / np.where(base != 0, base, 1.0), subtotal)
    tip = tip_items + np.where(inclusive & (tip_items == 0), np.maximum(inclusive_gap, 0.0), 0.0) + \
        np.where(taxed & ~inclusive & (exclusive_gap > 0.01) & (tip_items == 0), exclusive_gap, 0.0)
    refunded = zero["Refunded Amount"]
    share = ~np.isnan(total) & (total != 0) & (total - tip > 0) & (refunded != 0)
    refunded = np.where(share, refunded * goods / np.where(share, total - tip, 1.0), refunded)
    return np.maximum(np.round(goods - refunded, 2), 0.0), tip


def _identities(frame: pd.DataFrame, heads: pd.Series) -> tuple[list, np.ndarray]:
    """Each order's customer and how it was found (see :func:`customer_identity`), column by column."""
    email = _texts(frame, "Email")[heads].str.lower()
    candidates, kinds = [email], ["e-mail"]
    for column in ("Phone", "Billing Phone", "Shipping Phone"):
        digits = _texts(frame, column)[heads].str.replace(r"[^\d+]", "", regex=True)
        candidates.append(("tel " + digits).where(digits.str.lstrip("+").str.len() >= 3, ""))
        kinds.append("phone")
    candidates.append(_texts(frame, "Billing Name")[heads].str.replace(r"\s+", " ", regex=True))
    kinds.append("billing name")
    customer = pd.Series("", index=email.index)
    how = np.full(len(email), "unknown", dtype=object)
    for values, kind in zip(reversed(candidates), reversed(kinds), strict=True):
        filled = values.ne("").to_numpy()
        customer = customer.where(~filled, values)
        how[filled] = kind
    return customer.tolist(), how


def _days(created: pd.Series, lines: np.ndarray, order: str | None, problems: dict[int, str],
          positions: np.ndarray) -> list:
    texts = created.to_numpy(dtype=object).tolist()
    days: list = [None] * len(texts)
    for i, text in enumerate(texts):
        match = _ISO_DAY.match(text)
        if match:
            days[i] = _dt.date(int(match[1]), int(match[2]), int(match[3]))
            continue
        try:
            days[i] = parse_day(text, order)
        except ValueError as error:
            problems.setdefault(int(positions[i]), str(error))
    return days


def shopify_orders(frame: pd.DataFrame, lines: np.ndarray, file: str, options: Options) -> Imported:
    """Shopify's orders export (2022 and 2025 layouts, or re-saved by Excel with columns dropped)."""
    found = Imported("orders", "shopify")
    orders = _Orders(frame, lines, file)
    names = _texts(frame, "Name")
    named = names.ne("")
    for line in lines[~named.to_numpy()]:
        found.reject(int(line), "Name", None, "has no order name: the row is left out", file)
    heads = named & ~names.duplicated()
    positions = np.flatnonzero(heads.to_numpy())
    found.read = len(positions)
    created = _texts(frame, "Created at")[heads]
    order = day_order(created, column="Created at", file=file, order=options.day_order)
    days = _days(created, lines[positions], order, orders.problems, positions)
    net, tips = _goods(frame, orders, heads, names, named)
    discount = orders.money(heads, "Discount Amount")
    customers, how = _identities(frame, heads)
    status = _texts(frame, "Financial Status")[heads].str.lower().to_numpy()
    cancelled = _texts(frame, "Cancelled at")[heads].ne("").to_numpy() | (status == "voided")
    currencies = _texts(frame, "Currency")[heads].str.upper().to_numpy()
    found.currency = next((c for c in currencies if c), None)
    order_names = names.to_numpy(dtype=object)[positions].tolist()
    order_lines = lines[positions].tolist()
    for i, position in enumerate(positions.tolist()):
        line, name = order_lines[i], order_names[i]
        if position in orders.problems:
            found.reject(line, None, None, orders.problems[position], file)
            continue
        if currencies[i] and currencies[i] != found.currency:
            found.reject(line, "Currency", currencies[i], f"differs from {found.currency} earlier in the file: import "
                         "one currency at a time", file)
            continue
        if not cancelled[i] and (status[i] == "expired" or (status[i] in _UNPAID_SALES and options.paid_only)):
            why = "was never paid" if status[i] == "expired" else "is not paid yet (Settings: count only paid orders)"
            found.reject(line, "Financial Status", status[i], f"{why}: the order is left out", file)
            continue
        found.identities[how[i]] += 1
        found.rows.append((line, {
            "order_date": days[i], "order_id": name, "customer_id": customers[i] or f"unknown customer ({name})",
            "net_revenue": float(net[i]), "cost_of_goods_sold": None,
            "discount": None if np.isnan(discount[i]) else float(discount[i]),
            "status": "cancelled" if cancelled[i] else "refunded" if status[i] == "refunded" else "paid",
            "channel": None,
        }))
    if found.rows:
        found.widen(min(r["order_date"] for _, r in found.rows), max(r["order_date"] for _, r in found.rows))
    kept = np.isin(positions, [p for p in positions if p not in orders.problems])
    if tips[kept].sum():
        found.notes.append(f"tips of {tips[kept].sum():,.2f} are not goods revenue: left out")
    return found
