"""Candidate names: short, readable, built from steps only."""

from __future__ import annotations

from discover.naming import MAX_NAME, name_routine, scrub, shorten
from models import Routine, Step


def routine(*steps: Step, loop: bool = False) -> Routine:
    return Routine("R1", tuple(steps), (), loop=loop)


def step(app: str, action: str, **target: str) -> Step:
    return Step(app, action, f"{app}: {action}", **target)


def test_copy_paste_transfer_names_source_sink_and_field_count():
    steps = [step("Excel", "copy"), step("Chrome", "paste")] * 7
    assert name_routine(routine(*steps)) == "Excel copy → Chrome paste ×7 fields"


def test_transfer_ends_with_the_final_click_when_it_fits():
    steps = [step("Excel", "cut"), step("SAP GUI", "paste")] * 2
    steps.append(step("SAP GUI", "click", target_label="Save"))
    assert (
        name_routine(routine(*steps))
        == "Excel cut → SAP GUI paste ×2 fields, click Save"
    )


def test_general_name_lists_apps_in_order_then_what_is_done():
    steps = [
        step("Outlook", "click", target_name="Inbox"),
        step("SAP", "type", target_id="f1"),
        step("SAP", "type", target_id="f2"),
        step("SAP", "edit_cell"),
        step("SAP", "type", target_id="f4"),
        step("SAP", "click", target_name="Save"),
    ]
    assert name_routine(routine(*steps)) == "Outlook → SAP: type 4 fields, click Save"


def test_name_without_fields_or_labels_uses_the_main_action():
    steps = [step("Explorer", "file_move"), step("Explorer", "file_move")]
    steps.append(step("Explorer", "click"))
    assert name_routine(routine(*steps)) == "Explorer: file move ×2"


def test_many_apps_are_elided_and_a_loop_says_per_row():
    steps = [step(app, "paste") for app in ("A", "B", "C", "D")]
    assert name_routine(routine(*steps, loop=True)) == (
        "A → B → C → …: paste 4 fields, per row"
    )


def test_long_labels_are_cut_with_an_ellipsis_to_sixty_characters():
    steps = [
        step("Customer Relationship Management Suite Enterprise", "type"),
        step("Enterprise Resource Planning Backoffice", "click", target_name="X" * 80),
    ]
    name = name_routine(routine(*steps))
    assert name == "Customer Relationsh… → Enterprise Resource…: type 1 field"
    steps[1] = step(
        "Enterprise Resource Planning Backoffice", "click", target_name="OK"
    )
    long_name = name_routine(routine(*steps, loop=True))
    # "click OK" and "per row" would pass 60 characters: whole parts are dropped.
    assert long_name == "Customer Relationsh… → Enterprise Resource…: type 1 field"
    assert len(long_name) <= MAX_NAME


def test_control_characters_never_reach_a_name():
    steps = [step("Ex\ncel", "click", target_name="Sa\tve\r")]
    assert name_routine(routine(*steps)) == "Ex cel: click Sa ve"


def test_shorten_keeps_short_text_and_marks_cuts():
    assert shorten("Save", 10) == "Save"
    assert shorten("abcdefghij", 10) == "abcdefghij"
    assert shorten("abcdefghijk", 10) == "abcdefghi…"
    assert name_routine(routine()) == "(no steps)"


def test_scrub_folds_ids_amounts_dates_and_emails_but_keeps_short_numbers():
    assert scrub("PO 4500078576 - ERP") == "PO # - ERP"
    assert scrub("Betrag 93.945,30 EUR am 02.03.2026") == "Betrag # EUR am #"
    assert scrub("IBAN DE44 5001 0517 5407 3249 31") == "IBAN DE#"
    assert scrub("Mail from anna.b+x@corp.example.com") == "Mail from <email>"
    assert scrub("Excel 365, row 12, Form 1040") == "Excel 365, row 12, Form #"


def test_final_click_label_is_scrubbed_in_names():
    steps = [step("SAP", "type"), step("SAP", "click", target_name="Order 4500078576")]
    assert name_routine(routine(*steps)) == "SAP: type 1 field, click Order #"
