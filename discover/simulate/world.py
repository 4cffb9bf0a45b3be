"""Fake business data for simulated recordings: people, companies, invoices, IBANs.

Every value is made up but shaped like the real thing (an IBAN-like string has valid
mod-97 check digits, phone numbers use the reserved 555 block, e-mail domains end in
``.example``), so that privacy tests can look for these exact strings in outputs.
All functions draw from the numpy Generator they are given and keep no state.
"""

from __future__ import annotations

from datetime import date

import numpy as np

FIRST_NAMES: tuple[str, ...] = (
    "Anna", "Jonas", "Lena", "Lukas", "Marie", "Felix", "Sofia", "Paul", "Emma",
    "Noah", "Mia", "Elias", "Hannah", "Leon", "Clara", "Ben", "Laura", "Finn",
    "Julia", "David", "Sara", "Tom", "Nora", "Jan", "Ida", "Erik", "Maja", "Oskar",
    "Greta", "Milan", "Aylin", "Mehmet", "Zofia", "Piotr", "Chiara", "Mateo",
)  # fmt: skip
LAST_NAMES: tuple[str, ...] = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner",
    "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein", "Wolf", "Neumann",
    "Schwarz", "Braun", "Zimmermann", "Krüger", "Hartmann", "Lange", "Werner",
    "Krause", "Lehmann", "Köhler", "Jansen", "Berg", "Lindqvist", "Novak", "Rossi",
    "Yilmaz", "Kowalski", "Dubois", "Horvat",
)  # fmt: skip
COMPANY_STEMS: tuple[str, ...] = (
    "Norrland", "Alpen", "Rhein", "Baltic", "Hansa", "Nordic", "Vista", "Kestrel",
    "Granit", "Bluefin", "Oakridge", "Silvermoor", "Falkner", "Brightwater",
    "Ostwind", "Tannberg", "Lumen", "Meridian", "Harbor", "Cedar", "Elbtal",
    "Sonnfeld", "Westhafen", "Kranich",
)  # fmt: skip
COMPANY_KINDS: tuple[str, ...] = (
    "Logistik", "Metallbau", "Software", "Consulting", "Elektro", "Foods", "Textil",
    "Medical", "Packaging", "Energie", "Druck", "Automotive Parts", "Bau",
)  # fmt: skip
LEGAL_FORMS: tuple[str, ...] = ("GmbH", "AG", "KG", "SE", "GmbH & Co. KG", "B.V.")
CITIES: tuple[tuple[str, str], ...] = (
    ("Berlin", "30"), ("Hamburg", "40"), ("München", "89"), ("Köln", "221"),
    ("Frankfurt", "69"), ("Stuttgart", "711"), ("Leipzig", "341"), ("Bremen", "421"),
)  # fmt: skip
CHAT_PHRASES: tuple[str, ...] = (
    "ok, thanks!", "can we move the call to 3pm?", "done", "I'll check and come back",
    "lunch at 12?", "see the updated sheet", "sure", "sorry, in a meeting",
    "who owns the Kestrel account now?", "the printer on 2nd floor is down again",
    "👍", "can you approve my expense report?", "on it", "thanks, looks good",
)  # fmt: skip

_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", " ": "-"})


def _pick(rng: np.random.Generator, options: tuple[str, ...]) -> str:
    return options[int(rng.integers(len(options)))]


def _digits(rng: np.random.Generator, n: int) -> str:
    return "".join(str(d) for d in rng.integers(0, 10, size=n))


def fake_person(rng: np.random.Generator) -> tuple[str, str]:
    """Return a fake (first name, last name)."""
    return _pick(rng, FIRST_NAMES), _pick(rng, LAST_NAMES)


def fake_company(rng: np.random.Generator) -> str:
    """Return a fake company name such as ``"Kestrel Logistik GmbH"``."""
    stem, kind = _pick(rng, COMPANY_STEMS), _pick(rng, COMPANY_KINDS)
    return f"{stem} {kind} {_pick(rng, LEGAL_FORMS)}"


def fake_email(first: str, last: str, company: str) -> str:
    """Return ``first.last@company-domain.example``, transliterated to ASCII."""
    words = company.lower().split()
    domain = "-".join(words[:2]).translate(_TRANSLIT)
    local = f"{first}.{last}".lower().translate(_TRANSLIT)
    return f"{local}@{domain}.example"


