"""House rules that code review would otherwise have to catch (STYLE.md §1, §5)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("models", "discover", "exporters")


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


@pytest.mark.parametrize("path", python_files("models"), ids=lambda p: p.name)
def test_models_import_nothing_of_ours(path):
    assert imported_roots(path) & {"discover", "exporters"} == set()


@pytest.mark.parametrize("path", python_files("exporters"), ids=lambda p: p.name)
def test_exporters_import_models_only(path):
    assert "discover" not in imported_roots(path)


@pytest.mark.parametrize(
    "path",
    [p for p in python_files("discover") if p.parent.name != "cli"],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_only_the_cli_sees_exporters(path):
    assert "exporters" not in imported_roots(path) or path.name == "export.py"


def njit_decorators(path: Path) -> list[tuple[int, bool]]:
    """(line, has cache=True) for each numba jit decorator in `path`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.FunctionDef):
            continue
        for deco in node.decorator_list:
            func = deco.func if isinstance(deco, ast.Call) else deco
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            if name in {"njit", "jit"}:
                cached = isinstance(deco, ast.Call) and any(
                    k.arg == "cache" and getattr(k.value, "value", None) is True
                    for k in deco.keywords
                )
                found.append((node.lineno, cached))
    return found


@pytest.mark.parametrize(
    "path",
    [p for pkg in PACKAGES for p in python_files(pkg)],
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_numba_kernels_live_in_kernels_py_with_cache(path):
    decorators = njit_decorators(path)
    if path.name != "kernels.py":
        assert decorators == [], f"@njit outside discover/kernels.py at {decorators}"
    else:
        assert all(cached for _, cached in decorators), decorators
