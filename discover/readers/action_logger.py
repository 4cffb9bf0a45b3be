"""Action Logger CSV (Leno et al.'s RPA UI logger) and the logs derived from it.

Covers the raw logger output (``timeStamp,userID,targetApp,eventType,...``), the
segmented files with a leading ``caseID`` and Rebmann & van der Aa's labelled copies
(a leading unnamed index, ``target.class`` for ``target.className``, ``Task``/``idx``,
SmartRPA and Fiori columns). Columns are read by name; unknown ones are ignored.
"""

from __future__ import annotations

from typing import Any

from discover.readers._batch import Batch
from discover.readers._common import ReadOptions, Source, quote, suggest
from discover.readers._csv import has_truth, open_records, truth_of

#: Every eventType seen in the public Action Logger-family logs (Leno SR/RT raw and
#: segmented, Rebmann L1-L3, TF_*, agostinelli40, log3) and in the logger's source,
#: mapped onto models.ACTIONS. ``insertValue`` depends on the app (see _action).
EVENT_TYPES: dict[str, str] = {
    # spreadsheet (Excel add-in)
    "getCell": "select_cell",
    "getRange": "select_cell",
    "findValue": "select_cell",
    "editCell": "edit_cell",
    "editRange": "edit_cell",
    "ColorChange": "edit_cell",
    "copyCell": "copy",
    "copyRange": "copy",
    "pasteIntoCell": "paste",
    "pasteIntoRange": "paste",
    "selectWorksheet": "select_sheet",
    "openFile": "file_open",
    "saveFile": "file_save",
    # clipboard and text
    "copy": "copy",
    "cut": "cut",
    "paste": "paste",
    "editField": "type",
    "changeField": "type",
    "fieldInput": "type",
    "input": "type",
    "insertValue": "type",
    "pressKey": "key",
    # pointer
    "click": "click",
    "mouseClick": "click",
    "clickButton": "click",
    "clickLink": "click",
    "clickTextField": "click",
    "clickRadioButton": "click",
    "clickCheckbox": "check",
    "insertBoolValue": "check",
    "right_click": "right_click",
    "doubleClick": "double_click",
    "selectOptions": "select",
    # browser navigation (Chrome transition types and tab events)
    "navigate_to": "navigate",
    "goToUrl": "navigate",
    "link": "navigate",
    "typed": "navigate",
    "auto_bookmark": "navigate",
    "auto_toplevel": "navigate",
    "generated": "navigate",
    "keyword": "navigate",
    "keyword_generated": "navigate",
    "manual_subframe": "navigate",
    "reload": "navigate",
    "startPage": "navigate",
    "form_submit": "submit",
    "formSubmit": "submit",
    "submit": "submit",
    "createNewTab": "open",
    "new_tab_created": "open",
    "newTab": "open",
    "newWindow": "open",
    "enableBrowserExtension": "open",  # SmartRPA start-up: the browser session opens
    "tab_activated": "focus",
    "closeTab": "close",
    "closeWindow": "close",
    "tab_closed": "close",
    "waitResponse": "idle",  # CPN logs: the user waits for the web page
}

_SPREADSHEET_APPS = frozenset({"Excel", "excel", "Sheets"})
_CLIPBOARD_APPS = frozenset({"OS-Clipboard", "Clipboard"})
_KNOWN_TYPES = sorted(EVENT_TYPES)


def _get(fields: dict[str, str], *names: str) -> str | None:
    for name in names:
        value = fields.get(name)
        if value:
            return value
    return None


def _clean_label(text: str | None) -> str | None:
    # the logger JSON-escapes innerText ("\n   Next\n"); labels are one readable line
    if not text:
        return None
    words = text.replace("\\n", " ").replace("\\t", " ").split()
    return " ".join(words).strip('"') or None


def _app(fields: dict[str, str]) -> str:
    app = fields.get("targetApp") or ""
    if app in _CLIPBOARD_APPS:
        return "Clipboard"
    if app:
        return app
    # CPN events merged into Rebmann's L2 lost their app; sheet data means Excel
    if fields.get("target.workbookName") or fields.get("target.sheetName"):
        return "Excel"
    return "Web"


