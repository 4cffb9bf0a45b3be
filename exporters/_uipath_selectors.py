"""UiPath selector strings for apps (scope) and elements (partial selectors).

Values pass ``uipath_selector_value``; the whole string is then an attribute value
that lxml escapes once more, as Studio stores it.
"""

from __future__ import annotations

import re

from exporters._escape import uipath_selector_value
from models.botplan import App, Target

_WEB_TAGS = {
    "textbox": "INPUT",
    "checkbox": "INPUT",
    "button": "BUTTON",
    "link": "A",
    "combobox": "SELECT",
}


def _selector(tag: str, attributes: list[tuple[str, str]]) -> str:
    parts = " ".join(f"{k}='{uipath_selector_value(v)}'" for k, v in attributes if v)
    return f"<{tag} {parts} />" if parts else f"<{tag} />"


def app_selector(app: App) -> str:
    """Return the window/browser selector of `app` (``<html app=... />``)."""
    title = [("title", app.window)] if app.window else []
    if app.technology == "browser":
        return _selector("html", [("app", app.process), *title])
    return _selector("wnd", [("app", app.process), *title])


def element_selector(app: App, target: Target) -> str:
    """Return the partial selector of `target` inside `app`."""
    if target.technology == "browser":
        attributes = []
        for kind, name in (("id", "id"), ("css", "css-selector"), ("name", "name")):
            found = target.selector(kind)
            if found is not None:
                attributes.append((name, found.value))
        if not attributes:
            label = target.selector("label")
            attributes.append(("aaname", label.value if label else target.label))
        tag = _WEB_TAGS.get((target.role or "").lower())
        css = target.selector("css")
        css_tag = re.match(r"[A-Za-z]+", css.value) if css is not None else None
        if css_tag is not None:
            tag = css_tag.group(0).upper()
        return _selector("webctrl", [*attributes, ("tag", tag or "")])
    automation_id = target.selector("automation_id", "id")
    if automation_id is not None and app.process == "saplogon.exe":
        return _selector("sap", [("id", automation_id.value)])
    if automation_id is not None:
        return _selector("uia", [("automationid", automation_id.value)])
    name = target.selector("name", "label")
    return _selector(
        "uia", [("name", name.value if name else target.label), ("role", target.role)]
    )
