"""Settings: defaults in code, TOML files, overrides, and errors that name the key."""

from __future__ import annotations

from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from discover.config import SCORING_VERSION, Settings, load_settings
from discover.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "deskmine.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_settings_without_file_gives_the_documented_defaults():
    settings = load_settings()
    assert settings == Settings()
    assert settings.scoring.idle_cap_s == 60.0
    assert settings.scoring.working_days_per_month == 21.0
    assert settings.scoring.hourly_cost == 40.0
    assert settings.scoring.currency == "EUR"
    assert settings.scoring.rank_by == "value_per_month"
    assert settings.scoring.bot_seconds.click == 0.5
    assert settings.scoring.bot_seconds.type == 0.2
    assert settings.scoring.bot_seconds.per_char == 0.01
    assert settings.scoring.bot_seconds.navigate == 2.0
    assert settings.scoring.bot_seconds.open == 3.0
    assert settings.tokens.granularity == "target"
    assert (settings.mining.min_length, settings.mining.max_length) == (2, 100)
    assert (settings.mining.min_instances, settings.mining.max_gap) == (3, 2)
    assert settings.privacy.keep_values is False
    assert settings.privacy.secret_env == "DESKMINE_SECRET"
    assert SCORING_VERSION == "1.0"


def test_load_settings_reads_every_section_of_a_toml_file(tmp_path):
    path = write(
        tmp_path,
        """
[scoring]
hourly_cost = 55
currency = "USD"
rank_by = "hours_per_month"
timezone = "Europe/Berlin"

[scoring.bot_seconds]
click = 0.8

[scoring.weights]
apps = 0.0

[tokens]
granularity = "app_action"

[mining]
min_instances = 5

[privacy]
keep_values = true
""",
    )
    settings = load_settings(path)
    assert settings.scoring.hourly_cost == 55.0
    assert isinstance(settings.scoring.hourly_cost, float)
    assert settings.scoring.currency == "USD"
    assert settings.scoring.rank_by == "hours_per_month"
    assert settings.scoring.timezone == "Europe/Berlin"
    assert settings.scoring.bot_seconds.click == 0.8
    assert settings.scoring.bot_seconds.paste == 0.3  # untouched keys keep defaults
    assert settings.scoring.weights.apps == 0.0
    assert settings.scoring.weights.rule_based == 0.25
    assert settings.tokens.granularity == "app_action"
    assert settings.mining.min_instances == 5
    assert settings.mining.max_gap == 2
    assert settings.privacy.keep_values is True


def test_overrides_apply_after_the_file_nested_or_dotted(tmp_path):
    path = write(tmp_path, "[scoring]\nhourly_cost = 55\nidle_cap_s = 30\n")
    settings = load_settings(
        path,
        overrides={"scoring.hourly_cost": 70, "scoring": {"bot_seconds": {"open": 5}}},
    )
    assert settings.scoring.hourly_cost == 70.0
    assert settings.scoring.idle_cap_s == 30.0
    assert settings.scoring.bot_seconds.open == 5.0


def test_unknown_key_names_file_and_dotted_key_with_a_suggestion(tmp_path):
    path = write(tmp_path, "[scoring]\nhourly_cots = 50\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert str(info.value) == (
        f"{path}: scoring.hourly_cots: unknown key; did you mean 'hourly_cost'?"
    )
    assert info.value.exit_code == 2


def test_unknown_key_without_a_close_match_lists_the_known_keys(tmp_path):
    path = write(tmp_path, "[mining]\nzzz = 1\n")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert str(info.value) == (
        f"{path}: mining.zzz: unknown key; known keys: "
        "max_gap, max_length, min_instances, min_length"
    )


def test_privacy_table_is_checked_by_the_policy(tmp_path):
    path = write(tmp_path, '[privacy]\ndeny_aps = ["KeePass*"]\n')
    with pytest.raises(ConfigError, match=r"privacy\.deny_aps: unknown key"):
        load_settings(path)


def test_privacy_rules_round_trip_through_toml(tmp_path):
    text = (
        "[[privacy.rules]]\n"
        'field = "window"\npattern = "Customer \\\\d+"\nreplace = "<customer>"\n'
    )
    settings = load_settings(write(tmp_path, text))
    again = load_settings(write(tmp_path, settings.to_toml()))
    assert again == settings
    assert again.privacy.rules[0].replace == "<customer>"


