"""Export candidates as bot skeletons: one folder per candidate plus an index.

This module joins discovery (``build_plan``) and the exporters, so the command line
stays thin (``deskmine export ... --to TARGET -o DIR``).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from discover.errors import DeskmineError
from discover.plan import build_plan
from exporters import EXPORTERS
from models.routines import Candidate

TARGETS: tuple[str, ...] = tuple(EXPORTERS)
INDEX_FILES: tuple[str, ...] = ("index.md", "index.json")


def slug(text: str, limit: int = 40) -> str:
    """Return a lower-case ASCII file-name slug of `text` (``"bot"`` when empty).

    Examples
    --------
    >>> slug("Copy customers → CRM (Excel)")
    'copy-customers-crm-excel'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    kept: list[str] = []
    for word in words:
        if len("-".join([*kept, word])) > limit:
            break
        kept.append(word)
    return "-".join(kept) or (words[0][:limit] if words else "bot")


def candidate_folder(candidate: Candidate) -> str:
    """Return the folder name of `candidate`: ``<candidate_id>-<slug of its name>``."""
    cid = candidate.candidate_id
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,59}", cid):
        cid = slug(cid, 60)
    return f"{cid}-{slug(candidate.name)}"


def export_candidates(
    candidates: Sequence[Candidate],
    target: str,
    out_dir: Path | str,
    *,
    force: bool = False,
    keep_values: bool = False,
) -> list[Path]:
    """Write a bot skeleton per candidate into `out_dir`, plus ``index.md``/``.json``.

    Parameters
    ----------
    candidates : sequence of Candidate
        The candidates to export, in the order the index lists them.
    target : {"uipath", "power-automate", "robot", "tagui", "pdd"}
        The exporter to use.
    out_dir : path
        Folder receiving ``<candidate_id>-<slug>/`` folders and the index.
    force : bool, default=False
        Overwrite files from an earlier export. Without it nothing is written when
        any destination already holds files.
    keep_values : bool, default=False
        Keep recorded values (URL queries, full window titles) in the exports.

    Returns
    -------
    list of Path
        Every file written, candidate folders first, then the index files.

    Raises
    ------
    DeskmineError
        Unknown target, no candidates, two candidates with one id, or existing
        files without `force`.
    """
    if target not in EXPORTERS:
        raise DeskmineError(
            f"export target must be one of {', '.join(TARGETS)}; got {target!r}."
        )
    if isinstance(candidates, Candidate) or not all(
        isinstance(c, Candidate) for c in candidates
    ):
        raise DeskmineError(
            "export_candidates needs a sequence of Candidate objects; "
            f"got {type(candidates).__name__}. Wrap a single candidate in a list."
        )
    if not candidates:
        raise DeskmineError(
            "no candidates to export; check --candidate / --top, or rank first."
        )
    out_dir = Path(out_dir)
    folders = [out_dir / candidate_folder(c) for c in candidates]
    if len(set(folders)) != len(folders):
        seen = [c.candidate_id for c in candidates]
        twice = sorted({i for i in seen if seen.count(i) > 1})
        raise DeskmineError(f"candidates must be unique; got {', '.join(twice)} twice.")
    _check_destination(out_dir, folders, force)
    plans = [build_plan(c, keep_values=keep_values) for c in candidates]
    exporter = EXPORTERS[target]
    written: list[Path] = []
    entries = []
    for candidate, plan, folder in zip(candidates, plans, folders):
        files = exporter(plan, folder)
        written += files
        entries.append(
            {
                "candidate_id": candidate.candidate_id,
                "name": candidate.name,
                "rank": candidate.rank,
                "folder": folder.name,
                "files": [p.relative_to(out_dir).as_posix() for p in files],
                "todos": len(plan.todos),
                "hours_per_month": candidate.score.hours_per_month,
            }
        )
    written += _write_index(out_dir, target, keep_values, entries)
    return written


def _check_destination(out_dir: Path, folders: list[Path], force: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise DeskmineError(f"{out_dir} is a file; -o must name a folder.")
    if force:
        return
    taken = [f for f in folders if f.is_dir() and any(f.iterdir())]
    taken += [out_dir / name for name in INDEX_FILES if (out_dir / name).exists()]
    taken += [f for f in folders if f.exists() and not f.is_dir()]
    if taken:
        listed = ", ".join(str(p) for p in taken[:3])
        more = f" and {len(taken) - 3} more" if len(taken) > 3 else ""
        raise DeskmineError(
            f"export would overwrite {listed}{more}; pass --force to overwrite, "
            "or choose another folder with -o."
        )


def _write_index(
    out_dir: Path, target: str, keep_values: bool, entries: list[dict]
) -> list[Path]:
    index = {"target": target, "keep_values": keep_values, "candidates": entries}
    json_path = out_dir / "index.json"
    json_path.write_bytes(
        (json.dumps(index, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    )
    lines = [
        f"# deskmine export: {target}",
        "",
        "| Rank | Candidate | Name | Hours/month | TODOs | Folder |",
        "|---:|---|---|---:|---:|---|",
    ]
    for entry in entries:
        name = _markdown_cell(entry["name"])
        lines.append(
            f"| {entry['rank']} | `{entry['candidate_id']}` | {name} | "
            f"{entry['hours_per_month']:.1f} | {entry['todos']} | "
            f"[{entry['folder']}]({entry['folder']}/) |"
        )
    if keep_values:
        lines += ["", "Recorded values were kept (keep_values): review before sharing."]
    md_path = out_dir / "index.md"
    md_path.write_bytes(("\n".join(lines) + "\n").encode("utf-8"))
    return [md_path, json_path]


def _markdown_cell(text: str) -> str:
    flat = " ".join(text.split())
    flat = re.sub(r"([\\`*_\[\]|~])", r"\\\1", flat)
    return flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