def map_event_type(event_type: str, app: str) -> str | None:
    """The ``models.ACTIONS`` name of an Action Logger / CPN event type, or None."""
    if event_type == "insertValue" and app in _SPREADSHEET_APPS:
        return "edit_cell"
    return EVENT_TYPES.get(event_type)


def unknown_type_reason(event_type: str) -> str:
    """The message for an event type missing from ``EVENT_TYPES``."""
    return (
        f"unknown event type {quote(event_type)}"
        f"{suggest(event_type, _KNOWN_TYPES)} (the {len(_KNOWN_TYPES)} known "
        "types are listed in discover/readers/action_logger.py)"
    )


def _role(tag: str | None, kind: str | None) -> str | None:
    if tag and kind:
        return f"{tag.lower()}:{kind.lower()}"
    return (tag or kind or "").lower() or None


def map_record(fields: dict[str, str], event_id: str, source: str, line: int) -> Any:
    """One Action Logger record as an event row, or (field, reason) when unusable."""
    event_type = fields.get("eventType") or ""
    if not event_type:
        return ("eventType", "missing")
    app = _app(fields)
    action = map_event_type(event_type, app)
    if action is None:
        return ("eventType", unknown_type_reason(event_type))
    ts = fields.get("timeStamp")
    if not ts:
        return ("timeStamp", "missing")
    workbook = fields.get("target.workbookName") or None
    sheet = fields.get("target.sheetName") or None
    element_id = fields.get("target.id") or None
    spreadsheet = app in _SPREADSHEET_APPS or workbook is not None or sheet is not None
    row: dict[str, Any] = {
        "event_id": event_id,
        "ts": ts,
        "user": _get(fields, "userID", "org:resource"),
        "session": source,
        "app": app,
        "window": _get(fields, "title") if not spreadsheet else None,
        "action": action,
        "url": fields.get("url") or None,
        "value": _get(fields, "content", "clipboard_content", "target.value"),
        "workbook": workbook,
        "sheet": sheet,
        "source": source,
        "line": line,
    }
    if spreadsheet:
        if action == "select_sheet":
            row["target_role"] = "sheet"
            row["target_label"] = sheet
        elif element_id or fields.get("Column"):
            cell = element_id or f"{fields.get('Column', '')}{fields.get('Row', '')}"
            row["cell"] = cell
            row["target_role"] = "range" if ":" in cell else "cell"
            row["target_label"] = cell
        return row
    xpath = _get(fields, "xpath")
    if element_id and element_id.startswith("/"):
        xpath, element_id = xpath or element_id, None  # Fiori logs put XPaths in id
    name = fields.get("target.name") or None
    row["target_id"] = element_id
    row["target_name"] = name
    row["target_xpath"] = xpath
    row["target_css"] = fields.get("target.css") or None
    row["target_role"] = _role(
        fields.get("target.tagName"), _get(fields, "target.type", "tag_type")
    )
    row["target_label"] = _clean_label(
        name
        or _get(fields, "target.innerText", "target.title", "tag_title")
        or element_id
    )
    return row


def read_action_logger(source: Source, options: ReadOptions) -> Batch:
    """Read one Action Logger CSV file; every bad record becomes an ``InputError``.

    Ground-truth columns (``caseID``, ``Task``, ``idx``) go to ``Batch.truth`` and
    never into the rows. Rows without a user (clipboard events) take the user of
    the row before them.

    Parameters
    ----------
    source : Source
        The file, its display path and its event id prefix.
    options : ReadOptions
        Encoding and time zone (for times recorded without one).

    Returns
    -------
    Batch
        Valid rows (``ts`` parsed), truth when present, errors, data records seen.
    """
    names, records = open_records(source, options.encoding)
    batch = Batch(
        source,
        ts_field="timeStamp",
        timezone=options.timezone,
        fill_users=True,
        truth=has_truth(names),
    )
    for column in ("eventType", "timeStamp"):
        if column not in names:
            reason = f"missing column; an Action Logger header has {column}"
            batch.error(1, column, reason)
    if batch.errors:
        return batch
    return batch.add_records(records, map_record, truth_of)
