"""Built-in PII detectors: what they replace, and the near misses they must keep."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discover.detectors import (
    DETECTOR_NAMES,
    TEXT_DETECTORS,
    de_tax_id_valid,
    iban_valid,
    is_password_field,
    luhn_valid,
    redact_text,
)


@pytest.mark.parametrize(
    ("text", "expected", "counts"),
    [
        ("From anna.schmidt@example.org", "From <email>", {"email": 1}),
        ("a+b@x.co; c@y.de", "<email>; <email>", {"email": 2}),
        ("IBAN DE89 3704 0044 0532 0130 00 EUR", "IBAN <iban> EUR", {"iban": 1}),
        ("GB82WEST12345698765432", "<iban>", {"iban": 1}),
        ("de89370400440532013000", "<iban>", {"iban": 1}),
        ("BE68 5390 0754 7034 2024", "<iban> 2024", {"iban": 1}),
        ("Visa 4111 1111 1111 1111 12/27", "Visa <card> 12/27", {"card": 1}),
        ("Ref 12 5500-0000-0000-0004", "Ref 12 <card>", {"card": 1}),
        ("PAN 2223000048400011.", "PAN <card>.", {"card": 1}),
        ("Amex 378282246310005", "Amex <card>", {"card": 1}),
        ("SSN 078-05-1120.", "SSN <ssn>.", {"us_ssn": 1}),
        ("NINO AB 12 34 56 C ok", "NINO <nino> ok", {"uk_nino": 1}),
        ("nino: AB123456C", "nino: <nino>", {"uk_nino": 1}),
        ("IdNr 86095742719.", "IdNr <tax_id>.", {"de_tax_id": 1}),
        ("IdNr 86 095 742 719", "IdNr <tax_id>", {"de_tax_id": 1}),
        ("call +49 30 1234567 now", "call <phone> now", {"phone": 1}),
        ("+49 (0)30 1234567", "<phone>", {"phone": 1}),
        ("Tel. 030 1234567", "Tel. <phone>", {"phone": 1}),
        ("(030) 123 45 67", "<phone>", {"phone": 1}),
        ("(555) 123-4567 / 555-123-4567", "<phone> / <phone>", {"phone": 2}),
    ],
)
def test_redact_text_replaces_findings_with_typed_placeholders(text, expected, counts):
    assert redact_text(text) == (expected, counts)


@pytest.mark.parametrize(
    ("detector", "text"),
    [
        ("card", "4111 1111 1111 1112"),  # 16 digits, Luhn fails
        ("card", "4111111111111112"),
        ("card", "1111 1111 1111 1117"),  # Luhn passes, not a card industry
        ("iban", "DE89 3704 0044 0532 0130 01"),  # mod 97 fails
        ("iban", "DE89370400440532013001"),
        ("de_tax_id", "IdNr 86095742718"),  # check digit wrong
        ("us_ssn", "SSN 000-12-3456"),  # area 000 is never issued
        ("uk_nino", "QQ 12 34 56 C"),  # Q is not a NINO prefix letter
        ("phone", "Call 0123 45"),  # six digits only
        ("phone", "presentation 06082023"),  # a date, not a national number
        ("phone", "thesis (0517356).pdf"),  # a student number
        ("phone", "Termin 06.08.2023"),
    ],
)
def test_each_detector_rejects_its_near_misses(detector, text):
    assert redact_text(text, (detector,)) == (text, {})


@pytest.mark.parametrize(
    "text",
    [
        "Order 4111 1111 1111 1112",
        "2026-03-02 09:14:05",
        "Invoice INV-2026-0042 - ERP",
        "https://crm.example.test/customers/4711/edit",
        "v1.2.3 build 0.5 EUR 12,50",
        "Amount 1234567",
        "Shipping address @ home",
    ],
)
def test_redact_text_keeps_near_misses_and_ordinary_numbers(text):
    assert redact_text(text) == (text, {})


def test_redact_text_runs_only_the_detectors_asked_for():
    text = "anna@example.org 4111 1111 1111 1111"
    assert redact_text(text, ("card",)) == ("anna@example.org <card>", {"card": 1})
    assert redact_text(text, ()) == (text, {})


def test_checksums_accept_valid_numbers_and_reject_single_digit_changes():
    assert luhn_valid("4111111111111111")
    assert [luhn_valid(f"411111111111111{d}") for d in range(10)].count(True) == 1
    assert iban_valid("GB82 WEST 1234 5698 7654 32")
    assert not iban_valid("GB82 WEST 1234 5698 7654 33")
    assert not iban_valid("GB82")
    assert de_tax_id_valid("86095742719")
    assert [de_tax_id_valid(f"8609574271{d}") for d in range(10)].count(True) == 1
    assert not de_tax_id_valid("06095742719")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ({"name": "Password"}, True),
        ({"label": "Passwort"}, True),
        ({"element_id": "txtPwd"}, True),
        ({"automation_id": "PinCodeBox"}, True),
        ({"element_id": "txtPin"}, True),
        ({"name": "PIN"}, True),
        ({"name": "api_secret"}, True),
        ({"role": "password text"}, True),
        ({"css": 'input[type="password"]'}, True),
        ({"css": "#login input[type = password]"}, True),
        ({"label": "Shipping address"}, False),
        ({"name": "Spinner"}, False),
        ({"name": "Pinned items"}, False),
        ({"label": "Secretary"}, False),
        ({"css": "input[type=text]", "name": "User name"}, False),
        ({}, False),
    ],
)
def test_is_password_field_matches_password_like_targets_only(target, expected):
    assert is_password_field(**target) is expected


def test_detector_names_list_text_detectors_then_password():
    assert DETECTOR_NAMES == (*TEXT_DETECTORS, "password")
    assert TEXT_DETECTORS == (
        "email",
        "iban",
        "card",
        "us_ssn",
        "uk_nino",
        "de_tax_id",
        "phone",
    )


def with_luhn_digit(body: str) -> str:
    """`body` and the check digit that makes it pass Luhn."""
    return next(body + d for d in "0123456789" if luhn_valid(body + d))


def with_iban_check(country: str, bban: str) -> str:
    """An IBAN of `country` and `bban` with its ISO 13616 check digits."""
    number = int("".join(str(int(c, 36)) for c in bban + country + "00"))
    return f"{country}{98 - number % 97:02d}{bban}"


SEPARATED = st.sampled_from(["", " ", "-"])
AROUND = st.text(alphabet="abc XYZ:;()", max_size=12)


@settings(deadline=None)  # no wall-clock limit in unit tests
@given(
    body=st.text(alphabet="0123456789", min_size=14, max_size=14),
    first=st.sampled_from("23456"),
    sep=SEPARATED,
    before=AROUND,
    after=AROUND,
)
def test_every_luhn_valid_card_in_text_is_replaced(body, first, sep, before, after):
    card = with_luhn_digit(first + body)
    written = sep.join(card[i : i + 4] for i in range(0, 16, 4))
    text, counts = redact_text(f"{before} {written} {after}")
    assert card not in text.replace(sep, "") if sep else card not in text
    assert counts.get("card") == 1


@settings(deadline=None)
@given(
    country=st.sampled_from(["DE", "GB", "FR", "NL", "AT"]),
    bban=st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=14),
    before=AROUND,
    after=AROUND,
)
def test_every_mod97_valid_iban_in_text_is_replaced(country, bban, before, after):
    iban = with_iban_check(country, bban[:26])
    assert iban_valid(iban)
    grouped = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))
    for written in (iban, grouped):
        text, counts = redact_text(f"{before} {written} {after}")
        assert "<iban>" in text and iban[4:] not in text.replace(" ", "")
        assert counts["iban"] == 1
