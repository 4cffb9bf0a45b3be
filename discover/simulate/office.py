"""Front-office routines: CRM data entry, customer look-ups, approvals."""

from __future__ import annotations

from discover.simulate import sap, world
from discover.simulate.screens import (
    Choices,
    Context,
    Screen,
    Step,
    cell_target,
    desktop,
    hex_id,
    web,
)


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
        f"{crm}/r/Account/001{hex_id(choices, 15)}/view",
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
        sap.SAP_HOME.switch(),
        *sap.open_transaction(choices, "FD33", "Display Credit Management"),
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
