"""Two versions of simulated recordings for the CI tests, built once per session.

``base``: 2 users x 3 days without the ``crm_row_entry`` routine type (2,400
events). ``new``: the same files plus a fourth day simulated with every routine
type (a new routine type), and on the third and fourth day each expense approval
gets an extra "Add comment" click after "Approve" (a new variant of a known
routine).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from discover.ci import CiResult, render_baseline, run_ci
from discover.config import Settings, load_settings
from discover.simulate import ROUTINE_TYPES, SimulationConfig, stream_simulation

EVENTS_PER_USER_DAY = 400
USERS = ("u01", "u02")
NEW_DAY = "2026-03-05.jsonl"
CHANGED_DAY = "2026-03-04.jsonl"
NEW_TYPE = "crm_row_entry"


def build_versions(root: Path) -> tuple[Path, Path]:
    """Write ``root/base`` and ``root/new``; return both folders."""
    base, new, full = root / "base", root / "new", root / "full"
    kept = tuple(t for t in ROUTINE_TYPES if t != NEW_TYPE)
    config = SimulationConfig(
        seed=5,
        n_events=EVENTS_PER_USER_DAY * len(USERS) * 3,
        n_users=len(USERS),
        n_days=3,
        routine_types=kept,
    )
    stream_simulation(config, base)
    stream_simulation(
        SimulationConfig(
            seed=5, n_events=EVENTS_PER_USER_DAY * len(USERS) * 4, n_users=2, n_days=4
        ),
        full,
    )
    for name in ("truth.csv", "routines.json"):  # no recordings; keep folders alike
        (base / name).unlink()
    shutil.copytree(base, new)
    for user in USERS:
        add_comment_step(full / user / NEW_DAY, new / user / NEW_DAY)
        # enough commented approvals for discovery to take them as a routine
        add_comment_step(base / user / CHANGED_DAY, new / user / CHANGED_DAY)
    shutil.rmtree(full)
    return base, new


def add_comment_step(source: Path, target: Path) -> int:
    """Copy a JSON Lines day, adding a click on "Add comment" after each "Approve".

    Returns the number of clicks added.
    """
    lines_out, added = [], 0
    for line in source.read_text(encoding="utf-8").splitlines():
        lines_out.append(line)
        event = json.loads(line)
        if event.get("target", {}).get("name") == "Approve":
            comment = {
                **event,
                "event_id": event["event_id"] + "c",
                "target": {
                    "role": "button",
                    "name": "Add comment",
                    "automation_id": "CommentButton",
                    "label": "Add comment",
                },
            }
            lines_out.append(json.dumps(comment, separators=(",", ":")))
            added += 1
    target.write_text("\n".join(lines_out) + "\n", encoding="utf-8")
    return added


@pytest.fixture(scope="session")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The ``base`` and ``new`` recording folders."""
    return build_versions(tmp_path_factory.mktemp("ci-versions"))


@pytest.fixture(scope="session")
def ci_settings_default() -> Settings:
    return load_settings(None, None)


@pytest.fixture(scope="session")
def first_result(versions, ci_settings_default, tmp_path_factory) -> CiResult:
    """The first run on ``base``: no baseline yet, ``update_baseline``."""
    base, _ = versions
    path = tmp_path_factory.mktemp("ci-first") / "baseline.json"
    return run_ci([base], path, ci_settings_default, update_baseline=True)


@pytest.fixture(scope="session")
def baseline_file(first_result, tmp_path_factory) -> Path:
    """The ranked report of ``base``, written as ``--update-baseline`` does."""
    path = tmp_path_factory.mktemp("ci-baseline") / "baseline.json"
    path.write_text(render_baseline(first_result), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def new_result(versions, baseline_file, ci_settings_default) -> CiResult:
    """``new`` compared with the baseline of ``base``, default [ci] settings."""
    _, new = versions
    return run_ci([new], baseline_file, ci_settings_default)


@pytest.fixture(scope="session")
def base_result(versions, baseline_file, ci_settings_default) -> CiResult:
    """``base`` compared with its own baseline."""
    base, _ = versions
    return run_ci([base], baseline_file, ci_settings_default)
