"""Privacy applied right after reading, before anything else sees the events.

Typed and copied text never travels past this point unless the user opts in with
``keep_values``: values are hashed with a per-project key, then masked (analysis) or
removed (``deskmine redact``). Events of denied apps are dropped and counted; rules
and detectors replace personal data in window titles, URLs and labels with typed
placeholders (``<email>``, ``<iban>``); user names become stable pseudonyms. Every
change is counted in a :class:`RedactionReport`.
"""

from discover.privacy._policy import (
    DEFAULT_DENY_APPS,
    POLICY_FIELDS,
    URL_QUERY_MODES,
    PrivacyPolicy,
    RedactionRule,
)
from discover.privacy._protect import (
    DETECTED_COLUMNS,
    VALUE_MODES,
    apply_privacy,
    protect_events,
)
from discover.privacy._report import (
    STEPS,
    RedactedFile,
    RedactionCount,
    RedactionReport,
)
from discover.privacy._secret import (
    DEFAULT_SECRET,
    SECRET_ENV,
    hash_value,
    mask_value,
    pseudonymise_user,
    resolve_secret,
)
from discover.privacy._text import echo_rewriter, names_rewriter, user_name_rewriter

__all__ = [
    "DEFAULT_DENY_APPS",
    "DEFAULT_SECRET",
    "DETECTED_COLUMNS",
    "POLICY_FIELDS",
    "SECRET_ENV",
    "STEPS",
    "URL_QUERY_MODES",
    "VALUE_MODES",
    "PrivacyPolicy",
    "RedactedFile",
    "RedactionCount",
    "RedactionReport",
    "RedactionRule",
    "apply_privacy",
    "echo_rewriter",
    "hash_value",
    "mask_value",
    "names_rewriter",
    "protect_events",
    "pseudonymise_user",
    "resolve_secret",
    "user_name_rewriter",
]
