"""The routine types the simulator knows: what a person clicks, copies and types.

Each builder returns the steps of one instance, drawing its fake record and its variant
(optional steps, swapped fields, hotkey instead of click) from ``Choices``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from discover.simulate import world
from discover.simulate.screens import Choices, Screen, Step, cell_target, desktop, web


@dataclass(frozen=True, slots=True)
class Context:
    """Who runs the instance, on which day, and the spreadsheet row for loops."""

    user: str
    day: date
    row: int = 2


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


def _hex(choices: Choices, n: int) -> str:
    return "".join(f"{int(d):x}" for d in choices.rng.integers(0, 16, size=n))


SAP_HOME = Screen("SAP GUI", "SAP Easy Access")
SAP_COMMAND = desktop("edit", "Command field", "wnd[0]/tbar[0]/okcd", label="Command")
SAP_SAVE = desktop("button", "Save", "wnd[0]/tbar[0]/btn[11]")


def _sap_transaction(choices: Choices, code: str, favorite: str) -> list[Step]:
    """Open an SAP transaction by typing its code (most users) or via Favorites."""
    if choices.maybe(0.65):
        return [
            SAP_HOME.step("click", SAP_COMMAND),
            SAP_HOME.step("type", SAP_COMMAND, value=f"/n{code}"),
            SAP_HOME.step("key", SAP_COMMAND, value="Enter", wait_s=1.0),
        ]
    node = desktop(
        "tree item",
        favorite,
        "wnd[0]/usr/cntlIMAGE_CONTAINER/shellcont/shell/shellcont[0]/shell",
        label=f"Favorite {code}",
    )
    return [SAP_HOME.step("double_click", node, wait_s=1.0)]


def _save(choices: Choices, screen: Screen) -> Step:
    """Save in SAP GUI with Ctrl+S or the toolbar button."""
    if choices.maybe(0.55):
        return screen.step("hotkey", value="ctrl+s", wait_s=0.8)
    return screen.step("click", SAP_SAVE, wait_s=0.8)


def invoice_entry(choices: Choices, ctx: Context) -> list[Step]:
    """Copy invoice fields from a web-mail message into SAP FB60."""
    rec = world.invoice_record(choices.rng, ctx.day)
    subject = f"Rechnung {rec['invoice_no']} - {rec['vendor']}"
    inbox = Screen(
        "Chrome", "Inbox - Outlook - Google Chrome", "https://outlook.office.com/mail/"
    )
    mail = Screen(
        "Chrome",
        f"{subject} - Outlook - Google Chrome",
        f"https://outlook.office.com/mail/inbox/id/AAQkAD{_hex(choices, 12)}",
    )
    fb60 = Screen("SAP GUI", "Enter Vendor Invoice: Company Code 1000")
    body = "div[aria-label='Message body']"
    steps = [
        inbox.step(
            "click",
            web("option", subject, "div[role='option']", label="Invoice mail in inbox"),
            wait_s=3.0,  # reads the mail
        ),
        mail.step(
            "copy",
            web("document", "Message body", body, label="Invoice number in mail"),
            value=rec["invoice_no"],
        ),
        SAP_HOME.switch(),
        *_sap_transaction(choices, "FB60", "Enter Vendor Invoice"),
        fb60.step(
            "paste",
            desktop("edit", "Reference", "wnd[0]/usr/txtINVFO-XBLNR"),
            value=rec["invoice_no"],
        ),
    ]
    fields = [
        ("vendor_id", "Vendor", "wnd[0]/usr/ctxtINVFO-ACCNT"),
        ("amount", "Amount", "wnd[0]/usr/txtINVFO-WRBTR"),
    ]
    if choices.maybe(0.3):
        fields.reverse()
    for key, name, automation_id in fields:
        steps += [
            mail.switch(),
            mail.step(
                "copy",
                web("document", "Message body", body, label=f"{name} in mail"),
                value=rec[key],
            ),
            fb60.switch(),
            fb60.step("paste", desktop("edit", name, automation_id), value=rec[key]),
        ]
    steps.append(
        fb60.step(
            "type",
            desktop("edit", "Invoice date", "wnd[0]/usr/ctxtINVFO-BLDAT"),
            value=rec["invoice_date"],
        )
    )
    if choices.maybe(0.45):
        tax = desktop("combo box", "Tax code", "wnd[0]/usr/cmbINVFO-MWSKZ")
        steps.append(fb60.step("select", tax, value="V1 (19% Input tax)"))
    steps.append(_save(choices, fb60))
    if choices.maybe(0.6):
        steps += [
            mail.switch(),
            mail.step(
                "click", web("button", "Move to", "button[aria-label='Move to']")
            ),
            mail.step(
                "click",
                web("menuitem", "Processed", "div[role='menuitem'][title='Processed']"),
                wait_s=0.5,
            ),
        ]
    return steps


def crm_row_entry(choices: Choices, ctx: Context) -> list[Step]:
    """Copy one spreadsheet row of leads into the CRM's New Lead form."""
    rec = world.lead_record(choices.rng)
    book = f"leads-{ctx.day:%Y-%m-%d}.xlsx"
    sheet = Screen("Excel", f"{book} - Excel", workbook=book, sheet="Leads")
    crm = "https://crm.example.test/lightning/o/Lead"
    leads = Screen("Chrome", "Leads | NimbusCRM - Google Chrome", f"{crm}/list")
    form = Screen("Chrome", "New Lead | NimbusCRM - Google Chrome", f"{crm}/new")
    columns = [
        ("B", "contact", "Name", "input[name='Name']"),
        ("C", "email", "Email", "input[name='Email']"),
        ("D", "phone", "Phone", "input[name='Phone']"),
    ]
    if choices.maybe(0.2):
        columns[0], columns[1] = columns[1], columns[0]
    typed_phone = choices.maybe(0.25)  # reads the number and types it instead
    steps = [
        sheet.step("select_cell", cell_target("Company"), cell=f"A{ctx.row}"),
        sheet.step(
            "copy", cell_target("Company"), value=rec["company"], cell=f"A{ctx.row}"
        ),
        leads.switch(),
    ]
    if choices.maybe(0.7):
        new = web("button", "New", "a[title='New']", label="New lead")
        steps.append(leads.step("click", new, wait_s=1.2))
    else:
        steps.append(leads.step("hotkey", value="alt+n", wait_s=1.2))
    company = web("textbox", "Company", "input[name='Company']")
    steps.append(form.step("paste", company, value=rec["company"]))
    for column, key, name, css in columns:
        field = web("textbox", name, css)
        if key == "phone" and typed_phone:
            steps.append(form.step("type", field, value=rec[key]))
            continue
        steps += [
            sheet.switch(),
            sheet.step("select_cell", cell_target(name), cell=f"{column}{ctx.row}"),
            sheet.step(
                "copy", cell_target(name), value=rec[key], cell=f"{column}{ctx.row}"
            ),
            form.switch(),
            form.step("paste", field, value=rec[key]),
        ]
    save = web("button", "Save", "button[name='SaveEdit']", label="Save lead")
    steps += [form.step("click", save, wait_s=1.5), sheet.switch()]
    return steps


