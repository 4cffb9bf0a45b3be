"""``deskmine ci``: check new recordings against a committed baseline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from discover.cli._shared import (
    ConfigOpt,
    EncodingOpt,
    InputFormatOpt,
    MapOpt,
    Paths,
    QuietOpt,
    TimezoneOpt,
    app,
    note,
    parse_map,
    progress,
    settings_for,
    user_errors,
    write_result,
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
