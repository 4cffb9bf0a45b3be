"""Robot Framework export: golden files, keyword qualification, real dryrun."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys

import pytest
from exporter_cases import HOSTILE, all_steps_plan, hostile_candidate

from discover.plan import build_plan
from exporters import robot


def rpaframework_missing() -> str | None:
    for module in ("robot", "RPA.Excel.Files", "RPA.Browser.Selenium", "RPA.Windows"):
        try:
            if importlib.util.find_spec(module) is None:
                return module
        except ModuleNotFoundError:
            return module
    return None


def dryrun(*folders) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "robot", "--dryrun", "--output", "NONE"]
    command += ["--report", "NONE", "--log", "NONE", "--console", "dotted"]
    return subprocess.run(
        command + [str(f / "tasks.robot") for f in folders],
        capture_output=True,
        text=True,
        cwd=folders[0],
        check=False,
    )


@pytest.fixture
def needs_rpaframework():
    missing = rpaframework_missing()
    if missing is None:
        return
    message = (
        f"{missing} is not importable by {sys.executable}; "
        "pip install robotframework rpaframework==33.0.2 to run robot --dryrun"
    )
    if os.environ.get("CI", "").lower() in ("true", "1"):
        pytest.fail(f"under CI the dryrun must run: {message}")
    pytest.skip(message)


def test_exports_pass_robot_dryrun_with_rpaframework(
    needs_rpaframework, candidates, tmp_path
):
    plans = [build_plan(c) for c in candidates]
    hostile = [hostile_candidate(c, text) for c in candidates for text in HOSTILE]
    plans += [
        build_plan(c, keep_values=keep) for c in hostile for keep in (False, True)
    ]
    plans += [all_steps_plan(), all_steps_plan(HOSTILE[2])]
    folders = []
    for number, plan in enumerate(plans):
        folder = tmp_path / f"bot{number:02d}"
        robot.export(plan, folder)
        folders.append(folder)
    result = dryrun(*folders)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert f"{len(plans)} tasks, {len(plans)} passed, 0 failed" in result.stdout


def test_dryrun_catches_a_misspelt_keyword(needs_rpaframework, plans, tmp_path):
    robot.export(plans[0], tmp_path)
    tasks = tmp_path / "tasks.robot"
    tasks.write_text(tasks.read_text().replace("Open Workbook", "Open Workbok", 1))
    result = dryrun(tmp_path)
    assert result.returncode == 1
    assert "No keyword with name 'Open Workbok' found." in result.stdout


def test_robot_golden_files(plans, golden):
    for plan in plans:
        for name, text in sorted(robot.render_files(plan).items()):
            golden(f"robot/{plan.plan_id}/{name}", text)


def test_keywords_shared_by_imported_libraries_are_qualified():
    text = robot.render_tasks(all_steps_plan())
    assert "Library             RPA.Windows" in text
    assert "Library             RPA.Browser.Selenium    auto_close=${FALSE}" in text
    assert "    ${page_text}=    RPA.Browser.Selenium.Get Text    id:Field-id" in text
    assert '    ${page_text}=    RPA.Windows.Get Value    id:"Field-aid"' in text
    # Press Keys also exists in RPA.Desktop, which this plan does not import.
    assert "    Press Keys    ${NONE}    ENTER" in text
    assert "    Double Click Element    id:Field-id" in text
    assert '    Right Click    name:"Field"' in text


def test_desktop_only_plan_imports_only_rpa_windows(plans):
    text = robot.render_tasks(plans[1])
    libraries = [line for line in text.splitlines() if line.startswith("Library")]
    assert libraries == ["Library             RPA.Windows"]
    assert '    Click    id:"wnd[0]/usr/ctxtVBAK-VBELN" and type:EditControl' in text
    assert "    Send Keys    keys={Ctrl}s" in text


def test_robot_yaml_and_conda_pin_rpaframework(plans):
    files = robot.render_files(plans[0])
    assert (
        '  "C-0001 Copy customers from Excel into the CRM form":\n'
        in files["robot.yaml"]
    )
    assert "      - rpaframework==33.0.2\n" in files["conda.yaml"]
