"""Commands over recordings themselves: validate, simulate, redact, convert."""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from discover.cli._shared import (
    ConfigOpt,
    EncodingOpt,
    InputFormatOpt,
    KeepValuesOpt,
    MapOpt,
    Paths,
    QuietOpt,
    SkipInvalidOpt,
    TimezoneOpt,
    app,
    note,
    parse_map,
    progress,
    settings_for,
    stderr,
    user_errors,
    write_result,
)


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
