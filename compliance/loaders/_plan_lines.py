"""Line lookups in a Terraform plan's JSON text, for the plan loader and relocation.

A plan on one line (as `terraform show -json` writes it) has every field on line 1;
a plan of many lines is walked as JSON, every planned resource indexed in one pass.
"""

from __future__ import annotations

from .._json_lines import _JsonLines
from ..locate import Locator
from ..model import Path
from . import Span


class _OneLine:
    """The Locator of a one-line plan: every field is on line 1."""

    def span(self, document: int, path: Path, *, hint: Span | None = None) -> Span | None:
        return (1, 1)


class _PlanLines:
    """The Locator of a plan of many lines (the same span() contract, the same lines).

    Plain JSON is walked as JSON, with every planned resource indexed in one pass at the
    first lookup; other text (tabs, CRLF, ...) is composed as YAML by Locator.
    """

    def __init__(self, text: str, *, parsed: bool):
        self._text = text
        self._parsed = parsed  # the loader has json.loads()-ed this text: not validated again
        self._lines: _JsonLines | Locator | None = None

    def span(self, document: int, path: Path, *, hint: Span | None = None) -> Span | None:
        lines = self._lines
        if lines is None:
            lines = _JsonLines.of(self._text, parsed=self._parsed)
            if lines is None:
                lines = Locator(self._text)
            else:
                lines.descend(_PLANNED)
            self._lines = lines
        if isinstance(lines, _JsonLines):
            return lines.span(path) if document == 0 else None
        return lines.span(document, path, hint=hint)


# What plan_lines() indexes at once: planned_values' modules, down to each resource's end.
_MODULE: dict = {"resources": {"*": None}}
_MODULE["child_modules"] = {"*": _MODULE}
_PLANNED = {"planned_values": {"root_module": _MODULE}}


def plan_lines(text: str, *, parsed: bool = False) -> Locator:
    """Line lookups for a plan's text.

    `terraform show -json` writes one line; composing that as YAML to learn that
    every field is on line 1 costs about 1.5 ms per resource (over a minute for
    50,000 resources), so a one-line plan skips it.

    Args:
        text: the plan JSON.
        parsed: the caller has json.loads()-ed exactly this text without error.
    """
    if "\n" not in text.strip():
        return _OneLine()  # type: ignore[return-value]  # same span() contract
    return _PlanLines(text, parsed=parsed)  # type: ignore[return-value]  # same span() contract