def customer_lookup(choices: Choices, ctx: Context) -> list[Step]:
    """Answer a credit question from chat: CRM account, SAP credit data, reply."""
    rec = world.customer_record(choices.rng)
    teams = Screen("Microsoft Teams", "Chat | Vertrieb Innendienst | Microsoft Teams")
    crm = "https://crm.example.test/lightning"
    accounts = Screen(
        "Chrome", "Accounts | NimbusCRM - Google Chrome", f"{crm}/o/Account/list"
    )
    account = Screen(
        "Chrome",
        f"{rec['company']} | Account | NimbusCRM - Google Chrome",
        f"{crm}/r/Account/001{_hex(choices, 15)}/view",
    )
    fd33 = Screen("SAP GUI", "Display Credit Management: Overview")
    message = desktop("text", "Message", "MessageBody", label="Customer number in chat")
    reply = desktop("edit", "Type a message", "ckeditor", label="Reply box")
    steps = [
        teams.step(
            "click", desktop("list item", "Message", "MessageListItem"), wait_s=2.5
        ),
        teams.step("copy", message, value=rec["customer_no"]),
    ]
    if choices.maybe(0.65):
        search = web(
            "searchbox",
            "Search this list",
            "input[type='search']",
            label="Search accounts",
        )
        result = web(
            "link",
            rec["company"],
            "table a[data-refid='recordId']",
            xpath="//table//a[@data-refid='recordId'][1]",
            label="Account in results",
        )
        owner = web(
            "text",
            "Account Owner",
            "records-record-layout-item[field-label='Account Owner']",
        )
        steps += [
            accounts.switch(),
            accounts.step("click", search),
            accounts.step("paste", search, value=rec["customer_no"]),
            accounts.step("key", search, value="Enter", wait_s=1.2),
            accounts.step("click", result, wait_s=1.5),
            account.step("click", owner, wait_s=2.0),  # reads owner and status
        ]
    steps += [
        SAP_HOME.switch(),
        *_sap_transaction(choices, "FD33", "Display Credit Management"),
        fd33.step(
            "paste",
            desktop("edit", "Customer", "wnd[0]/usr/ctxtRF02L-KUNNR"),
            value=rec["customer_no"],
        ),
        fd33.step("key", value="Enter", wait_s=0.8),
        fd33.step(
            "copy",
            desktop("edit", "Credit limit", "wnd[0]/usr/txtKNKK-KLIMK"),
            value=rec["credit_limit"],
        ),
        teams.switch(),
        teams.step("click", reply),
        teams.step("paste", reply, value=rec["credit_limit"]),
        teams.step("type", reply, value=" EUR Limit, Konto aktiv"),
    ]
    if choices.maybe(0.4):
        exposure = desktop("edit", "Credit exposure", "wnd[0]/usr/txtRF02L-OBLIG")
        steps += [
            fd33.switch(),
            fd33.step("copy", exposure, value=rec["exposure"]),
            teams.switch(),
            teams.step("paste", reply, value=rec["exposure"]),
            teams.step("type", reply, value=" EUR offen"),
        ]
    steps.append(teams.step("key", reply, value="Enter"))
    return steps


