"""The ``deskmine`` command line: thin commands over the library.

stdout carries the result only; progress, notes and errors go to stderr. Exit codes:
0 ok, 1 a CI rule failed, 2 bad input.
"""

from __future__ import annotations

import json
import os
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


@app.command()
def validate(
    paths: Paths,
    input_format: InputFormatOpt = None,
    encoding: EncodingOpt = None,
    timezone: TimezoneOpt = None,
    column_map: MapOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Check every event in PATHS; print each problem as path:line: field: reason.

    Exits 2 if any event is invalid, 0 otherwise.
    """
    from discover.readers import validate_events

    with user_errors():
        result = validate_events(
            paths,
            input_format=input_format,
            column_map=parse_map(column_map),
            encoding=encoding,
            timezone=timezone,
        )
        for error in result.errors:
            stderr.print(str(error), markup=False, highlight=False, soft_wrap=True)
        n_valid = len(result.events)
        files = len(result.files)
        verdict = "ok" if not result.errors else f"{len(result.errors)} invalid"
        write_result(f"{n_valid} valid events in {files} files; {verdict}", output=None)
        if result.errors:
            raise typer.Exit(2)


@app.command()
def rank(
    paths: Paths,
    fmt: FormatOpt = Format.table,
    output: OutputOpt = None,
    top: TopOpt = 20,
    config: ConfigOpt = None,
    input_format: InputFormatOpt = None,
    encoding: EncodingOpt = None,
    timezone: TimezoneOpt = None,
    skip_invalid: SkipInvalidOpt = False,
    keep_values: KeepValuesOpt = False,
    column_map: MapOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Rank the automation candidates found in PATHS (best first)."""
    from discover.report import render_report, report_from_analysis

    with user_errors():
        analysis = run_analysis(
            paths,
            config,
            input_format=input_format,
            encoding=encoding,
            timezone=timezone,
            skip_invalid=skip_invalid,
            keep_values=keep_values,
            quiet=quiet,
            column_map=column_map,
        )
        report = report_from_analysis(analysis, top=top)
        write_result(render_report(report, fmt.value), output)


@app.command()
def show(
    candidate_id: Annotated[str, typer.Argument(help="Candidate id (or a prefix).")],
    paths: Paths,
    output: OutputOpt = None,
    config: ConfigOpt = None,
    input_format: InputFormatOpt = None,
    encoding: EncodingOpt = None,
    timezone: TimezoneOpt = None,
    column_map: MapOpt = None,
    skip_invalid: SkipInvalidOpt = False,
    keep_values: KeepValuesOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Print one candidate in detail: steps, variants, data flow, examples, score."""
    from discover.render.detail import render_detail

    with user_errors():
        analysis = run_analysis(
            paths,
            config,
            input_format=input_format,
            encoding=encoding,
            timezone=timezone,
            skip_invalid=skip_invalid,
            keep_values=keep_values,
            quiet=quiet,
            column_map=column_map,
        )
        (candidate,) = pick_candidates(analysis, [candidate_id], top=1)
        write_result(
            render_detail(candidate, analysis.events, analysis.settings), output
        )


@app.command()
def label(
    paths: Paths,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="File to write the labelled events.")
    ],
    fmt: Annotated[
        LabelFormat, typer.Option("--format", "-f", help="csv or jsonl.")
    ] = LabelFormat.csv,
    config: ConfigOpt = None,
    input_format: InputFormatOpt = None,
    encoding: EncodingOpt = None,
    timezone: TimezoneOpt = None,
    column_map: MapOpt = None,
    skip_invalid: SkipInvalidOpt = False,
    keep_values: KeepValuesOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Write every input event with its routine_id and instance_id (the segmentation).

    Events in no routine get empty ids. instance_id works as a case id for process
    mining. Values stay masked unless --keep-values.
    """
    from discover.label import label_events
    from discover.render.labels import input_order, render_labels

    with user_errors():
        analysis = run_analysis(
            paths,
            config,
            input_format=input_format,
            encoding=encoding,
            timezone=timezone,
            skip_invalid=skip_invalid,
            keep_values=keep_values,
            quiet=quiet,
            column_map=column_map,
        )
        events = input_order(analysis.events, analysis.read.files)
        labelled = label_events(events, analysis.routines)
        write_result(render_labels(labelled, fmt.value), output)
        found = int(labelled["instance_id"].notna().sum())
        note(
            f"wrote {len(labelled)} events to {output} "
            f"({found} in {len(analysis.routines)} routines)",
            quiet,
        )


@app.command()
def evaluate(
    paths: Paths,
    truth: Annotated[
        Path | None,
        typer.Option(
            "--truth", help="CSV with event_id,routine,instance (the ground truth)."
        ),
    ] = None,
    fmt: Annotated[
        EvalFormat, typer.Option("--format", "-f", help="table or json.")
    ] = EvalFormat.table,
    output: OutputOpt = None,
    config: ConfigOpt = None,
    input_format: InputFormatOpt = None,
    encoding: EncodingOpt = None,
    timezone: TimezoneOpt = None,
    column_map: MapOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Score discovery against ground truth that discovery never sees.

    Truth comes from --truth, or from truth columns the reader found in the input
    (caseID, Task/idx). Prints boundary precision/recall/F1, adjusted Rand index,
    mean best instance Jaccard and runtime (definitions in README).
    """
    from discover.evaluate import evaluate as evaluate_routines
    from discover.render.evaluation import render_evaluation
    from discover.truth import read_truth

    with user_errors():
        analysis = run_analysis(
            paths,
            config,
            input_format=input_format,
            encoding=encoding,
            timezone=timezone,
            skip_invalid=False,
            keep_values=False,
            quiet=quiet,
            column_map=column_map,
        )
        labels = read_truth(truth) if truth is not None else analysis.read.truth
        if labels is None:
            raise DeskmineError(
                "no ground truth: pass --truth FILE (event_id,routine,instance) or "
                "read a log that carries truth columns (caseID, Task/idx)."
            )
        runtime = analysis.timings_s["tokens"] + analysis.timings_s["discover"]
        scores = evaluate_routines(analysis.events, labels, analysis.routines, runtime)
        write_result(render_evaluation(scores, fmt.value), output)


@app.command()
def simulate(
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder to write the recordings.")
    ],
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 7,
    events: Annotated[
        int, typer.Option("--events", help="Approximate number of events.")
    ] = 24000,
    users: Annotated[int, typer.Option("--users", help="Number of users.")] = 4,
    days: Annotated[int, typer.Option("--days", help="Working days.")] = 8,
    noise_inside: Annotated[
        float, typer.Option("--noise-inside", help="Noise events inside instances.")
    ] = 0.05,
    interleave: Annotated[
        float, typer.Option("--interleave", help="Share of interleaved instances.")
    ] = 0.05,
    quiet: QuietOpt = False,
) -> None:
    """Write seeded, realistic recordings with ground truth (demos, benchmarks)."""
    from discover.simulate import SimulationConfig, stream_simulation

    with user_errors():
        config = SimulationConfig(
            seed=seed,
            n_events=events,
            n_users=users,
            n_days=days,
            noise_inside=noise_inside,
            interleave=interleave,
        )
        written = stream_simulation(config, output)
        note(f"wrote {len(written)} files to {output}", quiet)


class Target(str, Enum):
    uipath = "uipath"
    power_automate = "power-automate"
    robot = "robot"
    tagui = "tagui"
    pdd = "pdd"


@app.command()
def export(
    paths: Paths,
    to: Annotated[Target, typer.Option("--to", help="RPA tool to write for.")],
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder for the bot skeletons.")
    ],
    candidate: Annotated[
        list[str] | None,
        typer.Option("--candidate", help="Candidate id (repeatable); default: top N."),
    ] = None,
    top: TopOpt = 3,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite existing files.")
    ] = False,
    config: ConfigOpt = None,
    input_format: InputFormatOpt = None,
    encoding: EncodingOpt = None,
    timezone: TimezoneOpt = None,
    column_map: MapOpt = None,
    skip_invalid: SkipInvalidOpt = False,
    keep_values: KeepValuesOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Write bot skeletons for the best candidates: one folder each, plus an index."""
    from discover.export import export_candidates

    with user_errors():
        analysis = run_analysis(
            paths,
            config,
            input_format=input_format,
            encoding=encoding,
            timezone=timezone,
            skip_invalid=skip_invalid,
            keep_values=keep_values,
            quiet=quiet,
            column_map=column_map,
        )
        chosen = pick_candidates(analysis, candidate, top)
        written = export_candidates(
            chosen, to.value, output, force=force, keep_values=keep_values
        )
        for path in written:
            write_result(str(path), None)
        note(f"exported {len(chosen)} candidates for {to.value} to {output}", quiet)


def pick_candidates(analysis, ids: list[str] | None, top: int) -> list:
    """Candidates named by id (prefixes allowed), else the best `top`."""
    if not ids:
        return list(analysis.candidates[:top])
    chosen = []
    for wanted in ids:
        found = analysis.candidate(wanted)
        if found is None:
            known = ", ".join(c.candidate_id for c in analysis.candidates[:10])
            raise DeskmineError(
                f"no candidate matches id {wanted!r}; "
                f"known ids start with: {known or '(none found)'}."
            )
        chosen.append(found)
    return chosen


@app.command()
def report(
    paths: Paths,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="HTML file to write.")
    ] = Path("report.html"),
    top: TopOpt = 20,
    export_dir: Annotated[
        Path | None,
        typer.Option("--export-dir", help="Link to skeletons exported to this folder."),
    ] = None,
    config: ConfigOpt = None,
    input_format: InputFormatOpt = None,
    encoding: EncodingOpt = None,
    timezone: TimezoneOpt = None,
    column_map: MapOpt = None,
    skip_invalid: SkipInvalidOpt = False,
    keep_values: KeepValuesOpt = False,
    quiet: QuietOpt = False,
) -> None:
    """Write one self-contained HTML report with charts (opens offline)."""
    from discover.export import candidate_folder
    from discover.render.html import render_html
    from discover.report import report_from_analysis

    with user_errors():
        analysis = run_analysis(
            paths,
            config,
            input_format=input_format,
            encoding=encoding,
            timezone=timezone,
            skip_invalid=skip_invalid,
            keep_values=keep_values,
            quiet=quiet,
            column_map=column_map,
        )
        ranked = report_from_analysis(analysis, top=top)
        links = None
        if export_dir is not None:
            links = {
                c.candidate_id: os.path.relpath(
                    export_dir / candidate_folder(c), output.parent.resolve()
                )
                for c in ranked.candidates
                if (export_dir / candidate_folder(c)).is_dir()
            }
        with progress(quiet) as stage:
            stage("rendering")
            html = render_html(ranked, analysis.events, export_links=links)
        write_result(html, output)
        note(f"wrote {output} ({len(html.encode()) / 1e6:.1f} MB)", quiet)


class RedactFormat(str, Enum):
    markdown = "markdown"
    json = "json"


@app.command()
def redact(
    paths: Paths,
    output: Annotated[
        Path, typer.Option("--output", "-o", help="Folder for the redacted copies.")
    ],
    fmt: Annotated[
        RedactFormat,
        typer.Option("--format", "-f", help="Format of the redaction report."),
    ] = RedactFormat.markdown,
    report: Annotated[
        Path | None,
        typer.Option("--report", help="Write the report to this file, not stdout."),
    ] = None,
    config: ConfigOpt = None,
    input_format: InputFormatOpt = None,
    skip_invalid: SkipInvalidOpt = False,
    keep_values: KeepValuesOpt = False,
    column_map: MapOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Write redacted copies of PATHS (native JSONL) and print the redaction report.

    The [privacy] table of --config applies (defaults: values removed, hashes kept,
    detectors on, users pseudonymised). Needs a project secret in DESKMINE_SECRET
    (or privacy.secret_file). Share only the redacted copies.
    """
    from discover.redact import redact_recordings

    with user_errors():
        settings = settings_for(config, keep_values)
        result = redact_recordings(
            paths,
            output,
            settings.privacy,
            input_format=input_format,
            skip_invalid=skip_invalid,
            column_map=parse_map(column_map),
        )
        if fmt is RedactFormat.json:
            text = json.dumps(result.to_dict(), indent=2, ensure_ascii=False)
        else:
            text = result.to_markdown()
        write_result(text, report)
        note(
            f"wrote {len(result.files)} files to {output} "
            f"({result.n_events_out:,} events kept, "
            f"{result.n_events_dropped:,} dropped)",
            quiet,
        )


@app.command()
def ci(
    paths: Paths,
    baseline: Annotated[
        Path,
        typer.Option(
            "--baseline",
            help="Ranked report (JSON) of an earlier run, committed with the "
            "recordings.",
        ),
    ],
    update_baseline: Annotated[
        bool,
        typer.Option(
            "--update-baseline",
            help="Write this run to --baseline; list changes, never fail on rules.",
        ),
    ] = False,
    summary: Annotated[
        Path | None,
        typer.Option(
            "--summary",
            help="Write the Markdown summary here (e.g. $GITHUB_STEP_SUMMARY) "
            "instead of stdout.",
        ),
    ] = None,
    json_output: Annotated[
        Path | None,
        typer.Option("--json", help="Write the JSON result (every change) here."),
    ] = None,
    fail_on: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 when this rule fires (repeatable): new-candidate, "
            "value-change, new-variant, candidate-gone, invalid-recordings; "
            "RULE=N sets its threshold. Replaces the ci.fail_on setting.",
        ),
    ] = None,
    export_dir: Annotated[
        Path | None,
        typer.Option(
            "--export-dir",
            help="Export skeletons of the top and new candidates here; link them.",
        ),
    ] = None,
    cache: Annotated[
        Path | None,
        typer.Option(
            "--cache", help="Folder caching parsed recordings by content hash."
        ),
    ] = None,
    config: ConfigOpt = None,
    input_format: InputFormatOpt = None,
    encoding: EncodingOpt = None,
    timezone: TimezoneOpt = None,
    column_map: MapOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Compare PATHS with a baseline report and apply the CI rules.

    Invalid events are skipped and counted (rule invalid-recordings). Exits 1 when
    a rule named by --fail-on (or the ci.fail_on setting) fires, 2 for bad input,
    else 0.
    """
    from discover.ci import render_baseline, render_result_json, render_summary, run_ci

    with user_errors():
        settings = settings_for(config)
        with progress(quiet) as stage:
            result = run_ci(
                paths,
                baseline,
                settings,
                settings.ci,
                fail_on=fail_on,
                update_baseline=update_baseline,
                cache_dir=cache,
                export_dir=export_dir,
                input_format=input_format,
                column_map=parse_map(column_map),
                encoding=encoding,
                timezone=timezone,
                notify=stage,
            )
        write_result(render_summary(result), summary)
        if json_output is not None:
            write_result(render_result_json(result), json_output)
        if update_baseline:
            write_result(render_baseline(result), baseline)
            note(f"wrote the baseline {baseline}", quiet)
        fired = [r.rule for r in result.rules if r.fired]
        verdict = "failed: " + ", ".join(result.failed) if result.failed else "passed"
        note(f"ci {verdict} (fired: {', '.join(fired) or 'none'})", quiet)
        raise typer.Exit(result.exit_code)


class ConvertFormat(str, Enum):
    jsonl = "jsonl"
    xes = "xes"
    ocel = "ocel"
    cases = "cases"


@app.command()
def convert(
    paths: Paths,
    to: Annotated[
        ConvertFormat, typer.Option("--to", help="jsonl, xes, ocel or cases.")
    ],
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    keep_unlabelled: Annotated[
        bool,
        typer.Option(
            "--keep-unlabelled",
            help="xes/ocel: also write events in no routine (XES trace 'none').",
        ),
    ] = False,
    key_pattern: Annotated[
        str | None,
        typer.Option(
            "--key-pattern",
            help="cases: regular expression of business keys in copied values.",
        ),
    ] = None,
    config: ConfigOpt = None,
    input_format: InputFormatOpt = None,
    encoding: EncodingOpt = None,
    timezone: TimezoneOpt = None,
    skip_invalid: SkipInvalidOpt = False,
    keep_values: KeepValuesOpt = False,
    column_map: MapOpt = None,
    quiet: QuietOpt = False,
) -> None:
    """Convert PATHS to native JSONL, XES, OCEL 2.0 or a case CSV.

    xes, ocel and cases write each routine instance as a case. Values stay
    masked and business keys hashed unless --keep-values.
    """
    from discover.convert import (
        DEFAULT_KEY_PATTERN,
        find_business_keys,
        project_secret,
    )
    from discover.convert import convert as convert_events
    from discover.pipeline import analyse_read
    from discover.readers import read_events

    with user_errors():
        settings = settings_for(config, keep_values)
        read = read_events(
            paths,
            input_format=input_format,
            skip_invalid=skip_invalid,
            column_map=parse_map(column_map),
            encoding=encoding,
            timezone=timezone,
        )
        if read.errors:
            note(f"skipped {len(read.errors)} invalid events", quiet)
        if to is ConvertFormat.jsonl:
            done = convert_events(
                read, "jsonl", output, keep_values=keep_values, policy=settings.privacy
            )
        else:
            keys = None
            if to is ConvertFormat.cases:  # clear values exist only until analysis
                keys = find_business_keys(
                    read,
                    key_pattern=key_pattern or DEFAULT_KEY_PATTERN,
                    secret=project_secret(settings.privacy),
                    keep_values=keep_values,
                )
            with progress(quiet) as stage:
                analysis = analyse_read(read, settings, notify=stage)
            done = convert_events(
                analysis,
                to.value,
                output,
                keep_values=keep_values,
                keep_unlabelled=keep_unlabelled,
                business_keys=keys,
            )
        cases = f" in {done.n_cases} cases" if to is not ConvertFormat.jsonl else ""
        left = f"; {done.n_skipped} in no routine left out" if done.n_skipped else ""
        note(f"wrote {done.n_events} events{cases} to {output}{left}", quiet)


if __name__ == "__main__":  # after every command is registered
    app()
