"""SmartRPA logs (Agostinelli et al., ``bpm-diag/smartRPA``), as CSV and as XES.

SmartRPA records one row per event with ~49 columns: when and who (``timestamp``,
``user``), where (``category``: Browser, MicrosoftOffice, OperatingSystem,
Clipboard; ``application``), what (``event_type``) and the details of each kind
(``clipboard_content``; ``workbook``, ``current_worksheet``, ``cell_range``,
``cell_content``; ``browser_url``, ``title``, ``id``, ``tag_*``, ``xpath``;
``event_src_path``, ``hotkey``). Its XES export names the first three fields
``time:timestamp``, ``org:resource`` and ``concept:name``; ``map_record`` reads both
spellings, so ``xes.py`` hands SmartRPA-style XES events here.

Times are ISO 8601 or SmartRPA's ``2020-04-05 13:42:19:123`` (milliseconds after a
colon); times without a zone are in ``ReadOptions.timezone`` (default UTC).
``case:concept:name`` is the recording session, not a routine: it becomes
``session``, never ground truth.
"""

from __future__ import annotations

import re
from typing import Any

from discover.readers._batch import Batch
from discover.readers._common import ReadOptions, Source, quote, suggest
from discover.readers._csv import open_records

#: SmartRPA event types (browser extension, Office add-ins, OS watchers, clipboard)
#: mapped onto ``models.ACTIONS``. Lookups ignore case (``Modified``, ``modified``).
EVENT_TYPES: dict[str, str] = {
    # clipboard and keyboard
    "copy": "copy",
    "cut": "cut",
    "paste": "paste",
    "hotkey": "hotkey",
    "selectText": "select",
    # browser: page elements
    "clickButton": "click",
    "clickLink": "click",
    "clickTextField": "click",
    "clickRadioButton": "click",
    "clickCheckboxButton": "check",
    "mouseClick": "click",
    "doubleClick": "double_click",
    "contextMenu": "right_click",
    "changeField": "type",
    "selectOptions": "select",
    "submit": "submit",
    "formSubmit": "submit",
    "form_submit": "submit",
    # browser: navigation (Chrome transition types) and tabs
    "link": "navigate",
    "typed": "navigate",
    "reload": "navigate",
    "generated": "navigate",
    "auto_bookmark": "navigate",
    "auto_toplevel": "navigate",
    "keyword": "navigate",
    "keyword_generated": "navigate",
    "manual_subframe": "navigate",
    "startPage": "navigate",
    "newTab": "open",
    "newWindow": "open",
    "selectTab": "focus",
    "closeTab": "close",
    "closeWindow": "close",
    "moveTab": "drag",
    "attachTab": "drag",
    "detachTab": "drag",
    "zoomTab": "scroll",
    "muteTab": "click",
    "unmuteTab": "click",
    "pinTab": "click",
    "unpinTab": "click",
    "audibleTab": "focus",
    "download": "file_download",
    "enableBrowserExtension": "open",
    "installBrowserExtension": "open",
    "disableBrowserExtension": "close",
    "uninstallBrowserExtension": "close",
    # Excel
    "newWorkbook": "file_open",
    "openWorkbook": "file_open",
    "saveWorkbook": "file_save",
    "printWorkbook": "submit",
    "closeWorkbook": "close",
    "activateWorkbook": "focus",
    "deactivateWorkbook": "focus",
    "addWorksheet": "select_sheet",
    "selectWorksheet": "select_sheet",
    "deselectWorksheet": "select_sheet",
    "deleteWorksheet": "select_sheet",
    "getCell": "select_cell",
    "getRange": "select_cell",
    "editCellSheet": "edit_cell",
    "editRangeSheet": "edit_cell",
    "doubleClickCellWithValue": "double_click",
    "doubleClickEmptyCell": "double_click",
    "rightClickCellWithValue": "right_click",
    "rightClickEmptyCell": "right_click",
    "followHiperlinkSheet": "navigate",
    "resizeWindow": "drag",
    # Word and PowerPoint
    "newDocument": "file_open",
    "openDocument": "file_open",
    "changeDocument": "type",
    "saveDocument": "file_save",
    "printDocument": "submit",
    "closeDocument": "close",
    "newPresentation": "file_open",
    "openPresentation": "file_open",
    "newPresentationSlide": "click",
    "savePresentation": "file_save",
    "closePresentation": "close",
    "startPresentation": "open",
    "endPresentation": "close",
    # Outlook
    "startupOutlook": "open",
    "quitOutlook": "close",
    "sendMail": "submit",
    # operating system: programs and files (watchdog event names)
    "programOpen": "open",
    "programClose": "close",
    "openFile": "file_open",
    "openFolder": "file_open",
    "created": "file_save",
    "modified": "file_save",
    "moved": "file_move",
    "deleted": "file_delete",
    "insertUSB": "open",
    "printSubmit": "submit",
}

