"""``python -m discover.cli``: the same as the ``deskmine`` command."""

from discover.cli import app

app(prog_name="deskmine")
