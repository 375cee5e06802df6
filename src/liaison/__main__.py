"""`python -m liaison …` runs the command line (the same as the `liaison` script)."""

from liaison.cli import app

app(prog_name="liaison")