def report_download(choices: Choices, ctx: Context) -> list[Step]:
    """Download yesterday's sales report from the BI portal and file it on the share."""
    name = f"Daily_Sales_{ctx.day:%Y-%m-%d}.xlsx"
    downloads = f"C:\\Users\\{ctx.user}\\Downloads\\{name}"
    folder = f"\\\\fs01\\finance\\Reports\\{ctx.day:%Y}\\{ctx.day:%m}"
    portal = "https://bi.example.test"
    home = Screen("Chrome", "Home - Reporting Portal - Google Chrome", f"{portal}/home")
    report = Screen(
        "Chrome",
        "Daily sales by region - Reporting Portal - Google Chrome",
        f"{portal}/reports/daily-sales",
    )
    explorer = Screen("File Explorer", "Downloads")
    share = Screen("File Explorer", f"{ctx.day:%m} - {folder}")
    steps = []
    if choices.maybe(0.6):
        steps.append(home.step("navigate", wait_s=2.0))
    else:
        bookmark = web(
            "button",
            "Reporting Portal",
            "#bookmark-bar button[title='Reporting Portal']",
        )
        steps.append(home.step("click", bookmark, wait_s=2.0))
    date_box = web("textbox", "Report date", "#filter-date", element_id="filter-date")
    steps += [
        home.step(
            "click",
            web("link", "Daily sales by region", "a[href='/reports/daily-sales']"),
            wait_s=2.0,
        ),
        report.step("click", date_box),
        report.step("type", date_box, value=world.german_date(ctx.day)),
        report.step(
            "click", web("button", "Apply", "button#apply-filters"), wait_s=2.5
        ),
        report.step("click", web("button", "Export", "button[aria-label='Export']")),
        report.step(
            "click", web("menuitem", "Excel (.xlsx)", "li[data-format='xlsx']")
        ),
        report.step(
            "file_download",
            web("link", name, "#download-shelf a.file", label="Downloaded report"),
            value=downloads,
            wait_s=2.0,
        ),
        explorer.switch(),
    ]
    item = desktop("list item", name, "ItemsView", label="Report file")
    tree = desktop("tree item", f"{ctx.day:%m}", "NavigationPane", label="Month folder")
    in_share = False
    if choices.maybe(0.5):
        steps += [
            explorer.step("drag", item),
            explorer.step("file_move", item, value=f"{folder}\\{name}"),
        ]
    else:
        steps += [
            explorer.step("click", item),
            explorer.step("hotkey", value="ctrl+x"),
            share.step("click", tree),
            share.step("hotkey", value="ctrl+v"),
            share.step("file_move", item, value=f"{folder}\\{name}"),
        ]
        in_share = True
    if choices.maybe(0.35):  # opens the report to glance at it
        book = Screen("Excel", f"{name} - Excel", workbook=name, sheet="Summary")
        if not in_share:
            steps.append(share.step("click", tree))
        steps += [
            share.step("double_click", item),
            book.switch(),
            book.step("file_open", value=f"{folder}\\{name}", wait_s=2.0),
        ]
    return steps


