"""Back-office routines: supplier invoices, purchase orders, bank data, reports."""

from __future__ import annotations

from discover.simulate import sap, world
from discover.simulate.screens import (
    Choices,
    Context,
    Screen,
    Step,
    desktop,
    hex_id,
    web,
)


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
        f"https://outlook.office.com/mail/inbox/id/AAQkAD{hex_id(choices, 12)}",
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
        sap.SAP_HOME.switch(),
        *sap.open_transaction(choices, "FB60", "Enter Vendor Invoice"),
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
    steps.append(sap.save(choices, fb60))
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
        sap.SAP_HOME.switch(),
        *sap.open_transaction(choices, "XK02", "Change Vendor"),
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
    steps.append(sap.save(choices, bank))
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
