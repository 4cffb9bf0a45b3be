"""The routine types the simulator knows: what a person clicks, copies and types.

Each builder (in ``finance.py`` and ``office.py``) returns the steps of one instance,
drawing its fake record and its variant (optional steps, swapped fields, hotkey
instead of click) from ``Choices``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from discover.simulate.finance import (
    invoice_entry,
    po_invoice_check,
    report_download,
    vendor_bank_update,
)
from discover.simulate.office import approve_expense, crm_row_entry, customer_lookup
from discover.simulate.screens import Choices, Context, Step

__all__ = ["ROUTINES", "ROUTINE_TYPES", "Context", "RoutineType"]


@dataclass(frozen=True, slots=True)
class RoutineType:
    """One kind of routine: its name, what it does and how to build an instance.

    ``batch`` is the (min, max) number of back-to-back instances for loop routines
    (one instance per spreadsheet row); ``daily`` routines run once a morning.
    """

    name: str
    description: str
    apps: tuple[str, ...]
    build: Callable[[Choices, Context], list[Step]]
    batch: tuple[int, int] | None = None
    daily: bool = False


#: Every routine type, by name. Order is the order of ``ROUTINE_TYPES``.
ROUTINES: tuple[RoutineType, ...] = (
    RoutineType(
        "invoice_entry",
        "Copy invoice number, vendor and amount from a web-mail message into SAP "
        "FB60 and save; optionally file the mail.",
        ("Chrome", "SAP GUI"),
        invoice_entry,
    ),
    RoutineType(
        "crm_row_entry",
        "Loop: copy one row of a leads spreadsheet (company, name, e-mail, phone) "
        "into the CRM's New Lead form; one instance per row, rows back to back.",
        ("Excel", "Chrome"),
        crm_row_entry,
        batch=(6, 14),
    ),
    RoutineType(
        "customer_lookup",
        "Take a customer number from a Teams chat, look it up in the CRM and in SAP "
        "FD33, paste the credit limit into the reply (app-switch heavy).",
        ("Microsoft Teams", "Chrome", "SAP GUI"),
        customer_lookup,
    ),
    RoutineType(
        "report_download",
        "Each morning: open the reporting portal, filter the daily sales report, "
        "export it to Excel and move the download to the finance share.",
        ("Chrome", "File Explorer", "Excel"),
        report_download,
        daily=True,
    ),
    RoutineType(
        "approve_expense",
        "Approve an expense report in Teams Approvals: card, Approve, Confirm "
        "(the short three-step routine).",
        ("Microsoft Teams",),
        approve_expense,
    ),
    RoutineType(
        "po_invoice_check",
        "Open a supplier PDF invoice, find its purchase order in the web ERP, copy "
        "the invoice total over, tick goods received and post.",
        ("Acrobat Reader", "Chrome"),
        po_invoice_check,
    ),
    RoutineType(
        "vendor_bank_update",
        "Copy a vendor's new IBAN and BIC from an Outlook mail into SAP XK02 and "
        "save; optionally reply to the vendor (rare and long).",
        ("Outlook", "SAP GUI"),
        vendor_bank_update,
    ),
)

ROUTINE_TYPES: tuple[str, ...] = tuple(r.name for r in ROUTINES)
