"""UiPath Studio export: a project folder with ``project.json`` and ``Main.xaml``.

Main.xaml uses the modern activities (Use Application/Browser cards, NClick,
NTypeInto, NGetText, NKeyboardShortcuts; Use Excel File with ReadRangeX) and is built
with lxml (``_uipath_xaml``), so every recorded text is escaped by the XML writer.
Targets carry partial selectors as hints; guessed ones are named "TODO Indicate - ..."
so the developer re-indicates them in Studio (UiPath's own stub pattern). GUIDs
derive from the plan id (uuid5), never from the clock.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from exporters._escape import one_line
from exporters._files import write_files
from exporters._plan_check import check_plan
from exporters._uipath_xaml import render_main
from models.botplan import (
    AttachWindow,
    BotPlan,
    Click,
    CopyToVariable,
    ForEachRow,
    Hotkey,
    Navigate,
    OpenApp,
    PasteVariable,
    ReadRange,
    TypeText,
    UseBrowser,
)

STUDIO_VERSION = "23.10.4.0"
DEPENDENCIES = {
    "UiPath.System.Activities": "[23.10.5]",
    "UiPath.UIAutomation.Activities": "[23.10.7]",
    "UiPath.Excel.Activities": "[2.22.3]",
}


def guid(plan: BotPlan, purpose: str) -> str:
    """Return the stable GUID for `purpose` in `plan` (uuid5 of the plan id)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"deskmine:{plan.plan_id}:{purpose}"))


def render_xaml(plan: BotPlan) -> str:
    """Return ``Main.xaml`` for `plan`."""
    return render_main(plan)


def render_project_json(plan: BotPlan) -> str:
    """Return ``project.json`` (schemaVersion 4.0) for `plan`."""
    used = _technologies(plan)
    dependencies = {
        "UiPath.System.Activities": DEPENDENCIES["UiPath.System.Activities"]
    }
    if used & {"desktop", "browser"}:
        key = "UiPath.UIAutomation.Activities"
        dependencies[key] = DEPENDENCIES[key]
    if "spreadsheet" in used:
        dependencies["UiPath.Excel.Activities"] = DEPENDENCIES[
            "UiPath.Excel.Activities"
        ]
    inputs = [
        {
            "name": v.name,
            "type": "System.String",
            "required": False,
            "hasDefault": False,
        }
        for v in plan.variables
        if v.kind == "input"
    ]
    project = {
        "name": _project_name(plan),
        "projectId": guid(plan, "project"),
        "description": one_line(
            f"Bot skeleton exported by deskmine for {plan.plan_id}: {plan.name}", 500
        ),
        "main": "Main.xaml",
        "dependencies": dict(sorted(dependencies.items())),
        "webServices": [],
        "entitiesStores": [],
        "schemaVersion": "4.0",
        "studioVersion": STUDIO_VERSION,
        "projectVersion": "1.0.0",
        "runtimeOptions": {
            "autoDispose": False,
            "netFrameworkLazyLoading": False,
            "isPausable": True,
            "isAttended": False,
            "requiresUserInteraction": True,
            "supportsPersistence": False,
            "workflowSerialization": "DataContract",
            "excludedLoggedData": ["Private:*", "*password*"],
            "executionType": "Workflow",
            "readyForPiP": False,
            "startsInPiP": False,
            "mustRestoreAllDependencies": True,
            "pipType": "ChildSession",
        },
        "designOptions": {
            "projectProfile": "Developement",  # sic: Studio's own spelling
            "outputType": "Process",
            "libraryOptions": {"includeOriginalXaml": False, "privateWorkflows": []},
            "processOptions": {"ignoredFiles": []},
            "fileInfoCollection": [],
            "modernBehavior": True,
            "saveToCloud": False,
        },
        "expressionLanguage": "VisualBasic",
        "entryPoints": [
            {
                "filePath": "Main.xaml",
                "uniqueId": guid(plan, "entry:Main.xaml"),
                "input": inputs,
                "output": [],
            }
        ],
        "isTemplate": False,
        "templateProjectData": {},
        "publishData": {},
        "targetFramework": "Windows",
    }
    return json.dumps(project, indent=2, ensure_ascii=False) + "\n"


def render_files(plan: BotPlan) -> dict[str, str]:
    """Return the project's files, name -> text."""
    check_plan(plan)
    return {"project.json": render_project_json(plan), "Main.xaml": render_xaml(plan)}


def export(plan: BotPlan, out_dir: Path) -> list[Path]:
    """Write the Studio project for `plan` into `out_dir`; return the files written."""
    return write_files(render_files(plan), out_dir)


def _project_name(plan: BotPlan) -> str:
    words = "".join(c if c.isalnum() else " " for c in one_line(plan.name)).split()
    name = "".join(w[:1].upper() + w[1:] for w in words if w.isascii())[:60]
    return f"{plan.plan_id.replace('-', '')}_{name or 'Bot'}"


def _technologies(plan: BotPlan) -> set[str]:
    used: set[str] = set()
    stack = list(plan.steps)
    while stack:
        step = stack.pop()
        if isinstance(step, ForEachRow):
            stack.extend(step.body)
        elif isinstance(step, ReadRange):
            used.add("spreadsheet")
        elif isinstance(step, (Click, TypeText, PasteVariable)):
            used.add(step.target.technology)
        elif isinstance(step, CopyToVariable) and step.target is not None:
            used.add(step.target.technology)
        elif isinstance(step, (OpenApp, AttachWindow, UseBrowser, Hotkey, Navigate)):
            used.add("desktop")
    return used
