"""Turn the paths a user gives (files, folders, globs) into the files to read.

Folders are walked recursively in sorted order, hidden files and folders skipped;
a file's event id prefix is its path relative to the folder (or glob root) given,
or its name when the file itself was given.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Iterable
from pathlib import Path

from discover.errors import ConfigError, InputError
from discover.readers._common import Source

_GLOB_CHARS = frozenset("*?[")


def as_path_list(paths: object) -> list[str]:
    """Paths as strings; a lone string or path is one path."""
    # a lone string is one path, not a sequence of one-letter paths
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    try:
        return [os.fspath(p) for p in paths]  # type: ignore[union-attr]
    except TypeError:
        raise ConfigError(
            f"paths must be a file, folder or glob, or a list of them; got {paths!r}."
        ) from None


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def _folder_sources(folder: Path, display: str) -> list[Source]:
    found = []
    for path in folder.rglob("*"):
        relative = path.relative_to(folder)
        if path.is_file() and not _hidden(relative):
            name = relative.as_posix()
            found.append(
                Source(path, os.path.join(display, *relative.parts), name, False)
            )
    return sorted(found, key=lambda s: s.name)


def _glob_root(pattern: str) -> str:
    parts = Path(pattern).parts
    fixed = list(_until_magic(parts))
    return os.path.join(*fixed) if fixed else "."


def _until_magic(parts: tuple[str, ...]) -> Iterable[str]:
    for part in parts:
        if _GLOB_CHARS & set(part):
            return
        yield part


def _glob_sources(pattern: str) -> list[Source]:
    root = Path(_glob_root(pattern))
    found = []
    for match in sorted(glob.glob(pattern, recursive=True)):
        path = Path(match)
        relative = Path(os.path.relpath(path, root))
        if path.is_file() and not _hidden(relative):
            found.append(Source(path, match, relative.as_posix(), False))
    return found


def expand_paths(paths: list[str]) -> tuple[list[Source], list[InputError]]:
    """The files under `paths`, each once, and an error per unusable path."""
    sources: list[Source] = []
    errors: list[InputError] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_file():
            found = [Source(path, given, path.name, True)]
        elif path.is_dir():
            found = _folder_sources(path, given)
        elif _GLOB_CHARS & set(given):
            found = _glob_sources(given)
            if not found:
                errors.append(InputError(given, 0, "path", "no file matches this glob"))
        elif path.exists():
            reason = "not a regular file or folder (a pipe or device?)"
            errors.append(InputError(given, 0, "path", reason))
            continue
        else:
            errors.append(InputError(given, 0, "path", "no such file or folder"))
            continue
        for source in found:
            key = source.path.resolve()
            if key not in seen:
                seen.add(key)
                sources.append(source)
    return sources, errors