def fake_phone(rng: np.random.Generator) -> str:
    """Return a German-style phone number in the reserved ``555`` block."""
    _, area = CITIES[int(rng.integers(len(CITIES)))]
    return f"+49 {area} 555 {_digits(rng, 4)}"


def iban_check_digits(country: str, bban: str) -> str:
    """Return the two ISO 13616 check digits of an IBAN with `country` and `bban`.

    Examples
    --------
    >>> iban_check_digits("DE", "370400440532013000")
    '89'
    """
    moved = f"{bban}{country}00"
    number = int("".join(str(int(ch, 36)) for ch in moved))
    return f"{98 - number % 97:02d}"


def fake_iban(rng: np.random.Generator) -> str:
    """Return a German-shaped IBAN with valid check digits, in groups of four."""
    bban = _digits(rng, 18)
    raw = f"DE{iban_check_digits('DE', bban)}{bban}"
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def fake_bic(rng: np.random.Generator) -> str:
    """Return a BIC-shaped code such as ``"KESTDEFFXXX"``."""
    letters = "".join(chr(65 + int(c)) for c in rng.integers(0, 26, size=4))
    return f"{letters}DE{_pick(rng, ('FF', 'MM', 'HH', 'BB'))}XXX"


def fake_amount(rng: np.random.Generator, median: float = 850.0) -> str:
    """Return a German-formatted amount such as ``"1.234,50"`` (log-normal)."""
    cents = int(round(rng.lognormal(np.log(median), 0.9) * 100))
    euros, rest = divmod(max(cents, 1), 100)
    return f"{euros:,}".replace(",", ".") + f",{rest:02d}"


def german_date(day: date) -> str:
    """Return `day` as ``DD.MM.YYYY``, the format typed into German ERP screens."""
    return f"{day.day:02d}.{day.month:02d}.{day.year}"


def invoice_record(rng: np.random.Generator, day: date) -> dict[str, str]:
    """Return one supplier invoice as sent by e-mail: number, vendor, amount, dates."""
    prefix = _pick(rng, ("INV", "RE", "R", "FA"))
    company = fake_company(rng)
    first, last = fake_person(rng)
    return {
        "invoice_no": f"{prefix}-{day.year}-{_digits(rng, 5)}",
        "vendor": company,
        "vendor_id": f"7{_digits(rng, 5)}",
        "amount": fake_amount(rng),
        "invoice_date": german_date(day),
        "sender": fake_email(first, last, company),
        "po_no": f"45000{_digits(rng, 5)}",
    }


def lead_record(rng: np.random.Generator) -> dict[str, str]:
    """Return one sales lead as a spreadsheet row: company, contact, e-mail, phone."""
    company = fake_company(rng)
    first, last = fake_person(rng)
    return {
        "company": company,
        "contact": f"{first} {last}",
        "email": fake_email(first, last, company),
        "phone": fake_phone(rng),
    }


def customer_record(rng: np.random.Generator) -> dict[str, str]:
    """Return one customer account: number, name, credit limit and exposure."""
    company = fake_company(rng)
    first, last = fake_person(rng)
    return {
        "customer_no": f"10{_digits(rng, 4)}",
        "company": company,
        "contact": f"{first} {last}",
        "credit_limit": fake_amount(rng, median=25000.0),
        "exposure": fake_amount(rng, median=9000.0),
    }


def bank_record(rng: np.random.Generator) -> dict[str, str]:
    """Return new bank details announced by a vendor: IBAN, BIC, account holder."""
    company = fake_company(rng)
    return {
        "vendor_id": f"7{_digits(rng, 5)}",
        "vendor": company,
        "iban": fake_iban(rng),
        "bic": fake_bic(rng),
    }


def expense_record(rng: np.random.Generator, day: date) -> dict[str, str]:
    """Return one expense report waiting for approval."""
    first, last = fake_person(rng)
    return {
        "expense_no": f"EXP-{day.year}-{_digits(rng, 4)}",
        "employee": f"{first} {last}",
        "amount": fake_amount(rng, median=85.0),
    }


def chat_message(rng: np.random.Generator) -> str:
    """Return a short chat message (noise typed between routines)."""
    return _pick(rng, CHAT_PHRASES)
