"""Contract tests every exporter must pass (STYLE §9, like scikit-learn's
``parametrize_with_checks``): valid output on hostile labels, no seeded value in
clear, byte-identical re-exports, every step type rendered, unknown steps refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import pytest
from exporter_cases import HOSTILE, SEEDS, all_steps_plan, hostile_candidate
from lxml import html as lxml_html

from discover.plan import build_plan
from exporters import EXPORTERS, pdd, power_automate, robot, tagui, uipath
from exporters._check_pad import check_flow as check_pad
from exporters._check_uipath import check_project
from exporters._lint_tagui import check_flow as check_tagui
from models import PlanVisitor, UnsupportedStep

RENDERERS = {
    "uipath": uipath.render_files,
    "power-automate": power_automate.render_files,
    "robot": robot.render_files,
    "tagui": tagui.render_files,
    "pdd": pdd.render_files,
}
_RAW_ROBOT_VARIABLE = re.compile(r"(?<!\\)[$@%&]\{(x|y|z|w)\}")


def check_robot(files: dict[str, str]) -> list[str]:
    text = files["tasks.robot"]
    problems = []
    sections = [line for line in text.splitlines() if line.startswith("***")]
    if sections != ["*** Settings ***", "*** Variables ***", "*** Tasks ***"]:
        problems.append(f"sections are {sections}")
    for number, line in enumerate(text.splitlines(), 1):
        code = "" if line.lstrip().startswith("#") else line.split("    # ")[0]
        if _RAW_ROBOT_VARIABLE.search(code):
            problems.append(f"line {number}: unescaped recorded ${{...}}")
        if line.startswith(("line two", "three", "four")):
            problems.append(f"line {number}: a recorded line break split a cell")
    for name in ("robot.yaml", "conda.yaml"):
        if "\r" in files[name] or "\u2028" in files[name]:
            problems.append(f"{name}: raw line break in a value")
    return problems


def check_pdd(files: dict[str, str]) -> list[str]:
    problems = []
    page = lxml_html.document_fromstring(files["PDD.html"])
    if page.find(".//title") is None or not page.findall(".//h2"):
        problems.append("PDD.html has no title or sections")
    for element in page.iter():
        if isinstance(element.tag, str) and element.tag in ("b", "script"):
            problems.append(f"PDD.html: recorded markup became a <{element.tag}>")
    lines = files["PDD.md"].splitlines()
    for number, line in enumerate(lines, 1):
        if re.search(r"<[a-z/]", line):
            problems.append(f"PDD.md line {number}: raw HTML")
        if line.startswith("|"):
            # as many unescaped pipes as the table's separator row: a recorded
            # "|" left unescaped would add a cell
            near = [h for h in lines[number - 1 : number + 1] if h.startswith("|---")]
            above = [h for h in lines[:number] if h.startswith("|---")]
            header = (near or above)[-1]
            pipes = len(re.findall(r"(?<!\\)\|", line))
            if pipes != header.count("|"):
                problems.append(f"PDD.md line {number}: {pipes} pipes in a table row")
    return problems


VALIDATORS = {
    "uipath": check_project,
    "power-automate": lambda files: check_pad(files["flow.txt"]),
    "robot": check_robot,
    "tagui": lambda files: check_tagui(files["flow.tag"]),
    "pdd": check_pdd,
}


def test_every_exporter_has_a_renderer_and_a_validator():
    assert sorted(EXPORTERS) == sorted(RENDERERS) == sorted(VALIDATORS)


@pytest.mark.parametrize("target", sorted(RENDERERS))
def test_fixture_candidates_render_valid_output(target, plans):
    for plan in plans:
        assert VALIDATORS[target](RENDERERS[target](plan)) == []


@pytest.mark.parametrize("target", sorted(RENDERERS))
def test_all_step_types_render_valid_output(target):
    files = RENDERERS[target](all_steps_plan())
    assert VALIDATORS[target](files) == []


@pytest.mark.parametrize("text", HOSTILE, ids=lambda t: repr(t[:12]))
@pytest.mark.parametrize("target", sorted(RENDERERS))
def test_hostile_labels_give_valid_escaped_output(target, text, candidates):
    hostile = [hostile_candidate(c, text) for c in candidates]
    plans = [build_plan(c, keep_values=keep) for c in hostile for keep in (False, True)]
    plans.append(all_steps_plan(text))
    for plan in plans:
        files = RENDERERS[target](plan)
        assert VALIDATORS[target](files) == []
        for name, content in files.items():
            assert "\u202e" not in content, f"{name} holds a bidi override"


@pytest.mark.parametrize("target", sorted(EXPORTERS))
def test_no_seeded_value_is_written_unless_kept(target, candidates, tmp_path):
    for candidate in candidates:
        EXPORTERS[target](
            build_plan(candidate), tmp_path / "masked" / candidate.candidate_id
        )
        EXPORTERS[target](
            build_plan(candidate, keep_values=True),
            tmp_path / "kept" / candidate.candidate_id,
        )
    masked = b"".join(
        p.read_bytes() for p in sorted((tmp_path / "masked").rglob("*.*"))
    )
    kept = b"".join(p.read_bytes() for p in sorted((tmp_path / "kept").rglob("*.*")))
    assert masked
    for seed in SEEDS:
        assert seed.encode() not in masked, f"{seed} leaked into the {target} export"
    assert b"tok_SEED_8841" in kept, "keep_values=True must keep the URL query values"


@pytest.mark.parametrize("target", sorted(EXPORTERS))
def test_reexport_is_byte_identical(target, candidates, tmp_path):
    runs = []
    for run in ("first", "second"):
        files = []
        for candidate in candidates:
            files += EXPORTERS[target](
                build_plan(candidate), tmp_path / run / candidate.candidate_id
            )
        runs.append({p.relative_to(tmp_path / run): p.read_bytes() for p in files})
    assert runs[0] == runs[1]
    assert len(runs[0]) >= 2


@dataclass(frozen=True)
class Teleport:
    """A step no exporter knows."""

    where: str

    def visit(self, visitor: PlanVisitor) -> None:
        visitor.visit_step(self)


@pytest.mark.parametrize("target", sorted(RENDERERS))
def test_unknown_step_raises_unsupported_step(target):
    plan = replace(all_steps_plan(), steps=(Teleport("mars"),))
    with pytest.raises(UnsupportedStep, match=r"cannot render a Teleport step"):
        RENDERERS[target](plan)


def header_plan(candidates):
    candidate = candidates[0]
    steps = tuple(
        replace(s, target_label=f"{s.cell[0]} 'Nr' \"x\"") if s.cell else s
        for s in candidate.routine.steps
    )
    return build_plan(
        replace(candidate, routine=replace(candidate.routine, steps=steps))
    )


def test_rows_are_looked_up_by_recorded_header_text(candidates):
    plan = header_plan(candidates)
    assert plan.column("a_nr_x").key == "A 'Nr' \"x\""
    tasks = robot.render_tasks(plan)
    assert "${column_a_nr_x}    A 'Nr' \"x\"" in tasks
    assert "    ${a_nr_x}=    Set Variable    ${row}[${column_a_nr_x}]" in tasks
    assert '[row("A \'Nr\' ""x""").ToString]' in uipath.render_xaml(plan)
    assert "SET a_nr_x TO row['A \\'Nr\\' \"x\"']" in power_automate.render_flow(plan)
    assert "    a_nr_x = rows[n][0]" in tagui.render_flow(plan)
