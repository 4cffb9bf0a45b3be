"""deskmine data contracts: the event table, routines, candidates and bot plans.

``models`` imports nothing else of deskmine; ``discover`` and ``exporters`` import it.
"""

from models.events import (
    ACTIONS,
    CATEGORY_COLUMNS,
    EVENT_COLUMNS,
    RULE_BASED_ACTIONS,
    TARGET_FIELDS,
    TEXT_COLUMNS,
    TRUTH_COLUMNS,
    VALUE_ACTIONS,
    conform_event_table,
    empty_event_table,
    sort_events,
)
from models.routines import Candidate, Factor, Instance, Routine, Score, Step, Variant
from models.schemas import load_schema

__all__ = [
    "ACTIONS",
    "CATEGORY_COLUMNS",
    "EVENT_COLUMNS",
    "RULE_BASED_ACTIONS",
    "TARGET_FIELDS",
    "TEXT_COLUMNS",
    "TRUTH_COLUMNS",
    "VALUE_ACTIONS",
    "Candidate",
    "Factor",
    "Instance",
    "Routine",
    "Score",
    "Step",
    "Variant",
    "conform_event_table",
    "empty_event_table",
    "load_schema",
    "sort_events",
]
