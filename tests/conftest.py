"""Shared test settings: hypothesis profiles (``CI=1`` selects the derandomized one)."""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("default", max_examples=100)
settings.load_profile("ci" if os.environ.get("CI") else "default")


def pytest_addoption(parser):
    # here, not only in tests/exporters/conftest.py, so `pytest --update-golden`
    # works from the repository root too
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite the exporters' golden files from the current output.",
    )
