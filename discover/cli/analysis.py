"""Commands over analysed recordings: rank, show, label, evaluate, export, report."""

from __future__ import annotations

import os
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from discover.cli._shared import (
    ConfigOpt,
    EncodingOpt,
    EvalFormat,
    Format,
    FormatOpt,
    InputFormatOpt,
    KeepValuesOpt,
    LabelFormat,
    MapOpt,
    OutputOpt,
    Paths,
    QuietOpt,
    SkipInvalidOpt,
    TimezoneOpt,
    TopOpt,
    app,
    note,
    progress,
    run_analysis,
    user_errors,
    write_result,
)
from discover.errors import DeskmineError


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