def test_unknown_section_and_nested_key_are_errors(tmp_path):
    with pytest.raises(ConfigError, match=r"deskmine\.toml: cii: unknown key; did"):
        load_settings(write(tmp_path, "[cii]\nmax = 1\n"))
    with pytest.raises(ConfigError, match=r"deskmine\.toml: ci\.max: unknown key"):
        load_settings(write(tmp_path, "[ci]\nmax = 1\n"))
    with pytest.raises(
        ConfigError,
        match=r"^options: scoring\.weights\.rule_base: unknown key; "
        r"did you mean 'rule_based'\?$",
    ):
        load_settings(overrides={"scoring.weights.rule_base": 1})


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[scoring]\nhourly_cost = "40"\n',
            "scoring.hourly_cost: must be a number; got str '40'",
        ),
        (
            "[scoring]\nidle_cap_s = true\n",
            "scoring.idle_cap_s: must be a number; got bool True",
        ),
        (
            "[mining]\nmin_length = 2.5\n",
            "mining.min_length: must be an integer; got float 2.5",
        ),
        (
            '[privacy]\nkeep_values = "no"\n',
            "privacy.keep_values: must be true or false; got str 'no'",
        ),
        (
            "[scoring]\ncurrency = 3\n",
            "scoring.currency: must be a string; got int 3",
        ),
        (
            "scoring = 3\n",
            "scoring: must be a table ([scoring]); got int 3",
        ),
        (
            "[scoring]\nbot_seconds = 1\n",
            "scoring.bot_seconds: must be a table ([scoring.bot_seconds]); got int 1",
        ),
    ],
)
def test_wrong_types_name_the_key_and_what_was_given(tmp_path, text, message):
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert str(info.value) == f"{path}: {message}"


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"scoring.idle_cap_s": 0}, "scoring.idle_cap_s: must be > 0 seconds; got 0.0"),
        (
            {"scoring.rank_by": "money"},
            "scoring.rank_by: must be one of value_per_month, hours_per_month, "
            "instances, automatability; got 'money'",
        ),
        (
            {"scoring.timezone": "Mars/Olympus"},
            "scoring.timezone: must be an IANA time zone such as 'Europe/Berlin'; "
            "got 'Mars/Olympus'",
        ),
        (
            {"scoring.working_days_per_month": 40},
            "scoring.working_days_per_month: must be in (0, 31]; got 40.0",
        ),
        (
            {"scoring.bot_seconds.click": -1},
            "scoring.bot_seconds.click: must be >= 0; got -1.0",
        ),
        (
            {
                "scoring.weights": {
                    "rule_based": 0,
                    "traced_values": 0,
                    "free_text": 0,
                    "variants": 0,
                    "apps": 0,
                    "stable_targets": 0,
                }
            },
            "scoring.weights: must be above 0 for at least one factor; got 0.0",
        ),
        (
            {"tokens.granularity": "word"},
            "tokens.granularity: must be one of action, app_action, target; got 'word'",
        ),
        (
            {"mining.max_length": 1},
            "mining.max_length: must be >= mining.min_length (2); got 1",
        ),
    ],
)
def test_values_out_of_range_are_refused(override, message):
    with pytest.raises(ConfigError) as info:
        load_settings(overrides=override)
    assert str(info.value) == f"options: {message}"


def test_missing_file_and_bad_toml_are_config_errors(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as info:
        load_settings(missing)
    assert str(info.value) == f"{missing}: cannot read settings: no such file"
    with pytest.raises(ConfigError, match=r"deskmine\.toml: not valid TOML: "):
        load_settings(write(tmp_path, "[scoring\n"))


def test_to_toml_round_trips_through_load_settings(tmp_path):
    settings = load_settings(
        overrides={
            "scoring.hourly_cost": 61.5,
            "scoring.currency": 'E"R',
            "mining.max_gap": 0,
        }
    )
    text = settings.to_toml()
    assert tomllib.loads(text) == settings.to_dict()
    assert load_settings(write(tmp_path, text)) == settings


def test_to_dict_nests_like_the_file():
    data = Settings().to_dict()
    assert list(data) == ["scoring", "tokens", "mining", "privacy", "ci"]
    assert data["scoring"]["bot_seconds"]["click"] == 0.5
    assert data["scoring"]["weights"] == {
        "rule_based": 0.25,
        "traced_values": 0.2,
        "free_text": 0.15,
        "variants": 0.15,
        "apps": 0.1,
        "stable_targets": 0.15,
    }