def approve_expense(choices: Choices, ctx: Context) -> list[Step]:
    """Approve an expense report in Teams Approvals (three clicks)."""
    rec = world.expense_record(choices.rng, ctx.day)
    approvals = Screen("Microsoft Teams", "Approvals | Microsoft Teams")
    card = (
        f"Expense report {rec['expense_no']} - {rec['employee']} - {rec['amount']} EUR"
    )
    return [
        approvals.step(
            "click",
            desktop("list item", card, "ApprovalCard", label="Approval request"),
            wait_s=3.0,  # reads the request
        ),
        approvals.step("click", desktop("button", "Approve", "ApproveButton")),
        approvals.step(
            "click", desktop("button", "Confirm", "ConfirmButton"), wait_s=0.8
        ),
    ]


def po_invoice_check(choices: Choices, ctx: Context) -> list[Step]:
    """Match a supplier PDF invoice to its purchase order in the web ERP and post it."""
    rec = world.invoice_record(choices.rng, ctx.day)
    pdf_name = f"{rec['invoice_no']}.pdf"
    pdf = Screen("Acrobat Reader", f"{pdf_name} - Adobe Acrobat Reader (64-bit)")
    erp = "https://erp.example.test/purchasing/orders"
    orders = Screen("Chrome", "Purchase orders - ERP - Google Chrome", erp)
    order = Screen(
        "Chrome", f"PO {rec['po_no']} - ERP - Google Chrome", f"{erp}/{rec['po_no']}"
    )
    page = "AVPageView"
    search = web("searchbox", "Search orders", "#po-search", element_id="po-search")
    steps = [
        pdf.step(
            "file_open",
            value=f"C:\\Users\\{ctx.user}\\Documents\\Invoices\\{pdf_name}",
            wait_s=3.0,  # reads the invoice
        ),
        pdf.step(
            "copy",
            desktop("document", "Page 1", page, label="PO number"),
            value=rec["po_no"],
        ),
        orders.switch(),
        orders.step("click", search),
        orders.step("paste", search, value=rec["po_no"]),
    ]
    if choices.maybe(0.6):
        steps.append(orders.step("key", search, value="Enter", wait_s=1.5))
    else:
        button = web("button", "Search", "#po-search-btn")
        steps.append(orders.step("click", button, wait_s=1.5))
    amount = web("textbox", "Invoiced amount", "input[name='invoicedAmount']")
    steps += [
        orders.step(
            "click",
            web(
                "link",
                rec["po_no"],
                "table#orders a.po-link",
                xpath="//table[@id='orders']//a[contains(@class,'po-link')]",
                label="Order in results",
            ),
            wait_s=3.0,  # compares order and invoice
        ),
        pdf.switch(),
        pdf.step(
            "copy",
            desktop("document", "Page 1", page, label="Invoice total"),
            value=rec["amount"],
        ),
        order.switch(),
        order.step("paste", amount, value=rec["amount"]),
        order.step("check", web("checkbox", "Goods received", "input#goods-received")),
    ]
    if choices.maybe(0.3):
        comment = web("textbox", "Comment", "textarea[name='comment']")
        note = choices.pick(("Preis lt. Vertrag", "Teillieferung", "Skonto 2 %"))
        steps.append(order.step("type", comment, value=note))
    steps += [
        order.step(
            "submit", web("button", "Post invoice", "button[type='submit']"), wait_s=2.0
        ),
        pdf.switch(),
    ]
    if choices.maybe(0.5):
        steps.append(pdf.step("hotkey", value="ctrl+w"))
    else:
        steps.append(pdf.step("click", desktop("button", "Close", "Close")))
    return steps


