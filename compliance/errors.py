"""The error hierarchy; only cli.py turns these into exit codes."""


class ComplianceError(Exception):
    """Base of every error the tool reports to the user without a traceback."""

    exit_code = 2


class InputError(ComplianceError):
    """A path, file or option given by the user cannot be used (exit 2)."""


class PolicyError(ComplianceError):
    """A policy file or rule metadata is invalid (exit 2)."""


class EngineError(ComplianceError):
    """A rule engine could not be started or failed as a whole (exit 2)."""
