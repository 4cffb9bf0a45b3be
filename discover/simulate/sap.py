"""SAP GUI building blocks shared by the routines that work in SAP."""

from __future__ import annotations

from discover.simulate.screens import Choices, Screen, Step, desktop

SAP_HOME = Screen("SAP GUI", "SAP Easy Access")


def open_transaction(choices: Choices, code: str, favorite: str) -> list[Step]:
    """Open an SAP transaction by typing its code (most users) or via Favorites."""
    if choices.maybe(0.65):
        command = desktop(
            "edit", "Command field", "wnd[0]/tbar[0]/okcd", label="Command"
        )
        return [
            SAP_HOME.step("click", command),
            SAP_HOME.step("type", command, value=f"/n{code}"),
            SAP_HOME.step("key", command, value="Enter", wait_s=1.0),
        ]
    node = desktop(
        "tree item",
        favorite,
        "wnd[0]/usr/cntlIMAGE_CONTAINER/shellcont/shell/shellcont[0]/shell",
        label=f"Favorite {code}",
    )
    return [SAP_HOME.step("double_click", node, wait_s=1.0)]


def save(choices: Choices, screen: Screen) -> Step:
    """Save in SAP GUI with Ctrl+S or the toolbar button."""
    if choices.maybe(0.55):
        return screen.step("hotkey", value="ctrl+s", wait_s=0.8)
    button = desktop("button", "Save", "wnd[0]/tbar[0]/btn[11]")
    return screen.step("click", button, wait_s=0.8)
