"""export_candidates: folders, index, refusal to overwrite, errors."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from discover.errors import DeskmineError
from discover.export import candidate_folder, export_candidates, slug

FOLDERS = (
    "C-0001-copy-customers-from-excel-into-the-crm",
    "C-0002-copy-the-net-value-into-the-order",
)


def test_writes_one_folder_per_candidate_and_an_index(candidates, tmp_path):
    written = export_candidates(candidates, "robot", tmp_path)
    names = [p.relative_to(tmp_path).as_posix() for p in written]
    assert names == [
        f"{FOLDERS[0]}/conda.yaml",
        f"{FOLDERS[0]}/robot.yaml",
        f"{FOLDERS[0]}/tasks.robot",
        f"{FOLDERS[1]}/conda.yaml",
        f"{FOLDERS[1]}/robot.yaml",
        f"{FOLDERS[1]}/tasks.robot",
        "index.md",
        "index.json",
    ]
    index = json.loads((tmp_path / "index.json").read_text())
    assert index["target"] == "robot" and index["keep_values"] is False
    assert [
        (e["candidate_id"], e["rank"], e["todos"]) for e in index["candidates"]
    ] == [
        ("C-0001", 1, 3),
        ("C-0002", 2, 6),
    ]
    markdown = (tmp_path / "index.md").read_text()
    name = "Copy customers from Excel into the CRM form"
    row = f"| 1 | `C-0001` | {name} | 0.8 | 3 | [{FOLDERS[0]}]"
    assert row in markdown


def test_refuses_to_overwrite_without_force_and_writes_nothing(candidates, tmp_path):
    export_candidates(candidates[:1], "tagui", tmp_path)
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    with pytest.raises(DeskmineError) as error:
        export_candidates(candidates, "tagui", tmp_path)
    assert str(error.value) == (
        f"export would overwrite {tmp_path / FOLDERS[0]}, {tmp_path / 'index.md'}, "
        f"{tmp_path / 'index.json'}; pass --force to overwrite, or choose another "
        "folder with -o."
    )
    assert not (tmp_path / FOLDERS[1]).exists()
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == before


def test_force_overwrites_with_identical_bytes(candidates, tmp_path):
    first = export_candidates(candidates, "uipath", tmp_path)
    snapshot = {p: p.read_bytes() for p in first}
    second = export_candidates(candidates, "uipath", tmp_path, force=True)
    assert {p: p.read_bytes() for p in second} == snapshot


def test_keep_values_is_recorded_in_the_index(candidates, tmp_path):
    export_candidates(candidates, "pdd", tmp_path, keep_values=True)
    assert json.loads((tmp_path / "index.json").read_text())["keep_values"] is True
    assert "Recorded values were kept" in (tmp_path / "index.md").read_text()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("excel-macro",), r"^export target must be one of uipath, power-automate, "
                           r"robot, tagui, pdd; got 'excel-macro'\.$"),
        (("robot",), None),
    ],
)  # fmt: skip
def test_rejects_unknown_targets(candidates, tmp_path, arguments, message):
    if message is None:
        assert export_candidates(candidates, *arguments, tmp_path)
        return
    with pytest.raises(DeskmineError, match=message):
        export_candidates(candidates, *arguments, tmp_path)


def test_rejects_a_bare_candidate_an_empty_list_and_duplicates(candidates, tmp_path):
    with pytest.raises(DeskmineError, match="Wrap a single candidate in a list"):
        export_candidates(candidates[0], "robot", tmp_path)
    with pytest.raises(DeskmineError, match="^no candidates to export"):
        export_candidates([], "robot", tmp_path)
    with pytest.raises(
        DeskmineError, match="^candidates must be unique; got C-0001 twice"
    ):
        export_candidates([candidates[0], candidates[0]], "robot", tmp_path)


def test_rejects_a_file_as_output_folder(candidates, tmp_path):
    target = tmp_path / "out"
    target.write_text("")
    with pytest.raises(DeskmineError, match="out is a file; -o must name a folder"):
        export_candidates(candidates, "robot", target)


def test_folder_names_are_safe_for_hostile_ids_and_names(candidates):
    hostile = replace(candidates[0], candidate_id="../../etc", name="x/../<y> z")
    assert candidate_folder(hostile) == "etc-x-y-z"
    assert slug("Ωμέγα") == "bot"
    assert slug("Crème brûlée → CRM") == "creme-brulee-crm"
