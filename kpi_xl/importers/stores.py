"""WooCommerce and Stripe exports -> rows of the Orders table.

WooCommerce (Analytics > Orders): net revenue = ``Net Sales`` (any case; ``N. Revenue`` when absent);
completed and processing orders count, on-hold ones too (awaiting a transfer, as WooCommerce's own
Analytics count them) unless the Settings count only paid orders; pending and failed ones never.
The customer is the e-mail column when there is one, else the ``Customer`` name.

Stripe (payments): a payment is an order; net revenue = Amount - Amount Refunded (the converted amounts
when the export has them, in the account's currency); only Paid/Succeeded and Refunded payments count.
A row without ``id`` gets a stable key from its PaymentIntent, or from its date, amount and customer, so
that importing the file again finds it.
"""

from __future__ import annotations

import hashlib

from .csvfile import Block, header_lookup, number
from .dates import day_order, parse_day
from .imported import Imported, one_currency
from .options import Options

__all__ = ["woocommerce_orders", "stripe_payments"]

_WOO_STATUS = {"completed": "paid", "processing": "paid", "on-hold": "paid", "refunded": "refunded",
               "cancelled": "cancelled", "trash": "cancelled"}
_WOO_NET = ("net sales", "net revenue", "n. revenue", "n. revenue (formatted)")
_WOO_EMAIL = ("email", "customer email", "billing email", "e-mail")
_STRIPE_PAID = {"paid": "paid", "succeeded": "paid", "refunded": "refunded", "partially refunded": "paid"}


def woocommerce_orders(block: Block, file: str, options: Options) -> Imported:
    """WooCommerce Analytics > Orders export, in any of its header variants."""
    found = Imported("orders", "woocommerce")
    column = {key: header_lookup(block.header, names) for key, names in (
        ("date", ("date",)), ("order", ("order #", "order", "order number")), ("status", ("status",)),
        ("customer", ("customer", "customer name")), ("email", _WOO_EMAIL), ("net", _WOO_NET))}
    order = day_order((r.get(column["date"], "") for _, r in block.rows), column="Date", file=file,
                      order=options.day_order)
    if column["email"] is None:
        found.notes.append(f"no e-mail column: customers are identified by the name in {column['customer']!r}")
    for line, row in block.rows:
        found.read += 1
        try:
            status = row.get(column["status"], "").strip().lower().removeprefix("wc-")
            if status not in _WOO_STATUS or (status == "on-hold" and options.paid_only):
                found.reject(line, column["status"], status, "is not paid yet or unknown: the order is left out", file)
                continue
            email = row.get(column["email"], "").strip().lower() if column["email"] else ""
            name = " ".join(row.get(column["customer"], "").split()) if column["customer"] else ""
            found.identities["e-mail" if email else "name" if name else "unknown"] += 1
            number_text = row.get(column["order"], "").strip().lstrip("#")
            day = parse_day(row.get(column["date"], ""), order)
            found.widen(day, day)
            net = number(row.get(column["net"], ""), column["net"], line, file)
            found.rows.append((line, {
                "order_date": day, "order_id": "#" + number_text,
                "customer_id": email or name or f"unknown customer (#{number_text})",
                "net_revenue": max(net or 0.0, 0.0), "cost_of_goods_sold": None, "discount": None,
                "status": _WOO_STATUS[status], "channel": None,
            }))
        except ValueError as error:
            found.reject(line, None, None, str(error), file)
    return found


def _stripe_id(row: dict[str, str], created: str, seen: dict[str, int]) -> str:
    """The payment's id; for a row without one, its PaymentIntent, else a key made of what the row holds."""
    given = row.get("id", "").strip() or row.get("PaymentIntent ID", "").strip()
    if given:
        return given
    content = "|".join((created, row.get("Amount", ""), row.get("Currency", ""), row.get("Customer ID", ""),
                        row.get("Customer Email", ""), row.get("Description", "")))
    digest = hashlib.sha1(content.encode()).hexdigest()[:10]
    seen[digest] = seen.get(digest, 0) + 1
    return f"no-id-{digest}" + (f"-{seen[digest]}" if seen[digest] > 1 else "")


def stripe_payments(block: Block, file: str, options: Options) -> Imported:
    """Stripe's payments export (2024 layout, or the older one with ``Created (UTC)``)."""
    found = Imported("orders", "stripe")
    created = "Created date (UTC)" if "Created date (UTC)" in block.header else "Created (UTC)"
    order = day_order((r.get(created, "") for _, r in block.rows), column=created, file=file, order=options.day_order)
    seen: dict[str, int] = {}
    for line, row in block.rows:
        found.read += 1
        try:
            status = row.get("Status", "").strip().lower().replace("_", " ")
            if status not in _STRIPE_PAID:
                found.reject(line, "Status", row.get("Status", "").strip(), "is not a payment received: left out", file)
                continue
            converted = number(row.get("Converted Amount", ""), "Converted Amount", line, file)
            amount = number(row.get("Amount", ""), "Amount", line, file) or 0.0
            refunded = number(row.get("Amount Refunded", ""), "Amount Refunded", line, file) or 0.0
            if converted is not None:
                rate = converted / amount if amount else 1.0
                refunded = number(row.get("Converted Amount Refunded", ""), "Converted Amount Refunded", line,
                                  file) if row.get("Converted Amount Refunded", "").strip() else refunded * rate
                amount = converted
                one_currency(found, row.get("Converted Currency", "") or row.get("Currency", ""), line, file)
            else:
                one_currency(found, row.get("Currency", ""), line, file)
            customer = row.get("Customer ID", "").strip() or row.get("Customer Email", "").strip().lower()
            found.identities["customer id or e-mail" if customer else "unknown"] += 1
            day = parse_day(row.get(created, ""), order)
            found.widen(day, day)
            payment = _stripe_id(row, row.get(created, ""), seen)
            fully_refunded = status == "refunded" or (amount > 0 and refunded >= amount)
            found.rows.append((line, {
                "order_date": day, "order_id": payment,
                "customer_id": customer or f"unknown customer ({payment})",
                "net_revenue": max(round(amount - refunded, 2), 0.0), "cost_of_goods_sold": None,
                "discount": None, "status": "refunded" if fully_refunded else "paid", "channel": None,
            }))
        except ValueError as error:
            found.reject(line, None, None, str(error), file)
    return found
