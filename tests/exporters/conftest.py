"""Fixtures for exporter tests; ``--update-golden`` rewrites the golden files.

Golden files live in ``tests/data/exporters/golden/<target>/<candidate>/`` and change
only with ``pytest tests/exporters --update-golden``.
"""

from __future__ import annotations

import pytest
from exporter_cases import GOLDEN, load_candidates

from discover.plan import build_plan
from models import BotPlan, Candidate


def pytest_addoption(parser: pytest.Parser) -> None:
    # pytest reads options only from conftests it loads at start-up: this one when
    # tests/exporters (or a file in it) is on the command line. A root conftest may
    # register the same option so that a bare `pytest --update-golden` works too.
    try:
        parser.addoption(
            "--update-golden",
            action="store_true",
            default=False,
            help="Rewrite the exporters' golden files from the current output.",
        )
    except ValueError:  # already registered by tests/conftest.py
        pass


@pytest.fixture(scope="session")
def candidates() -> list[Candidate]:
    return load_candidates()


@pytest.fixture(scope="session")
def plans(candidates) -> list[BotPlan]:
    return [build_plan(c) for c in candidates]


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """Return ``check(relative, text)``: compare with, or update, a golden file."""

    def check(relative: str, text: str) -> None:
        path = GOLDEN / relative
        if request.config.getoption("--update-golden"):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(text.encode("utf-8"))
            return
        assert path.exists(), (
            f"{path} is missing; run pytest tests/exporters --update-golden"
        )
        assert text == path.read_bytes().decode("utf-8"), (
            f"{relative} differs from its golden file; if the change is intended, run "
            "pytest tests/exporters --update-golden and review the diff"
        )

    return check
