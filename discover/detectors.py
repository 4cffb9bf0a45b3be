"""Built-in detectors of personal data in recorded text, with checksum validation.

Each detector finds candidates with a regular expression and, where the kind of number
has a check digit, keeps only candidates that pass it: payment cards (Luhn), IBANs
(ISO 13616 mod 97) and German tax ids (ISO 7064 MOD 11,10). Numbers that fail their
check stay as they are, so order numbers and amounts survive. A detected item is
replaced by a typed placeholder such as ``<email>``.

Detectors, in the order they run (earlier ones win on overlapping text):

``email``
    ``local@domain.tld`` with the RFC 5322 characters allowed in the local part.
``iban``
    Two capital letters, two digits, 11 to 30 letters or digits (spaces allowed
    between groups), mod-97 checked.
``card``
    13 to 19 digits starting with 2 to 6 (the payment-card industries), optionally
    grouped by spaces or dashes, Luhn checked.
``us_ssn``
    US social security number in its written form ``123-45-6789`` (area not 000,
    666 or 9xx; group not 00; serial not 0000). Bare nine-digit runs are not taken.
``uk_nino``
    UK national insurance number ``AB 12 34 56 C`` (with or without spaces), using
    the HMRC letter rules for the prefix.
``de_tax_id``
    German tax identification number (Steuerliche Identifikationsnummer), 11 digits,
    first digit not 0, check digit valid; compact or as ``12 345 678 901``.
``phone``
    International numbers (``+49 30 1234567``, ``0049 …``; 7 to 15 digits),
    national numbers with a trunk ``0`` (``030 1234567``, ``(030) 123 45 67``; 9 to
    15 digits) and North American ``(555) 123-4567`` / ``555-123-4567``.

``password`` is not a text detector: it names the check of a target that looks like
a password field (:func:`is_password_field`), whose typed value is removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

#: The placeholder of each text detector.
PLACEHOLDERS: dict[str, str] = {
    "email": "<email>",
    "iban": "<iban>",
    "card": "<card>",
    "us_ssn": "<ssn>",
    "uk_nino": "<nino>",
    "de_tax_id": "<tax_id>",
    "phone": "<phone>",
}
#: Text detectors in the order they run.
TEXT_DETECTORS: tuple[str, ...] = tuple(PLACEHOLDERS)
#: Every detector name a policy may list (text detectors and ``password``).
DETECTOR_NAMES: tuple[str, ...] = (*TEXT_DETECTORS, "password")

_ATEXT = r"A-Za-z0-9!#$%&'*+/=?^_`{|}~\-"
_EMAIL = re.compile(
    # Start only at the beginning of a run of local-part characters: one attempt per
    # run keeps the scan linear on long texts without an e-mail in them.
    rf"(?<![{_ATEXT}.])[{_ATEXT}.]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+"
)
_IBAN = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}[A-Za-z0-9]*(?: [A-Za-z0-9]+){0,9}"
)
# Every pattern below is unambiguous (a run of digits can be split one way only), so
# a failed candidate costs one pass, not a backtracking search.
_CARD = re.compile(r"(?<!\w)(?<!\d[.,])[2-6]\d*(?:[ \-]\d+){0,18}")
_US_SSN = re.compile(
    r"(?<![\w-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w-])"
)
_UK_NINO = re.compile(
    r"(?<![A-Za-z0-9])(?!BG|GB|KN|NK|NT|TN|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
    r" ?\d{2} ?\d{2} ?\d{2} ?[A-D](?![A-Za-z0-9])"
)
_DE_TAX_ID = re.compile(r"(?<!\w)(?<!\d[.,])[1-9]\d(?: ?\d{3}){3}(?!\w|[.,]\d)")
_PHONE = re.compile(
    # Not after a dash, dot or slash: dates (2026-03-02), versions and URL paths.
    r"(?<![\w+\-./])(?:"
    r"(?:\+|00)[1-9]\d{0,2}(?:[ .\-/]?\(0\))?(?:[ .\-/]?\(\d{1,5}\))?"
    r"[ .\-/]?\d+(?:[ .\-/]\d+){0,6}"
    r"|(?:\(0\d{1,5}\)[ .\-/]?|0)\d+(?:[ .\-/]\d+){0,6}"
    r"|\(\d{3}\) ?\d{3}[ .\-]\d{4}"
    r"|\d{3}[.\-]\d{3}[.\-]\d{4}"
    r")(?!\w)"
)
_NON_DIGIT = re.compile(r"\D")


def luhn_valid(digits: str) -> bool:
    """Whether a string of digits passes the Luhn check (payment card numbers).

    >>> luhn_valid("4111111111111111"), luhn_valid("4111111111111112")
    (True, False)
    """
    if not digits.isdigit():
        return False
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = ord(char) - 48
        if position % 2 == 1:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def iban_valid(text: str) -> bool:
    """Whether `text` (spaces ignored) is an IBAN with a valid mod-97 check.

    >>> iban_valid("DE89 3704 0044 0532 0130 00"), iban_valid("DE89370400440532013001")
    (True, False)
    """
    compact = text.replace(" ", "").upper()
    if not 15 <= len(compact) <= 34 or not compact.isascii() or not compact.isalnum():
        return False
    if not (compact[:2].isalpha() and compact[2:4].isdigit()):
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(char, 36)) for char in rearranged)
    return int(number) % 97 == 1


def de_tax_id_valid(digits: str) -> bool:
    """Whether 11 digits form a German tax id with a valid ISO 7064 check digit.

    >>> de_tax_id_valid("86095742719"), de_tax_id_valid("86095742718")
    (True, False)
    """
    if len(digits) != 11 or not digits.isdigit() or digits[0] == "0":
        return False
    product = 10
    for char in digits[:10]:
        total = (int(char) + product) % 10 or 10
        product = total * 2 % 11
    check = (11 - product) % 10
    return check == int(digits[10])


def _longest_prefix(
    text: str,
    separators: str,
    size: Callable[[str], int],
    max_size: int,
    valid: Callable[[str], bool],
) -> int:
    """Length of the longest group-aligned prefix of `text` that is `valid`, or 0.

    A candidate may run on into following groups ("... 00 EUR", a card number and
    its expiry date): the personal data is a prefix of it. Prefixes grow until
    `size` passes `max_size`, which bounds the work on long runs of numbers.
    """
    best = 0
    ends = [i for i, char in enumerate(text) if char in separators]
    ends.append(len(text))
    for end in ends:
        prefix = text[:end]
        if size(prefix) > max_size:
            break
        if valid(prefix):
            best = end
    return best


def _n_digits(text: str) -> int:
    return sum(char.isdigit() for char in text)


def _n_alnum(text: str) -> int:
    return sum(char.isalnum() for char in text)


def _iban_prefix(text: str) -> int:
    return _longest_prefix(text, " ", _n_alnum, 34, iban_valid)


def _card_valid(text: str) -> bool:
    digits = _NON_DIGIT.sub("", text)
    return 13 <= len(digits) <= 19 and luhn_valid(digits)


def _card_prefix(text: str) -> int:
    return _longest_prefix(text, " -", _n_digits, 19, _card_valid)


def _tax_id_prefix(text: str) -> int:
    return len(text) if de_tax_id_valid(text.replace(" ", "")) else 0


def _phone_prefix(text: str) -> int:
    # A national number (trunk 0) needs 9 digits: 7- and 8-digit runs with a
    # leading 0 are dates (06082023) and student or staff numbers far more often.
    least = 7 if text[0] == "+" or text.startswith("00") else 9
    return _longest_prefix(
        text, " .-/(", _n_digits, 15, lambda prefix: _n_digits(prefix) >= least
    )


@dataclass(frozen=True, slots=True)
class _Detector:
    pattern: re.Pattern[str]
    # Length of the valid prefix of a candidate (0: not personal data).
    accept: Callable[[str], int] | None = None
    # Cheap test that must hold for the text before the pattern runs.
    needs: str = ""


_DETECTORS: dict[str, _Detector] = {
    "email": _Detector(_EMAIL, needs="@"),
    "iban": _Detector(_IBAN, _iban_prefix),
    "card": _Detector(_CARD, _card_prefix),
    "us_ssn": _Detector(_US_SSN, needs="-"),
    "uk_nino": _Detector(_UK_NINO),
    "de_tax_id": _Detector(_DE_TAX_ID, _tax_id_prefix),
    "phone": _Detector(_PHONE, _phone_prefix),
}


def _replace(text: str, detector: _Detector, placeholder: str) -> tuple[str, int]:
    if detector.accept is None:
        return detector.pattern.subn(placeholder, text)
    parts: list[str] = []
    count = position = done = 0
    while True:
        match = detector.pattern.search(text, position)
        if match is None:
            break
        length = detector.accept(match.group())
        if length == 0:
            position = match.start() + 1
            continue
        parts.append(text[done : match.start()])
        parts.append(placeholder)
        count += 1
        done = position = match.start() + length
    if count == 0:
        return text, 0
    parts.append(text[done:])
    return "".join(parts), count


def redact_text(
    text: str, detectors: tuple[str, ...] = TEXT_DETECTORS
) -> tuple[str, dict[str, int]]:
    """Replace the personal data found in `text` by typed placeholders.

    Parameters
    ----------
    text : str
        Free text from a recording (a window title, a URL, a label).
    detectors : tuple of str, default=TEXT_DETECTORS
        Names from :data:`TEXT_DETECTORS`; they run in that order whatever the order
        given, and other names (``password``) are ignored.

    Returns
    -------
    str
        The text with each finding replaced by its placeholder.
    dict of str to int
        Findings per detector, only detectors that found something.

    Examples
    --------
    >>> redact_text("Mail anna@example.org, IBAN DE89 3704 0044 0532 0130 00")
    ('Mail <email>, IBAN <iban>', {'email': 1, 'iban': 1})
    >>> redact_text("Order 4111 1111 1111 1112")
    ('Order 4111 1111 1111 1112', {})
    """
    counts: dict[str, int] = {}
    for name in TEXT_DETECTORS:
        if name not in detectors:
            continue
        detector = _DETECTORS[name]
        if detector.needs and detector.needs not in text:
            continue
        text, found = _replace(text, detector, PLACEHOLDERS[name])
        if found:
            counts[name] = found
    return text, counts


#: Words that mark a target as a password field: in the role, name, id, automation
#: id or label, matched case-insensitively; ``pin`` only as a word of its own
#: (``PIN``, ``pin_code``, ``txtPin``), not inside ``shipping`` or ``spinner``.
PASSWORD_FIELD = re.compile(
    r"(?i:pass(?:word|wort|wd|code|phrase)|kennwort|pwd|secret(?!ar[iy])|mot de passe)"
    r"|(?<![A-Za-z])(?i:pin)(?![a-z])|(?<=[a-z])P(?:IN|in)(?![a-z])"
)
#: A CSS selector that targets an ``<input type=password>``.
PASSWORD_CSS = re.compile(r"(?i)type\s*[=~|^$*]?=\s*[\"']?password")


def is_password_field(
    role: str | None = None,
    name: str | None = None,
    element_id: str | None = None,
    automation_id: str | None = None,
    label: str | None = None,
    css: str | None = None,
) -> bool:
    """Whether a target looks like a password field (its typed value is a secret).

    >>> is_password_field(name="Passwort"), is_password_field(element_id="txtPin")
    (True, True)
    >>> is_password_field(css="input[type='password']")
    True
    >>> is_password_field(label="Shipping address")
    False
    """
    words = (role, name, element_id, automation_id, label)
    if any(isinstance(w, str) and PASSWORD_FIELD.search(w) for w in words):
        return True
    return isinstance(css, str) and PASSWORD_CSS.search(css) is not None
