"""Money as the portal writes it everywhere: pounds with thousands separators, pence only when there are some."""

from __future__ import annotations

from decimal import Decimal


def pounds(value: Decimal | int | float | str) -> str:
    amount = Decimal(str(value))
    if amount == amount.to_integral_value():
        return f"£{amount:,.0f}"
    return f"£{amount:,.2f}"
