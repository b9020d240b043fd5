"""Order exports -> rows of the Orders table: Shopify (both layouts), WooCommerce, Stripe.

Each parser returns an :class:`Imported`: the rows in the schema's keys, each
with the line of the file it came from, the problems of the rows left out, and
the file's currency. Cost of goods is not in any of these exports: it is left
blank (the Settings' default cost rate, when given, fills it at refresh time).
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import InputProblem, KpiInputError
from .csvfile import Block, number

__all__ = ["Imported", "shopify_orders", "woocommerce_orders", "stripe_payments", "one_currency", "timestamp"]


@dataclass
class Imported:
    """What an export holds for one input table."""

    table: str  # orders, traffic, marketing or social
    layout: str
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    problems: list[InputProblem] = field(default_factory=list)
    currency: str | None = None
    read: int = 0
    notes: list[str] = field(default_factory=list)

    def reject(self, line: int, column: str | None, value: Any, message: str, file: str) -> None:
        self.problems.append(InputProblem(message, column, line, value or None, file, in_file=True))


def timestamp(text: str) -> _dt.date:
    """The local date of an export's timestamp: '2025-12-07 19:08:25 +0000', ISO, or 'May 18, 2025'.

    >>> timestamp("2025-12-07 23:30:00 -0500"), timestamp("2025-12-07T01:00:00+01:00")
    (datetime.date(2025, 12, 7), datetime.date(2025, 12, 7))
    """
    value = text.strip()
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if match:  # the date as written: local to the shop's offset
        return _dt.date(int(match[1]), int(match[2]), int(match[3]))
    for pattern in ("%B %d, %Y", "%b %d, %Y", "%d/%m/%Y", "%Y%m%d"):
        try:
            return _dt.datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{value!r} is not a date")


def one_currency(found: Imported, currency: str, line: int, file: str) -> None:
    """Record the file's currency; a second, different one is an error (amounts cannot be added up)."""
    code = currency.strip().upper()
    if not code:
        return
    if found.currency is None:
        found.currency = code
    elif code != found.currency:
        raise KpiInputError(f"{file}, line {line}: currency {code} differs from {found.currency} earlier in the "
                            "file; import one currency at a time")


def _money(row: dict[str, str], column: str, line: int, file: str) -> float:
    value = number(row.get(column, ""), column, line, file)
    return 0.0 if value is None else value


def shopify_orders(block: Block, file: str) -> Imported:
    """Shopify's orders export: one row per line item; order-level fields on an order's first row.

    Net revenue = Subtotal (after discounts, before shipping and taxes) - Refunded Amount, floored at 0.
    Status: Cancelled at filled or voided -> cancelled; refunded -> refunded; paid and partially
    refunded -> paid; pending and authorized orders are left out (not paid yet).
    """
    found = Imported("orders", "shopify")
    orders: dict[str, tuple[int, dict[str, str], list[dict[str, str]]]] = {}
    for line, row in block.rows:
        name = row.get("Name", "").strip()
        if not name:
            found.reject(line, "Name", None, "has no order name: the row is left out", file)
            continue
        if name not in orders:
            orders[name] = (line, row, [])
        orders[name][2].append(row)
    found.read = len(orders)
    for name, (line, first, items) in orders.items():
        try:
            one_currency(found, first.get("Currency", ""), line, file)
            status = first.get("Financial Status", "").strip().lower()
            cancelled = bool(first.get("Cancelled at", "").strip()) or status == "voided"
            if status in ("pending", "authorized", "expired") and not cancelled:
                found.reject(line, "Financial Status", status, "is not paid yet: the order is left out", file)
                continue
            subtotal = _money(first, "Subtotal", line, file)
            refunded = _money(first, "Refunded Amount", line, file)
            discount = _money(first, "Discount Amount", line, file)
            items_total = sum(_money(i, "Lineitem price", line, file) * (number(i.get("Lineitem quantity", "1"),
                              "Lineitem quantity", line, file) or 1) for i in items)
            if items and abs(items_total - discount - subtotal) > 0.01 * max(1, len(items)):
                found.notes.append(f"{name}: line items {items_total:.2f} - discount {discount:.2f} differ from "
                                   f"the subtotal {subtotal:.2f} (line {line}); the subtotal is used")
            email = first.get("Email", "").strip().lower()
            if not email:
                found.reject(line, "Email", None, "is empty: the order has no customer to count", file)
                continue
            found.rows.append((line, {
                "order_date": timestamp(first.get("Created at", "")),
                "order_id": name,
                "customer_id": email,
                "net_revenue": max(round(subtotal - refunded, 2), 0.0),
                "cost_of_goods_sold": None,
                "discount": discount,
                "status": "cancelled" if cancelled else "refunded" if status == "refunded" else "paid",
                "channel": None,
            }))
        except (KpiInputError, ValueError) as error:
            found.reject(line, None, None, str(error), file)
    return found


