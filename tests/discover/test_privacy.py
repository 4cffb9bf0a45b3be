"""Privacy by default: no seeded secret survives; opt-ins bring back what is asked."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discover.errors import ConfigError
from discover.privacy import (
    DEFAULT_SECRET,
    PrivacyPolicy,
    RedactionRule,
    apply_privacy,
    echo_rewriter,
    hash_value,
    protect_events,
    pseudonymise_user,
    resolve_secret,
)
from discover.readers import read_events
from models.events import EVENT_COLUMNS, TEXT_COLUMNS, conform_event_table

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

DATA = Path(__file__).resolve().parents[1] / "data" / "privacy"
SECRET = b"test-secret"


@pytest.fixture(scope="module")
def seeded() -> pd.DataFrame:
    return read_events([DATA / "seeded.jsonl"]).events


@pytest.fixture(scope="module")
def policy() -> PrivacyPolicy:
    path = DATA / "policy.toml"
    return PrivacyPolicy.from_dict(
        tomllib.loads(path.read_text(encoding="utf-8"))["privacy"], str(path)
    )


@pytest.fixture(scope="module")
def secrets() -> list[str]:
    return json.loads((DATA / "secrets.json").read_text(encoding="utf-8"))["secrets"]


def table(**columns: list) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {
        "event_id": [f"t.jsonl:{i + 1}" for i in range(n)],
        "ts": [f"2026-03-02T09:00:{i:02d}Z" for i in range(n)],
        "user": ["u1"] * n,
        "app": ["Chrome"] * n,
        "action": ["type"] * n,
        "line": list(range(1, n + 1)),
    }
    base.update(columns)
    return conform_event_table(pd.DataFrame(base))


def every_text(events: pd.DataFrame) -> list[str]:
    return [
        str(v) for column in events.columns for v in events[column] if v is not None
    ]


def test_seeded_secrets_appear_in_no_column_after_protection(seeded, policy, secrets):
    raw = "\n".join(every_text(seeded))
    assert [s for s in secrets if s not in raw] == []  # the seed holds every secret
    protected, _ = apply_privacy(seeded, policy, secret=SECRET)
    cells = every_text(protected)
    assert [s for s in secrets if any(s in cell for cell in cells)] == []


def test_seeded_recording_is_redacted_as_the_policy_says(seeded, policy):
    protected, _ = apply_privacy(seeded, policy, secret=SECRET)
    anna = pseudonymise_user("anna.schmidt", SECRET)
    assert protected["window"].tolist() == [
        "Inbox - <email> - Outlook",
        "Search: <term> - CRM - Google Chrome",
        "Customer <customer> - CRM - Google Chrome",
        f"C:\\Users\\{anna}\\Documents\\cards.xlsx - Excel",
        "Customer <customer> - CRM - Google Chrome",
        "Sign in - Intranet - Google Chrome",
        "Confirm transfer",
        "Call <phone> - Microsoft Teams",
        "Transfer to <iban> - Bank",
        "payroll.xlsx - Excel",
        "Steuer-ID <tax_id> - ELSTER - Mozilla Firefox",
        "Order 4111 1111 1111 1112 - ERP",  # fails Luhn: not a card, kept
        "invoices.xlsx - Excel",
        "New invoice - ERP - Google Chrome",
    ]
    assert protected["url"].dropna().tolist() == [
        "https://crm.example.test/search?q=<v>&customer=<v>#top",
        "https://crm.example.test/customers/4711/edit",
        "https://<userinfo>@intranet.example/login",
        "https://erp.example.test/invoices/new",
    ]
    assert protected["target_label"].dropna().tolist() == ["Send receipt to <email>"]
    assert "KeePass" not in protected["app"].cat.categories


def test_report_counts_every_change_per_rule_and_field(seeded, policy):
    _, report = apply_privacy(seeded, policy, secret=SECRET)
    assert [c.label for c in report.counts] == [
        "events dropped by deny_apps 'KeePass*': 1",
        "password field value removed: 2",
        "rules[0] (Customer <customer>) in window: 2",
        "rules[1] (<term>) in window: 1",
        "rules[2] (INV-<number>) in target_name: 1",
        "typed or copied values in url: 1",  # the password, before credentials
        "credentials in url: 1",
        "query values masked in url: 2",
        "de_tax_id in window: 1",
        "email in target_label: 1",
        "email in window: 1",
        "iban in window: 1",
        "phone in window: 1",
        "uk_nino in target_name: 1",
        "user names pseudonymised (distinct users): 2",
        "user name in session: 14",
        "user name in window: 1",
        "values hashed: 6",
        "values masked: 6",
    ]
    assert (report.n_events_in, report.n_events_out, report.n_events_dropped) == (
        15,
        14,
        1,
    )
    assert report.secret_configured is True
    assert report.count("detector") == 6


def test_report_markdown_and_dict_hold_no_secret_and_no_rule_pattern(
    seeded, policy, secrets
):
    _, report = apply_privacy(seeded, policy, secret=SECRET)
    markdown = report.to_markdown()
    as_json = json.dumps(report.to_dict(), ensure_ascii=False)
    for text in (markdown, as_json):
        assert [s for s in secrets if s in text] == []
        assert "[A-Z][a-z]+" not in text  # patterns may name the people they hide
    assert "| detector | email | window | 1 |" in markdown
    assert "| drop_events | deny_apps 'KeePass*' | events | 1 |" in markdown
    assert report.to_dict()["counts"][0] == {
        "step": "drop_events",
        "rule": "deny_apps 'KeePass*'",
        "field": "events",
        "count": 1,
        "label": "events dropped by deny_apps 'KeePass*': 1",
    }
    again = apply_privacy(seeded, policy, secret=SECRET)[1]
    assert again.to_markdown() == markdown


def test_report_says_when_the_builtin_secret_is_used(seeded):
    _, report = apply_privacy(seeded, secret=DEFAULT_SECRET)
    assert report.secret_configured is False
    assert "built-in default: set DESKMINE_SECRET" in report.to_markdown()


def test_opt_in_without_detectors_brings_the_seeded_values_back(seeded):
    opened = PrivacyPolicy(
        keep_values=True,
        detectors=(),
        pseudonymise_users=False,
        deny_apps=(),
        url_query="keep",
    )
    protected, report = apply_privacy(seeded, opened, secret=SECRET)
    for column in (*TEXT_COLUMNS, "user", "session"):
        assert (
            protected[column].astype(object).tolist()
            == seeded[column].astype(object).tolist()
        ), column
    assert "Sommer2026!" in protected["value"].tolist()  # no password check either
    assert report.count("value", "kept in clear") == 9


def test_keep_values_with_detectors_hashes_the_clear_text_first(seeded):
    protected, _ = apply_privacy(seeded, PrivacyPolicy(keep_values=True), secret=SECRET)
    iban = protected.loc[protected["target_id"] == "iban"].iloc[0]
    assert iban["value"] == "<iban>"
    assert iban["value_hash"] == hash_value("DE89 3704 0044 0532 0130 00", SECRET)
    assert protected["value"].isin(["Sommer2026!", "829164"]).sum() == 0


def test_protect_events_keeps_its_original_signature_and_masks_values(seeded):
    protected = protect_events(seeded, keep_values=False, secret=SECRET)
    values = protected["value"].dropna().tolist()
    assert values == [
        "•" * len(v)
        for v in [
            "DE89 3704 0044 0532 0130 00",
            "4111 1111 1111 1111",
            "4111 1111 1111 1111",
            "078-05-1120",
            "INV-2026-0042",
            "INV-2026-0042",
        ]
    ]
    kept = protect_events(seeded, keep_values=True, secret=SECRET)
    assert "INV-2026-0042" in kept["value"].tolist()
    assert list(protected.columns) == list(EVENT_COLUMNS)


def test_copy_and_paste_of_one_value_share_one_keyed_hash(seeded):
    protected, _ = apply_privacy(seeded, secret=SECRET)
    hashes = protected.loc[protected["action"].isin(["copy", "paste"]), "value_hash"]
    assert hashes.tolist() == [
        hash_value("4111 1111 1111 1111", SECRET),
        hash_value("4111 1111 1111 1111", SECRET),
        hash_value("INV-2026-0042", SECRET),
        hash_value("INV-2026-0042", SECRET),
    ]


def test_keyed_hash_is_stable_under_one_secret_and_differs_under_another():
    assert hash_value("DE89", b"a") == hash_value("DE89", b"a")
    assert hash_value("DE89", b"a") != hash_value("DE89", b"b")
    assert hash_value("DE89", b"a") != hash_value("DE88", b"a")
    assert len(hash_value("x", b"a")) == 18 and hash_value("x", b"a")[:2] == "h:"


def test_user_pseudonyms_are_stable_per_secret_and_differ_between_users():
    events = table(user=["anna", "bo", "anna"], window=["a", "b", "c"])
    first = protect_events(events, secret=b"one")["user"].astype(str).tolist()
    again = protect_events(events, secret=b"one")["user"].astype(str).tolist()
    other = protect_events(events, secret=b"two")["user"].astype(str).tolist()
    assert (
        first
        == again
        == [
            pseudonymise_user("anna", b"one"),
            pseudonymise_user("bo", b"one"),
            pseudonymise_user("anna", b"one"),
        ]
    )
    assert first[0] != first[1] and other[0] != first[0]
    assert first[0].startswith("user-") and len(first[0]) == 15


def test_user_names_are_kept_when_pseudonymisation_is_off():
    events = table(user=["anna"], window=["Home of anna"])
    protected = protect_events(
        events, secret=SECRET, policy=PrivacyPolicy(pseudonymise_users=False)
    )
    assert protected.loc[0, ["user", "window"]].tolist() == ["anna", "Home of anna"]


def test_password_fields_lose_value_and_recorder_hash():
    events = table(
        target_name=["Password", "Search"],
        value=["hunter2", "shoes"],
        value_hash=["sha256:abc", None],
    )
    protected, report = apply_privacy(events, secret=SECRET)
    assert protected["value"].tolist() == [None, "•••••"]
    assert protected["value_hash"].tolist() == [None, hash_value("shoes", SECRET)]
    assert report.count("password", field="value") == 1
    assert report.count("password", field="value_hash") == 1


def test_allow_and_deny_lists_drop_events_and_count_them():
    events = table(
        app=["Chrome", "Chrome", "KeePassXC", "Excel", "Chrome"],
        url=[
            "https://erp.example.test/a",
            "https://bank.example/login",
            None,
            None,
            None,
        ],
        window=["ERP", "Bank", "Vault", "Book1 - Excel", "InPrivate - Chrome"],
    )
    policy = PrivacyPolicy(
        allow_apps=("chrome", "keepass*"),
        deny_urls=("*://bank.example/*",),
        deny_windows=("InPrivate*",),
    )
    protected, report = apply_privacy(events, policy, secret=SECRET)
    assert protected["window"].tolist() == ["ERP"]
    assert [c.label for c in report.counts if c.step == "drop_events"] == [
        "events dropped by allow_apps (not listed): 1",
        "events dropped by deny_apps 'KeePass*': 1",
        "events dropped by deny_urls '*://bank.example/*': 1",
        "events dropped by deny_windows 'InPrivate*': 1",
    ]
    assert report.n_events_dropped == 4


def test_url_query_values_can_be_masked_dropped_or_kept():
    url = "https://shop.example/search?q=red+shoes&page=2#frag"
    events = table(url=[url])
    got = {
        mode: protect_events(
            events, secret=SECRET, policy=PrivacyPolicy(url_query=mode)
        ).loc[0, "url"]
        for mode in ("mask", "drop", "keep")
    }
    assert got == {
        "mask": "https://shop.example/search?q=<v>&page=<v>#frag",
        "drop": "https://shop.example/search",
        "keep": url,
    }


def test_drop_and_hash_fields_replace_whole_columns():
    events = table(
        window=["Book1 - Excel", "Book1 - Excel"],
        target_xpath=["//input[1]", None],
        value=["x", "y"],
    )
    policy = PrivacyPolicy(drop_fields=("target_xpath",), hash_fields=("window",))
    protected, report = apply_privacy(events, policy, secret=SECRET)
    assert protected["target_xpath"].tolist() == [None, None]
    assert protected["window"].tolist() == [hash_value("Book1 - Excel", SECRET)] * 2
    assert report.count("drop_field", field="target_xpath") == 1
    assert report.count("hash_field", field="window") == 2


def test_rules_for_target_apply_to_every_target_column():
    events = table(target_name=["Kunde Meier"], target_label=["Kunde Meier"])
    policy = PrivacyPolicy(
        rules=(RedactionRule("target", r"Kunde \w+", "Kunde <name>"),)
    )
    protected, report = apply_privacy(events, policy, secret=SECRET)
    assert protected.loc[0, ["target_name", "target_label"]].tolist() == [
        "Kunde <name>",
        "Kunde <name>",
    ]
    assert report.count("rule") == 2


def test_typed_values_are_hidden_where_they_reappear_in_other_text():
    events = table(
        action=["type", "click", "key", "click"],
        value=["R-2026-62315", None, "Enter", None],
        target_name=[
            "Invoice",
            "Rechnung R-2026-62315 - Kestrel",
            "Search",
            "Enter R-2026-623150",
        ],
    )
    protected, report = apply_privacy(events, secret=SECRET)
    assert protected["target_name"].tolist() == [
        "Invoice",
        "Rechnung <value> - Kestrel",
        "Search",
        "Enter R-2026-623150",  # key names are not values; no match inside a number
    ]
    assert report.count("echo", field="target_name") == 1
    off = PrivacyPolicy(hide_value_echoes=False)
    for kept in (
        protect_events(events, secret=SECRET, policy=off),
        protect_events(events, secret=SECRET, keep_values=True),
    ):
        assert kept.loc[1, "target_name"] == "Rechnung R-2026-62315 - Kestrel"


WORDS = st.text(alphabet="ab1-", min_size=1, max_size=6)


@settings(deadline=None)  # no wall-clock limit in unit tests
@given(
    words=st.lists(WORDS, min_size=1, max_size=8), text=st.text("ab1- x", max_size=40)
)
def test_echo_rewriter_equals_a_longest_first_alternation(words, text):
    wanted = sorted({w.strip() for w in words if 4 <= len(w.strip()) <= 200})
    if wanted:
        body = "|".join(re.escape(w) for w in sorted(wanted, key=len, reverse=True))
        pattern = re.compile(f"(?<![A-Za-z0-9])(?:{body})(?![A-Za-z0-9])")
        expected = pattern.subn("<value>", text)
    else:
        expected = (text, 0)
    assert echo_rewriter(words)(text) == expected


def test_names_file_replaces_listed_names_in_every_text_column(seeded, tmp_path):
    config = tmp_path / "deskmine.toml"
    config.write_text('[privacy]\nnames_file = "names.txt"\n', encoding="utf-8")
    shutil.copy(DATA / "names.txt", tmp_path / "names.txt")
    data = tomllib.loads(config.read_text(encoding="utf-8"))["privacy"]
    policy = PrivacyPolicy.from_dict(data, str(config))
    assert policy.names_file == str(tmp_path / "names.txt")  # next to the config
    assert policy.names() == ("Jonas Weber", "Kestrel Druck")
    protected, report = apply_privacy(seeded, policy, secret=SECRET)
    assert protected["window"].tolist()[1:3] == [
        "Search: <name> - CRM - Google Chrome",
        "Customer <name> - CRM - Google Chrome",
    ]
    assert protected["url"].tolist()[1] == (  # "Kestrel+Druck": query value
        "https://crm.example.test/search?q=<v>&customer=<v>#top"
    )
    assert [c.label for c in report.counts if c.step == "names"] == [
        "listed names in window: 3"
    ]


def test_names_file_that_cannot_be_read_is_a_config_error(seeded, tmp_path):
    missing = tmp_path / "names.txt"
    policy = PrivacyPolicy(names_file=str(missing))
    with pytest.raises(ConfigError) as caught:
        apply_privacy(seeded, policy, secret=SECRET)
    assert str(caught.value) == (
        f"{missing}: privacy.names_file: cannot read the names: "
        "No such file or directory"
    )


def test_policy_from_toml_reads_every_key(policy):
    assert policy.deny_apps == ("KeePass*",)
    assert policy.rules[0] == RedactionRule(
        "window", "Customer [A-Z][a-z]+ [A-Z][a-z]+", "Customer <customer>"
    )
    assert PrivacyPolicy.from_dict(policy.to_dict(), "round-trip") == policy


def test_policy_from_dict_applies_over_a_base():
    base = PrivacyPolicy(deny_apps=("Signal*",))
    merged = PrivacyPolicy.from_dict({"keep_values": True}, "options", base=base)
    assert (merged.keep_values, merged.deny_apps) == (True, ("Signal*",))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"keep_value": True},
            "p.toml: privacy.keep_value: unknown key; did you mean 'keep_values'?",
        ),
        (
            {"zzz": 1},
            "p.toml: privacy.zzz: unknown key; known keys: allow_apps, allow_urls, "
            "deny_apps, deny_urls, deny_windows, detectors, drop_fields, "
            "hash_fields, hide_value_echoes, keep_values, names_file, "
            "pseudonymise_users, rules, secret_env, secret_file, url_query",
        ),
        (
            {"detectors": ["emial"]},
            "p.toml: privacy.detectors: unknown detector 'emial'; did you mean "
            "'email'?",
        ),
        (
            {"drop_fields": ["windows"]},
            "p.toml: privacy.drop_fields: unknown field 'windows'; did you mean "
            "'window'?",
        ),
        (
            {"hash_fields": ["value"]},
            "p.toml: privacy.hash_fields: unknown field 'value'; known: session, "
            "window, target_role, target_name, target_id, target_automation_id, "
            "target_css, target_xpath, target_label, url, workbook, sheet, cell",
        ),
        (
            {"keep_values": "no"},
            "p.toml: privacy.keep_values: must be true or false; got str 'no'",
        ),
        (
            {"deny_apps": "KeePass"},
            "p.toml: privacy.deny_apps: must be a list of strings; got str 'KeePass'",
        ),
        (
            {"url_query": "hide"},
            "p.toml: privacy.url_query: must be one of mask, drop, keep; got 'hide'",
        ),
        (
            {"rules": [{"field": "window", "patern": "x"}]},
            "p.toml: privacy.rules[0].patern: unknown key; did you mean 'pattern'?",
        ),
        (
            {"rules": [{"field": "window"}]},
            "p.toml: privacy.rules[0].pattern: missing; a rule needs pattern",
        ),
        (
            {"rules": [{"field": "title", "pattern": "x"}]},
            "p.toml: privacy.rules[0].field: unknown field 'title'; known: session, "
            "window, target_role, target_name, target_id, target_automation_id, "
            "target_css, target_xpath, target_label, url, value, workbook, sheet, "
            "cell, target",
        ),
        (
            {"rules": [{"field": "window", "pattern": "(unclosed"}]},
            "p.toml: privacy.rules[0].pattern: not a valid regular expression: "
            "missing ), unterminated subpattern at position 0",
        ),
        (
            {"rules": [{"field": "window", "pattern": "x*"}]},
            "p.toml: privacy.rules[0].pattern: matches the empty string, so it "
            "would insert '<redacted>' between every character; got 'x*'",
        ),
        (
            {"rules": [{"field": "window", "pattern": "(a)", "replace": r"\2"}]},
            "p.toml: privacy.rules[0].replace: not a valid replacement: invalid "
            "group reference 2 at position 1",
        ),
        (
            {"secret_env": ""},
            "p.toml: privacy.secret_env: must be a non-empty environment variable "
            "name; got ''",
        ),
    ],
)
def test_policy_errors_name_the_file_key_and_fix(data, message):
    with pytest.raises(ConfigError) as caught:
        PrivacyPolicy.from_dict(data, "p.toml")
    assert str(caught.value) == message


def test_resolve_secret_prefers_env_then_file_then_default(tmp_path, monkeypatch):
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text("  from-file\n", encoding="utf-8")
    monkeypatch.delenv("DM_TEST_SECRET", raising=False)
    assert resolve_secret("DM_TEST_SECRET") == (DEFAULT_SECRET, False)
    assert resolve_secret("DM_TEST_SECRET", secret_file) == (b"from-file", True)
    monkeypatch.setenv("DM_TEST_SECRET", "from-env")
    assert resolve_secret("DM_TEST_SECRET", secret_file) == (b"from-env", True)
    monkeypatch.setenv("DM_TEST_SECRET", str(secret_file))
    assert resolve_secret("DM_TEST_SECRET") == (b"from-file", True)


def test_resolve_secret_rejects_a_missing_or_empty_file(tmp_path, monkeypatch):
    monkeypatch.delenv("DM_TEST_SECRET", raising=False)
    missing = tmp_path / "nope.txt"
    with pytest.raises(ConfigError) as caught:
        resolve_secret("DM_TEST_SECRET", missing)
    assert str(caught.value) == (
        f"{missing}: privacy.secret_file: cannot read the secret file: "
        "No such file or directory"
    )
    empty = tmp_path / "empty.txt"
    empty.write_text("\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"the secret file is empty; write a long"):
        resolve_secret("DM_TEST_SECRET", empty)


def test_apply_privacy_rejects_an_unknown_value_mode(seeded):
    with pytest.raises(ValueError, match=r"^values must be one of mask, remove, keep"):
        apply_privacy(seeded, secret=SECRET, values="hide")


def test_protect_events_on_an_empty_table_returns_an_empty_table():
    protected, report = apply_privacy(table(window=[]), secret=SECRET)
    assert len(protected) == 0 and list(protected.columns) == list(EVENT_COLUMNS)
    assert report.n_events_in == 0


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@st.composite
def tables_with_emails(draw):
    n = draw(st.integers(min_value=1, max_value=4))
    emails = draw(st.lists(st.emails(), min_size=n, max_size=n))
    columns: dict[str, list] = {}
    for column in ("session", *TEXT_COLUMNS):
        cells = []
        for i in range(n):
            kind = draw(st.sampled_from(("none", "text", "email")))
            if kind == "none":
                cells.append(None)
            elif kind == "text":
                cells.append(draw(TEXT))
            else:
                cells.append(draw(TEXT) + emails[i] + draw(TEXT))
        columns[column] = cells
    columns["user"] = [draw(TEXT) or "u" for _ in range(n)]
    columns["app"] = [draw(TEXT) or "a" for _ in range(n)]
    return table(**columns), emails


# No deadline: a wall-clock limit would make the test depend on the machine.
@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=tables_with_emails(), keep_values=st.booleans())
def test_protect_events_never_raises_and_never_outputs_an_email(data, keep_values):
    events, emails = data
    protected = protect_events(events, keep_values=keep_values, secret=SECRET)
    cells = every_text(protected)
    assert [e for e in emails if any(e in cell for cell in cells)] == []
