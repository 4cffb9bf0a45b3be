"""What every ``deskmine`` command shares: the Typer app, option types, progress,
notes, error handling and the read-and-analyse step."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from discover.errors import DeskmineError

app = typer.Typer(
    name="deskmine",
    help="Find repetitive desktop routines in UI recordings, rank them by the time "
    "a bot would save, and export bot skeletons.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
)
stderr = Console(stderr=True)


class Format(str, Enum):
    table = "table"
    json = "json"
    markdown = "markdown"
    csv = "csv"


class LabelFormat(str, Enum):
    csv = "csv"
    jsonl = "jsonl"


class EvalFormat(str, Enum):
    table = "table"
    json = "json"


Paths = Annotated[
    list[Path],
    typer.Argument(help="Recording files, folders or globs.", show_default=False),
]
FormatOpt = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]
OutputOpt = Annotated[
    Path | None, typer.Option("--output", "-o", help="Write to this file, not stdout.")
]
ConfigOpt = Annotated[
    Path | None, typer.Option("--config", help="TOML settings file (see README).")
]
TopOpt = Annotated[int, typer.Option("--top", min=1, help="Show the best N only.")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress or notes.")]
InputFormatOpt = Annotated[
    str | None,
    typer.Option("--input-format", help="Force a reader instead of detecting it."),
]
SkipInvalidOpt = Annotated[
    bool,
    typer.Option("--skip-invalid", help="Skip invalid events (reported) and go on."),
]
KeepValuesOpt = Annotated[
    bool,
    typer.Option(
        "--keep-values", help="Keep typed and copied values in clear (opt-in)."
    ),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option("--encoding", help="Text encoding of the inputs (default: UTF-8)."),
]
TimezoneOpt = Annotated[
    str | None,
    typer.Option(
        "--timezone", help="IANA zone of times recorded without one (default UTC)."
    ),
]
MapOpt = Annotated[
    list[str] | None,
    typer.Option("--map", help="Column mapping for generic CSV, e.g. ts=Time."),
]


@contextmanager
def user_errors() -> Iterator[None]:
    """Print our errors as one line each on stderr and exit with their code."""
    try:
        yield
    except DeskmineError as exc:
        stderr.print(str(exc), markup=False, highlight=False, soft_wrap=True)
        raise typer.Exit(exc.exit_code) from None


@contextmanager
def progress(quiet: bool) -> Iterator[callable]:
    """A stage display on a terminal; silent when piped or quiet."""
    hidden = quiet or not stderr.is_terminal
    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with Progress(*columns, console=stderr, transient=True, disable=hidden) as bar:
        task = bar.add_task("starting", total=None)
        yield lambda stage: bar.update(task, description=stage)


def note(message: str, quiet: bool) -> None:
    if not quiet:
        stderr.print(message, markup=False, highlight=False, soft_wrap=True)


def write_result(text: str, output: Path | None) -> None:
    """Write the result to `output`, or to stdout."""
    if output is None:
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")


def parse_map(pairs: list[str] | None) -> dict[str, str] | None:
    if not pairs:
        return None
    mapping: dict[str, str] = {}
    for pair in pairs:
        for item in pair.split(","):
            field, sep, column = item.partition("=")
            if not sep or not field.strip() or not column.strip():
                raise DeskmineError(
                    f"--map takes field=column pairs such as ts=Time; got {item!r}."
                )
            mapping[field.strip()] = column.strip()
    return mapping


def settings_for(config: Path | None, keep_values: bool = False):
    """Settings from `config` (or defaults), with command-line opt-ins applied."""
    from discover.config import load_settings

    overrides = {"privacy": {"keep_values": True}} if keep_values else None
    return load_settings(config, overrides)


def run_analysis(
    paths: list[Path],
    config: Path | None,
    *,
    input_format: str | None,
    skip_invalid: bool,
    keep_values: bool,
    quiet: bool,
    column_map: list[str] | None = None,
    encoding: str | None = None,
    timezone: str | None = None,
):
    """Read and analyse `paths` with a progress display; note skipped events."""
    from discover.mining import warm_up
    from discover.pipeline import analyse

    warm_up()  # compile Numba kernels while the recordings are read
    settings = settings_for(config, keep_values)
    with progress(quiet) as stage:
        analysis = analyse(
            paths,
            settings,
            input_format=input_format,
            encoding=encoding,
            timezone=timezone,
            skip_invalid=skip_invalid,
            column_map=parse_map(column_map),
            notify=stage,
        )
    errors = analysis.read.errors
    if errors:
        shown = ", ".join(f"{e.path}:{e.line}" for e in errors[:5])
        more = f" and {len(errors) - 5} more" if len(errors) > 5 else ""
        note(f"skipped {len(errors)} invalid events ({shown}{more})", quiet)
    return analysis