_WOO_STATUS = {"completed": "paid", "processing": "paid", "refunded": "refunded", "cancelled": "cancelled",
               "failed": "cancelled", "trash": "cancelled"}


def woocommerce_orders(block: Block, file: str) -> Imported:
    """WooCommerce Analytics > Orders export: net revenue = Net Sales; on-hold and pending orders left out."""
    found = Imported("orders", "woocommerce")
    for line, row in block.rows:
        found.read += 1
        try:
            status = row.get("Status", "").strip().lower()
            if status not in _WOO_STATUS:
                found.reject(line, "Status", status, "is not paid yet or unknown: the order is left out", file)
                continue
            customer = row.get("Customer", "").strip()
            if not customer:
                found.reject(line, "Customer", None, "is empty: the order has no customer to count", file)
                continue
            net = number(row.get("Net Sales", ""), "Net Sales", line, file)
            found.rows.append((line, {
                "order_date": timestamp(row.get("Date", "")),
                "order_id": "#" + row.get("Order #", "").strip().lstrip("#"),
                "customer_id": customer,
                "net_revenue": max(net or 0.0, 0.0),
                "cost_of_goods_sold": None,
                "discount": None,
                "status": _WOO_STATUS[status],
                "channel": None,
            }))
        except (KpiInputError, ValueError) as error:
            found.reject(line, None, None, str(error), file)
    return found


def stripe_payments(block: Block, file: str) -> Imported:
    """Stripe's payments export: a payment is an order; net revenue = Amount - Amount Refunded; failed left out."""
    found = Imported("orders", "stripe")
    for line, row in block.rows:
        found.read += 1
        try:
            status = row.get("Status", "").strip().lower()
            if status in ("failed", "canceled", "requires_payment_method"):
                found.reject(line, "Status", status, "is not a payment received: left out", file)
                continue
            one_currency(found, row.get("Currency", ""), line, file)
            amount = _money(row, "Amount", line, file)
            refunded = _money(row, "Amount Refunded", line, file)
            customer = row.get("Customer ID", "").strip() or row.get("Customer Email", "").strip().lower()
            if not customer:
                found.reject(line, "Customer ID", None, "and Customer Email are empty: no customer to count", file)
                continue
            fully_refunded = status == "refunded" or (amount > 0 and refunded >= amount)
            found.rows.append((line, {
                "order_date": timestamp(row.get("Created date (UTC)", "")),
                "order_id": row.get("id", "").strip(),
                "customer_id": customer,
                "net_revenue": max(round(amount - refunded, 2), 0.0),
                "cost_of_goods_sold": None,
                "discount": None,
                "status": "refunded" if fully_refunded else "paid",
                "channel": None,
            }))
        except (KpiInputError, ValueError) as error:
            found.reject(line, None, None, str(error), file)
    return found


ORDER_PARSERS: dict[str, Callable[[Block, str], Imported]] = {
    "shopify": shopify_orders, "woocommerce": woocommerce_orders, "stripe": stripe_payments,
}
