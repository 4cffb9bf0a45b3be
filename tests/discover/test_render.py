"""Report assembly and every renderer: exact content, escaping, privacy, same bytes."""

from __future__ import annotations

import csv
import io
import json
import re
from types import SimpleNamespace

import pandas as pd
import pytest

from discover.config import load_settings
from discover.render import (
    RENDERERS,
    render_csv,
    render_detail,
    render_json,
    render_markdown,
    render_report,
    render_table,
)
from discover.report import DEFAULT_SECRET_NOTE, build_report, report_from_analysis
from discover.scoring import FORMULA, score_routines
from models import Instance, Routine, Step, Variant, conform_event_table

SECRETS = ("Jane Q. Secret", "IBAN DE44 5001", "hunter2")


def recording(
    source_app="Excel",
    sink_app="Chrome",
    days=5,
    users=("u1", "u2"),
    sink_target="Name",
):
    """Runs of copy -> paste -> type -> click Save, values from SECRETS."""
    rows, instances = [], []
    spec = (
        (0, source_app, "copy", None, SECRETS[0]),
        (15, sink_app, "paste", sink_target, SECRETS[0]),
        (30, sink_app, "type", "IBAN", SECRETS[1]),
        (44, sink_app, "click", "Save", None),
    )
    for user in users:
        for day in range(2, 2 + days):
            ids = []
            start = pd.Timestamp(f"2026-03-{day:02d}T09:00:00Z")
            for offset, app, action, target, value in spec:
                line = len(rows) + 1
                ids.append(f"{user}.jsonl:{line}")
                rows.append(
                    {
                        "event_id": ids[-1],
                        "ts": start + pd.Timedelta(seconds=offset),
                        "user": user,
                        "session": f"{user}-{day}",
                        "app": app,
                        "action": action,
                        "target_name": target,
                        "value": value,
                        "value_hash": None
                        if value is None
                        else f"h:{SECRETS.index(value)}",
                        "cell": "B2" if action == "copy" else None,
                        "duration_s": 1.0 if action == "click" else None,
                        "source": f"{user}.jsonl",
                        "line": line,
                    }
                )
            # A secret typed in a chat between runs: noise, in no instance.
            rows.append(
                {
                    "event_id": f"{user}.jsonl:{len(rows) + 1}",
                    "ts": start + pd.Timedelta(minutes=5),
                    "user": user,
                    "session": f"{user}-{day}",
                    "app": "Slack",
                    "action": "type",
                    "value": SECRETS[2],
                    "source": f"{user}.jsonl",
                    "line": len(rows) + 1,
                }
            )
            instances.append(
                Instance(f"R1.{len(instances) + 1}", user, 0, 0, tuple(ids))
            )
    steps = tuple(
        Step(app, action, f"{app}: {action}", token=f"{app}|{action}|{target}")
        for _, app, action, target, _ in spec
    )
    steps = tuple(
        Step(**{**s.to_dict(), "target_name": spec[i][3]}) for i, s in enumerate(steps)
    )
    routine = Routine(
        "R1", steps, tuple(instances), (Variant(tuple(s.token for s in steps), 10),)
    )
    return conform_event_table(pd.DataFrame(rows)), routine


def small_routine(routine: Routine) -> Routine:
    steps = routine.steps[:2]
    return Routine(
        "R2",
        steps,
        routine.instances[:3],
        (Variant(tuple(s.token for s in steps), 3),),
    )


def make_report(settings=None, **kwargs):
    settings = settings or load_settings()
    events, routine = recording(**kwargs)
    candidates = score_routines([routine, small_routine(routine)], events, settings)
    report = build_report(
        candidates,
        events,
        settings,
        inputs=["u2.jsonl", "u1.jsonl"],
        n_invalid=3,
        notes=(DEFAULT_SECRET_NOTE,),
    )
    return report, candidates, events, settings


def all_outputs(report, candidates, events, settings) -> dict[str, str]:
    outputs = {name: render(report) for name, render in RENDERERS.items()}
    outputs["detail"] = render_detail(candidates[0], events, settings)
    return outputs


