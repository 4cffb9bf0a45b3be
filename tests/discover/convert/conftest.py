"""Shared inputs for the convert tests: a small simulated analysis, a handmade one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from discover.config import Settings
from discover.pipeline import Analysis, analyse
from discover.simulate import SimulationConfig, simulate, write_simulation


def invoice_session(path: Path, session: str = "=SUM(1)") -> Path:
    """Eight runs of copy invoice number -> paste -> save, with gaps between runs."""
    lines = []
    for n in range(8):
        minute = 10 + 3 * n
        number = f"INV-2026-{n + 1:04d}"
        common = {"user": "anna", "session": session}
        lines += [
            {
                "ts": f"2026-03-02T09:{minute:02d}:00Z",
                "app": "Excel",
                "action": "copy",
                "value": f"{number} / PO-{77000 + n}",
                "workbook": "inv.xlsx",
                "sheet": "S",
                "cell": f"A{n + 2}",
                **common,
            },
            {
                "ts": f"2026-03-02T09:{minute:02d}:04Z",
                "app": "Chrome",
                "action": "paste",
                "target": {"role": "edit", "label": "Invoice <no> & 'ref'"},
                "url": "https://erp.example.test/new",
                "value": f"{number} / PO-{77000 + n}",
                **common,
            },
            {
                "ts": f"2026-03-02T09:{minute:02d}:09Z",
                "app": "Chrome",
                "action": "click",
                "target": {"role": "button", "label": "Save"},
                "url": "https://erp.example.test/new",
                "duration_s": 0.25,
                **common,
            },
        ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def _default_secret(monkeypatch):
    monkeypatch.delenv("DESKMINE_SECRET", raising=False)


@pytest.fixture(scope="session")
def simulated(tmp_path_factory) -> Analysis:
    folder = tmp_path_factory.mktemp("sim")
    config = SimulationConfig(seed=3, n_events=1200, n_users=2, n_days=3)
    write_simulation(simulate(config), folder)
    with pytest.MonkeyPatch.context() as env:
        env.delenv("DESKMINE_SECRET", raising=False)
        return analyse([folder], Settings())


@pytest.fixture(scope="session")
def invoice_path(tmp_path_factory) -> Path:
    return invoice_session(tmp_path_factory.mktemp("inv") / "anna.jsonl")


@pytest.fixture(scope="session")
def invoices(invoice_path) -> Analysis:
    with pytest.MonkeyPatch.context() as env:
        env.delenv("DESKMINE_SECRET", raising=False)  # hashes under the default key
        return analyse([invoice_path], Settings())
