"""`python -m compliance` runs the CLI (used where the console script is not on PATH)."""

from .cli import run

run()