_BY_LOWER = {name.lower(): action for name, action in EVENT_TYPES.items()}
_KNOWN = sorted(EVENT_TYPES)
# SmartRPA's CSV names first, then its XES names as xes.py renames them
# (concept:name -> eventType, time:timestamp -> timeStamp, org:resource -> userID).
# Later SmartRPA versions head the CSV with the XES names themselves.
_TYPE_KEYS = ("event_type", "concept:name", "eventType")
_TIME_KEYS = ("timestamp", "time:timestamp", "timeStamp")
_USER_KEYS = ("user", "org:resource", "userID")
_APPS = {
    "microsoft excel": "Excel",
    "excel": "Excel",
    "microsoft word": "Word",
    "word": "Word",
    "microsoft powerpoint": "PowerPoint",
    "powerpoint": "PowerPoint",
    "microsoft outlook": "Outlook",
    "outlook": "Outlook",
    "clipboard": "Clipboard",
    "os-clipboard": "Clipboard",
}
_SPREADSHEET_APPS = frozenset({"Excel"})
_FILE_ACTIONS = frozenset({"file_open", "file_save", "file_move", "file_delete"})
_COLON_MILLIS = re.compile(r"^(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}):(\d{1,6})$")
_VALUE_ACTIONS = frozenset({"copy", "cut", "paste", "type"})
_FIELD_ACTIONS = frozenset({"click", "double_click", "type"})
_TARGET_COLUMNS = (
    "target_role",
    "target_name",
    "target_id",
    "target_xpath",
    "target_label",
)


def looks_like_smartrpa(fields: dict[str, str]) -> bool:
    """True when XES event attributes are SmartRPA's (``category``, ``application``)."""
    return "category" in fields and "application" in fields


def _first(fields: dict[str, str], keys: tuple[str, ...]) -> tuple[str, str]:
    """(key, value) of the first key present; (first key, "") when none is."""
    for key in keys:
        if key in fields:
            return key, fields[key] or ""
    return keys[0], ""


def _get(fields: dict[str, str], *names: str) -> str | None:
    for name in names:
        value = fields.get(name)
        if value:
            return value
    return None


def _app(fields: dict[str, str]) -> str:
    app = (fields.get("application") or "").strip()
    if not app:
        app = (fields.get("category") or "").strip()
    return _APPS.get(app.lower(), app)


def _time(text: str) -> str:
    match = _COLON_MILLIS.match(text)
    return f"{match.group(1)}.{match.group(2)}" if match else text


def _file_name(path: str | None) -> str | None:
    if not path:
        return None
    return re.split(r"[\\/]", path.rstrip("\\/"))[-1] or path


def map_event_type(event_type: str) -> str | None:
    """The ``models.ACTIONS`` name of a SmartRPA event type (any case), or None."""
    return EVENT_TYPES.get(event_type) or _BY_LOWER.get(event_type.lower())


def map_record(
    fields: dict[str, str], event_id: str, source: str, line: int
) -> dict[str, Any] | tuple[str, str]:
    """One SmartRPA event (CSV row or XES attributes) as an event row.

    Returns
    -------
    dict or (str, str)
        The row (``ts`` still text), or (field, reason) naming the field as the
        record spells it (``event_type`` in CSV, ``eventType`` from XES).
    """
    type_key, event_type = _first(fields, _TYPE_KEYS)
    if not event_type:
        return (type_key, "missing")
    action = map_event_type(event_type)
    if action is None:
        reason = (
            f"unknown SmartRPA event type {quote(event_type)}"
            f"{suggest(event_type, _KNOWN)} (the {len(_KNOWN)} known types are "
            "listed in discover/readers/smartrpa.py)"
        )
        return (type_key, reason)
    app = _app(fields)
    if not app:
        return ("application", "missing, and no category to stand for it")
    time_key, ts = _first(fields, _TIME_KEYS)
    if not ts:
        return (time_key, "missing")
    workbook = _get(fields, "workbook", "target.workbookName")
    sheet = _get(fields, "current_worksheet", "target.sheetName")
    row: dict[str, Any] = {
        "event_id": event_id,
        "ts": _time(ts),
        "user": _first(fields, _USER_KEYS)[1] or None,
        "session": fields.get("case:concept:name") or source,
        "app": app,
        "window": _get(fields, "title"),
        "action": action,
        "url": _get(fields, "browser_url", "url"),
        "workbook": workbook,
        "sheet": sheet,
        "source": source,
        "line": line,
    }
    if app in _SPREADSHEET_APPS or workbook or sheet:
        return _spreadsheet(row, fields, action)
    if action in _FILE_ACTIONS or fields.get("event_src_path"):
        name = _file_name(_get(fields, "event_dest_path", "event_src_path"))
        row["target_role"] = "file" if name else None
        row["target_label"] = name
        return row
    if action == "hotkey":
        row["target_role"] = "keys"
        row["target_label"] = _get(fields, "hotkey")
        return row
    return _web(row, fields, action)


