"""Everything people do besides routines: reading mail, chatting, browsing, scrolling.

The vocabulary deliberately reuses the routine apps (web mail in Chrome, the CRM, SAP
GUI, Excel, Teams), so that an app alone never tells routine from noise.
"""

from __future__ import annotations

import numpy as np

from discover.simulate import world
from discover.simulate.screens import Screen, Step, cell_target, desktop, web

_MAIL_SUBJECTS: tuple[str, ...] = (
    "Team lunch on Friday", "Re: Q1 forecast", "IT maintenance window Saturday",
    "Newsletter March", "Re: Urlaubsplanung", "Your parcel is on its way",
    "Canteen menu this week", "Re: Kestrel account handover", "All-hands slides",
    "Reminder: timesheets due", "Re: printer 2nd floor", "Fire drill Thursday",
)  # fmt: skip
_INTRANET_PAGES: tuple[tuple[str, str], ...] = (
    ("News - Intranet", "https://intranet.example.test/news"),
    ("Kantine - Intranet", "https://intranet.example.test/kantine"),
    ("Travel policy - Intranet", "https://intranet.example.test/policies/travel"),
    ("IT service desk", "https://servicedesk.example.test/portal"),
    ("Tagesschau", "https://www.tagesschau.example/"),
    ("Weather Berlin", "https://weather.example.test/berlin"),
)
_SHEETS: tuple[str, ...] = ("Overview", "Budget", "Q1", "Pivot", "Notes")
_SAP_MENUS: tuple[str, ...] = ("Menu", "Edit", "Goto", "Extras", "System", "Help")
_FOLDERS: tuple[str, ...] = ("Documents", "Desktop", "Projects", "Invoices", "Archive")


def _n(rng: np.random.Generator, low: int, high: int) -> int:
    return int(rng.integers(low, high + 1))


def _pick(rng: np.random.Generator, options: tuple) -> object:
    return options[int(rng.integers(len(options)))]


def read_web_mail(rng: np.random.Generator) -> list[Step]:
    """Open a few mails in Outlook on the web and scroll through them."""
    inbox = Screen(
        "Chrome", "Inbox - Outlook - Google Chrome", "https://outlook.office.com/mail/"
    )
    steps: list[Step] = []
    for _ in range(_n(rng, 1, 3)):
        subject = str(_pick(rng, _MAIL_SUBJECTS))
        item = web("option", subject, "div[role='option']", label="Mail in inbox")
        steps.append(inbox.step("click", item, wait_s=0.5))
        steps += [inbox.step("scroll") for _ in range(_n(rng, 0, 3))]
    return steps


def read_outlook(rng: np.random.Generator) -> list[Step]:
    """Read mail in the Outlook desktop app."""
    inbox = Screen("Outlook", "Posteingang - buchhaltung - Outlook")
    steps: list[Step] = []
    for _ in range(_n(rng, 1, 3)):
        subject = str(_pick(rng, _MAIL_SUBJECTS))
        steps.append(inbox.step("click", desktop("list item", subject, "MailListItem")))
        steps += [inbox.step("scroll") for _ in range(_n(rng, 0, 2))]
    return steps


def chat(rng: np.random.Generator) -> list[Step]:
    """Answer a chat message or two in Teams."""
    teams = Screen("Microsoft Teams", "Chat | Microsoft Teams")
    box = desktop("edit", "Type a message", "ckeditor", label="Reply box")
    steps = [teams.step("click", desktop("list item", "Chat", "ChatListItem"))]
    for _ in range(_n(rng, 1, 2)):
        steps += [
            teams.step("type", box, value=world.chat_message(rng)),
            teams.step("key", box, value="Enter"),
        ]
    return steps