def test_build_report_counts_inputs_and_keeps_the_ranking():
    report, candidates, _, _ = make_report()
    assert report.inputs == ("u1.jsonl", "u2.jsonl")
    assert report.counts == {
        "events": 50,
        "users": 2,
        "days": 5,
        "user_days": 10,
        "apps": 3,
        "invalid_skipped": 3,
        "candidates": 2,
    }
    assert [c.candidate_id for c in report.candidates] == [
        c.candidate_id for c in candidates
    ]
    # human 15 + 15 + 14 + 1 s; bot copy 0.2 + paste 0.3 + type 0.2 + 14 chars x 0.01
    # + click 0.5; the typed IBAN has no traced source (free text, untraced value).
    automatability = 0.25 * 0.75 + 0.2 * 0.5 + 0.15 * 0.75 + 0.15 + 0.1 * 2 / 3 + 0.15
    hours = 42 * (45 - 1.34) / 3600 * automatability
    best = report.candidates[0].score
    assert (best.median_human_s, best.bot_s) == (45.0, 1.34)
    assert best.automatability == round(automatability, 4) == 0.7667
    assert best.hours_per_month == round(hours, 4) == 0.3905
    assert best.value_per_month == round(hours * 40, 2) == 15.62
    # traced_values costs most (0.2 x 0.5) though rule_based (0.25 x 0.25) weighs more
    assert report.candidates[0].why[-1] == (
        "Weakest factor: traced_values (10 of 20 entered values were copied earlier "
        "in the same run)."
    )
    assert report.scoring_version == "1.0"
    assert report.formula == FORMULA
    assert report.settings == load_settings().to_dict()
    assert [s.to_dict() for s in report.app_switches] == [
        {"from": "Chrome", "to": "Slack", "count": 10},
        {"from": "Excel", "to": "Chrome", "count": 10},
    ]  # Slack -> Excel would cross into the next day's session


def test_build_report_top_keeps_the_best_and_counts_all():
    _, candidates, events, settings = make_report()
    report = build_report(candidates, events, settings, top=1)
    assert [c.rank for c in report.candidates] == [1]
    assert report.counts["candidates"] == 2
    assert "\n- The top 1 would save 0.4 hours a month, worth 16 EUR.\n" in (
        render_markdown(report)
    )
    with pytest.raises(ValueError, match=r"^top must be an int >= 1 or None; got 0$"):
        build_report(candidates, events, settings, top=0)


def test_report_from_analysis_reads_the_pipeline_result():
    _, candidates, events, settings = make_report()
    analysis = SimpleNamespace(
        candidates=tuple(candidates),
        events=events,
        settings=settings,
        read=SimpleNamespace(files=("b.jsonl", "a.jsonl"), errors=(1, 2)),
        secret_configured=False,
    )
    report = report_from_analysis(analysis, top=1)
    assert report.inputs == ("a.jsonl", "b.jsonl")
    assert report.counts["invalid_skipped"] == 2
    assert report.notes == (DEFAULT_SECRET_NOTE,)
    assert len(report.candidates) == 1


def test_table_fits_100_columns_and_lists_each_candidate():
    report, candidates, _, _ = make_report()
    text = render_table(report)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 100
    assert lines[0] == "2 candidates from 50 events: 2 users, 5 days, 3 apps."
    assert re.search(r"^# +ID +Name +Apps +Runs +Users", lines[2])
    first = next(line for line in lines if line.startswith("1 "))
    assert first.split() == [
        "1",
        candidates[0].candidate_id,
        *"Excel copy → Chrome paste ×1 field, cli…".split(),
        "Excel",
        "+1",
        "10",
        "2",
        "45",
        "0.4",
        "0.77",
        "16",
    ]
    assert (
        "Auto: automatability 0-1. Value: hours/month x 40 EUR/h. "
        "Scoring 1.0; formula in --format markdown."
    ) in lines
    assert " ".join(text.split("Note: ")[1].split()) == DEFAULT_SECRET_NOTE
    assert "\x1b" not in text


def test_table_cuts_long_names_and_apps_with_an_ellipsis_and_ignores_markup():
    report, _, _, _ = make_report(
        source_app="[bold red]Customer Relationship Management Suite",
        sink_app="Enterprise Resource Planning Backoffice",
    )
    text = render_table(report)
    lines = text.splitlines()
    assert max(len(line) for line in lines) == 100
    row = next(line for line in lines if line.startswith("1 "))
    assert "[bold red]Customer" in row  # markup is printed, not applied
    # the name cuts both app names; the apps column cuts the first and counts one
    assert row.count("…") == 3
    assert " [bold… +1 " in row


def test_json_is_byte_identical_across_runs_and_parses_back():
    first = render_json(make_report()[0])
    second = render_json(make_report()[0])
    assert first == second
    data = json.loads(first)
    assert list(data) == [
        "scoring_version",
        "inputs",
        "counts",
        "settings",
        "formula",
        "notes",
        "candidates",
        "app_switches",
    ]
    top = data["candidates"][0]
    assert top["rank"] == 1
    assert top["score"]["runs_per_month"] == 42.0
    assert top["routine"]["instances"][0]["event_ids"] == [
        "u1.jsonl:1",
        "u1.jsonl:2",
        "u1.jsonl:3",
        "u1.jsonl:4",
    ]
    assert first.endswith("}\n")