def _spreadsheet(row: dict[str, Any], fields: dict[str, str], action: str) -> Any:
    cell = _get(fields, "cell_range")
    row["window"] = None  # the workbook and sheet say where; titles repeat them
    if action in _VALUE_ACTIONS or action == "edit_cell":
        row["value"] = _get(fields, "clipboard_content", "cell_content")
    if action in _FILE_ACTIONS:
        row["target_role"] = "file"
        row["target_label"] = row["workbook"]
    elif action == "select_sheet":
        row["target_role"] = "sheet"
        row["target_label"] = row["sheet"]
    elif cell:
        cell = cell.replace("$", "")
        row["cell"] = cell
        row["target_role"] = "range" if ":" in cell else "cell"
        row["target_label"] = cell
    return row


def _web(row: dict[str, Any], fields: dict[str, str], action: str) -> Any:
    tag = _get(fields, "tag_category", "target.tagName")
    kind = _get(fields, "tag_type")
    if tag and kind:
        row["target_role"] = f"{tag.lower()}:{kind.lower()}"
    elif tag or kind:
        row["target_role"] = (tag or kind or "").lower()
    element_id = _get(fields, "id", "target.id")
    name = _get(fields, "tag_name", "target.name")
    if action in {"open", "close"} and not tag:
        element_id = None  # a browser extension's id or a window handle, no target
    row["target_id"] = element_id
    row["target_name"] = name
    row["target_xpath"] = _get(fields, "xpath", "xpath_full")
    text = _get(fields, "tag_innerText", "target.innerText", "tag_title")
    label = name or (" ".join(text.split()) if text else None) or element_id
    row["target_label"] = label
    if action in _VALUE_ACTIONS:
        row["value"] = _get(fields, "clipboard_content", "content", "tag_value")
    return row


def read_smartrpa(source: Source, options: ReadOptions) -> Batch:
    """Read one SmartRPA CSV log; every bad record becomes an ``InputError``.

    Rows without a user take the user of the row before (the clipboard watcher
    records none).

    Parameters
    ----------
    source : Source
        The file, its display path and its event id prefix.
    options : ReadOptions
        Encoding and the zone of times recorded without one.

    Returns
    -------
    Batch
        Valid rows (``ts`` parsed), errors and the number of data records.
    """
    names, records = open_records(source, options.encoding)
    present = set(names)
    time_key = next((k for k in _TIME_KEYS if k in present), _TIME_KEYS[0])
    batch = Batch(source, ts_field=time_key, timezone=options.timezone, fill_users=True)
    for keys in (_TYPE_KEYS[:2], _TIME_KEYS[:2], ("application",)):
        if not present & set(keys):
            reason = (
                "missing column; a SmartRPA log has timestamp (or time:timestamp), "
                "user, category, application, event_type (or concept:name), ..."
            )
            batch.error(1, keys[0], reason)
    if batch.errors:
        return batch
    fields: dict[tuple, dict] = {}  # last clicked element per (app, url)

    def with_field(*args: Any) -> Any:
        row = map_record(*args)
        return row if isinstance(row, tuple) else inherit_field(row, fields)

    return batch.add_records(records, with_field)


def inherit_field(row: dict[str, Any], fields: dict[tuple, dict]) -> dict[str, Any]:
    """Give a web paste or cut with no element the field clicked before it.

    SmartRPA's browser logger records ``paste`` without its element; the element
    is the one clicked or typed into just before, on the same page. `fields`
    holds the last such element per (app, url) and is updated here.
    """
    key = (row["app"], row.get("url"))
    if row["action"] in _FIELD_ACTIONS and row.get("target_label"):
        fields[key] = {c: row.get(c) for c in _TARGET_COLUMNS}
    elif row["action"] in {"paste", "cut"} and not row.get("target_label"):
        if row.get("url") and key in fields:
            row.update(fields[key])
    return row