def browse(rng: np.random.Generator) -> list[Step]:
    """Visit an intranet or news page, scroll, maybe follow a link."""
    title, url = _pick(rng, _INTRANET_PAGES)
    page = Screen("Chrome", f"{title} - Google Chrome", str(url))
    steps = [page.step("navigate", wait_s=1.5)]
    steps += [page.step("scroll") for _ in range(_n(rng, 1, 4))]
    if rng.random() < 0.4:
        link = web("link", "Read more", "article a.more", label="Read more")
        steps.append(page.step("click", link, wait_s=1.0))
    return steps


def browse_crm(rng: np.random.Generator) -> list[Step]:
    """Look around in the CRM without entering anything."""
    crm = "https://crm.example.test/lightning/o"
    view = str(_pick(rng, ("Lead", "Account", "Opportunity")))
    page = Screen(
        "Chrome", f"{view}s | NimbusCRM - Google Chrome", f"{crm}/{view}/list"
    )
    steps = [
        page.step("click", web("link", f"{view}s", f"a[title='{view}s']"), wait_s=1.0)
    ]
    steps += [page.step("scroll") for _ in range(_n(rng, 1, 3))]
    return steps


def browse_sheet(rng: np.random.Generator, day_label: str) -> list[Step]:
    """Look at a budget workbook in Excel: change sheet, click cells, scroll."""
    book = f"budget-{day_label[:7]}.xlsx"
    sheet = str(_pick(rng, _SHEETS))
    screen = Screen("Excel", f"{book} - Excel", workbook=book, sheet=sheet)
    steps = [screen.step("select_sheet", {"role": "tab", "name": sheet})]
    for _ in range(_n(rng, 1, 4)):
        cell = f"{'ABCDEFGH'[int(rng.integers(8))]}{_n(rng, 2, 60)}"
        steps.append(screen.step("select_cell", cell_target("Value"), cell=cell))
    steps += [screen.step("scroll") for _ in range(_n(rng, 0, 2))]
    return steps


def poke_sap(rng: np.random.Generator) -> list[Step]:
    """Open an SAP menu and close it again (checking something, a misclick)."""
    screen = Screen("SAP GUI", "SAP Easy Access")
    menu = str(_pick(rng, _SAP_MENUS))
    item = desktop("menu item", menu, f"wnd[0]/mbar/menu[{_SAP_MENUS.index(menu)}]")
    return [screen.step("click", item), screen.step("key", value="Escape")]


def browse_files(rng: np.random.Generator) -> list[Step]:
    """Open a few folders in File Explorer."""
    screen = Screen("File Explorer", "This PC")
    steps = []
    for _ in range(_n(rng, 1, 3)):
        folder = str(_pick(rng, _FOLDERS))
        item = desktop("list item", folder, "ItemsView", label="Folder")
        steps.append(screen.step("double_click", item))
    return steps


_BURSTS = (
    read_web_mail, read_outlook, chat, browse, browse_crm, browse_sheet, poke_sap,
    browse_files,
)  # fmt: skip
_BURST_WEIGHTS = (0.22, 0.1, 0.2, 0.16, 0.1, 0.1, 0.05, 0.07)


def noise_burst(rng: np.random.Generator, day_label: str) -> list[Step]:
    """Return one stretch of non-routine activity (1 to ~12 events)."""
    maker = _BURSTS[int(rng.choice(len(_BURSTS), p=_BURST_WEIGHTS))]
    if maker is browse_sheet:
        return browse_sheet(rng, day_label)
    return maker(rng)


def stray_steps(rng: np.random.Generator, current: Step) -> list[Step]:
    """Return noise inside a routine: a scroll or stray click where the user is, or
    a short chat interruption (one in five)."""
    if rng.random() < 0.2:
        return chat(rng)[:3]
    screen = Screen(
        current["app"],
        current["window"],
        current.get("url"),
        current.get("workbook"),
        current.get("sheet"),
    )
    if rng.random() < 0.6:
        return [screen.step("scroll")]
    return [screen.step("click", {"role": "pane", "label": "Empty area"})]
