"""User-facing errors, each with the exit code the command line returns for it."""

from __future__ import annotations


class DeskmineError(Exception):
    """A refusal the user can act on (a failed CI rule, a bad option)."""

    exit_code = 1


class ConfigError(DeskmineError):
    """A configuration file or option that cannot be used."""

    exit_code = 2


class InputError(DeskmineError):
    """Bad input, located to the file, line and field: ``path:line: field: reason``."""

    exit_code = 2

    def __init__(self, path: str, line: int, field: str, reason: str) -> None:
        self.path, self.line, self.field, self.reason = str(path), line, field, reason
        super().__init__(f"{path}:{line}: {field}: {reason}")


class InvalidEventsError(DeskmineError):
    """Several input errors found while reading; the message lists each on one line."""

    exit_code = 2

    def __init__(self, errors: list[InputError], n_valid: int = 0) -> None:
        self.errors = list(errors)
        self.n_valid = n_valid
        super().__init__("\n".join(str(e) for e in self.errors))
