"""Write an exporter's rendered files: UTF-8, ``\\n`` line ends, sorted order."""

from __future__ import annotations

from pathlib import Path


def write_files(files: dict[str, str], out_dir: Path) -> list[Path]:
    """Write each ``name -> text`` under `out_dir`; return the paths written, sorted.

    Bytes are written as given (no platform newline translation), so the same plan
    gives the same bytes on every machine.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in sorted(files):
        path = out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[name].encode("utf-8"))
        written.append(path)
    return written