def test_markdown_has_summary_ranking_evidence_formula_and_settings():
    report, candidates, _, _ = make_report()
    text = render_markdown(report)
    best = candidates[0]
    assert text.startswith("# deskmine: ranked automation candidates\n\n")
    assert (
        "- **2 candidates** from 50 events: 2 users, 5 days (10 user-days), 3 apps.\n"
        in text
    )
    assert "- Inputs (2): `u1.jsonl`, `u2.jsonl`\n" in text
    assert "- Invalid events skipped: 3.\n" in text
    assert (
        f"| 1 | `{best.candidate_id}` | Excel copy → Chrome paste ×1 field, click Save "
        "| Excel, Chrome | 10 | 2 | 45 | 1.3 | 0.4 | 0.77 | 16 |"
    ) in text
    assert (
        f"### 1. Excel copy → Chrome paste ×1 field, click Save (`{best.candidate_id}`)"
        in text
    )
    assert (
        "| traced_values | 0.50 | 0.2 | 10 of 20 entered values were copied earlier"
        in text
    )
    assert "- step 1 → step 2: 10\n" in text
    assert "```text\n" + FORMULA.rstrip() + "\n```" in text
    assert "```toml\n[scoring]\nidle_cap_s = 60.0\n" in text
    assert "hourly_cost = 40.0\n" in text
    assert "| Chrome | Slack | 10 |\n| Excel | Chrome | 10 |" in text


def test_markdown_escapes_recorded_text():
    report, _, _, _ = make_report(source_app="Ex|cel <img src=x>", sink_app="*Web*")
    text = render_markdown(report)
    assert "Ex\\|cel \\<img src=x\\> copy → \\*Web\\* paste" in text
    assert not re.search(r"(?<!\\)<img", text)


def test_csv_has_one_flat_row_per_candidate():
    report, candidates, _, _ = make_report()
    rows = list(csv.reader(io.StringIO(render_csv(report))))
    assert rows[0] == [
        "rank",
        "candidate_id",
        "name",
        "apps",
        "instances",
        "users",
        "sessions",
        "working_days",
        "runs_per_month",
        "median_human_s",
        "p90_human_s",
        "bot_s",
        "hours_per_month",
        "automatability",
        "value_per_month",
        "currency",
        "factor_rule_based",
        "factor_traced_values",
        "factor_free_text",
        "factor_variants",
        "factor_apps",
        "factor_stable_targets",
        "why",
        "scoring_version",
    ]
    assert len(rows) == 3
    first = dict(zip(rows[0], rows[1], strict=True))
    score = candidates[0].score
    assert first["candidate_id"] == candidates[0].candidate_id
    assert first["apps"] == "Excel; Chrome"
    assert float(first["hours_per_month"]) == score.hours_per_month
    assert float(first["value_per_month"]) == score.value_per_month
    assert first["why"] == " ".join(candidates[0].why)


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_neutralises_formula_injection(start):
    report, _, _, _ = make_report(
        source_app=f"{start}HYPERLINK(1)", sink_app="@SUM(A1)"
    )
    rows = list(csv.reader(io.StringIO(render_csv(report))))
    # name and apps start with the hostile app names; control characters become
    # spaces first, so a tab or CR start leaves a clean cell.
    name, apps = rows[1][2], rows[1][3]
    if start in "\t\r":
        assert name.startswith("HYPERLINK(1) copy")
    else:
        assert name.startswith(f"'{start}HYPERLINK(1) copy → @SUM(A1) paste")
        assert apps == f"'{start}HYPERLINK(1); @SUM(A1)"
    assert all(
        not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in rows[1]
    )


def test_detail_shows_steps_variants_flow_examples_and_breakdown():
    report, candidates, events, settings = make_report()
    text = render_detail(candidates[0], events, settings)
    assert text.splitlines()[0] == (
        f"{candidates[0].candidate_id}  Excel copy → Chrome paste ×1 field, click Save"
    )
    assert "   1. Excel: copy  [copy in Excel; no stable target]" in text
    assert "   2. Chrome: paste  [paste in Chrome; name=Name]" in text
    assert "   1. 100% (10 runs): the main sequence, 4 steps" in text
    assert "  step 1 (Excel: copy) -> step 2 (Chrome: paste): 10 runs" in text
    assert "Example runs (5 of 10, earliest first)" in text
    assert (
        "  R1.1  u1  2026-03-02 09:00:00 UTC  45 s by hand, 1.3 s by a bot, "
        "4 events, variant 1"
    ) in text
    assert "  +   30.0  Chrome: type  [step 3; name=IBAN]  u1.jsonl:3" in text
    assert "  runs per month  42.0 = 2.00 runs a day x 21 working days" in text
    assert "    traced_values   0.50 x 0.2  10 of 20 entered values" in text