def vendor_bank_update(choices: Choices, ctx: Context) -> list[Step]:
    """Copy a vendor's new IBAN and BIC from an Outlook mail into SAP XK02."""
    rec = world.bank_record(choices.rng)
    subject = f"Neue Bankverbindung {rec['vendor']}"
    inbox = Screen("Outlook", "Posteingang - buchhaltung - Outlook")
    mail = Screen("Outlook", f"{subject} - Nachricht (HTML)")
    xk02 = Screen("SAP GUI", "Change Vendor: Initial Screen")
    bank = Screen("SAP GUI", "Change Vendor: Payment transactions")
    body = "Body"

    def copy(label: str, key: str) -> Step:
        target = desktop("document", "Message", body, label=label)
        return mail.step("copy", target, value=rec[key])

    table = "wnd[0]/usr/tblSAPMF02KTCTRL_ZAHLUNGSVERKEHR"
    steps = [
        inbox.step(
            "double_click", desktop("list item", subject, "MailListItem"), wait_s=0.8
        ),
        copy("Vendor number in mail", "vendor_id"),
        SAP_HOME.switch(),
        *_sap_transaction(choices, "XK02", "Change Vendor"),
        xk02.step(
            "paste",
            desktop("edit", "Vendor", "wnd[0]/usr/ctxtRF02K-LIFNR"),
            value=rec["vendor_id"],
        ),
        xk02.step(
            "check",
            desktop("check box", "Payment transactions", "wnd[0]/usr/chkRF02K-D0130"),
        ),
        xk02.step("key", value="Enter", wait_s=1.0),
        mail.switch(),
        copy("IBAN in mail", "iban"),
        bank.switch(),
        bank.step(
            "paste",
            desktop("edit", "IBAN", f"{table}/txtTIBAN-IBAN[6,0]"),
            value=rec["iban"],
        ),
        mail.switch(),
        copy("BIC in mail", "bic"),
        bank.switch(),
        bank.step(
            "paste",
            desktop("edit", "Bank key", f"{table}/ctxtLFBK-BANKL[2,0]"),
            value=rec["bic"],
        ),
    ]
    if choices.maybe(0.5):
        holder = desktop("edit", "Account holder", f"{table}/txtLFBK-KOINH[4,0]")
        steps.append(bank.step("type", holder, value=rec["vendor"]))
    steps.append(_save(choices, bank))
    if choices.maybe(0.5):
        editor = desktop("document", "Message", body, label="Reply text")
        steps += [
            mail.switch(),
            mail.step("click", desktop("button", "Reply", "Reply")),
            mail.step(
                "type", editor, value="Vielen Dank, die Bankverbindung ist geändert."
            ),
            mail.step("click", desktop("button", "Send", "Send"), wait_s=0.5),
        ]
    return steps


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
