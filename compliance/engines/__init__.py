"""Engines: evaluate rules on resources and return violations."""