def test_detail_describes_how_a_variant_differs():
    events, routine = recording()
    main = tuple(s.token for s in routine.steps)
    variants = (Variant(main, 8), Variant((main[0], main[1], main[3]), 2))
    routine = Routine("R1", routine.steps, routine.instances, variants)
    settings = load_settings()
    (candidate,) = score_routines([routine], events, settings)
    text = render_detail(candidate, events, settings)
    assert "   2. 20% (2 runs): skips Chrome: type" in text


def test_no_output_contains_a_recorded_value():
    for output in all_outputs(*make_report()).values():
        for secret in SECRETS:
            assert secret not in output


def test_every_output_is_identical_on_a_second_run():
    assert all_outputs(*make_report()) == all_outputs(*make_report())


def test_render_report_dispatches_by_format_name():
    report = make_report()[0]
    assert render_report(report, "csv") == render_csv(report)
    assert render_report(report, "markdown") == render_markdown(report)
    with pytest.raises(
        ValueError, match=r"^fmt must be one of table, json, markdown, csv; got 'x'$"
    ):
        render_report(report, "x")


def test_empty_report_renders_in_every_format():
    settings = load_settings()
    events, _ = recording()
    report = build_report([], events, settings)
    assert "No repeated routine met the mining thresholds." in render_table(report)
    assert "No repeated routine met the mining thresholds." in render_markdown(report)
    assert render_csv(report).count("\n") == 1
    assert json.loads(render_json(report))["candidates"] == []


def test_numbers_and_emails_in_recorded_ui_text_are_folded_in_reports():
    target = "Invoice FA-2026-20070 for anna@corp.example"
    report, candidates, events, settings = make_report(sink_target=target)
    assert candidates[0].routine.steps[1].target_name == target  # scoring keeps it
    assert (
        report.candidates[0].routine.steps[1].target_name == "Invoice FA-# for <email>"
    )
    outputs = all_outputs(report, candidates, events, settings)
    for name, output in outputs.items():
        assert "20070" not in output and "anna@corp" not in output, name
    assert "[paste in Chrome; name=Invoice FA-# for <email>]" in outputs["detail"]


def test_detail_lists_ten_variants_then_sums_the_rest():
    events, routine = recording()
    main = tuple(s.token for s in routine.steps)
    rare = [Variant((*main, f"Chrome|key|k{n}"), 1) for n in range(11)]
    variants = (Variant(main, 989), *rare)
    routine = Routine("R1", routine.steps, routine.instances, variants)
    settings = load_settings()
    (candidate,) = score_routines([routine], events, settings)
    lines = render_detail(candidate, events, settings).splitlines()
    assert lines[lines.index("Variants (12)") + 1] == (
        "   1. 99% (989 runs): the main sequence, 4 steps"
    )
    assert "   2. <1% (1 run): adds Chrome: key k0" in lines
    assert "  ... and 2 more variants with 2 runs" in lines


COMPANIES = ("Bluefin Textil KG", "Alpen Medical AG", "Kranich Elektro KG")


def test_text_that_changes_from_run_to_run_is_left_out_of_reports():
    events, routine = recording()
    # Each run pastes under a mail whose subject names a different company.
    pastes = events.index[events["action"] == "paste"]
    subjects = [COMPANIES[n % 3] for n in range(len(pastes))]
    events.loc[pastes, "window"] = [f"Neue Bankverbindung {c}" for c in subjects]
    paste = routine.steps[1]
    paste = Step(
        **{
            **paste.to_dict(),
            "window": "Neue Bankverbindung Bluefin Textil KG",
            "target_label": "Bluefin Textil KG",
            "label": "Chrome: paste into 'Bluefin Textil KG'",
        }
    )
    routine = Routine(
        "R1",
        (routine.steps[0], paste, *routine.steps[2:]),
        routine.instances,
        routine.variants,
    )
    settings = load_settings()
    candidates = score_routines([routine], events, settings)
    report = build_report(candidates, events, settings)
    step = report.candidates[0].routine.steps[1]
    assert (step.window, step.target_label, step.label) == (
        None,
        None,
        "Chrome: paste into",
    )
    assert step.target_name == "Name"  # the same in every run: UI, kept
    outputs = all_outputs(report, candidates, events, settings)
    for name, output in outputs.items():
        assert not any(company in output for company in COMPANIES), name
    assert "   2. Chrome: paste into  [paste in Chrome; name=Name]" in outputs["detail"]
