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

from .csvfile import Block, number
from .dates import day_order, parse_day
from .imported import Imported, one_currency
from .options import Options

__all__ = ["shopify_orders", "SHOPIFY_COLUMNS", "customer_identity"]

SHOPIFY_COLUMNS = frozenset({
    "Name", "Email", "Financial Status", "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Amount",
    "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price", "Billing Name", "Billing Phone",
    "Shipping Name", "Shipping Phone", "Phone", "Cancelled at", "Refunded Amount", "Duties"})
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


def _money(row: dict[str, str], column: str, line: int, file: str) -> float | None:
    return number(row.get(column, ""), column, line, file) if column in row else None


def _goods(first: dict[str, str], items: list[dict[str, str]], line: int, file: str) -> tuple[float, float]:
    """Net goods revenue before refunds, and the tip, of one order (see the module's rules)."""
    subtotal = _money(first, "Subtotal", line, file) or 0.0
    shipping = _money(first, "Shipping", line, file) or 0.0
    taxes = _money(first, "Taxes", line, file) or 0.0
    duties = _money(first, "Duties", line, file) or 0.0
    total = _money(first, "Total", line, file)
    discount = _money(first, "Discount Amount", line, file) or 0.0
    tip_items = sum((_money(i, "Lineitem price", line, file) or 0.0) * (_money(i, "Lineitem quantity", line, file) or 1)
                    for i in items if i.get("Lineitem name", "").strip().casefold() in _TIPS)
    if tip_items:
        all_items = sum((_money(i, "Lineitem price", line, file) or 0.0) *
                        (_money(i, "Lineitem quantity", line, file) or 1) for i in items)
        if abs(all_items - discount - subtotal) <= 0.01 * len(items):
            subtotal -= tip_items  # the tip was counted in the subtotal
    goods = subtotal
    tip = tip_items
    if total is not None and taxes:
        exclusive_gap = total - (subtotal + tip_items + shipping + taxes + duties)
        inclusive_gap = total - (subtotal + tip_items + shipping + duties)
        if abs(inclusive_gap) <= 0.01 or (exclusive_gap < -0.01 and inclusive_gap > 0):
            goods = subtotal - taxes * subtotal / (subtotal + shipping) if subtotal + shipping else subtotal
            tip += max(inclusive_gap, 0.0) if not tip_items else 0.0
        elif exclusive_gap > 0.01 and not tip_items:
            tip += exclusive_gap
    return goods, tip


def shopify_orders(block: Block, file: str, options: Options) -> Imported:
    """Shopify's orders export (2022 and 2025 layouts, or re-saved by Excel with columns dropped)."""
    found = Imported("orders", "shopify")
    orders: dict[str, tuple[int, dict[str, str], list[dict[str, str]]]] = {}
    for line, row in block.rows:
        name = row.get("Name", "").strip()
        if not name:
            found.reject(line, "Name", None, "has no order name: the row is left out", file)
            continue
        entry = orders.get(name)
        if entry is None:
            orders[name] = (line, row, [row])
        else:
            entry[2].append(row)
    found.read = len(orders)
    order = day_order((first.get("Created at", "") for _, first, _ in orders.values()), column="Created at",
                      file=file, order=options.day_order)
    tips = 0.0
    for name, (line, first, items) in orders.items():
        try:
            one_currency(found, first.get("Currency", ""), line, file)
            status = first.get("Financial Status", "").strip().lower()
            cancelled = bool(first.get("Cancelled at", "").strip()) or status == "voided"
            if not cancelled and (status == "expired" or (status in _UNPAID_SALES and options.paid_only)):
                why = "was never paid" if status == "expired" else "is not paid yet (Settings: count only paid orders)"
                found.reject(line, "Financial Status", status, f"{why}: the order is left out", file)
                continue
            day = parse_day(first.get("Created at", ""), order)
            goods, tip = _goods(first, items, line, file)
            tips += tip
            refunded = _money(first, "Refunded Amount", line, file) or 0.0
            total = _money(first, "Total", line, file)
            if refunded and total and total - tip > 0:
                refunded = refunded * goods / (total - tip)
            customer, how = customer_identity(first)
            found.identities[how] += 1
            found.widen(day, day)
            found.rows.append((line, {
                "order_date": day,
                "order_id": name,
                "customer_id": customer or f"unknown customer ({name})",
                "net_revenue": max(round(goods - refunded, 2), 0.0),
                "cost_of_goods_sold": None,
                "discount": _money(first, "Discount Amount", line, file),
                "status": "cancelled" if cancelled else "refunded" if status == "refunded" else "paid",
                "channel": None,
            }))
        except (ValueError, ArithmeticError) as error:
            found.reject(line, None, None, str(error), file)
    if tips:
        found.notes.append(f"tips of {tips:,.2f} are not goods revenue: left out")
    return found
