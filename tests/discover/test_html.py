"""The HTML report: content, privacy, escaping, determinism and size."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path

import lxml.html
import pandas as pd
import pytest

from discover.config import Settings
from discover.privacy import hash_value, protect_events
from discover.render._html_data import anchor, app_switches, app_time
from discover.render.html import render_html
from discover.report import build_report
from models import (
    Candidate,
    Factor,
    Instance,
    Routine,
    Score,
    Step,
    Variant,
    conform_event_table,
)

SECRET = b"test-secret"
DAY0 = pd.Timestamp("2024-03-04 09:00", tz="UTC")

# (app, action, target label, cell, token); the copy/paste pairs carry values.
INVOICE_STEPS = (
    ("Excel", "copy", None, "A{row}", "Excel|copy|invoices!A"),
    ("Chrome", "click", "Customer", None, "Chrome|click|customer"),
    ("Chrome", "paste", "Customer", None, "Chrome|paste|customer"),
    ("Excel", "copy", None, "B{row}", "Excel|copy|invoices!B"),
    ("Chrome", "paste", "Amount", None, "Chrome|paste|amount"),
    ("Chrome", "click", "Save", None, "Chrome|click|save"),
)
MAIL_STEPS = (
    ("Outlook", "click", "New mail", None, "Outlook|click|new mail"),
    ("Outlook", "type", "To", None, "Outlook|type|to"),
    ("Outlook", "click", "Send", None, "Outlook|click|send"),
)
NOISE = ("Outlook", "click", "Inbox", None, "Outlook|click|inbox")


def clear_value(user: str, day: int, k: int, step: int) -> str:
    """A distinctive clear-text value that must never reach the report."""
    return f"SEEKRIT-{user}-{day}-{k}-{step}"


def build_fixture(
    *,
    users: tuple[str, ...] = ("ana", "ben", "chen"),
    days: int = 4,
    per_day: int = 4,
    labels: dict[str, str] | None = None,
) -> tuple[list[Candidate], pd.DataFrame]:
    """Two hand-built candidates and the event table their instances point into.

    Invoice instance ``k`` skips the click on 'Customer' when ``k % 4 == 3`` (variant
    2); a mail instance follows every invoice instance, then one noise click.
    """
    labels = labels or {}
    rows: list[dict] = []
    invoice: dict[tuple[str, ...], list[Instance]] = {}
    mail: list[Instance] = []
    for user in users:
        for day in range(days):
            for k in range(per_day):
                start = DAY0 + pd.Timedelta(days=day, minutes=10 * k)
                steps = [s for i, s in enumerate(INVOICE_STEPS) if k % 4 != 3 or i != 1]
                ids = []
                copied = None
                for i, (app, action, label, cell, _) in enumerate(steps):
                    value = None
                    if action == "copy":
                        value = copied = clear_value(user, day, k, i)
                    elif action == "paste":  # the value copied last
                        value = copied
                    ids.append(
                        _event(
                            rows,
                            user,
                            day,
                            start + pd.Timedelta(seconds=4 * i),
                            app,
                            action,
                            labels.get(label, label),
                            cell.format(row=k + 2) if cell else None,
                            value,
                        )
                    )
                tokens = tuple(s[4] for s in steps)
                invoice.setdefault(tokens, []).append(
                    _instance(
                        f"Rinv.{user}.{day}.{k}",
                        user,
                        day,
                        ids,
                        rows,
                        variant=0 if len(steps) == 6 else 1,
                    )
                )
                ids = []
                mail_start = start + pd.Timedelta(minutes=5)
                for i, (app, action, label, _, _) in enumerate(MAIL_STEPS):
                    value = (
                        f"typed-{user}-{day}-{k}@example.test"
                        if action == "type"
                        else None
                    )
                    ids.append(
                        _event(
                            rows,
                            user,
                            day,
                            mail_start + pd.Timedelta(seconds=3 * i),
                            app,
                            action,
                            label,
                            None,
                            value,
                        )
                    )
                mail.append(_instance(f"Rmail.{user}.{day}.{k}", user, day, ids, rows))
                _event(
                    rows,
                    user,
                    day,
                    mail_start + pd.Timedelta(seconds=30),
                    *NOISE[:3],
                    None,
                    None,
                )
    events = conform_event_table(pd.DataFrame(rows))
    invoice_variants = sorted(invoice.items(), key=lambda item: -len(item[1]))
    candidates = [
        _candidate(
            "Cinv",
            labels.get("invoice name", "Copy invoice rows from Excel into the CRM"),
            INVOICE_STEPS,
            tuple(i for _, group in invoice_variants for i in group),
            tuple(Variant(tokens, len(group)) for tokens, group in invoice_variants),
            rank=1,
            hours=12.5,
            labels=labels,
        ),
        _candidate(
            "Cmail",
            labels.get("mail name", "Send a mail from Outlook"),
            MAIL_STEPS,
            tuple(mail),
            (Variant(tuple(s[4] for s in MAIL_STEPS), len(mail)),),
            rank=2,
            hours=3.25,
            labels=labels,
        ),
    ]
    return candidates, events


def _event(rows, user, day, ts, app, action, label, cell, value) -> str:
    line = int(rows[-1]["line"]) + 1 if rows and rows[-1]["user"] == user else 1
    event_id = f"{user}.jsonl:{line}"
    rows.append(
        {
            "event_id": event_id,
            "ts": ts,
            "user": user,
            "session": f"{user}-{day}",
            "app": app,
            "window": f"{app} window",
            "action": action,
            "target_label": label,
            "cell": cell,
            "sheet": "invoices" if cell else None,
            "value": value,
            "value_hash": hash_value(value, SECRET) if value else None,
            "source": f"{user}.jsonl",
            "line": line,
        }
    )
    return event_id


def _instance(prefix, user, day, ids, rows, variant=0) -> Instance:
    stamps = {r["event_id"]: r["ts"] for r in rows[-len(ids) :]}
    start, end = stamps[ids[0]], stamps[ids[-1]]
    return Instance(
        instance_id=f"{prefix}",
        user=user,
        start_ns=start.value,
        end_ns=end.value,
        event_ids=tuple(ids),
        session=f"{user}-{day}",
        variant=variant,
        human_s=(end - start).total_seconds() + 1.0,
    )


def _candidate(
    cid, name, spec, instances, variants, *, rank, hours, labels
) -> Candidate:
    steps = tuple(
        Step(
            app=app,
            action=action,
            label=f"{app}: {action} {labels.get(label, label) or 'cell ' + cell[0]}",
            token=token,
            target_label=labels.get(label, label),
            value_source="copied"
            if action == "paste"
            else ("typed" if action == "type" else None),
            share=0.75 if token == "Chrome|click|customer" else 1.0,
        )
        for app, action, label, cell, token in spec
    )
    factors = (
        Factor("rule_based", 0.8, 0.25, "5 of 6 steps are rule-based"),
        Factor("traced_values", 1.0, 0.2, "2 of 2 pasted values traced"),
        Factor("variants", 0.5, 0.15, "2 variants"),
    )
    score = Score(
        instances=len(instances),
        users=len({i.user for i in instances}),
        sessions=len({i.session for i in instances}),
        working_days=4.0,
        median_human_s=21.0,
        p90_human_s=25.5,
        bot_s=4.2,
        runs_per_month=len(instances) / 4 * 21,
        hours_per_month=hours,
        automatability=0.7833,
        value_per_month=hours * 40,
        factors=factors,
        extra={"idle_capped_gaps": 3},
    )
    apps = tuple(dict.fromkeys(s.app for s in steps))
    routine = Routine(f"R{cid}", steps, instances, variants)
    return Candidate(cid, name, routine, score, apps, ("repeats daily",), rank)


def render(candidates, events, *, top=None, export_links=None) -> str:
    report = build_report(candidates, events, Settings(), inputs=["ana.jsonl"], top=top)
    return render_html(report, events, export_links=export_links)


@pytest.fixture(scope="module")
def fixture():
    candidates, events = build_fixture()
    return candidates, protect_events(events, secret=SECRET)


@pytest.fixture(scope="module")
def page(fixture):
    candidates, events = fixture
    return render(candidates, events, export_links={"Cinv": "bots/Cinv-copy-invoice"})


def test_render_html_has_summary_table_charts_and_candidate_sections(page):
    doc = lxml.html.fromstring(page)
    figures = dict(
        zip(
            doc.xpath("//section[@class='summary']//dt/text()"),
            doc.xpath("//section[@class='summary']//dd/text()"),
            strict=True,
        )
    )
    assert figures["Events"] == "468"  # 48 slots × (6 + 3 + 1) - 12 skipped clicks
    assert figures["Users"] == "3"
    assert figures["Days"] == "4"
    assert figures["Applications"] == "3"
    assert figures["Candidates found"] == "2"
    assert figures["Hours / month to save"] == "15.8"
    assert figures["Value / month"] == "630 EUR"
    links = doc.xpath("//table[@id='ranking']/tbody/tr/td[2]/a/@href")
    assert links == ["#cand-Cinv", "#cand-Cmail"]
    assert [s.get("id") for s in doc.xpath("//section[@class='candidate']")] == [
        "cand-Cinv",
        "cand-Cmail",
    ]
    names = [svg.get("data-chart") for svg in doc.xpath("//svg[@class='chart']")]
    assert names == [
        "hours",
        "value-automatability",
        "app-time",
        "app-switches",
        "instances-over-time",
        "flow",
        "variants",
        "flow",
        "variants",
    ]
    assert all(svg.xpath("./title/text()") for svg in doc.xpath("//svg"))
    names = {name for element in doc.iter() for name in element.attrib}
    valid = re.compile(r"[a-z](?:[a-z0-9-]*[a-z0-9])?")
    assert sorted(n for n in names if not valid.fullmatch(n)) == []
    lanes = "//svg[@data-chart='flow']//text[@class='lane-name']/text()"
    assert doc.xpath(lanes)[:2] == ["Excel", "Chrome"]
    assert doc.xpath("//a[@href='bots/Cinv-copy-invoice']/text()") == [
        "bots/Cinv-copy-invoice"
    ]


def test_data_flow_links_copy_steps_to_paste_steps_across_variants(page):
    doc = lxml.html.fromstring(page)
    items = doc.xpath("//section[@id='cand-Cinv']//ul[@class='data-flow']/li")
    assert [item.text_content() for item in items] == [
        "step 1 (Excel: copy cell A) → step 3 (Chrome: paste Customer)"
        " — traced in 48 of 48 instances",
        "step 4 (Excel: copy cell B) → step 5 (Chrome: paste Amount)"
        " — traced in 48 of 48 instances",
    ]


def test_flow_diagram_draws_lanes_steps_and_the_skip_branch(page):
    doc = lxml.html.fromstring(page)
    flow = doc.xpath("//section[@id='cand-Cinv']//svg[@data-chart='flow']")[0]
    assert flow.xpath(".//g[@class='lane']/text/text()") == ["Excel", "Chrome"]
    assert len(flow.xpath("./g[@class='step']")) == 6
    assert flow.xpath(".//g[@class='variant']/title/text()") == [
        "variant 2: 12× (25 %), skips step 2"
    ]
    # The optional click (share 0.75) is dashed; copied pastes carry a green dot.
    dashed = flow.xpath("./g[@class='step'][rect/@stroke-dasharray]/title/text()")
    assert dashed == ["step 2: Chrome: click Customer (in 75 % of instances)"]
    assert len(flow.xpath("./g[@class='step']/circle[@fill='#009E73']")) == 2
    assert flow.xpath("./g[@class='data-link']/title/text()") == [
        "step 1 → step 3: copy → paste: traced in 48 of 48 instances",
        "step 4 → step 5: copy → paste: traced in 48 of 48 instances",
    ]


def test_examples_show_at_most_five_instances_with_step_offsets(page):
    doc = lxml.html.fromstring(page)
    section = doc.xpath("//section[@id='cand-Cinv']")[0]
    summaries = section.xpath(".//details[@class='instance']/summary/text()")
    assert len(summaries) == 5
    assert summaries[0] == (
        "Rinv.ana.0.0 · ana · session ana-0 · 2024-03-04 09:00:00 UTC"
        " · 20 s, 21 s active · variant 1"
    )
    offsets = section.xpath(".//details[@class='instance'][1]//td[@class='num']/text()")
    assert offsets == ["+0 s", "+4 s", "+8 s", "+12 s", "+16 s", "+20 s"]


def test_score_breakdown_multiplies_value_by_weight(page):
    doc = lxml.html.fromstring(page)
    rows = doc.xpath("//section[@id='cand-Cinv']//table[@class='factors']/tbody/tr")
    cells = [[td.text_content() for td in row.xpath("./td")][:4] for row in rows]
    assert cells == [
        ["rule_based", "0.8", "0.25", "0.2"],
        ["traced_values", "1", "0.2", "0.2"],
        ["variants", "0.5", "0.15", "0.075"],
    ]


def test_app_time_caps_gaps_and_app_switches_count_moves(fixture):
    _, events = fixture
    seconds = dict(app_time(events, idle_cap_s=60.0))
    # Per slot: Excel 2 copies × 4 s; Chrome 4 s per step but the last click waits
    # 4 min 40 s for the mail (capped 60 s); Outlook 3 s + 3 s + 24 s, then the
    # noise click waits 4.5 min (capped) or ends the session (0 s).
    assert seconds["Excel"] == pytest.approx(48 * 8)
    assert seconds["Chrome"] == pytest.approx(36 * (4 * 3 + 60) + 12 * (4 * 2 + 60))
    assert seconds["Outlook"] == pytest.approx(48 * 30 + 36 * 60)
    labels, matrix = app_switches(events)
    switch = {
        (a, b): matrix[i][j] for i, a in enumerate(labels) for j, b in enumerate(labels)
    }
    assert switch[("Excel", "Chrome")] == 96
    assert switch[("Chrome", "Excel")] == 48
    assert switch[("Chrome", "Outlook")] == 48
    assert switch[("Outlook", "Excel")] == 36  # next slot of the same session
    assert sum(map(sum, matrix)) == 96 + 48 + 48 + 36


def test_typed_and_copied_values_never_reach_the_html(fixture):
    candidates, clear = build_fixture()
    secrets = {v for v in clear["value"] if isinstance(v, str)}
    hashes = {h for h in clear["value_hash"] if isinstance(h, str)}
    assert len(secrets) == 48 * 3  # per slot: 2 copied values, 1 typed
    for events in (protect_events(clear, secret=SECRET), clear):
        page = render(candidates, events)
        found = [s for s in secrets | hashes if s in page]
        assert found == []
        assert "SEEKRIT" not in page and "@example.test" not in page


HOSTILE = {
    "Customer": '<script>alert("x")</script>',
    "Amount": "\"quoted' & <b>bold</b> onload=alert(1)",
    "Save": "حفظ الفاتورة \u202e evil",
    "Inbox": "x" * 2000,
    "invoice name": '<img src=x onerror=alert(1)> & "name"' + "ü" * 2000,
    "mail name": "</title></svg><script>alert(2)</script>\x00\x1b\ud800",
}


def test_hostile_labels_are_text_never_markup():
    candidates, events = build_fixture(labels=HOSTILE)
    candidates[1] = replace(candidates[1], apps=("<svg onload=alert(3)>",))
    page = render(
        candidates,
        protect_events(events, secret=SECRET),
        export_links={"Cinv": "javascript:alert(4)", "Cmail": "bots/a b&c"},
    )
    doc = lxml.html.fromstring(page)
    assert len(doc.xpath("//script")) == 1
    assert doc.xpath("//img") == []
    assert doc.xpath("//@*[starts-with(name(), 'on')]") == []
    assert "alert(4)" not in "".join(doc.xpath("//a/@href"))
    assert doc.xpath("//a[@href='bots/a b&c']/text()") == ["bots/a b&c"]
    # The labels survive as text, in full in the table and titles.
    text = doc.text_content()
    assert '<script>alert("x")</script>' in text
    assert HOSTILE["invoice name"] in text
    assert "حفظ الفاتورة" in text
    assert "\x00" not in page and "\x1b" not in page
    names = doc.xpath("//table[@id='ranking']//td[2]//bdi/text()")
    assert names[0] == HOSTILE["invoice name"]


def test_render_html_is_byte_identical_for_the_same_input(fixture):
    candidates, events = fixture
    first = render(candidates, events)
    shuffled = events.sample(frac=1.0, random_state=7).reset_index(drop=True)
    assert render(candidates, shuffled) == first
    assert render(list(reversed(candidates)), events) == first  # sorted by rank
    assert re.search(r"20\d\d-\d\d-\d\dT", first) is None  # no clock
    assert first.endswith("</html>\n")


def test_top_limits_sections_but_the_summary_counts_all(fixture):
    candidates, events = fixture
    doc = lxml.html.fromstring(render(candidates, events, top=1))
    assert len(doc.xpath("//section[@class='candidate']")) == 1
    assert len(doc.xpath("//svg[@class='chart']")) == 5 + 2
    assert doc.xpath("//dt[.='Candidates found']/following-sibling::dd/text()") == ["2"]


def test_render_html_rejects_bad_arguments_with_the_fix(fixture):
    candidates, events = fixture
    with pytest.raises(
        TypeError, match=r"^report must be a models.RankedReport .*got list\.$"
    ):
        render_html(candidates, events)
    report = build_report(candidates, events, Settings())
    with pytest.raises(ValueError, match=r"missing value_hash\. Pass it through"):
        render_html(report, events.drop(columns=["value_hash"]))


def test_empty_input_renders_a_valid_page():
    from models import empty_event_table

    doc = lxml.html.fromstring(render([], empty_event_table()))
    assert doc.xpath("//section[@class='candidate']") == []
    assert len(doc.xpath("//svg[@class='chart']")) == 5
    assert doc.xpath("//dt[.='Events']/following-sibling::dd/text()") == ["0"]


def test_report_with_many_instances_stays_under_5_mb():
    # 20 candidates × 2,400 instances over 30 days: sections and charts stay bounded.
    base, events = build_fixture(
        users=tuple(f"u{n}" for n in range(20)), days=30, per_day=4
    )
    candidates = []
    for n in range(20):
        template = base[n % 2]
        candidates.append(
            replace(
                template,
                candidate_id=f"C{n:02d}",
                name=f"{template.name} {n}",
                rank=n + 1,
            )
        )
    page = render(candidates, protect_events(events, secret=SECRET))
    assert len(base[0].routine.instances) == 2400
    assert len(page.encode("utf-8")) < 5 * 1024 * 1024
    doc = lxml.html.fromstring(page)
    assert len(doc.xpath("//section[@class='candidate']")) == 20
    assert anchor("C07") in doc.xpath("//section[@class='candidate']/@id")


SAMPLE_SESSIONS = Path(__file__).resolve().parents[2] / "sample_sessions"


@pytest.fixture(scope="module")
def sample_analysis():
    from discover.pipeline import analyse

    return analyse([SAMPLE_SESSIONS], Settings())


def test_sample_sessions_report_is_complete_small_and_private(sample_analysis):
    from discover.report import report_from_analysis

    analysis = sample_analysis
    report = report_from_analysis(analysis)
    page = render_html(report, analysis.events)
    doc = lxml.html.fromstring(page)
    n = len(report.candidates)
    assert n >= 5
    assert len(doc.xpath("//section[@class='candidate']")) == n
    assert len(doc.xpath("//svg[@class='chart']")) == 5 + 2 * n
    assert len(page.encode("utf-8")) < 5 * 1024 * 1024
    # Clear-text values as recorded (names, IBANs, e-mails): none may appear. Short
    # values ("Enter", "1") also occur in labels and coordinates, so keep >= 8 chars.
    raw = {
        str(event["value"])
        for path in sorted(SAMPLE_SESSIONS.glob("*/*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
        if "value" in (event := json.loads(line)) and len(str(event["value"])) >= 8
    }
    assert len(raw) > 500
    # Casefolded too: variant tokens hold lower-cased target text.
    folded = page.casefold()
    assert sorted(v for v in raw if v.casefold() in folded) == []
    hashes = set(analysis.events["value_hash"].dropna())
    assert hashes and sorted(h for h in hashes if h in page) == []


def test_instances_whose_events_are_missing_still_render(fixture):
    # e.g. events filtered after discovery: timings and traced links need the
    # events; the flow, variants and score do not.
    candidates, events = fixture
    kept = events[events["app"].astype(str) != "Chrome"].reset_index(drop=True)
    doc = lxml.html.fromstring(render(candidates, kept))
    section = doc.xpath("//section[@id='cand-Cinv']")[0]
    offsets = section.xpath(".//details[@class='instance'][1]//td[@class='num']/text()")
    assert offsets == ["+0 s", "+12 s"]  # the two Excel copies only
    assert section.xpath(".//ul[@class='data-flow']") == []
    assert len(section.xpath(".//svg[@class='chart']")) == 2


def test_data_flow_prefers_the_links_scoring_counted(fixture):
    # Reports must agree with `rank` and `show`, which print scoring's counts.
    candidates, events = fixture
    flows = [{"from_step": 4, "to_step": 5, "count": 40}]
    extra = {**candidates[0].score.extra, "data_flow": flows}
    scored = replace(candidates[0], score=replace(candidates[0].score, extra=extra))
    doc = lxml.html.fromstring(render([scored, candidates[1]], events))
    items = doc.xpath("//section[@id='cand-Cinv']//ul[@class='data-flow']/li")
    assert [item.text_content() for item in items] == [
        "step 4 (Excel: copy cell B) → step 5 (Chrome: paste Amount)"
        " — 40 traced pastes in 48 instances"
    ]
    extra_rows = doc.xpath(
        "//section[@id='cand-Cinv']//table[@class='extra']//th/text()"
    )
    assert extra_rows == ["idle_capped_gaps"]


def test_bar_chart_scales_bars_to_the_largest_value():
    from discover.render.charts import Bar, bar_chart

    svg = lxml.html.fromstring(
        bar_chart(
            "x", "Hours", [Bar("a", 10.0), Bar("b", 2.5), Bar("c", 0.0)], unit="h"
        )
    )
    widths = [float(w) for w in svg.xpath("//rect/@width")]
    assert widths[1] == pytest.approx(widths[0] / 4, abs=0.01)
    assert widths[2] == 0.5  # a hairline, so a zero still shows
    assert svg.xpath("//g[@class='bar']/title/text()") == [
        "a: 10 h",
        "b: 2.5 h",
        "c: 0 h",
    ]


def test_heatmap_shades_cells_by_the_square_root_of_counts():
    from discover.render.charts import heatmap

    svg = lxml.html.fromstring(
        heatmap("s", "Switches", ["A", "B"], [[0, 100], [25, 0]])
    )
    opacity = [float(o) for o in svg.xpath("//g[@class='cell']/rect/@fill-opacity")]
    assert opacity == [1.0, 1.0, pytest.approx(0.12 + 0.88 * 0.5, abs=0.01), 1.0]
    tips = svg.xpath("//g[@class='cell']/title/text()")
    assert tips[1] == "A → B: 100 switches"


def test_days_and_times_follow_the_configured_timezone(fixture):
    # 09:00 UTC is 23:00 the day before in Honolulu (UTC-10).
    from discover.config import load_settings

    candidates, events = fixture
    settings = load_settings(None, {"scoring": {"timezone": "Pacific/Honolulu"}})
    page = render_html(build_report(candidates, events, settings), events)
    doc = lxml.html.fromstring(page)
    timeline = doc.xpath("//svg[@data-chart='instances-over-time']")[0]
    assert timeline.xpath("./text[@class='small']/text()") == [
        "2024-03-03",
        "2024-03-06",
    ]
    first = doc.xpath("//section[@id='cand-Cinv']//details[@open]/summary/text()")[0]
    assert "2024-03-03 23:00:00 HST" in first


def test_rare_variant_steps_show_their_action_but_not_their_text(fixture):
    # A variant followed once may name one run's data (a customer in a mail
    # subject); only text seen in at least half the runs describes the UI.
    candidates, events = fixture
    routine = candidates[0].routine
    rare = Variant((*routine.variants[0].tokens, "Outlook|focus|re: kunde zyx gmbh"), 1)
    common = Variant((*routine.variants[0].tokens, "Outlook|click|archive"), 40)
    variants = (routine.variants[0], common, rare)
    changed = replace(candidates[0], routine=replace(routine, variants=variants))
    page = render([changed, candidates[1]], events)
    assert "zyx" not in page
    doc = lxml.html.fromstring(page)
    flow = doc.xpath("//section[@id='cand-Cinv']//svg[@data-chart='flow']")[0]
    tips = flow.xpath(".//g[@class='variant']/g[@class='step']/title/text()")
    assert tips == [
        "variant 2: 40× (52 %): Outlook: click 'archive'",
        "variant 3: 1× (1 %): Outlook: switch to …",
    ]
